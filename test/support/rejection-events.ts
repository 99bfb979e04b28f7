import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE } from '../../functions/contracts/rejection-report.js';

/** A consumer's rejection report as EventBridge delivers it to the rule's target. */
export function rejectionReportEvent(detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: 'b7e1d3c0-0000-4000-8000-000000000001',
    'detail-type': REJECTION_REPORT_DETAIL_TYPE,
    source: REJECTION_REPORT_SOURCE,
    account: '123456789012',
    time: '2026-11-25T00:00:00Z',
    region: 'ap-southeast-3',
    resources: [],
    detail,
  };
}
