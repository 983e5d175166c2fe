import { Logger } from '@aws-lambda-powertools/logger';
import type { SlaSweeper, SweepSummary } from './sweeper.js';

/** Other timers in the due index that run with each sweep (CMDB warranty reminders, request approvals). */
export interface DueJobs {
  readonly warranty: { run(): Promise<{ noticed: number }> };
  /** Catalog request approval escalation and expiry (docs/catalog.md#approval-timers). */
  readonly requestApprovals?: { run(): Promise<{ escalated: number; expired: number }> };
  /** Alert flap quiet ends (docs/alerts.md#flapping). */
  readonly alertFlaps?: { run(): Promise<{ ended: number }> };
}

export type SweepRun = SweepSummary & {
  readonly warrantyNotices: number;
  readonly approvalsEscalated: number;
  readonly approvalsExpired: number;
  readonly alertFlapsEnded: number;
};

/** The table alone: notices are events the email notifier mails, the sweeper sends nothing. */
export function createSlaSweepHandler(sweeper: SlaSweeper, jobs: DueJobs): () => Promise<SweepRun> {
  const logger = new Logger({ serviceName: 'opsdesk' });
  return async () => {
    const [sla, warranty, approvals, flaps] = await Promise.all([
      sweeper.sweep(),
      jobs.warranty.run(),
      jobs.requestApprovals?.run() ?? { escalated: 0, expired: 0 },
      jobs.alertFlaps?.run() ?? { ended: 0 },
    ]);
    const summary: SweepRun = {
      ...sla,
      warrantyNotices: warranty.noticed,
      approvalsEscalated: approvals.escalated,
      approvalsExpired: approvals.expired,
      alertFlapsEnded: flaps.ended,
    };
    if (approvals.escalated + approvals.expired > 0) logger.info('Request approval timers', { ...approvals });
    if (flaps.ended > 0) logger.info('Alert flapping ended', { ...flaps });
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
