import { REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { formatSpan, line } from '../format.js';
import type { ProbeAnswer, ServiceCallAttempt, TokenAttempt } from './probe-run.js';

/** How the probe's findings read for a person; --json carries the same facts as data. */

/** The three places the accepted signed path goes, as the operator types them. */
export function deploySetting(signedPath: string) {
  return {
    prop: `signedPath: '${signedPath}'`,
    context: `-c signedPath=${signedPath}`,
    env: `${REFRESHER_SETTINGS.signedPath.env}=${signedPath}`,
    isDefault: signedPath === REFRESHER_SETTINGS.signedPath.default,
  };
}

export function planText(variants: readonly string[]): string {
  return (
    line(
      'plan',
      `up to ${variants.length} token request${variants.length === 1 ? '' : 's'}, one per signed-path variant, in this order; it stops at the first Faspay accepts, so at most one token is issued`,
    ) +
    variants.map((path, index) => line(index === 0 ? 'variants' : '', `${index + 1}. ${path}`)).join('') +
    line(
      'caution',
      'a new token may revoke the one the deployed refresher stored (Faspay does not say): its consumers then report the refusal and the refresher replaces it; or run refresh --force afterwards',
    )
  );
}

export function attemptText(attempt: TokenAttempt, index: number, total: number): string {
  const outcome =
    attempt.verdict === 'accepted'
      ? `accepted: token sha256 ${attempt.token?.fingerprint}…, ${attempt.token?.length} characters, lifetime ${formatSpan(attempt.token?.expiresInSeconds ?? 0)}`
      : attempt.verdict === 'refused'
        ? `refused (${attempt.errorCode})`
        : `failed (${attempt.errorCode}): ${attempt.message}; no other variant is tried`;
  return line(`try ${index + 1}/${total}`, `signed ${attempt.signedPath} -> ${answerText(attempt)}: ${outcome}`);
}

export function serviceCallText(call: ServiceCallAttempt): string {
  return line('service call', `${call.method} ${call.path} -> ${answerText(call)}: ${call.message}`);
}

/** `3 s ahead of Faspay's Date header`, or unknown when no answer carried one. */
export function clockPhrase(offsetSeconds: number | undefined): string {
  if (offsetSeconds === undefined) return "of unknown difference to Faspay's (no answer carried a Date header)";
  const side = offsetSeconds === 0 ? 'in step with' : `${Math.abs(offsetSeconds)} s ${offsetSeconds > 0 ? 'ahead of' : 'behind'}`;
  return `${side} Faspay's Date header (±1 s)`;
}

export function clockText(offsetSeconds: number | undefined): string {
  return line(
    'clock',
    `this machine is ${clockPhrase(offsetSeconds)}; Faspay's allowed skew is not documented, keep clocks synchronized (NTP)`,
  );
}

export function deployText(signedPath: string): string {
  const setting = deploySetting(signedPath);
  return (
    line('accepted', `signed path ${signedPath}${setting.isDefault ? ' (the default: nothing to change)' : ''}`) +
    line('deploy', `construct prop ${setting.prop}`) +
    line('', `or CDK context ${setting.context}`) +
    line('', `or the function's environment ${setting.env}`)
  );
}

/** `HTTP 401, response_code 01 (Unauthorized: ...)`, or what is known when Faspay never answered. */
function answerText(answer: ProbeAnswer): string {
  if (answer.httpStatus === undefined) return 'no answer';
  const code = answer.responseCode === undefined ? '' : `, response_code ${answer.responseCode}`;
  const desc = answer.responseDesc === undefined ? '' : ` (${answer.responseDesc})`;
  return `HTTP ${answer.httpStatus}${code}${desc}`;
}
