import { createFaspayTokenProvider, createSignedFaspayFetch, isCodedError } from 'faspay-sendme-token-refresher';

/**
 * The payout Lambda of this app: one disbursement through SendMe, each call signed with the token
 * the production refresher keeps in SSM. The provider caches the token until its refreshAt, so a
 * warm container reads SSM about once per token. Against the local simulator (`faspay-token
 * simulator`) the whole flow runs with no Faspay account.
 */
const sendme = createSignedFaspayFetch(
  createFaspayTokenProvider({
    parameterName: required('TOKEN_PARAMETER_NAME'),
    credentialsSecretId: required('FASPAY_CREDENTIALS_SECRET_ID'),
  }),
  { baseUrl: required('FASPAY_BASE_URL') },
);

export interface PayoutEvent {
  /** Your SendMe virtual account, the source of the funds. */
  readonly virtualAccount: string;
  readonly beneficiary: { readonly account: string; readonly name: string; readonly bankCode: string };
  /** Whole rupiah, as a string: "250000". */
  readonly amount: string;
  /** Your unique reference: SendMe refuses a second transfer with the same one. */
  readonly trxNo: string;
}

export interface PayoutResult {
  readonly ok: boolean;
  /** The last SendMe call made: where a failed payout stopped. */
  readonly step: 'register' | 'register/confirm' | 'transfer' | 'inquiry_status';
  readonly httpStatus: number;
  readonly responseCode?: string;
  readonly trxId?: string;
  /** SendMe's transfer status ("2" is success). */
  readonly trxStatus?: string;
}

type SendMeBody = Readonly<Record<string, unknown>>;

export async function handler(event: PayoutEvent): Promise<PayoutResult> {
  try {
    const beneficiary = {
      virtual_account: event.virtualAccount,
      beneficiary_account: event.beneficiary.account,
      beneficiary_account_name: event.beneficiary.name,
      beneficiary_bank_code: event.beneficiary.bankCode,
    };
    // A beneficiary is registered, then confirmed; the confirmation names its virtual account.
    const registered = await call('register', 'POST', beneficiary);
    if (!registered.ok) return registered.result;
    let beneficiaryVa = text(registered.body, 'beneficiary_virtual_account');
    if (beneficiaryVa === undefined) {
      const confirmed = await call('register/confirm', 'POST', beneficiary);
      if (!confirmed.ok) return confirmed.result;
      beneficiaryVa = text(confirmed.body, 'beneficiary_virtual_account');
    }
    const transfer = await call('transfer', 'POST', {
      virtual_account: event.virtualAccount,
      beneficiary_virtual_account: beneficiaryVa,
      trx_no: event.trxNo,
      trx_amount: event.amount,
      trx_desc: `payout ${event.trxNo}`,
    });
    if (!transfer.ok) return transfer.result;
    const trxId = text(transfer.body, 'trx_id') ?? event.trxNo;
    const status = await call('inquiry_status', 'GET', undefined, [trxId]);
    return { ...status.result, trxId };
  } catch (error) {
    // The package's errors carry a stable code and a message safe to log (never a token or a credential).
    if (isCodedError(error))
      console.error(JSON.stringify({ message: 'payout failed', errorCode: error.code, errorMessage: error.message }));
    throw error;
  }
}

/** One signed SendMe call; `ok` when SendMe answered `status` "2" and `response_code` "00". */
async function call(step: PayoutResult['step'], method: 'GET' | 'POST', body?: SendMeBody, pathValues?: string[]) {
  const response = await sendme(method, `/account/api/${step}`, {
    ...(body === undefined ? {} : { body }),
    ...(pathValues === undefined ? {} : { pathValues }),
  });
  const answer: unknown = await response.json().catch(() => undefined);
  const fields: SendMeBody = typeof answer === 'object' && answer !== null ? (answer as SendMeBody) : {};
  const responseCode = text(fields, 'response_code');
  const trxStatus = text(fields, 'trx_status');
  const ok = response.ok && text(fields, 'status') === '2' && responseCode === '00';
  const result: PayoutResult = {
    ok,
    step,
    httpStatus: response.status,
    ...(responseCode === undefined ? {} : { responseCode }),
    ...(trxStatus === undefined ? {} : { trxStatus }),
  };
  return { ok, body: fields, result };
}

function text(body: SendMeBody, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: the stack sets it (lib/payments-stack.ts)`);
  return value;
}
