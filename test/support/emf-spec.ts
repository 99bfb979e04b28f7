/*
 * The shape the CloudWatch Embedded Metric Format specification requires of a document, checked
 * independently of the code that writes one:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * A document CloudWatch rejects is only a log line: no metric, and the staleness alarm sees missing data.
 */

/** The units a MetricDefinition may name. */
export const EMF_UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);
const MAX_DIMENSIONS_PER_SET = 30;
const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_VALUES_PER_METRIC = 100;
const MAX_NAMESPACE_LENGTH = 1024;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);

function directiveViolations(root: Record<string, unknown>, directive: unknown, at: string): string[] {
  if (!isObject(directive)) return [`${at} is not an object`];
  const problems: string[] = [];
  const { Namespace, Dimensions, Metrics } = directive;
  if (typeof Namespace !== 'string' || Namespace.trim() === '' || Namespace.length > MAX_NAMESPACE_LENGTH) {
    problems.push(`${at}.Namespace must be a string of 1-${MAX_NAMESPACE_LENGTH} characters, not only white space`);
  }
  if (!Array.isArray(Dimensions)) problems.push(`${at}.Dimensions must be an array of dimension sets`);
  else {
    for (const [index, set] of (Dimensions as unknown[]).entries()) {
      const where = `${at}.Dimensions[${index}]`;
      if (!Array.isArray(set) || !set.every((name) => typeof name === 'string')) {
        problems.push(`${where} must be an array of names`);
        continue;
      }
      if (set.length > MAX_DIMENSIONS_PER_SET) problems.push(`${where} has ${set.length} dimensions, at most ${MAX_DIMENSIONS_PER_SET}`);
      for (const name of set as string[]) {
        if (typeof root[name] !== 'string') problems.push(`${where}: dimension "${name}" must be a string member of the root`);
      }
    }
  }
  if (!Array.isArray(Metrics)) return [...problems, `${at}.Metrics must be an array of metric definitions`];
  if (Metrics.length > MAX_METRICS_PER_DIRECTIVE)
    problems.push(`${at}.Metrics has ${Metrics.length} metrics, at most ${MAX_METRICS_PER_DIRECTIVE}`);
  for (const [index, metric] of (Metrics as unknown[]).entries()) {
    const where = `${at}.Metrics[${index}]`;
    if (!isObject(metric) || typeof metric.Name !== 'string' || metric.Name === '') {
      problems.push(`${where} must have a Name`);
      continue;
    }
    if (metric.Unit !== undefined && !EMF_UNITS.has(String(metric.Unit)))
      problems.push(`${where}.Unit "${String(metric.Unit)}" is not a unit`);
    if (metric.StorageResolution !== undefined && metric.StorageResolution !== 1 && metric.StorageResolution !== 60) {
      problems.push(`${where}.StorageResolution must be 1 or 60`);
    }
    const value = root[metric.Name];
    const values = Array.isArray(value) ? value : [value];
    if (!values.every(isNumber) || values.length === 0 || values.length > MAX_VALUES_PER_METRIC) {
      problems.push(
        `${where}: metric "${metric.Name}" must be a member of the root holding a number (or 1-${MAX_VALUES_PER_METRIC} numbers)`,
      );
    }
  }
  return problems;
}

/** What makes `document` not an EMF document; empty when it is one. */
export function emfViolations(document: unknown): string[] {
  if (!isObject(document)) return ['the document is not a JSON object'];
  const metadata = document._aws;
  if (!isObject(metadata)) return ['_aws must be an object'];
  const problems: string[] = [];
  if (!isNumber(metadata.Timestamp) || !Number.isInteger(metadata.Timestamp) || (metadata.Timestamp as number) < 0) {
    problems.push('_aws.Timestamp must be a number of milliseconds since the epoch');
  }
  if (!Array.isArray(metadata.CloudWatchMetrics)) return [...problems, '_aws.CloudWatchMetrics must be an array'];
  for (const [index, directive] of (metadata.CloudWatchMetrics as unknown[]).entries()) {
    problems.push(...directiveViolations(document, directive, `_aws.CloudWatchMetrics[${index}]`));
  }
  return problems;
}
