import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_METRIC, LOG_FIELD, METRIC, METRICS_NAMESPACE, OUTCOME } from '../../functions/contracts/telemetry.js';
import { FaspayTokenRefresher } from '../../infra/index.js';
import { DASHBOARD_QUERIES } from '../../infra/refresher-dashboard.js';
import { bareStack } from './synth.js';

interface Widget {
  readonly type: string;
  readonly properties: { title?: string; metrics?: unknown[][]; alarms?: unknown[]; query?: string };
}

/** The dashboard body with every token rendered as `${LogicalId}` / `${AWS::Region}`. */
function dashboards(template: Template): Map<string, { name: string; widgets: Widget[] }> {
  const found = new Map<string, { name: string; widgets: Widget[] }>();
  for (const [id, resource] of Object.entries(template.findResources('AWS::CloudWatch::Dashboard'))) {
    const [, parts] = resource.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    const body = parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const record = part as Record<string, unknown>;
        if ('Ref' in record) return `\${${String(record.Ref)}}`;
        return `\${${(record['Fn::GetAtt'] as string[]).join('.')}}`;
      })
      .join('');
    found.set(id, { name: resource.Properties.DashboardName as string, widgets: (JSON.parse(body) as { widgets: Widget[] }).widgets });
  }
  return found;
}

describe('the refresher dashboard', () => {
  let template: Template;

  beforeAll(() => {
    // GIVEN two refreshers in one stack, and a third with the dashboard turned off
    const stack = bareStack();
    new FaspayTokenRefresher(stack, 'SandboxToken', { tokenParameterName: '/faspay/sandbox/token' });
    new FaspayTokenRefresher(stack, 'ProductionToken', { tokenParameterName: '/faspay/production/token' });
    new FaspayTokenRefresher(stack, 'Quiet', { tokenParameterName: '/faspay/quiet/token', dashboard: false });
    template = Template.fromStack(stack);
  });

  it('exists once per refresher that wants one, under distinct names', () => {
    const names = [...dashboards(template).values()].map((d) => d.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    expect(names.join(' ')).toMatch(/SandboxToken/);
    expect(names.join(' ')).toMatch(/ProductionToken/);
  });

  it("graphs the function's metrics by their declared names, for its own parameter only", () => {
    for (const [id, { widgets }] of dashboards(template)) {
      const parameter = id.startsWith('Sandbox') ? '/faspay/sandbox/token' : '/faspay/production/token';
      const metrics = widgets.flatMap((w) => w.properties.metrics ?? []);
      // [namespace, name, dim, value, dim, value, options]
      expect(metrics.map((m) => m[1]).sort()).toEqual([...Object.values(METRIC), ...Object.values(EVENT_METRIC)].sort());
      for (const metric of metrics) {
        expect(metric[0]).toBe(METRICS_NAMESPACE);
        expect(metric).toContain(parameter);
      }
    }
  });

  it("shows its alarms' states, by the names of its own alarms", () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    for (const [id, { widgets }] of dashboards(template)) {
      const prefix = id.startsWith('Sandbox') ? 'SandboxToken' : 'ProductionToken';
      const own = Object.entries(alarms)
        .filter(([alarmId]) => alarmId.startsWith(`${prefix}Alarms`))
        .map(([, alarm]) => alarm.Properties.AlarmName as string);
      expect(own).toHaveLength(4);
      const status = widgets.filter((w) => w.type === 'alarm');
      expect(status).toHaveLength(1);
      expect(status[0]!.properties.alarms).toEqual(
        own.map((name) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${name}`),
      );
    }
  });

  it('queries failures by reason, rejection reports and lease waits in its own log group, on the logged field names', () => {
    for (const [id, { widgets }] of dashboards(template)) {
      const prefix = id.startsWith('Sandbox') ? 'SandboxToken' : 'ProductionToken';
      const queries = widgets.filter((w) => w.type === 'log').map((w) => w.properties.query!);
      expect(queries).toHaveLength(3);
      for (const query of queries) expect(query).toMatch(new RegExp(`^SOURCE '\\$\\{${prefix}LogGroup[0-9A-F]{8}\\}'`));
      expect(queries.map((q) => q.replace(/^SOURCE '[^']*' \| /, '').split('\n| '))).toEqual([
        [...DASHBOARD_QUERIES.failuresByReason],
        [...DASHBOARD_QUERIES.rejectionReports],
        [...DASHBOARD_QUERIES.leaseWaits],
      ]);
    }
    expect(DASHBOARD_QUERIES.failuresByReason[0]).toBe(`filter ${LOG_FIELD.outcome} = "${OUTCOME.failed}"`);
    expect(DASHBOARD_QUERIES.leaseWaits[0]).toBe(`filter ${LOG_FIELD.reason} in ["joined", "in-flight"]`);
  });
});
