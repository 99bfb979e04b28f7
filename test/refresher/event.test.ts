import { describe, expect, it } from 'vitest';
import { parseRefreshEvent } from '../../functions/refresher/event.js';

describe('parseRefreshEvent', () => {
  it('treats {} and no payload as a refresh-when-due request', () => {
    expect(parseRefreshEvent({})).toEqual({ force: false, trigger: 'manual' });
    expect(parseRefreshEvent(undefined)).toEqual({ force: false, trigger: 'manual' });
  });

  it('reads the force flag', () => {
    expect(parseRefreshEvent({ force: true })).toEqual({ force: true, trigger: 'manual' });
    expect(parseRefreshEvent({ force: false })).toEqual({ force: false, trigger: 'manual' });
  });

  it("reads the stack's schedule payload with its tracing fields", () => {
    expect(parseRefreshEvent({ trigger: 'schedule', scheduledTime: '2026-11-25T00:15:00Z', executionId: 'e-1' })).toEqual({
      force: false,
      trigger: 'schedule',
      scheduledTime: '2026-11-25T00:15:00Z',
      executionId: 'e-1',
    });
  });

  it.each([
    ['a string', 'force', /must be a JSON object/],
    ['force as a string', { force: 'true' }, /"force" must be true or false, got a string of 4 characters/],
    ['force with extra keys', { force: true, reason: 'x' }, /unknown event keys: reason/],
    ['an unknown trigger', { trigger: 'cron' }, /"trigger" must be "schedule"/],
    ['a schedule payload with extra keys', { trigger: 'schedule', force: true }, /only "force" is accepted|unknown event keys/],
    ['an oversized execution id', { trigger: 'schedule', executionId: 'x'.repeat(101) }, /"executionId" must be a short string/],
    ['an SQS-looking event', { Records: [] }, /unrecognised event \(keys: Records\)/],
    ['an EventBridge event of another kind', { 'detail-type': 'Parameter Store Change', source: 'aws.ssm' }, /unrecognised event/],
  ])('rejects %s with a clear EVENT_INVALID error', (_name, event, message) => {
    expect(() => parseRefreshEvent(event)).toThrow(message);
    try {
      parseRefreshEvent(event);
    } catch (error) {
      expect((error as { code: string }).code).toBe('EVENT_INVALID');
    }
  });
});
