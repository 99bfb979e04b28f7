/** Misbehaviours the simulator can be told to show on its token endpoint. */
export const FAULTS = [
  'http-500',
  'html-500',
  'http-429',
  'unauthorized',
  'rejected',
  'internal-error',
  'malformed-json',
  'empty-token',
  'expired-in-missing',
  'expired-in-non-numeric',
  'expired-in-zero',
  'expired-in-negative',
  'expired-in-huge',
  'oversized-body',
  'slow',
  'reset-mid-body',
] as const;

export type Fault = (typeof FAULTS)[number];

export function isFault(value: unknown): value is Fault {
  return typeof value === 'string' && (FAULTS as readonly string[]).includes(value);
}

export const FAULT_HELP: Readonly<Record<Fault, string>> = {
  'http-500': 'HTTP 500 with a JSON error body',
  'html-500': 'HTTP 500 with an HTML "Internal Server Error" page',
  'http-429': 'HTTP 429 Too Many Requests',
  unauthorized: 'status "9" Unauthorized, whatever the signature',
  rejected: 'HTTP 200, status "3", response_code "05"',
  'internal-error': 'HTTP 200, response_code "99" (internal error)',
  'malformed-json': 'HTTP 200 with truncated JSON',
  'empty-token': 'success with an empty access_token',
  'expired-in-missing': 'success without expired_in',
  'expired-in-non-numeric': 'success with expired_in "ten hours"',
  'expired-in-zero': 'success with expired_in "0"',
  'expired-in-negative': 'success with expired_in "-36000"',
  'expired-in-huge': 'success with expired_in of ten years',
  'oversized-body': 'success padded to 1 MiB',
  slow: 'success after the configured slow delay',
  'reset-mid-body': 'half a body, then the connection is destroyed',
};
