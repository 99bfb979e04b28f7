import { EventError } from './errors.js';

/** What an invocation asks for, parsed from its payload. */
export interface RefreshRequest {
  readonly force: boolean;
  /** Who asked: the stack's schedule, a legacy EventBridge rule, or a person/tool. */
  readonly trigger: 'schedule' | 'eventbridge' | 'manual';
  /** From the schedule's payload, for tracing duplicate deliveries. */
  readonly scheduledTime?: string;
  readonly executionId?: string;
}

const SCHEDULE_KEYS = new Set(['trigger', 'scheduledTime', 'executionId']);
const EVENTBRIDGE_KEYS = new Set(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);

/**
 * Accepts exactly: `{}`; `{"force": true|false}`; the stack's schedule payload
 * `{"trigger":"schedule","scheduledTime":"...","executionId":"..."}`; and an EventBridge
 * "Scheduled Event". Anything else is refused, so a typo such as `{"force":"yes"}` never turns
 * into a silent no-op or an unintended refresh.
 */
export function parseRefreshEvent(event: unknown): RefreshRequest {
  if (event === null || event === undefined) return { force: false, trigger: 'manual' };
  if (typeof event !== 'object' || Array.isArray(event)) {
    throw new EventError(`the event must be a JSON object such as {} or {"force": true}, got ${describe(event)}`);
  }
  const record = event as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 0) return { force: false, trigger: 'manual' };

  if ('force' in record) {
    const unknown = keys.filter((key) => key !== 'force');
    if (unknown.length > 0) throw new EventError(`unknown event keys: ${unknown.join(', ')} (only "force" is accepted with it)`);
    if (typeof record.force !== 'boolean') {
      throw new EventError(`"force" must be true or false, got ${describe(record.force)}`);
    }
    return { force: record.force, trigger: 'manual' };
  }

  if ('trigger' in record) {
    const unknown = keys.filter((key) => !SCHEDULE_KEYS.has(key));
    if (unknown.length > 0) throw new EventError(`unknown event keys: ${unknown.join(', ')}`);
    if (record.trigger !== 'schedule') throw new EventError(`"trigger" must be "schedule", got ${describe(record.trigger)}`);
    return {
      force: false,
      trigger: 'schedule',
      ...optionalString(record, 'scheduledTime'),
      ...optionalString(record, 'executionId'),
    };
  }

  if (record['detail-type'] === 'Scheduled Event' && record.source === 'aws.events') {
    const unknown = keys.filter((key) => !EVENTBRIDGE_KEYS.has(key));
    if (unknown.length > 0) throw new EventError(`unknown event keys: ${unknown.join(', ')}`);
    return { force: false, trigger: 'eventbridge', ...(typeof record.time === 'string' ? { scheduledTime: record.time.slice(0, 40) } : {}) };
  }

  throw new EventError(
    `unrecognised event (keys: ${keys.slice(0, 10).join(', ')}): send {} to refresh when due or {"force": true} to refresh now`,
  );
}

function optionalString(record: Record<string, unknown>, key: 'scheduledTime' | 'executionId'): Partial<RefreshRequest> {
  const value = record[key];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value.length > 100) throw new EventError(`"${key}" must be a short string`);
  return { [key]: value };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return `a ${typeof value}`;
}
