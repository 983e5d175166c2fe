import { Logger } from '@aws-lambda-powertools/logger';
import type { SlaSweeper, SweepSummary } from './sweeper.js';

/** Other timers in the due index that run with each sweep (CMDB warranty reminders). */
export interface DueJobs {
  readonly warranty: { run(): Promise<{ noticed: number }> };
}

export type SweepRun = SweepSummary & { readonly warrantyNotices: number };

/** The table alone: notices are events the email notifier mails, the sweeper sends nothing. */
export function createSlaSweepHandler(sweeper: SlaSweeper, jobs: DueJobs): () => Promise<SweepRun> {
  const logger = new Logger({ serviceName: 'opsdesk' });
  return async () => {
    const [sla, warranty] = await Promise.all([sweeper.sweep(), jobs.warranty.run()]);
    const summary: SweepRun = { ...sla, warrantyNotices: warranty.noticed };
    if (summary.warrantyNotices > 0) logger.info('Warranty reminders', { noticed: summary.warrantyNotices });
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
