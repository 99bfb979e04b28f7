import { remainingLifetimeSeconds, type TokenDocument, tokenStateOf } from '../functions/token/index.js';
import { TokenHealthError } from './errors.js';
import { formatSpan, isoSeconds } from './format.js';

export type TokenHealth = 'healthy' | 'due' | 'stale' | 'expired' | 'missing' | 'invalid';

export type TokenAssessment =
  | { readonly health: 'missing'; readonly error: TokenHealthError }
  | { readonly health: 'invalid'; readonly error: TokenHealthError }
  | {
      readonly health: 'healthy' | 'due' | 'stale' | 'expired';
      readonly document: TokenDocument;
      readonly remainingSeconds: number;
      /** How long ago refreshAt passed (0 when it has not). */
      readonly overdueSeconds: number;
      readonly error?: TokenHealthError;
    };

/**
 * Judges a stored value the way an on-call engineer would: missing, invalid or expired are broken;
 * past `refreshAt` is normal for up to one schedule period (`due`) and a problem beyond the
 * tolerance (`stale`: the refresher is failing while the token still works).
 */
export function assessToken(value: string | undefined, now: Date, toleranceSeconds: number, parameterName: string): TokenAssessment {
  if (value === undefined) {
    return {
      health: 'missing',
      error: new TokenHealthError('TOKEN_MISSING', `no token is stored in "${parameterName}": the refresher has not succeeded yet`),
    };
  }
  // The refresher's own reading of the value (version is not needed here), so both call the same documents invalid.
  const state = tokenStateOf({ value, version: 0 }, now);
  if (state.kind !== 'valid') {
    const problem = state.kind === 'invalid' ? state.problem : 'unreadable';
    return {
      health: 'invalid',
      error: new TokenHealthError('TOKEN_INVALID', `the value of "${parameterName}" is not a usable token document (${problem})`),
    };
  }
  const { document } = state;
  const remainingSeconds = remainingLifetimeSeconds(document, now);
  const overdueSeconds = Math.max(0, Math.floor((now.getTime() - document.refreshAt.getTime()) / 1000));
  const facts = { document, remainingSeconds, overdueSeconds };
  if (now >= document.expiresAt) {
    const ago = formatSpan((now.getTime() - document.expiresAt.getTime()) / 1000);
    return {
      health: 'expired',
      ...facts,
      error: new TokenHealthError(
        'TOKEN_EXPIRED',
        `the token in "${parameterName}" expired at ${isoSeconds(document.expiresAt)} (${ago} ago): consumers cannot call SendMe`,
      ),
    };
  }
  if (overdueSeconds > toleranceSeconds) {
    return {
      health: 'stale',
      ...facts,
      error: new TokenHealthError(
        'TOKEN_STALE',
        `the token in "${parameterName}" is ${formatSpan(overdueSeconds)} past its refresh time (tolerance ${formatSpan(toleranceSeconds)}) and expires in ` +
          `${formatSpan(remainingSeconds)}: the refresher is not replacing it`,
      ),
    };
  }
  return { health: overdueSeconds > 0 ? 'due' : 'healthy', ...facts };
}

/**
 * A warning about how the parameter is stored, or undefined. The refresher writes a SecureString;
 * a plain String means someone else wrote it (or restored it by hand), and its value is readable by
 * anyone with ssm:GetParameter, without kms:Decrypt.
 */
export function parameterTypeWarning(type: string | undefined, parameterName: string): string | undefined {
  if (type !== 'String') return undefined;
  return `"${parameterName}" is a plain String, not a SecureString: the token is not encrypted at rest; force a refresh (the refresher writes a SecureString) and find who wrote it`;
}
