import type { Fault } from './faults.js';

/**
 * What Faspay answers, as data: the simulator's HTTP server and the soak run's in-process Faspay
 * both render these, so the two stand-ins can never drift apart in what they answer.
 */

/** SendMe's token answer, as the protocol reference shows it. */
export function successBody(accessToken: string, expiredInSeconds: number | string): Record<string, string> {
  return {
    access_token: accessToken,
    expired_in: String(expiredInSeconds),
    status: '2',
    message: 'Success',
    response_code: '00',
    response_desc: 'success',
  };
}

export function unauthorizedBody(problem: string): Record<string, string> {
  return { status: '9', response_code: '01', response_desc: `Unauthorized: ${problem}`, message: 'Unauthorized' };
}

/** The body SendMe's balance inquiry answers with (made-up figures). */
export const BALANCE_BODY = Object.freeze({
  status: '2',
  response_code: '00',
  response_desc: 'success',
  message: 'Success',
  balance: '100000000.00',
  currency: 'IDR',
});

/** One answer of the token endpoint. */
export interface TokenEndpointAnswer {
  readonly status: number;
  readonly contentType: 'application/json' | 'text/html';
  readonly body: string;
  /**
   * How it is delivered: whole; `half-then-reset` sends half the body and breaks the connection;
   * `after-delay` answers only after the caller has given up (the simulator's slow delay).
   */
  readonly delivery: 'whole' | 'half-then-reset' | 'after-delay';
  /** The token Faspay created while answering (a timed-out or broken answer still created one). */
  readonly issuedToken?: string;
}

const json = (status: number, body: unknown): TokenEndpointAnswer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
  delivery: 'whole',
});

/** The answer to a good token request: a new token from `issue()`. */
export function successAnswer(issue: () => string, lifetimeSeconds: number): TokenEndpointAnswer {
  const token = issue();
  return { ...json(200, successBody(token, lifetimeSeconds)), issuedToken: token };
}

/** The answer a fault gives; `issue()` is called only by the faults in which Faspay creates a token. */
export function faultAnswer(fault: Fault, issue: () => string, lifetimeSeconds: number): TokenEndpointAnswer {
  const withToken = (
    change: (body: Record<string, string>) => Record<string, unknown>,
    delivery: TokenEndpointAnswer['delivery'] = 'whole',
  ) => {
    const token = issue();
    return { ...json(200, change(successBody(token, lifetimeSeconds))), delivery, issuedToken: token };
  };
  switch (fault) {
    case 'http-500':
      return json(500, { status: '3', response_code: '99', response_desc: 'internal error', message: 'Error' });
    case 'html-500':
      return {
        status: 500,
        contentType: 'text/html',
        body: '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>',
        delivery: 'whole',
      };
    case 'http-429':
      return json(429, { message: 'Too Many Requests' });
    case 'unauthorized':
      return json(401, unauthorizedBody('injected'));
    case 'rejected':
      return json(200, { status: '3', response_code: '05', response_desc: 'merchant not active', message: 'Failed' });
    case 'internal-error':
      return json(200, { status: '3', response_code: '99', response_desc: 'internal error', message: 'Failed' });
    case 'malformed-json':
      return { status: 200, contentType: 'application/json', body: '{"access_token":"abc","expired_in":"360', delivery: 'whole' };
    case 'empty-token':
      return json(200, successBody('', lifetimeSeconds));
    case 'expired-in-missing':
      return withToken(({ expired_in: _dropped, ...rest }) => rest);
    case 'expired-in-non-numeric':
      return withToken((body) => ({ ...body, expired_in: 'ten hours' }));
    case 'expired-in-zero':
      return withToken((body) => ({ ...body, expired_in: '0' }));
    case 'expired-in-negative':
      return withToken((body) => ({ ...body, expired_in: '-36000' }));
    case 'expired-in-huge':
      return withToken((body) => ({ ...body, expired_in: String(10 * 365 * 86400) }));
    case 'oversized-body':
      return withToken((body) => ({ ...body, padding: 'x'.repeat(1024 * 1024) }));
    case 'slow':
      return withToken((body) => body, 'after-delay');
    case 'reset-mid-body':
      return withToken((body) => body, 'half-then-reset');
  }
}
