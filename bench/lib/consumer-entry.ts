/**
 * A consumer Lambda as a user writes it (examples/payments-app/src/payout/handler.ts): the token
 * provider and the signed fetch built at module scope, one signed SendMe call per invocation.
 */
import { createFaspayTokenProvider, createSignedFaspayFetch } from '../../functions/consumer/index.js';

const sendme = createSignedFaspayFetch(
  createFaspayTokenProvider({ parameterName: '/faspay/sendme/access-token', credentialsSecretId: 'faspay/sendme/credentials' }),
  { baseUrl: 'https://sendme-sandbox.faspay.co.id' },
);

export async function handler(): Promise<number> {
  return (await sendme('GET', '/account/api/balance_inquiry')).status;
}
