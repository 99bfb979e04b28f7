import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { type NumberSetting, REFRESHER_SETTINGS, type RefresherConfig, type Setting } from '../functions/contracts/settings.js';
import { checkWholeNumber } from '../functions/shared/validators.js';
import { checkDuration } from './checks.js';
import type { FaspayTokenRefresherProps } from './token-refresher-props.js';

/*
 * The kinds of entry of the construct's settings table (FUNCTION_SETTINGS in
 * token-refresher-props.ts): how a prop feeds a function setting, or what the construct derives it
 * from. The declaration of the setting (functions/contracts/settings.ts) gives the default, the
 * range and the parser, so synth rejects what the function would reject, naming the prop.
 */

type Props = FaspayTokenRefresherProps;
/** The props whose value is a V. */
type PropOf<V> = { [P in keyof Props]-?: NonNullable<Props[P]> extends V ? P : never }[keyof Props];

/** A setting fed by a prop. */
export interface PropEntry<T> {
  readonly prop: keyof Props;
  /** The setting's value for these props (the default when the prop is absent), checked; throws ConfigError naming the prop. */
  readonly read: (props: Props) => T;
  /** The prop's default as its JSDoc `@default` writes it (`Duration.hours(2)`, `3`, `'Asia/Jakarta'`); undefined: none. */
  readonly documentedDefault: string | undefined;
}

/** What the construct has built or been given when it deploys the function, besides the props it checked. */
export interface ConstructFacts {
  readonly credentialsSecret: secretsmanager.ISecret;
  readonly tokenParameterKey: kms.IKey | undefined;
  /** The schedule's interval (0 for cron schedules, whose interval is not derived). */
  readonly scheduleIntervalSeconds: number;
}

/** A setting the construct derives, not a prop of the same meaning. */
export interface DerivedEntry<T> {
  /** The prop (or the construct's default for it) the setting is derived from. */
  readonly from: keyof Props;
  readonly why: string;
  readonly derive: (facts: ConstructFacts) => T;
}

type SettingEntry<T> = PropEntry<T> | DerivedEntry<T>;
type TableOf<C> = { readonly [K in keyof C]-?: SettingEntry<C[K]> };
/** One entry for every declared setting: the compiler asks for the entry of a new one. */
export type SettingsTable = TableOf<RefresherConfig>;

/** A Duration prop, converted to the setting's unit and checked against the declared range (whole seconds). */
export function durationProp(prop: PropOf<Duration>, setting: NumberSetting, unit: 'seconds' | 'ms'): PropEntry<number> {
  const inSettingUnit = (amount: number): Duration => (unit === 'seconds' ? Duration.seconds(amount) : Duration.millis(amount));
  const defaultValue = inSettingUnit(setting.default);
  return {
    prop,
    read: (props) => {
      const seconds = checkDuration(prop, props[prop] ?? defaultValue, inSettingUnit(setting.min), inSettingUnit(setting.max));
      return unit === 'seconds' ? seconds : seconds * 1000;
    },
    documentedDefault: durationSource(defaultValue),
  };
}

/** A number prop, checked against the declared range. */
export function numberProp(prop: PropOf<number>, setting: NumberSetting): PropEntry<number> {
  return {
    prop,
    read: (props) => checkWholeNumber(prop, props[prop] ?? setting.default, setting.min, setting.max),
    documentedDefault: String(setting.default),
  };
}

/**
 * A text prop, parsed by the declared parser. A setting the function requires takes the
 * construct's default; an optional one without a default stays unset (no variable) when the prop is.
 */
export function textProp<T>(
  prop: PropOf<string>,
  setting: Setting<T> & { readonly required: true },
  constructDefault: string,
): PropEntry<T>;
export function textProp<T>(prop: PropOf<string>, setting: Setting<T> & { readonly default: T }): PropEntry<T>;
export function textProp<T>(prop: PropOf<string>, setting: Setting<T> & { readonly optional: true }): PropEntry<T | undefined>;
export function textProp<T>(prop: PropOf<string>, setting: Setting<T>, constructDefault?: string): PropEntry<T | undefined> {
  const documented = constructDefault ?? ('default' in setting ? setting.render(setting.default) : undefined);
  return {
    prop,
    read: (props) => {
      const given = props[prop] ?? constructDefault;
      if (given !== undefined) return setting.parse(given, prop);
      return 'default' in setting ? setting.default : undefined;
    },
    documentedDefault: documented === undefined ? undefined : `'${documented}'`,
  };
}

/** A boolean prop, parsed by the declared parser (a JavaScript caller may pass anything). */
export function booleanProp(prop: PropOf<boolean>, setting: Setting<boolean> & { readonly default: boolean }): PropEntry<boolean> {
  return {
    prop,
    read: (props) => setting.parse(String(props[prop] ?? setting.default), prop),
    documentedDefault: String(setting.default),
  };
}

export function derived<T>(from: keyof Props, why: string, derive: (facts: ConstructFacts) => T): DerivedEntry<T> {
  return { from, why, derive };
}

/** The settings that props feed, each checked: what the construct validates before it builds anything. */
export function settingsFromProps(table: SettingsTable, props: Props): Partial<RefresherConfig> {
  const config: Writable<RefresherConfig> = {};
  for (const key of settingKeys()) copySetting(table, key, config, (entry) => ('prop' in entry ? entry.read(props) : undefined));
  return config;
}

/** The settings the construct derives from what it built. */
export function derivedSettings(table: SettingsTable, facts: ConstructFacts): Partial<RefresherConfig> {
  const config: Writable<RefresherConfig> = {};
  for (const key of settingKeys()) copySetting(table, key, config, (entry) => ('derive' in entry ? entry.derive(facts) : undefined));
  return config;
}

type Writable<C> = { -readonly [K in keyof C]?: C[K] };

function copySetting<C, K extends keyof C>(
  table: TableOf<C>,
  key: K,
  config: Writable<C>,
  pick: (entry: SettingEntry<C[K]>) => C[K] | undefined,
): void {
  const value = pick(table[key]);
  if (value !== undefined) config[key] = value;
}

function settingKeys(): (keyof RefresherConfig)[] {
  return Object.keys(REFRESHER_SETTINGS).filter((key): key is keyof RefresherConfig => key in REFRESHER_SETTINGS);
}

const DURATION_UNITS = [
  ['days', 86_400_000],
  ['hours', 3_600_000],
  ['minutes', 60_000],
  ['seconds', 1000],
  ['millis', 1],
] as const;

/** A duration as a user writes it: its largest whole unit (`Duration.hours(2)`, `Duration.seconds(8)`). */
function durationSource(duration: Duration): string {
  const ms = duration.toMilliseconds();
  const [unit, size] = DURATION_UNITS.find(([, unitMs]) => ms % unitMs === 0) ?? DURATION_UNITS[4];
  return `Duration.${unit}(${ms / size})`;
}
