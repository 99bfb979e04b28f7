import { type Fault, isFault } from './faults.js';
import { isServiceFault, type ServiceFault } from './service-faults.js';

/** A queue of one-shot faults and a sticky one, for one kind of request. */
export interface FaultLine<F extends string> {
  /** The fault for the request now arriving: the next queued one, else the sticky one. */
  take(): F | undefined;
  push(...faults: F[]): void;
  setSticky(fault: F | undefined): void;
  clear(): void;
  snapshot(): { next: F[]; sticky: F | null };
}

function faultLine<F extends string>(): FaultLine<F> {
  const queue: F[] = [];
  let sticky: F | undefined;
  return {
    take: () => queue.shift() ?? sticky,
    push: (...faults) => void queue.push(...faults),
    setSticky: (fault) => {
      sticky = fault;
    },
    clear: () => {
      queue.length = 0;
      sticky = undefined;
    },
    snapshot: () => ({ next: [...queue], sticky: sticky ?? null }),
  };
}

export interface FaultControl {
  readonly tokens: FaultLine<Fault>;
  readonly services: FaultLine<ServiceFault>;
  /**
   * Applies the body of `POST /__simulator/faults`: `{"next": [...], "sticky": name | null}` for
   * token requests, `{"serviceNext": [...], "serviceSticky": name | null}` for service calls.
   */
  apply(text: string): { ok: true } | { ok: false; problem: string };
}

export function createFaultControl(): FaultControl {
  const tokens = faultLine<Fault>();
  const services = faultLine<ServiceFault>();
  return {
    tokens,
    services,
    apply(text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { ok: false, problem: 'body must be JSON' };
      }
      if (typeof value !== 'object' || value === null) return { ok: false, problem: 'body must be an object' };
      const { next, sticky, serviceNext, serviceSticky } = value as Record<string, unknown>;
      const problem =
        listProblem('next', next, isFault) ??
        stickyProblem('sticky', sticky, isFault) ??
        listProblem('serviceNext', serviceNext, isServiceFault) ??
        stickyProblem('serviceSticky', serviceSticky, isServiceFault);
      if (problem !== undefined) return { ok: false, problem };
      if (Array.isArray(next)) tokens.push(...(next as Fault[]));
      if (sticky !== undefined) tokens.setSticky((sticky as Fault | null) ?? undefined);
      if (Array.isArray(serviceNext)) services.push(...(serviceNext as ServiceFault[]));
      if (serviceSticky !== undefined) services.setSticky((serviceSticky as ServiceFault | null) ?? undefined);
      return { ok: true };
    },
  };
}

function listProblem(name: string, value: unknown, isName: (value: unknown) => boolean): string | undefined {
  return value === undefined || (Array.isArray(value) && value.every(isName)) ? undefined : `${name} must be a list of fault names`;
}

function stickyProblem(name: string, value: unknown, isName: (value: unknown) => boolean): string | undefined {
  return value === undefined || value === null || isName(value) ? undefined : `${name} must be a fault name or null`;
}
