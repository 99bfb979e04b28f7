import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOG_FIELD, OUTCOME } from '../functions/contracts/telemetry.js';
import type { RefreshOrder, RefreshSummary } from '../functions/refresher/refresh.js';

/** The dashboard prop of the construct. */
export interface RefresherDashboardOption {
  /**
   * A CloudWatch dashboard of this refresher (named after its construct path, so two refreshers
   * get two dashboards): remaining token lifetime, refreshes, failures by reason, rejection reports
   * and what became of them, lease waits, and the alarms' states. USD 3.00 a month beyond the
   * account's first three dashboards.
   * @default true
   */
  readonly dashboard?: boolean;
}

export interface RefresherDashboardProps {
  readonly tokenRemainingLifetime: cloudwatch.IMetric;
  readonly tokenRefreshed: cloudwatch.IMetric;
  readonly tokenRefreshFailed: cloudwatch.IMetric;
  /** Runs that could not release their lease (others then waited for its deadline). */
  readonly leaseReleaseFailed: cloudwatch.IMetric;
  /** Rejection reports SendMe refuted on the refresher's own check (a misconfigured consumer). */
  readonly rejectionReportRefuted: cloudwatch.IMetric;
  readonly stalenessThresholdSeconds: number;
  readonly logGroup: logs.ILogGroup;
  readonly alarms: cloudwatch.IAlarm[];
}

// The values the queries filter on, checked against the function's own types: a renamed trigger
// or reason breaks the compile, not the dashboard.
const REJECTION_TRIGGER = 'rejection' satisfies RefreshOrder['trigger'];
const LEASE_REASONS = ['joined', 'in-flight'] satisfies RefreshSummary['reason'][];
const REASON_FIELD = LOG_FIELD.reason satisfies keyof RefreshSummary;

/** The Logs Insights queries of the dashboard, over the function's outcome lines (LOG_FIELD). */
export const DASHBOARD_QUERIES = {
  failuresByReason: [
    `filter ${LOG_FIELD.outcome} = "${OUTCOME.failed}"`,
    `stats count(*) as failures by ${LOG_FIELD.errorCode}, ${REASON_FIELD}`,
    'sort failures desc',
  ],
  rejectionReports: [
    `filter ${LOG_FIELD.trigger} = "${REJECTION_TRIGGER}"`,
    `stats count(*) as reports by ${LOG_FIELD.outcome}, ${REASON_FIELD}, ${LOG_FIELD.errorCode}`,
    'sort reports desc',
  ],
  leaseWaits: [
    `filter ${REASON_FIELD} in [${LEASE_REASONS.map((reason) => `"${reason}"`).join(', ')}]`,
    `stats count(*) as runs by ${REASON_FIELD}, ${LOG_FIELD.trigger}`,
    'sort runs desc',
  ],
} as const;

/**
 * One dashboard per refresher. The metrics are the function's (METRIC, EVENT_METRIC); what metrics cannot
 * show by reason (failures, reports, lease contention) comes from its outcome log lines.
 */
export class RefresherDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  /** The console address of the dashboard. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: RefresherDashboardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const dashboardName = Names.uniqueResourceName(this, { maxLength: 255, allowedSpecialCharacters: '-_' });
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName,
      defaultInterval: Duration.days(1),
    });
    const logGroupNames = [props.logGroup.logGroupName];
    const query = (title: string, lines: readonly string[]): cloudwatch.LogQueryWidget =>
      new cloudwatch.LogQueryWidget({ title, logGroupNames, queryLines: [...lines], width: 8, height: 6 });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Remaining token lifetime (seconds, minimum)',
        left: [props.tokenRemainingLifetime],
        leftAnnotations: [{ value: props.stalenessThresholdSeconds, label: 'staleness alarm', color: cloudwatch.Color.RED }],
        leftYAxis: { min: 0 },
        width: 12,
        height: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Refreshes, failed runs, leases left unreleased and refuted reports',
        left: [props.tokenRefreshed, props.tokenRefreshFailed, props.leaseReleaseFailed, props.rejectionReportRefuted],
        leftYAxis: { min: 0 },
        width: 12,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      query('Failures by error code and reason', DASHBOARD_QUERIES.failuresByReason),
      query('Rejection reports and what became of them', DASHBOARD_QUERIES.rejectionReports),
      query('Lease waits (joined another run, or left it in flight)', DASHBOARD_QUERIES.leaseWaits),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 3 }));
    this.url = `https://console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
