import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE, type RejectionReportDetail } from '../contracts/rejection-report.js';
import { AwsAdapterError, awsErrorName } from './errors.js';

/** Sends rejection reports to the refresher. */
export interface RejectionReportSender {
  send(detail: RejectionReportDetail): Promise<void>;
}

/**
 * One `PutEvents` entry per report on `eventBusName`, with the source and detail-type the
 * refresher's rule (and the consumer's `events:PutEvents` grant) is limited to. PutEvents answers
 * HTTP 200 even when it drops an entry, so a failed entry is a failure here too.
 */
export function createEventBridgeRejectionSender(client: EventBridgeClient, eventBusName: string): RejectionReportSender {
  return {
    async send(detail) {
      let answer: PutEventsCommandOutput;
      try {
        answer = await client.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: eventBusName,
                Source: REJECTION_REPORT_SOURCE,
                DetailType: REJECTION_REPORT_DETAIL_TYPE,
                Detail: JSON.stringify(detail),
              },
            ],
          }),
        );
      } catch (error) {
        throw new AwsAdapterError(
          'REJECTION_REPORT_FAILED',
          `cannot send the rejection report to the event bus "${eventBusName}"`,
          awsErrorName(error),
        );
      }
      if ((answer.FailedEntryCount ?? 0) > 0) {
        const code = answer.Entries?.[0]?.ErrorCode;
        const name = typeof code === 'string' && /^[A-Za-z.]{1,80}$/.test(code) ? code : 'FailedEntry';
        throw new AwsAdapterError('REJECTION_REPORT_FAILED', `the event bus "${eventBusName}" refused the rejection report`, name);
      }
    },
  };
}

/**
 * A client with the SDK's own configuration, for callers that load this adapter lazily: named
 * imports let a bundler keep this client and PutEvents only, not every EventBridge command.
 */
export function createDefaultEventBridgeClient(): EventBridgeClient {
  return new EventBridgeClient({});
}
