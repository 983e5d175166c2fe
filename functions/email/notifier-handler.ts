import type { EventBridgeEvent } from 'aws-lambda';
import { type InfoLog, powertoolsInfo } from './ingest-handler.js';
import type { EmailNotifier, NotifyOutcome } from './notifier.js';

/**
 * The EventBridge rule target for the notified events (NOTIFIED_DETAIL_TYPES: ticket, SLA notice
 * and change approval events): one notification per event (see notifier.ts). A failure throws, so
 * EventBridge's retries (then the DLQ) take over.
 */
export function createEmailNotifierHandler(notifier: EmailNotifier, info: InfoLog = powertoolsInfo()) {
  return async (event: EventBridgeEvent<string, Record<string, unknown>>): Promise<NotifyOutcome> => {
    const eventId = String(event.detail.eventId ?? event.id);
    const outcome = await notifier.handle({
      detailType: event['detail-type'],
      detail: { ...event.detail, eventId },
    });
    if (outcome !== 'ignored') info('notification', { eventId, detailType: event['detail-type'], outcome });
    return outcome;
  };
}
