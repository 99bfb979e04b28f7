/**
 * The CDK surface of the package (`faspay-sendme-token-refresher/cdk`): the construct and its props.
 * Its Lambda code is prebuilt in the package (dist/assets/refresher), so a CDK app needs only
 * aws-cdk-lib and constructs (peer dependencies) to synthesize it.
 *
 * @example
 * import { FaspayTokenRefresher } from 'faspay-sendme-token-refresher/cdk';
 * const refresher = new FaspayTokenRefresher(this, 'FaspayToken', { faspayBaseUrl: 'https://sendme.faspay.co.id' });
 * refresher.grantRead(payoutFunction);
 */

export { DASHBOARD_URL_OUTPUT, EGRESS_ADDRESSES_OUTPUT } from '../functions/contracts/stack-outputs.js';
export { FASPAY_PRODUCTION_BASE_URL, FASPAY_SANDBOX_BASE_URL } from '../functions/faspay/base-url.js';
export { type ExistingElasticIp, FaspayEgress, type FaspayEgressProps } from './egress.js';
export type { RefresherDashboardOption } from './refresher-dashboard.js';
export type { NetworkPlacement, RefresherNetworkProps } from './refresher-network.js';
export { FaspayTokenRefresher, METRICS_NAMESPACE, SERVICE_NAME } from './token-refresher.js';
export type { FaspayTokenRefresherProps } from './token-refresher-props.js';
