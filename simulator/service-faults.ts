import { faultAnswer, type TokenEndpointAnswer } from './answers.js';
import { FAULTS, type Fault } from './faults.js';
import type { ServiceAnswer } from './payouts.js';

/** Faults that describe a token answer only (its `expired_in` or `access_token`). */
type TokenAnswerFault = `expired-in-${string}` | 'empty-token';

/**
 * The token endpoint's faults that mean something for a service call too. Those that break an
 * answer on the way back (`slow`, `reset-mid-body`, `oversized-body`) come after SendMe processed
 * the call: a transfer whose answer was lost was still booked, as it can be with Faspay.
 */
export type ServiceFault = Exclude<Fault, TokenAnswerFault>;

export const SERVICE_FAULTS: readonly ServiceFault[] = FAULTS.filter(
  (fault): fault is ServiceFault => !fault.startsWith('expired-in-') && fault !== 'empty-token',
);

export function isServiceFault(value: unknown): value is ServiceFault {
  return typeof value === 'string' && (SERVICE_FAULTS as readonly string[]).includes(value);
}

/** The answer a service call gets under `fault`; `process()` runs only for the faults that come after processing. */
export function serviceFaultAnswer(fault: ServiceFault, process: () => ServiceAnswer): TokenEndpointAnswer {
  const processed = (change: (body: Readonly<Record<string, unknown>>) => unknown, delivery: TokenEndpointAnswer['delivery']) => {
    const answer = process();
    return { status: answer.status, contentType: 'application/json', body: JSON.stringify(change(answer.body)), delivery } as const;
  };
  switch (fault) {
    case 'oversized-body':
      return processed((body) => ({ ...body, padding: 'x'.repeat(1024 * 1024) }), 'whole');
    case 'slow':
      return processed((body) => body, 'after-delay');
    case 'reset-mid-body':
      return processed((body) => body, 'half-then-reset');
    default:
      // None of these creates a token: the issuer is never called.
      return faultAnswer(
        fault,
        () => {
          throw new Error(`the ${fault} fault does not issue tokens`);
        },
        0,
      );
  }
}
