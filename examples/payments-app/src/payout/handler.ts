import { createFaspayTokenProvider, createSignedFaspayFetch, isCodedError } from 'faspay-sendme-token-refresher';

/**
 * A payout Lambda of this app: before a disbursement it checks the SendMe balance, signed with the
 * token the production refresher keeps in SSM. The provider caches the token until its refreshAt,
 * so a warm container reads SSM about once per token.
 */
const sendme = createSignedFaspayFetch(
  createFaspayTokenProvider({
    parameterName: required('TOKEN_PARAMETER_NAME'),
    credentialsSecretId: required('FASPAY_CREDENTIALS_SECRET_ID'),
  }),
  { baseUrl: required('FASPAY_BASE_URL') },
);

export interface PayoutCheck {
  readonly ok: boolean;
  readonly httpStatus: number;
  /** Whether SendMe sent a balance; the amount stays out of logs and results. */
  readonly balanceReceived: boolean;
}

export async function handler(): Promise<PayoutCheck> {
  try {
    const response = await sendme('GET', '/account/api/balance_inquiry');
    const body: unknown = await response.json().catch(() => undefined);
    const balanceReceived = typeof body === 'object' && body !== null && 'balance' in body;
    return { ok: response.ok && balanceReceived, httpStatus: response.status, balanceReceived };
  } catch (error) {
    // The package's errors carry a stable code and a message safe to log (never a token or a credential).
    if (isCodedError(error))
      console.error(JSON.stringify({ message: 'balance inquiry failed', errorCode: error.code, errorMessage: error.message }));
    throw error;
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: the stack sets it (lib/payments-stack.ts)`);
  return value;
}
