import {
  createFaspayTokenProvider,
  createSignedFaspayFetch,
  type FaspayTokenProvider,
  type SignedFaspayFetch,
  type TokenRejectedReport,
} from '../../functions/consumer/index.js';
import { FaspayError } from '../../functions/faspay/index.js';
import { isoSeconds, line, relative, tokenFacts } from '../format.js';
import type { CliIo } from '../io.js';
import type { Reporter } from './reporter.js';
import type { LocalRig } from './rig.js';

export const SERVICE_CALL_PATH = '/account/api/balance_inquiry';

/** A consumer of the stored token, wired exactly as a consumer Lambda would be (but reading the rig's store). */
export interface LocalConsumer {
  readonly provider: FaspayTokenProvider;
  readonly sendme: SignedFaspayFetch;
}

export function createLocalConsumer(rig: LocalRig, io: CliIo, onTokenRejected?: (report: TokenRejectedReport) => void): LocalConsumer {
  const provider = createFaspayTokenProvider({
    parameterName: rig.parameterName,
    tokenSource: rig.store,
    credentials: rig.credentials,
    clock: io.clock,
    // One process, not a fleet: no spreading of re-reads, so the new token shows right after a refresh.
    maxJitterSeconds: 0,
  });
  const sendme = createSignedFaspayFetch(provider, {
    baseUrl: rig.faspayBaseUrl,
    ...(onTokenRejected === undefined ? {} : { onTokenRejected }),
  });
  return { provider, sendme };
}

/**
 * Reads the token through the provider and makes one signed read-only service call with it.
 * `storedFingerprint` is what the refresher stored, to show that the consumer sees the same token.
 */
export async function checkConsumer(
  consumer: LocalConsumer,
  io: CliIo,
  reporter: Reporter,
  options: { storedFingerprint?: string; realFaspay: boolean },
): Promise<void> {
  const token = await consumer.provider.getToken();
  const facts = tokenFacts(token.accessToken);
  const same = options.storedFingerprint === undefined ? undefined : facts.fingerprint === options.storedFingerprint;
  reporter.step(
    'consumer-read',
    {
      token: facts,
      expiresAt: isoSeconds(token.expiresAt),
      refreshAt: isoSeconds(token.refreshAt),
      ...(same === undefined ? {} : { sameAsStored: same }),
    },
    line(
      'consumer read',
      `token sha256 ${facts.fingerprint}…${same === undefined ? '' : same ? ' (the one just stored)' : ' (an earlier token, still valid)'}, cached until its refresh time (${relative(token.refreshAt, io.clock())})`,
    ),
  );

  const response = await consumer.sendme('GET', SERVICE_CALL_PATH);
  const answer = await faspayAnswer(response);
  const success = response.ok && answer.status === '2' && answer.responseCode === '00';
  const unauthorized = response.status === 401 || answer.status === '9';
  const data = { method: 'GET', path: SERVICE_CALL_PATH, httpStatus: response.status, ...answer, accepted: success };
  const summary = `GET ${SERVICE_CALL_PATH} -> HTTP ${response.status}${answer.responseCode === undefined ? '' : `, response_code ${answer.responseCode}`}${
    answer.responseDesc === undefined ? '' : ` (${answer.responseDesc})`
  }`;
  if (success) {
    reporter.step('service-call', data, line('service call', `${summary}: signature and token accepted`));
    return;
  }
  // Against the real Faspay the call exists to prove the signature: any answer but Unauthorized does.
  if (options.realFaspay && !unauthorized) {
    reporter.step('service-call', data, line('service call', `${summary}: not Unauthorized, so the signed headers were accepted`));
    return;
  }
  throw new FaspayError(
    unauthorized ? 'FASPAY_UNAUTHORIZED' : response.ok ? 'FASPAY_REJECTED' : 'FASPAY_HTTP_ERROR',
    `the signed service call was refused: ${summary}`,
    {
      httpStatus: response.status,
      responseCode: answer.responseCode,
      responseDesc: answer.responseDesc,
    },
  );
}

async function faspayAnswer(response: Response): Promise<FaspayAnswerFields> {
  return faspayAnswerFields(await response.text().catch(() => ''));
}

export interface FaspayAnswerFields {
  readonly status?: string;
  readonly responseCode?: string;
  readonly responseDesc?: string;
}

/** The few documented fields of a SendMe answer's text; the rest (balances, names) is not echoed. */
export function faspayAnswerFields(body: string): FaspayAnswerFields {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const record = value as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string).slice(0, 200) : undefined);
  const status = text('status');
  const responseCode = text('response_code');
  const responseDesc = text('response_desc');
  return {
    ...(status === undefined ? {} : { status }),
    ...(responseCode === undefined ? {} : { responseCode }),
    ...(responseDesc === undefined ? {} : { responseDesc }),
  };
}
