import { describe, expect, it } from 'vitest';
import { parseRefreshEvent } from '../../functions/lambda/event.js';
import { rejectionReportEvent as reportEvent } from '../support/rejection-events.js';

const PARAMETER = '/faspay/sendme/access-token';

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

  it('reads a rejection report, direct or as the EventBridge event of the report channel, never as a force', () => {
    const expected = { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: 7 } };
    expect(parseRefreshEvent({ tokenRejected: { parameterVersion: 7 } })).toEqual(expected);
    expect(parseRefreshEvent(reportEvent({ parameterName: PARAMETER, parameterVersion: 7 }), { parameterName: PARAMETER })).toEqual(
      expected,
    );
  });

  it('names at most 10 unknown keys, each cut to 40 characters', () => {
    const event = Object.fromEntries(Array.from({ length: 14 }, (_, index) => [`${'k'.repeat(60)}${index}`, 1]));
    try {
      parseRefreshEvent({ force: true, ...event });
      expect.fail('expected EVENT_INVALID');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^unknown event keys: /);
      expect(message.match(/k{40}…/g)).toHaveLength(10);
      expect(message).not.toMatch(/k{41}/);
      expect(message).toContain('and 4 more');
    }
  });

  it.each([
    [
      'a report with a version of 0',
      { tokenRejected: { parameterVersion: 0 } },
      /"parameterVersion" must be a positive whole number, got 0$/,
    ],
    ['a report with a fractional version', { tokenRejected: { parameterVersion: 1.5 } }, /positive whole number, got 1\.5$/],
    ['a report with a string version', { tokenRejected: { parameterVersion: '3' } }, /positive whole number, got a string of 1 characters/],
    [
      'a report with extra keys',
      { tokenRejected: { parameterVersion: 3, force: true } },
      /unknown event keys: force \(in "tokenRejected"\)/,
    ],
    ['a report beside a force', { tokenRejected: { parameterVersion: 3 }, force: true }, /unknown event keys/],
    ['a report that is not an object', { tokenRejected: 3 }, /"tokenRejected" must be a JSON object/],
    [
      'a report event about another parameter',
      reportEvent({ parameterName: '/other', parameterVersion: 3 }),
      /about another parameter .* not this refresher's "\/faspay\/sendme\/access-token"/,
    ],
    [
      'a report event carrying a force',
      reportEvent({ parameterName: PARAMETER, parameterVersion: 3, force: true }),
      /unknown event keys: force/,
    ],
    ['a report event without detail', { ...reportEvent({}), detail: undefined }, /"detail" must be a JSON object/],
  ])('rejects %s with EVENT_INVALID', (_name, event, message) => {
    expect(() => parseRefreshEvent(event, { parameterName: PARAMETER })).toThrow(
      expect.objectContaining({ code: 'EVENT_INVALID', message: expect.stringMatching(message) }),
    );
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
