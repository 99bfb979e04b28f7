/**
 * SendMe's payout services as a stand-in keeps them: beneficiaries registered and confirmed,
 * transfers booked against one balance, and the inquiries that read them back. Pure and in memory;
 * the HTTP server (server.ts) verifies the signature and hands over only calls it accepted.
 *
 * Field names follow what the official SDKs send (`virtual_account`, `beneficiary_*`, `trx_*`).
 * Faspay does not publish its list of failure codes: the codes below are this simulator's own
 * (`status` "3" with a `response_code` other than "00"), answered with HTTP 200 like Faspay's.
 */

/** The SendMe service paths, as the official SDKs sign them. */
export const SERVICE_PATH = {
  register: '/account/api/register',
  registerConfirm: '/account/api/register/confirm',
  transfer: '/account/api/transfer',
  balanceInquiry: '/account/api/balance_inquiry',
  inquiryName: '/account/api/inquiry_name',
  mutasi: '/account/api/mutasi',
  inquiryStatus: '/account/api/inquiry_status',
} as const;

export type ServicePath = (typeof SERVICE_PATH)[keyof typeof SERVICE_PATH];

export const SERVICE_PATHS: readonly ServicePath[] = Object.values(SERVICE_PATH);

const POST_PATHS: ReadonlySet<string> = new Set([SERVICE_PATH.register, SERVICE_PATH.registerConfirm, SERVICE_PATH.transfer]);

/** The method the official SDKs use for a service path. */
export function methodOf(path: ServicePath): 'GET' | 'POST' {
  return POST_PATHS.has(path) ? 'POST' : 'GET';
}

/**
 * The service path a request path belongs to: the path itself, or the path followed by values as
 * segments (`/account/api/inquiry_status/TRX1`), the longest service path first.
 */
export function servicePathOf(pathname: string): { path: ServicePath; values: string[] } | undefined {
  const byLength = [...SERVICE_PATHS].sort((a, b) => b.length - a.length);
  const path = byLength.find((candidate) => pathname === candidate || pathname.startsWith(`${candidate}/`));
  if (path === undefined) return undefined;
  const values = pathname
    .slice(path.length)
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
  return { path, values };
}

/** @default of the starting balance, in rupiah. */
export const DEFAULT_SIMULATED_BALANCE = 100_000_000;

export interface ServiceCall {
  readonly path: ServicePath;
  /** Values sent as path segments after the service path. */
  readonly values: readonly string[];
  readonly query: URLSearchParams;
  /** The parsed JSON body of a POST (undefined for GET). */
  readonly body: unknown;
}

export interface ServiceAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface PayoutBook {
  answer(call: ServiceCall): ServiceAnswer;
  /** The balance left, in rupiah. */
  balance(): number;
  /** Transfers booked so far, oldest first. */
  transfers(): readonly BookedTransfer[];
}

export interface BookedTransfer {
  readonly trxId: string;
  readonly trxNo: string;
  readonly virtualAccount: string;
  readonly beneficiaryVirtualAccount: string;
  readonly amount: number;
  readonly balanceAfter: number;
  readonly at: Date;
}

interface Beneficiary {
  readonly account: string;
  readonly bankCode: string;
  readonly name: string;
  virtualAccount?: string;
}

const success = (fields: Record<string, unknown>): ServiceAnswer => ({
  status: 200,
  body: { status: '2', response_code: '00', response_desc: 'success', message: 'Success', ...fields },
});

const refused = (responseCode: string, desc: string): ServiceAnswer => ({
  status: 200,
  body: { status: '3', response_code: responseCode, response_desc: desc, message: 'Failed' },
});

/** The simulator's own failure codes (see the module comment). */
export const SIMULATED_RESPONSE_CODES = {
  invalidRequest: '12',
  invalidAmount: '13',
  notFound: '14',
  insufficientBalance: '51',
  duplicate: '94',
} as const;

export function createPayoutBook(options: { readonly now: () => Date; readonly initialBalance?: number }): PayoutBook {
  let balance = options.initialBalance ?? DEFAULT_SIMULATED_BALANCE;
  const beneficiaries = new Map<string, Beneficiary>();
  const byVirtualAccount = new Map<string, Beneficiary>();
  const booked: BookedTransfer[] = [];
  const key = (bankCode: string, account: string) => `${bankCode}/${account}`;

  function register(body: Fields): ServiceAnswer {
    const fields = body.require('virtual_account', 'beneficiary_account', 'beneficiary_account_name', 'beneficiary_bank_code');
    if (!Array.isArray(fields)) return fields;
    const [virtualAccount, account, name, bankCode] = fields as [string, string, string, string];
    const beneficiary: Beneficiary = beneficiaries.get(key(bankCode, account)) ?? { account, bankCode, name };
    beneficiaries.set(key(bankCode, account), beneficiary);
    return success({
      virtual_account: virtualAccount,
      beneficiary_account: account,
      beneficiary_account_name: beneficiary.name,
      beneficiary_bank_code: bankCode,
      ...(beneficiary.virtualAccount === undefined ? {} : { beneficiary_virtual_account: beneficiary.virtualAccount }),
    });
  }

  function confirm(body: Fields): ServiceAnswer {
    const fields = body.require('virtual_account', 'beneficiary_account', 'beneficiary_bank_code');
    if (!Array.isArray(fields)) return fields;
    const [virtualAccount, account, bankCode] = fields as [string, string, string];
    const beneficiary = beneficiaries.get(key(bankCode, account));
    if (beneficiary === undefined) return refused(SIMULATED_RESPONSE_CODES.notFound, 'beneficiary is not registered');
    beneficiary.virtualAccount ??= `99${String(88_000_000 + byVirtualAccount.size + 1)}`;
    byVirtualAccount.set(beneficiary.virtualAccount, beneficiary);
    return success({
      virtual_account: virtualAccount,
      beneficiary_account: account,
      beneficiary_account_name: beneficiary.name,
      beneficiary_bank_code: bankCode,
      beneficiary_virtual_account: beneficiary.virtualAccount,
    });
  }

  function transfer(body: Fields): ServiceAnswer {
    const fields = body.require('virtual_account', 'beneficiary_virtual_account', 'trx_no', 'trx_amount');
    if (!Array.isArray(fields)) return fields;
    const [virtualAccount, beneficiaryVirtualAccount, trxNo, trxAmount] = fields as [string, string, string, string];
    if (!/^[1-9]\d{0,12}(\.00)?$/.test(trxAmount))
      return refused(SIMULATED_RESPONSE_CODES.invalidAmount, 'trx_amount must be a positive whole amount');
    if (!byVirtualAccount.has(beneficiaryVirtualAccount))
      return refused(SIMULATED_RESPONSE_CODES.notFound, 'beneficiary_virtual_account is not a confirmed beneficiary');
    if (booked.some((entry) => entry.trxNo === trxNo)) return refused(SIMULATED_RESPONSE_CODES.duplicate, 'trx_no was used before');
    const amount = Number.parseInt(trxAmount, 10);
    if (amount > balance) return refused(SIMULATED_RESPONSE_CODES.insufficientBalance, 'insufficient balance');
    balance -= amount;
    const entry: BookedTransfer = {
      trxId: `SIM${String(booked.length + 1).padStart(9, '0')}`,
      trxNo,
      virtualAccount,
      beneficiaryVirtualAccount,
      amount,
      balanceAfter: balance,
      at: options.now(),
    };
    booked.push(entry);
    return success(transferFields(entry));
  }

  function inquiryStatus(call: ServiceCall): ServiceAnswer {
    const wanted = call.values[0] ?? call.query.get('trx_id') ?? call.query.get('trx_no');
    if (wanted === null || wanted === undefined) return refused(SIMULATED_RESPONSE_CODES.invalidRequest, 'trx_id is required');
    const entry = booked.find((candidate) => candidate.trxId === wanted || candidate.trxNo === wanted);
    return entry === undefined ? refused(SIMULATED_RESPONSE_CODES.notFound, 'transaction not found') : success(transferFields(entry));
  }

  function inquiryName(call: ServiceCall): ServiceAnswer {
    const bankCode = call.values[0] ?? call.query.get('beneficiary_bank_code');
    const account = call.values[1] ?? call.query.get('beneficiary_account');
    if (typeof bankCode !== 'string' || typeof account !== 'string' || !/^\d{3}$/.test(bankCode) || !/^\d{5,20}$/.test(account))
      return refused(SIMULATED_RESPONSE_CODES.notFound, 'account not found');
    const known = beneficiaries.get(key(bankCode, account));
    return success({
      beneficiary_bank_code: bankCode,
      beneficiary_account: account,
      beneficiary_account_name: known?.name ?? `SIMULATED ACCOUNT ${account.slice(-4)}`,
    });
  }

  return {
    answer(call) {
      switch (call.path) {
        case SERVICE_PATH.register:
          return register(fieldsOf(call.body));
        case SERVICE_PATH.registerConfirm:
          return confirm(fieldsOf(call.body));
        case SERVICE_PATH.transfer:
          return transfer(fieldsOf(call.body));
        case SERVICE_PATH.inquiryStatus:
          return inquiryStatus(call);
        case SERVICE_PATH.inquiryName:
          return inquiryName(call);
        case SERVICE_PATH.balanceInquiry:
          return success({ balance: balance.toFixed(2), currency: 'IDR' });
        case SERVICE_PATH.mutasi:
          return success({ mutasi: [...booked].reverse().map(mutationFields) });
      }
    },
    balance: () => balance,
    transfers: () => [...booked],
  };
}

function transferFields(entry: BookedTransfer): Record<string, string> {
  return {
    trx_id: entry.trxId,
    trx_no: entry.trxNo,
    trx_amount: entry.amount.toFixed(2),
    trx_date: entry.at.toISOString(),
    virtual_account: entry.virtualAccount,
    beneficiary_virtual_account: entry.beneficiaryVirtualAccount,
    trx_status: '2',
    trx_status_desc: 'Success',
  };
}

function mutationFields(entry: BookedTransfer): Record<string, string> {
  return {
    trx_id: entry.trxId,
    trx_no: entry.trxNo,
    trx_date: entry.at.toISOString(),
    debit_credit: 'D',
    amount: entry.amount.toFixed(2),
    balance_after: entry.balanceAfter.toFixed(2),
  };
}

interface Fields {
  /** The named string fields, in order, or the refusal that names the first missing one. */
  require(...names: string[]): string[] | ServiceAnswer;
}

function fieldsOf(body: unknown): Fields {
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  return {
    require(...names) {
      if (record === undefined) return refused(SIMULATED_RESPONSE_CODES.invalidRequest, 'the body must be a JSON object');
      const values: string[] = [];
      for (const name of names) {
        const value = record[name];
        if (typeof value !== 'string' || value.trim() === '')
          return refused(SIMULATED_RESPONSE_CODES.invalidRequest, `${name} is required (a non-empty string)`);
        values.push(value);
      }
      return values;
    },
  };
}
