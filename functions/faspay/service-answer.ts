/** SendMe's read-only balance inquiry: a signed call that changes nothing (the default check of a reported token). */
export const BALANCE_INQUIRY_PATH = '/account/api/balance_inquiry';

/**
 * Whether a SendMe service answer says Unauthorized: HTTP 401, or a JSON body whose `status` is
 * "9" (SendMe answers some refusals with another HTTP status). The consumer's signed fetch and the
 * refresher's check of a reported token read answers by this one rule.
 */
export function isUnauthorizedAnswer(status: number, body: string): boolean {
  return status === 401 || faspayStatusOf(body) === '9';
}

/** The `status` field of a JSON answer, as text, or undefined when the body is not such an object. */
export function faspayStatusOf(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const status = (value as Record<string, unknown>).status;
    return typeof status === 'string' || typeof status === 'number' ? String(status) : undefined;
  } catch {
    return undefined;
  }
}
