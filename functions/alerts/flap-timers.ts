import type { Clock } from '../shared/clock/clock.js';
import type { AlertIntake } from './intake.js';
import type { AlertStore } from './store/alert-store.js';

/** Keys one run ends at most; the rest wait for the next run (one a minute). */
const MAX_PER_RUN = 500;
const PAGE = 100;

/**
 * Flap quiet ends (docs/alerts.md#flapping), a timer of the sweeper's due index like warranty
 * reminders and approval timers: reads only the flapping keys whose quiet has ended, so a run
 * costs what is due. Each end is one conditional write (the record leaves the index in it), so
 * overlapping or repeated runs end it once.
 */
export class AlertFlapTimers {
  constructor(
    private readonly store: AlertStore,
    private readonly intake: Pick<AlertIntake, 'endFlapping'>,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<{ ended: number }> {
    const now = this.clock.now().toISOString();
    let ended = 0;
    let examined = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.store.listFlapDue(now, { limit: PAGE, ...(startKey && { startKey }) });
      for (const due of page.items) {
        examined++;
        if ((await this.intake.endFlapping(due.integrationId, due.dedupKey)) === 'ended') ended++;
      }
      startKey = page.lastKey;
    } while (startKey && examined < MAX_PER_RUN);
    return { ended };
  }
}
