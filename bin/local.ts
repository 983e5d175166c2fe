/**
 * `npm start`: the whole Opsdesk stack on this machine (README.md#two-commands). No AWS account, no Docker.
 * Environment: PORT (default 3000), OPSDESK_DATA_DIR (persist data; in memory otherwise),
 * CORS_ORIGINS (comma-separated), SMTP_PORT (default 2525), OBJECTS_PORT (default 3001).
 */
import { PortInUseError } from './local/free-port.js';
import { type LocalRuntime, startLocalRuntime } from './local/runtime.js';
import { stopWorkflowSynthesis } from './local/workflow-definition-cache.js';

function banner(
  url: string,
  token: string,
  startupMs: number,
  persisted: string | undefined,
  mail: string,
): string {
  return [
    '',
    `Opsdesk local stack ready in ${(startupMs / 1000).toFixed(1)} s`,
    '',
    `  API          ${url}`,
    `  mail (SMTP)  ${mail}`,
    `  data         ${persisted ? `persisted in ${persisted}` : 'in memory (set OPSDESK_DATA_DIR to keep it)'}`,
    `  operator     ${url}/_local/{clock,sweep,outbox,events} (admin token)`,
    '',
    '  Admin token (valid 12 h):',
    `  export URL=${url}`,
    `  export TOKEN=${token}`,
    '',
    '  Create an incident:',
    `  curl -s -X POST $URL/tickets -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"type":"incident","title":"VPN down","impact":2,"urgency":1}'`,
    '',
    '  Tokens for other users (roles: requester agent approver admin):',
    '  npm run -s token -- alice requester --email alice@example.com',
    '',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

/** Longest a stop may take before the process leaves anyway (the exit hook still kills the JVM). */
const STOP_DEADLINE_MS = 7_000;
/** How often the parent process is checked for (see watchParent). */
const PARENT_CHECK_MS = 500;

/**
 * Stops the stack once, whatever asked: a signal, or the parent process going away. Until the
 * runtime has started there is nothing to stop gracefully; the exit hook of DynamoDB Local and
 * the JVM's own watchdog still end the JVM when this process leaves.
 */
function stopper(started: Promise<LocalRuntime>): (reason: string) => void {
  let stopping = false;
  return (reason) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping…`);
    // Never hang on shutdown: if stopping takes too long, leave anyway.
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    stopWorkflowSynthesis();
    started
      .then((runtime) => runtime.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('stop failed', error);
          process.exit(1);
        },
      );
  };
}

/**
 * `npm start` forwards SIGINT and SIGTERM to this process (the script execs node, so nothing sits
 * in between), but a SIGHUP or SIGKILL to npm takes npm away alone, and this process is
 * re-parented. Linux has no portable way to be told (prctl is not reachable from Node): watch the
 * parent pid instead, and stop when it changes.
 */
function watchParent(stop: (reason: string) => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop(`parent process ${parent} exited`);
  }, PARENT_CHECK_MS).unref();
}

function main(): void {
  // With the parent gone, a terminal or pipe may be gone too: a failed write must not crash the
  // shutdown that follows.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const started = startLocalRuntime();
  const stop = stopper(started);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  watchParent(stop);

  started.then(
    (runtime) => {
      // performance.now() counts from this process's start: module loading included.
      const startupMs = performance.now();
      const mail = `127.0.0.1:${runtime.smtpPort} → support@opsdesk.local; files at ${runtime.objectsUrl}`;
      console.log(
        banner(runtime.url, runtime.adminToken, startupMs, process.env.OPSDESK_DATA_DIR || undefined, mail),
      );
    },
    (error: unknown) => {
      if (error instanceof PortInUseError) console.error(error.message);
      else console.error('the local stack failed to start:', error);
      stopWorkflowSynthesis();
      process.exit(1);
    },
  );
}

main();
