import type { NoticeRouting } from '../../functions/sla/notices.js';
import { assembleSlaSweeper } from '../../functions/sla/sweeper.function.js';
import type { AppDeps } from './functions.js';
import type { Logger } from './log.js';

/** Local sweep interval (SLA_SWEEP_MS); on AWS the EventBridge rule runs it every minute. */
const DEFAULT_INTERVAL_MS = 5_000;

export interface LocalSweeper {
  /** One sweep now (POST /_local/sweep); runs never overlap. */
  run(): Promise<unknown>;
  stop(): void;
}

/**
 * The SLA sweeper on a timer, with the same handler code the Lambda runs. Locally every notice is
 * mailed (to /_local/outbox), so `routing` only says where those go that no group or assignee gets.
 */
export function startLocalSweeper(
  deps: AppDeps,
  log: Logger,
  intervalMs = envInterval(),
  routing: NoticeRouting = { mail: true, fallbackAddress: null },
): LocalSweeper {
  const sweep = assembleSlaSweeper(deps, routing);
  let running: Promise<unknown> | undefined;
  const run = () => {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          run().catch((error: unknown) => log.error('SLA sweep failed', error));
        }, intervalMs)
      : undefined;
  timer?.unref();
  return { run, stop: () => clearInterval(timer) };
}

function envInterval(): number {
  const value = Number(process.env.SLA_SWEEP_MS ?? DEFAULT_INTERVAL_MS);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_INTERVAL_MS;
}
