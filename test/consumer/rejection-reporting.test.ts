import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import { REPORT_SEND_POLICY } from '../../functions/adapters/rejection-reports.js';
import {
  createFaspayTokenProvider,
  createSignedFaspayFetch,
  DEFAULT_REPORT_COOLDOWN_SECONDS,
  type FaspayTokenProvider,
  MIN_REREAD_AFTER_UNAUTHORIZED_MS,
  REJECTION_REPORT_BUS_ENV,
  type TokenRejectedReport,
} from '../../functions/consumer/index.js';
import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE } from '../../functions/contracts/rejection-report.js';
import { serializeTokenDocument, type TokenDocument } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';
import { findLeaks } from '../support/output-capture.js';
import { json, type ScriptedAws, startScriptedAws, verifySigV4 } from '../support/scripted-aws.js';
import { fakeClock, PARAMETER, rejectionOf, sendmeAccepting, tokenDocument } from './fixtures.js';

const BALANCE = '/account/api/balance_inquiry';
const BASE_URL = 'https://sendme.example.com';

let clock: ReturnType<typeof fakeClock>;
let memory: ReturnType<typeof createMemoryTokenStore>;
let reads: number;
let credentialReads: number;
let provider: FaspayTokenProvider;
/** Tokens SendMe accepts; the others are answered 401. */
let accepted: Set<string>;

beforeEach(async () => {
  clock = fakeClock();
  memory = createMemoryTokenStore(clock.now);
  reads = 0;
  credentialReads = 0;
  accepted = new Set();
  provider = createFaspayTokenProvider({
    parameterName: PARAMETER,
    tokenSource: {
      read: () => {
        reads++;
        return memory.read();
      },
    },
    credentials: async () => {
      credentialReads++;
      return DEMO_CREDENTIALS;
    },
    clock: clock.now,
  });
  await publish();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** The refresher stores a new token (accepted by SendMe unless told otherwise). */
async function publish(options: { accepted?: boolean } = {}): Promise<TokenDocument> {
  const document = tokenDocument(clock.nowMs());
  await memory.write(serializeTokenDocument(document));
  if (options.accepted !== false) accepted.add(document.accessToken);
  return document;
}

function sendme(onTokenRejected?: (report: TokenRejectedReport) => void | Promise<void>) {
  return createSignedFaspayFetch(provider, {
    baseUrl: BASE_URL,
    fetch: sendmeAccepting(accepted, clock.now),
    ...(onTokenRejected === undefined ? {} : { onTokenRejected }),
  });
}

describe('Function: createFaspayTokenProvider, versions', () => {
  it('returns the parameter version of the document it read, and signs calls with it, at the time of its clock', async () => {
    await publish();
    const token = await provider.getToken();
    const call = await provider.signCall('GET', BALANCE);
    expect(token.parameterVersion).toBe(2);
    expect(call.parameterVersion).toBe(2);
    expect(call.signedAt).toEqual(clock.now());
    expect(Object.keys(call.headers)).toContain('faspay-signature');
  });
});

describe('Function: createSignedFaspayFetch, onTokenRejected', () => {
  it('reports a token refused after the re-read returned the same version, once within the cooldown', async () => {
    // Prepare: the stored token (version 1) is revoked by an outside reissue
    accepted.clear();
    const reports: TokenRejectedReport[] = [];
    const call = sendme((report) => void reports.push(report));

    // Act: many failing calls over the cooldown, less 2 s
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_REPORT_COOLDOWN_SECONDS / 2; i++) {
      statuses.push((await call('GET', BALANCE)).status);
      clock.advance(2000);
    }

    // Assess
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(reports).toEqual([{ parameterVersion: 1 }]);
  });

  it('reports the next version too when that one is refused as well', async () => {
    accepted.clear();
    const reports: number[] = [];
    const call = sendme(({ parameterVersion }) => void reports.push(parameterVersion));
    await call('GET', BALANCE);
    await publish({ accepted: false });
    clock.advance(MIN_REREAD_AFTER_UNAUTHORIZED_MS);

    await call('GET', BALANCE);
    await call('GET', BALANCE);

    expect(reports).toEqual([1, 2]);
  });

  it('reports the new version at once when the refresher stored the same token again (its replacement had failed)', async () => {
    // Prepare: version 1 refused and reported; the refresher's replacement fails and it stores the same token again as version 2
    accepted.clear();
    const reports: number[] = [];
    const call = sendme(({ parameterVersion }) => void reports.push(parameterVersion));
    await call('GET', BALANCE);
    const stored = await memory.read();
    await memory.write(stored!.value);
    clock.advance(MIN_REREAD_AFTER_UNAUTHORIZED_MS);

    // Act: the next call re-reads version 2, the same token, refused again
    await call('GET', BALANCE);

    // Assess
    expect(reports).toEqual([1, 2]);
  });

  it('does not report when the re-read found a new token that SendMe accepts', async () => {
    const onTokenRejected = vi.fn();
    const call = sendme(onTokenRejected);
    await provider.getToken();
    accepted.clear();
    await publish();

    const response = await call('GET', BALANCE);

    expect(response.status).toBe(200);
    expect(onTokenRejected).not.toHaveBeenCalled();
  });

  it('re-reads after Unauthorized at most once per interval: no SSM read and no secret read per failing call', async () => {
    // Prepare: version 1 revoked; the refresher replaces it a little later
    accepted.clear();
    const call = sendme(() => undefined);
    await call('GET', BALANCE);
    expect([reads, credentialReads]).toEqual([2, 2]);

    // Act: 50 failing calls within the interval, then the replacement, then the interval passes
    for (let i = 0; i < 50; i++) await call('GET', BALANCE);
    const readsWhileRefused = [reads, credentialReads];
    await publish();
    clock.advance(MIN_REREAD_AFTER_UNAUTHORIZED_MS);
    const healed = await call('GET', BALANCE);
    const after = await call('GET', BALANCE);

    // Assess
    expect(readsWhileRefused).toEqual([2, 2]);
    expect([healed.status, after.status]).toEqual([200, 200]);
    expect([reads, credentialReads]).toEqual([3, 3]);
  });

  it('shares one re-read among concurrent failing calls and retries them with the new token', async () => {
    await provider.getToken();
    accepted.clear();
    await publish();
    const call = sendme(() => undefined);

    const statuses = (await Promise.all(Array.from({ length: 20 }, () => call('GET', BALANCE)))).map((response) => response.status);

    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(reads).toBe(2);
  });

  it('hands back the answer when the hook throws, and logs only a code and class name', async () => {
    accepted.clear();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const token = (await provider.getToken()).accessToken;
    const call = sendme(() => {
      throw new Error(`boom ${token}`);
    });

    const response = await call('GET', BALANCE);

    expect(response.status).toBe(401);
    expect(warn).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(warn.mock.calls[0]![0])) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'WARN', parameterName: PARAMETER, parameterVersion: 1, errorName: 'Error' });
    expect(findLeaks(String(warn.mock.calls[0]![0]), [token, ...Object.values(DEMO_CREDENTIALS)])).toEqual([]);
  });

  it('does not wait more than REPORT_WAIT_MS for a hook that hangs', async () => {
    accepted.clear();
    const call = sendme(() => new Promise<void>(() => undefined));
    const started = Date.now();
    const response = await call('GET', BALANCE);
    expect(response.status).toBe(401);
    expect(Date.now() - started).toBeLessThan(4000);
  }, 10_000);
});

describe('Function: createSignedFaspayFetch, the default report through EventBridge', () => {
  // The report goes out as the deployed consumer sends it: signed with the default SSM client's
  // configuration, to AWS_ENDPOINT_URL (here an endpoint on loopback that answers from a script).
  let aws: ScriptedAws;
  const putEvents = () => aws.received.filter((request) => request.headers['x-amz-target'] === 'AWSEvents.PutEvents');

  beforeAll(async () => {
    aws = await startScriptedAws();
  });
  afterAll(() => aws.close());

  beforeEach(() => {
    aws.received.length = 0;
    aws.script(json(200, { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }));
    vi.stubEnv('AWS_ENDPOINT_URL', aws.url);
    vi.stubEnv('AWS_REGION', 'ap-southeast-3');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  });

  it(`sends one PutEvents with the contract's source, detail-type and detail when ${REJECTION_REPORT_BUS_ENV} is set`, async () => {
    vi.stubEnv(REJECTION_REPORT_BUS_ENV, 'default');
    accepted.clear();
    const call = sendme();

    await call('GET', BALANCE);
    await call('GET', BALANCE);

    expect(putEvents()).toHaveLength(1);
    expect(JSON.parse(putEvents()[0]!.body)).toEqual({
      Entries: [
        {
          EventBusName: 'default',
          Source: REJECTION_REPORT_SOURCE,
          DetailType: REJECTION_REPORT_DETAIL_TYPE,
          Detail: JSON.stringify({ parameterName: PARAMETER, parameterVersion: 1 }),
        },
      ],
    });
    expect(verifySigV4(putEvents()[0]!, 'testing')).toEqual({ service: 'events', region: 'ap-southeast-3' });
  });

  it('sends nothing without the variable', async () => {
    accepted.clear();
    await sendme()('GET', BALANCE);
    expect(putEvents()).toHaveLength(0);
  });

  it.each([
    [
      'a refused entry',
      () => aws.script(json(200, { FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }] })),
      { awsErrorName: 'AccessDeniedException', attempts: 1 },
    ],
    [
      'a failed call, after its retries',
      () => aws.script(json(400, { __type: 'ThrottlingException', message: 'slow down' })),
      { awsErrorName: 'ThrottlingException', attempts: REPORT_SEND_POLICY.maxAttempts },
    ],
    [
      'an unreadable HTTP 500 by its status, not as a parse error',
      () => aws.script({ status: 500, body: '<!doctype html><title>Internal Server Error</title>' }),
      { awsErrorName: 'UnknownError', httpStatus: 500, attempts: REPORT_SEND_POLICY.maxAttempts },
    ],
  ])('logs %s with its code and still hands back the answer', async (_case, arrange, said) => {
    vi.stubEnv(REJECTION_REPORT_BUS_ENV, 'default');
    // No jitter: the retries' pauses are then nil and the log line comes within REPORT_WAIT_MS.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    arrange();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    accepted.clear();

    const response = await sendme()('GET', BALANCE);

    expect(response.status).toBe(401);
    expect(putEvents()).toHaveLength(said.attempts);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).not.toContain('SyntaxError');
    expect(JSON.parse(String(warn.mock.calls[0]![0]))).toMatchObject({
      errorCode: 'REJECTION_REPORT_FAILED',
      parameterVersion: 1,
      ...said,
    });
  });

  it('refuses a malformed bus name at construction, naming the variable', async () => {
    vi.stubEnv(REJECTION_REPORT_BUS_ENV, 'no spaces allowed');
    const error = await rejectionOf(Promise.resolve().then(() => sendme()));
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `environment variable ${REJECTION_REPORT_BUS_ENV} must be an event bus name or ARN`,
    });
  });
});
