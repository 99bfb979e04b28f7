import { createFaspayTokenIssuer } from '../../functions/adapters/faspay-token-issuer.js';
import { staticCredentialsSource } from '../../functions/adapters/secrets.js';
import { MIN_REREAD_AFTER_UNAUTHORIZED_MS, type SignedFaspayFetch, type TokenRejectedReport } from '../../functions/consumer/index.js';
import { FaspayError } from '../../functions/faspay/index.js';
import { line, tokenFacts } from '../format.js';
import type { CliIo } from '../io.js';
import { createLocalConsumer, SERVICE_CALL_PATH } from './consumer-check.js';
import type { LocalRefresher } from './cycle.js';
import type { Reporter } from './reporter.js';
import type { LocalRig } from './rig.js';

/**
 * `npm start -- --demo-rejection`: after the first cycle, someone else requests a token with the
 * same credentials from a simulator that revokes earlier tokens on issue. The stored token is then
 * refused; a consumer reports it once, the refresher replaces it (one token), a second report about
 * the same version costs nothing, and the consumers are served again: the healing of issue 11, on
 * this machine, with the deployed code paths (the report goes straight to the use case instead of
 * through EventBridge).
 */
export async function demonstrateRejection(rig: LocalRig, refresher: LocalRefresher, io: CliIo, reporter: Reporter): Promise<void> {
  const simulator = rig.simulator;
  if (simulator === undefined) throw new Error('the rejection demo needs the simulator started by this run');
  const reports: TokenRejectedReport[] = [];
  // A report is sent inside the service call it follows (after its re-read and retry): it is shown
  // after that call's line, so the story reads refusal, then report.
  const unshown: (() => void)[] = [];
  const consumer = (name: string) => {
    const { provider, sendme } = createLocalConsumer(rig, io, (report) => {
      reports.push(report);
      unshown.push(() =>
        reporter.step(
          'rejection-report',
          { consumer: name, ...report },
          line('report', `${name}: SendMe refused version ${report.parameterVersion} twice; reported it (once)`),
        ),
      );
    });
    return { name, provider, sendme };
  };
  const callAndShowReports = async (...args: Parameters<typeof call>) => {
    await call(...args);
    for (const show of unshown.splice(0)) show();
  };
  // Two containers, both holding the token stored by the first cycle.
  const [first, second] = [consumer('consumer A'), consumer('consumer B')];
  const held = await first.provider.getToken();
  await second.provider.getToken();

  simulator.setRevokeOnIssue(true);
  const otherSystem = createFaspayTokenIssuer({ credentials: staticCredentialsSource(rig.credentials), baseUrl: rig.faspayBaseUrl });
  const outside = await (await otherSystem.open()).request(io.clock(), 5000);
  reporter.step(
    'outside-reissue',
    { revokeOnIssue: true, token: tokenFacts(outside.accessToken), revokedVersion: held.parameterVersion },
    line(
      'outside token',
      `another system got its own token (sha256 ${tokenFacts(outside.accessToken).fingerprint}…) with the same credentials;`,
    ) + line('', `the simulator now revokes earlier tokens on issue, so stored version ${held.parameterVersion} is refused`),
  );

  await callAndShowReports(first.name, first.sendme, reporter, 401);
  const report = reports[0];
  if (report === undefined) throw new Error('the consumer did not report the refused token');
  await callAndShowReports(first.name, first.sendme, reporter, 401);
  reporter.step(
    'report-once',
    { reports: reports.length },
    line('', `${first.name} called again: still refused, no second report (${reports.length} in all)`),
  );

  reporter.step('report-delivered', { ...report }, line('refresher', `rejection report for version ${report.parameterVersion} delivered`));
  const healed = await refresher.runReport(report);
  if (!healed.summary.refreshed) throw new Error(`the refresher did not replace the reported token (${healed.summary.reason})`);
  reporter.step(
    'report-again',
    { ...report },
    line('refresher', `the same report again (another container's): version ${report.parameterVersion} was replaced already`),
  );
  const again = await refresher.runReport(report);
  if (again.summary.refreshed) throw new Error('a second report for the same version refreshed again');

  await callAndShowReports(second.name, second.sendme, reporter, 200, 'it re-read the token after the refusal');
  const waitMs = MIN_REREAD_AFTER_UNAUTHORIZED_MS;
  reporter.step(
    'reread-wait',
    { waitMs },
    line('', `${first.name} re-read moments ago, and re-reads at most every ${waitMs / 1000} s after Unauthorized: waiting`),
  );
  await io.sleep(waitMs);
  await callAndShowReports(first.name, first.sendme, reporter, 200, 'healed');
  reporter.step(
    'healed',
    { tokensSpent: 1, reports: reports.length },
    line('healed', `one report, one new token, every consumer served again`),
  );
}

async function call(name: string, sendme: SignedFaspayFetch, reporter: Reporter, expected: 200 | 401, note?: string): Promise<void> {
  const response = await sendme('GET', SERVICE_CALL_PATH);
  await response.arrayBuffer();
  reporter.step(
    'consumer-call',
    { consumer: name, httpStatus: response.status },
    line('service call', `${name}: GET ${SERVICE_CALL_PATH} -> HTTP ${response.status}${note === undefined ? '' : ` (${note})`}`),
  );
  if (response.status !== expected) {
    throw new FaspayError(
      'FASPAY_UNAUTHORIZED',
      `the rejection demo expected HTTP ${expected} from the service call, got ${response.status}`,
      { httpStatus: response.status },
    );
  }
}
