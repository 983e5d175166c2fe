/**
 * `npm start`: the whole Opsdesk stack on this machine (README.md#two-commands). No AWS account, no Docker.
 * Environment: PORT (default 3000), OPSDESK_DATA_DIR (persist data; in memory otherwise),
 * CORS_ORIGINS (comma-separated), SMTP_PORT (default 2525), OBJECTS_PORT (default 3001).
 */
import { startLocalRuntime } from './local/runtime.js';

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

async function main(): Promise<void> {
  const runtime = await startLocalRuntime();
  // performance.now() counts from this process's start: module loading included.
  const startupMs = performance.now();
  const mail = `127.0.0.1:${runtime.smtpPort} → support@opsdesk.local; files at ${runtime.objectsUrl}`;
  console.log(
    banner(runtime.url, runtime.adminToken, startupMs, process.env.OPSDESK_DATA_DIR || undefined, mail),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    // Never hang on shutdown: if stopping takes too long, leave anyway (DynamoDB Local's watchdog
    // still ends the JVM when this process is gone).
    setTimeout(() => process.exit(1), 10_000).unref();
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('stop failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    console.error(
      `port ${process.env.PORT ?? 3000} is in use: set PORT to another port (PORT=0 picks a free one)`,
    );
  } else {
    console.error('the local stack failed to start:', error);
  }
  process.exit(1);
});
