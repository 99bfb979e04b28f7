import { ConfigError } from '../shared/config-error.js';

/** Faspay's servers run in Indonesia and compare against WIB; Lambda's clock is UTC. */
export const DEFAULT_FASPAY_TIME_ZONE = 'Asia/Jakarta';

const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

let canonicalTimeZones: ReadonlySet<string> | undefined;

/**
 * Throws a {@link ConfigError} naming the zone when the runtime does not know it. A canonical
 * IANA name is looked up in Intl's list (about 2 ms); only other spellings build a formatter, which
 * loads ICU's locale data (about 10 ms, a quarter of a cold start) before the first timestamp needs it.
 */
export function assertTimeZone(timeZone: string): void {
  canonicalTimeZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalTimeZones.has(timeZone)) return;
  try {
    formatterFor(timeZone);
  } catch {
    throw new ConfigError(`unknown time zone "${timeZone}": use an IANA name such as Asia/Jakarta`);
  }
}

/** `YYYY-MM-DD HH:mm:ss` (24 h, zero padded, no zone, no milliseconds) in `timeZone`. */
export function formatFaspayTimestamp(instant: Date, timeZone: string = DEFAULT_FASPAY_TIME_ZONE): string {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * The instant a Faspay timestamp denotes in `timeZone`, or undefined when the text is not one.
 * Used by verifiers (the simulator) to check clock skew.
 */
export function parseFaspayTimestamp(text: string, timeZone: string = DEFAULT_FASPAY_TIME_ZONE): Date | undefined {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, ...number[]];
  const wallClockAsUtc = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  // Zone offset at (about) that instant; a second pass settles the rare case of an offset change.
  let instant = wallClockAsUtc - offsetMillis(new Date(wallClockAsUtc), timeZone);
  instant = wallClockAsUtc - offsetMillis(new Date(instant), timeZone);
  const result = new Date(instant);
  return formatFaspayTimestamp(result, timeZone) === text ? result : undefined;
}

function offsetMillis(instant: Date, timeZone: string): number {
  const wall = formatFaspayTimestamp(instant, timeZone);
  const [datePart, timePart] = wall.split(' ') as [string, string];
  const [y, mo, d] = datePart.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = timePart.split(':').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(instant.getTime() / 1000) * 1000;
}
