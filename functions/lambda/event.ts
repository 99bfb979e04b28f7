import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE, type TokenRejectedReport } from '../contracts/rejection-report.js';
import { EventError } from './errors.js';

/** What an invocation asks for, parsed from its payload. */
export interface RefreshRequest {
  readonly force: boolean;
  /** Who asked: the stack's schedule, a legacy EventBridge rule, a person/tool, or a consumer's rejection report. */
  readonly trigger: 'schedule' | 'eventbridge' | 'manual' | 'rejection';
  /** From the schedule's payload, for tracing duplicate deliveries. */
  readonly scheduledTime?: string;
  readonly executionId?: string;
  /** A consumer found the token stored as this version rejected by SendMe. */
  readonly tokenRejected?: TokenRejectedReport;
}

export interface RefreshEventOptions {
  /** The refresher's own token parameter: a rejection report about another one is refused. */
  readonly parameterName?: string;
}

const SCHEDULE_KEYS = new Set(['trigger', 'scheduledTime', 'executionId']);
const EVENTBRIDGE_KEYS = new Set(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
const REPORT_DETAIL_KEYS = new Set(['parameterName', 'parameterVersion']);
/** Unknown keys are named in errors, but only this many, each cut to this length (the event is untrusted). */
const MAX_NAMED_KEYS = 10;
const MAX_KEY_NAME_LENGTH = 40;

/**
 * Accepts exactly: `{}`; `{"force": true|false}`; `{"tokenRejected": {"parameterVersion": N}}`; the
 * stack's schedule payload `{"trigger":"schedule","scheduledTime":"...","executionId":"..."}`; an
 * EventBridge "Scheduled Event"; and the rejection report event of functions/contracts/rejection-report.ts.
 * Anything else is refused, so a typo such as `{"force":"yes"}` never turns into a silent no-op or
 * an unintended refresh. A rejection report never carries a force.
 */
export function parseRefreshEvent(event: unknown, options: RefreshEventOptions = {}): RefreshRequest {
  if (event === null || event === undefined) return { force: false, trigger: 'manual' };
  if (typeof event !== 'object' || Array.isArray(event)) {
    throw new EventError(`the event must be a JSON object such as {} or {"force": true}, got ${describe(event)}`);
  }
  const record = event as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 0) return { force: false, trigger: 'manual' };

  if ('force' in record) {
    refuseUnknownKeys(keys, new Set(['force']), 'only "force" is accepted with it');
    if (typeof record.force !== 'boolean') {
      throw new EventError(`"force" must be true or false, got ${describe(record.force)}`);
    }
    return { force: record.force, trigger: 'manual' };
  }

  if ('tokenRejected' in record) {
    refuseUnknownKeys(keys, new Set(['tokenRejected']), 'only "tokenRejected" is accepted with it');
    const report = objectOf(record.tokenRejected, '"tokenRejected"');
    refuseUnknownKeys(Object.keys(report), new Set(['parameterVersion']), 'in "tokenRejected"');
    return { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: parameterVersionOf(report.parameterVersion) } };
  }

  if ('trigger' in record) {
    refuseUnknownKeys(keys, SCHEDULE_KEYS);
    if (record.trigger !== 'schedule') throw new EventError(`"trigger" must be "schedule", got ${describe(record.trigger)}`);
    return {
      force: false,
      trigger: 'schedule',
      ...optionalString(record, 'scheduledTime'),
      ...optionalString(record, 'executionId'),
    };
  }

  if (record['detail-type'] === 'Scheduled Event' && record.source === 'aws.events') {
    refuseUnknownKeys(keys, EVENTBRIDGE_KEYS);
    return {
      force: false,
      trigger: 'eventbridge',
      ...(typeof record.time === 'string' ? { scheduledTime: record.time.slice(0, 40) } : {}),
    };
  }

  if (record['detail-type'] === REJECTION_REPORT_DETAIL_TYPE && record.source === REJECTION_REPORT_SOURCE) {
    refuseUnknownKeys(keys, EVENTBRIDGE_KEYS);
    const detail = objectOf(record.detail, 'the rejection report\'s "detail"');
    refuseUnknownKeys(Object.keys(detail), REPORT_DETAIL_KEYS, 'in the rejection report\'s "detail"');
    if (typeof detail.parameterName !== 'string') throw new EventError("the rejection report's detail.parameterName must be a string");
    if (options.parameterName !== undefined && detail.parameterName !== options.parameterName) {
      throw new EventError(
        `the rejection report is about another parameter (${describe(detail.parameterName)}), not this refresher's "${options.parameterName}": check the EventBridge rule`,
      );
    }
    return { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: parameterVersionOf(detail.parameterVersion) } };
  }

  throw new EventError(`unrecognised event (keys: ${nameKeys(keys)}): send {} to refresh when due or {"force": true} to refresh now`);
}

function refuseUnknownKeys(keys: readonly string[], allowed: ReadonlySet<string>, note?: string): void {
  const unknown = keys.filter((key) => !allowed.has(key));
  if (unknown.length > 0) throw new EventError(`unknown event keys: ${nameKeys(unknown)}${note === undefined ? '' : ` (${note})`}`);
}

/** At most MAX_NAMED_KEYS names of at most MAX_KEY_NAME_LENGTH characters, and how many were left out. */
function nameKeys(keys: readonly string[]): string {
  const named = keys
    .slice(0, MAX_NAMED_KEYS)
    .map((key) => (key.length > MAX_KEY_NAME_LENGTH ? `${key.slice(0, MAX_KEY_NAME_LENGTH)}…` : key));
  return keys.length > MAX_NAMED_KEYS ? `${named.join(', ')} and ${keys.length - MAX_NAMED_KEYS} more` : named.join(', ');
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EventError(`${what} must be a JSON object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function parameterVersionOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new EventError(`"parameterVersion" must be a positive whole number, got ${describe(value)}`);
  }
  return value;
}

function optionalString(record: Record<string, unknown>, key: 'scheduledTime' | 'executionId'): Partial<RefreshRequest> {
  const value = record[key];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value.length > 100) throw new EventError(`"${key}" must be a short string`);
  return { [key]: value };
}

/** What a value is, for an error message: numbers and booleans as themselves (they cannot carry a secret), strings by length only. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return `a ${typeof value}`;
}
