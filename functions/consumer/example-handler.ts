import { Logger } from '@aws-lambda-powertools/logger';
import { parseSettings } from '../contracts/settings.js';
import { EXAMPLE_CONSUMER_SERVICE_NAME, POWERTOOLS_ENV } from '../contracts/telemetry.js';
import { BALANCE_INQUIRY_PATH } from '../faspay/index.js';
import { asCodedError, CodedError } from '../shared/coded-error.js';
import { createFaspayTokenProvider, createSignedFaspayFetch, type SignedFaspayFetch } from './index.js';

/**
 * An example consumer Lambda: a read-only SendMe balance inquiry signed with the token the
 * refresher publishes. Deploy it next to the refresher, grant it with `refresher.grantRead(fn)`, and
 * give it the refresher's own base URL, parameter, secret and time-zone variables (read with the
 * refresher's declarations, functions/contracts/settings.ts). It returns a summary of SendMe's answer, never the token or the balance itself.
 */

export { BALANCE_INQUIRY_PATH } from '../faspay/index.js';

export interface BalanceInquirySummary {
  readonly ok: boolean;
  readonly httpStatus: number;
  /** SendMe's `status` ("2" is success). */
  readonly faspayStatus?: string;
  readonly responseCode?: string;
  readonly responseDesc?: string;
  readonly currency?: string;
  /** Whether SendMe sent a balance (the amount stays out of logs and results). */
  readonly balanceReceived: boolean;
}

/** SendMe answered, but not with a balance. Carries SendMe's codes, never its body. */
export class BalanceInquiryError extends CodedError<'SERVICE_CALL_FAILED'> {
  override readonly name = 'BalanceInquiryError';
  readonly code = 'SERVICE_CALL_FAILED' as const;

  constructor(summary: BalanceInquirySummary) {
    super(
      `the balance inquiry failed: HTTP ${summary.httpStatus}, status ${summary.faspayStatus ?? '-'}, response_code ${summary.responseCode ?? '-'}`,
      {
        details: {
          httpStatus: summary.httpStatus,
          faspayStatus: summary.faspayStatus,
          responseCode: summary.responseCode,
          responseDesc: summary.responseDesc,
        },
      },
    );
  }
}

const logger = new Logger({ serviceName: process.env[POWERTOOLS_ENV.serviceName] ?? EXAMPLE_CONSUMER_SERVICE_NAME });

/** Built once per container; a configuration error is kept and reported by every invocation. */
const sendme: SignedFaspayFetch | CodedError = (() => {
  try {
    return createSendme(process.env);
  } catch (error) {
    return asCodedError(error, 'reading the configuration');
  }
})();

export function createSendme(env: Readonly<Record<string, string | undefined>>): SignedFaspayFetch {
  const config = parseSettings(env, ['faspayBaseUrl', 'tokenParameterName', 'credentialsSecretId', 'timeZone']);
  const provider = createFaspayTokenProvider({
    parameterName: config.tokenParameterName,
    credentialsSecretId: config.credentialsSecretId,
    timeZone: config.timeZone,
  });
  return createSignedFaspayFetch(provider, { baseUrl: config.faspayBaseUrl });
}

export async function handler(): Promise<BalanceInquirySummary> {
  if (sendme instanceof CodedError) {
    logger.error('configuration invalid', { errorCode: sendme.code, errorMessage: sendme.message });
    throw sendme;
  }
  try {
    const summary = await summarize(await sendme('GET', BALANCE_INQUIRY_PATH));
    if (!summary.ok) throw new BalanceInquiryError(summary);
    logger.info('balance inquiry answered', { ...summary });
    return summary;
  } catch (error) {
    const coded = asCodedError(error, 'calling the balance inquiry');
    logger.error('balance inquiry failed', { errorCode: coded.code, errorMessage: coded.message, ...coded.details });
    throw coded;
  }
}

async function summarize(response: Response): Promise<BalanceInquirySummary> {
  let body: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(await response.text());
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) body = value as Record<string, unknown>;
  } catch {
    // Not JSON (an HTML error page, say): summarized by its HTTP status alone.
  }
  // Only SendMe's short status fields are kept; the balance amount stays out of results and logs.
  const field = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 200) : undefined);
  const fields = {
    faspayStatus: field('status'),
    responseCode: field('response_code'),
    responseDesc: field('response_desc'),
    currency: field('currency'),
  };
  return {
    ok: response.ok && fields.faspayStatus === '2' && fields.responseCode === '00',
    httpStatus: response.status,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    balanceReceived: body.balance !== undefined,
  };
}
