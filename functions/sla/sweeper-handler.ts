import { Logger } from '@aws-lambda-powertools/logger';
import type { SlaSweeper, SweepSummary } from './sweeper.js';

/** The table alone: notices are events the email notifier mails, the sweeper sends nothing. */
export function createSlaSweepHandler(sweeper: SlaSweeper): () => Promise<SweepSummary> {
  const logger = new Logger({ serviceName: 'opsdesk' });
  return async () => {
    const summary = await sweeper.sweep();
    if (summary.examined > 0) logger.info('SLA sweep', { ...summary });
    // Owed, recorded, but mailed to nobody: say so (docs/sla.md#the-sweeper), never drop it silently.
    if (summary.unnotified > 0) {
      logger.warn('SLA notices nobody receives: give the group or assignee an address, or set a fallback', {
        unnotified: summary.unnotified,
        notices: summary.unnotifiedNotices,
      });
    }
    return summary;
  };
}
