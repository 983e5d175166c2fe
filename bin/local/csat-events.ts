import type { CsatBackground } from '../../functions/csat/events.function.js';
import { CSAT_CONSUMED_EVENT_TYPES } from '../../functions/csat/survey-events-consumer.js';
import type { EventBus } from '../../functions/shared/outbox/event-bus.js';
import { subscribe } from './bus-subscriber.js';
import type { Logger } from './log.js';

/**
 * The CSAT consumer on the local bus, matching lib/csat.ts's rules (ticket status changes: issue on
 * resolution, void on reopen). Issuing and voiding are conditional writes, and a draft whose mail
 * failed is mailed by the next timer run.
 */
export function withCsatEvents(bus: EventBus, background: CsatBackground, log: Logger): EventBus {
  return subscribe(
    bus,
    {
      name: 'csat events',
      detailTypes: CSAT_CONSUMED_EVENT_TYPES,
      onEvents: (events) => background.events.onEvents(events),
    },
    log,
  );
}

/**
 * POST /_local/sweep and the local sweep timer run the CSAT timers (delayed survey mail, expiry)
 * beside the SLA sweeper, as the every-minute rules run both on AWS: one summary, `surveys` added.
 */
export function withSurveyTimers(
  sweep: () => Promise<unknown>,
  background: CsatBackground,
): () => Promise<Record<string, unknown>> {
  return async () => {
    const [sla, surveys] = await Promise.all([sweep(), background.timers.run()]);
    return { ...((sla as Record<string, unknown> | undefined) ?? {}), surveys };
  };
}

/** The CSAT timers on the local sweep interval (SLA_SWEEP_MS, default 5 s; 0: only POST /_local/sweep). */
export function startSurveyTimerLoop(
  background: CsatBackground,
  log: Logger,
  intervalMs = Number(process.env.SLA_SWEEP_MS ?? 5_000),
): { stop(): void } {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    background.timers
      .run()
      .catch((error: unknown) => log.error('CSAT timers failed', error))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
