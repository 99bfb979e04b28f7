/*
 * Stack output keys that operators and the CLI read (stack <-> CLI). Each is a documented,
 * stable key: renaming one breaks every script that reads it.
 */

/** The fixed egress addresses to whitelist at Faspay, one line: `203.0.113.10, 203.0.113.11`. */
export const EGRESS_ADDRESSES_OUTPUT = 'EgressAddresses';

/** The console address of the refresher's CloudWatch dashboard. */
export const DASHBOARD_URL_OUTPUT = 'DashboardUrl';

/** Splits the egress output back into addresses. */
export function parseEgressAddresses(value: string): string[] {
  return value
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
}
