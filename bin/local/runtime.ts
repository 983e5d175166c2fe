import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { matchesAlarmRule } from '../../functions/alerts/alarm-events.js';
import { LocalChangeWorkflow } from '../../functions/changes/workflow/local-workflow.js';
import { assembleCsatEvents } from '../../functions/csat/events.function.js';
import { OutboxMailSender } from '../../functions/email/mail/outbox-mail.js';
import type { EmailSettings } from '../../functions/email/settings.js';
import { assembleProjections } from '../../functions/projections/function.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { type FunctionName, ROUTES } from '../../functions/shared/http/routes.js';
import { RecordingEventBus } from '../../functions/shared/outbox/recording-bus.js';
import { documentClient } from '../../functions/shared/wiring/aws.js';
import { GROUPS_CLAIM, mintToken, verifyAuthorization } from './auth.js';
import { localDynamoClient, localStreamsClient } from './aws-clients.js';
import { withClosures } from './cmdb-closures.js';
import { startSurveyTimerLoop, withCsatEvents, withSurveyTimers } from './csat-events.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { listeningOn } from './free-port.js';
import type { AppDeps } from './functions.js';
import { type LocalFunctions, resolveFunctions } from './functions.js';
import { createLocalRoutes, type OutboxMessage, type SweepFunction } from './local-routes.js';
import { consoleLogger, type Logger } from './log.js';
import { startLocalObjects } from './objects.js';
import { withProblemEvents } from './problem-events.js';
import { localReportsTimezone, localSnapshotJob, withReportEvents } from './reports.js';
import { withSearchIndex } from './search-indexer.js';
import { createLocalServer, type LambdaHttpHandler } from './server.js';
import { defaultStateDir, loadOrCreateSigningKey } from './signing-key.js';
import { startLocalSweeper } from './sla-sweeper.js';
import { localMailPorts, startLocalMailGateway } from './smtp-gateway.js';
import { fileCheckpointStore } from './stream-checkpoints.js';
import { startStreamPoller } from './stream-poller.js';
import { ensureTable } from './table.js';
import { LOCAL_WORKFLOW_NAMES } from './workflow-definition.js';
import { loadChangeWorkflowDefinition } from './workflow-definition-cache.js';

/**
 * The whole stack on one machine: DynamoDB Local holding the stack's table, the same Lambda
 * handlers behind a local API Gateway, the stream publisher fed by a local event source mapping,
 * and the operator routes under /_local.
 */
/** Two mappings poll one stream, as on AWS; when it is idle they slow down to this (stream-poller.ts). */
const STREAM_MAX_IDLE_MS = 500;

export interface LocalRuntimeOptions {
  /** HTTP port on `host`; 0 picks a free one. Default: PORT, else 3000. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Keep data (DynamoDB files, signing key) here. Default: OPSDESK_DATA_DIR; in memory when unset. */
  readonly dataDir?: string;
  /** Use this running DynamoDB Local instead of starting one (tests share one per run). */
  readonly dynamoEndpoint?: string;
  /** Default `opsdesk-local`. */
  readonly tableName?: string;
  /** Stream poll interval, default 250 ms. */
  readonly streamPollMs?: number;
  /** No request log lines (errors are still printed). */
  readonly quiet?: boolean;
  /** Default: CORS_ORIGINS (comma-separated). */
  readonly corsOrigins?: readonly string[];
  /** Replacement handler factories (tests); the real ones otherwise. */
  readonly functions?: Partial<LocalFunctions>;
  /** Replaces the SLA sweeper behind POST /_local/sweep (can also be attached later with setSweeper). */
  readonly sweeper?: SweepFunction;
  /** SLA sweep timer interval; 0 sweeps only on POST /_local/sweep. Default SLA_SWEEP_MS or 5 s. */
  readonly slaSweepMs?: number;
  /** API Gateway's integration timeout, default 30 s (then 503). */
  readonly integrationTimeoutMs?: number;
  /** SMTP listener port; default SMTP_PORT, else 2525 (0, also when `port` is 0: a free one). */
  readonly smtpPort?: number;
  /** Local object server (presigned URLs); default OBJECTS_PORT, else 3001 (0 when `port` is 0). */
  readonly objectsPort?: number;
  /** Mail gateway settings (support addresses, sender lists…); defaults for the domain opsdesk.local. */
  readonly email?: Partial<EmailSettings>;
  /**
   * The size the SMTP listener advertises (EHLO SIZE) and accepts; default the gateway's own limit
   * (`email.maxMailBytes`). SES accepts up to 40 MB whatever our limit: set that to let larger
   * mail reach the ingest's refusal, as on AWS.
   */
  readonly smtpSizeLimit?: number;
}

export interface TokenOptions {
  readonly email?: string;
  /** `email_verified` with an email; default true (bin/local/auth.ts TokenRequest). */
  readonly emailVerified?: boolean;
  readonly name?: string;
  /** Default 12 hours. */
  readonly ttlSeconds?: number;
}

export interface LocalRuntime {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly tableName: string;
  readonly dynamoEndpoint: string;
  /** The clock every handler reads (also moved by POST /_local/clock). */
  readonly clock: TestClock;
  /** Events the stream publisher put on the "bus" (GET /_local/events). */
  readonly bus: RecordingEventBus;
  /** Mail that would have been sent (GET /_local/outbox); the email feature appends to it. */
  readonly outbox: OutboxMessage[];
  /** The dependencies the handlers were built with (direct repository access in tests). */
  readonly deps: AppDeps;
  /** A token for `local-admin` with the admin role. */
  readonly adminToken: string;
  /** The SMTP listener feeding the email-to-ticket handler (127.0.0.1). */
  readonly smtpPort: number;
  /** Origin of the local object server that answers presigned URLs. */
  readonly objectsUrl: string;
  /** A token the local API accepts, with these roles in `cognito:groups`. */
  tokenFor(userId: string, roles: readonly string[], options?: TokenOptions): string;
  /** Plugs in the SLA sweeper behind POST /_local/sweep (undefined: 501 again). */
  setSweeper(sweeper: SweepFunction | undefined): void;
  /** Resolves once every stream record written so far has reached the bus (bounded wait). */
  flushEvents(timeoutMs?: number): Promise<void>;
  /** Stops the HTTP server, the poller and DynamoDB Local if this runtime started it. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_PORT = 3000;
const DEFAULT_TABLE = 'opsdesk-local';

function envPort(): number {
  const value = process.env.PORT;
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${value}`);
  return port;
}

function envCorsOrigins(): string[] {
  return (process.env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

/** Runs cleanup steps in reverse order of start, each at most once, never throwing. */
class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];
  constructor(private readonly log: Logger) {}
  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }
  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        this.log.error(`stopping ${step.name} failed`, error);
      }
    }
  }
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = consoleLogger(options.quiet ?? false);
  const cleanup = new Cleanup(log);
  const dataDir = options.dataDir ?? (process.env.OPSDESK_DATA_DIR || undefined);
  const tableName = options.tableName ?? DEFAULT_TABLE;
  try {
    // The JVM takes seconds to start: load the handler modules and the key meanwhile.
    const dynamoStart = options.dynamoEndpoint
      ? undefined
      : startDynamoDbLocal(dataDir ? { dbPath: join(dataDir, 'dynamodb') } : {});
    if (dynamoStart) {
      dynamoStart.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled
      cleanup.add('DynamoDB Local', async () => (await dynamoStart.catch(() => undefined))?.stop());
    }
    const [functions, signingKey] = await Promise.all([
      resolveFunctions(options.functions),
      loadOrCreateSigningKey(dataDir ?? defaultStateDir({})),
    ]);
    const dynamoEndpoint = options.dynamoEndpoint ?? (await dynamoStart!).endpoint;

    const client = localDynamoClient(dynamoEndpoint);
    const streams = localStreamsClient(dynamoEndpoint);
    cleanup.add('AWS clients', () => {
      client.destroy();
      streams.destroy();
    });
    await ensureTable(client, tableName);

    const clock = new TestClock();
    const bus = new RecordingEventBus();
    const outbox: OutboxMessage[] = [];
    // A fresh cursor key per run: list cursors are opaque and short-lived, they need not survive restarts.
    const cursorKey = new Uint8Array(randomBytes(32));
    const ports = localMailPorts(options.port ?? envPort(), options);
    // Each listener's bind error names the setting that chose its port (PORT, SMTP_PORT, OBJECTS_PORT).
    const objects = await listeningOn('OBJECTS_PORT', ports.objects, () =>
      startLocalObjects({
        dataDir,
        clock,
        corsOrigins: options.corsOrigins ?? envCorsOrigins(),
        log,
        port: ports.objects,
      }),
    );
    cleanup.add('object server', () => objects.stop());
    const workflow = new LocalChangeWorkflow({
      clock,
      log,
      definition: loadChangeWorkflowDefinition,
      names: LOCAL_WORKFLOW_NAMES,
    });
    cleanup.add('change workflow', () => workflow.shutdown());
    const deps: AppDeps = {
      tableName,
      dynamo: documentClient(client),
      clock,
      cursorKey: async () => cursorKey,
      corsOrigins: options.corsOrigins ?? envCorsOrigins(),
      groupsClaim: GROUPS_CLAIM,
      mail: new OutboxMailSender(outbox, clock),
      attachmentObjects: objects.attachments,
      workflow,
    };
    workflow.bind(deps);
    await functions.seed(deps);

    const mailGateway = await listeningOn('SMTP_PORT', ports.smtp, () =>
      startLocalMailGateway({
        deps,
        objects,
        bus,
        log,
        port: ports.smtp,
        settings: options.email,
        ...(options.smtpSizeLimit === undefined ? {} : { sizeLimit: options.smtpSizeLimit }),
      }),
    );
    cleanup.add('SMTP listener', () => mailGateway.stop());
    // CSAT background work (lib/csat.ts on AWS): survey mail to the local outbox; the link's base
    // is the server's URL, known once it listens.
    let apiBaseUrl = '';
    // The stream and bus consumers are functions of their own on AWS, each with its own SDK client:
    // locally too, so a test counting the calls of one HTTP function (rt.deps.dynamo) sees only its own.
    const consumerClient = localDynamoClient(dynamoEndpoint);
    cleanup.add('consumers’ AWS client', () => consumerClient.destroy());
    const consumers: AppDeps = { ...deps, dynamo: documentClient(consumerClient) };
    const csat = assembleCsatEvents({
      ...consumers,
      apiBaseUrl: () => apiBaseUrl,
      mail: { sender: deps.mail, settings: mailGateway.settings },
    });

    const poller = startStreamPoller({
      dynamo: client,
      streams,
      tableName,
      // The recording bus, plus the notifier, the CMDB closure maintainer and the search indexer
      // attached as the EventBridge rules attach them on AWS.
      handler: functions.streamPublisher({
        bus: withCsatEvents(
          withProblemEvents(
            withReportEvents(
              withSearchIndex(withClosures(mailGateway.bus, consumers, log), consumers, log),
              consumers,
              log,
            ),
            consumers,
            log,
          ),
          csat,
          log,
        ),
      }),
      log,
      pollMs: options.streamPollMs ?? 250,
      maxIdleMs: STREAM_MAX_IDLE_MS,
      ...(dataDir && {
        checkpoints: fileCheckpointStore(join(dataDir, `stream-checkpoints-${tableName}.json`)),
        // Records no retry could deliver, one JSON line each (docs/operations.md, poison records).
        deadLetterFile: join(dataDir, `stream-dead-letters-${tableName}.jsonl`),
      }),
    });
    cleanup.add('stream poller', () => poller.stop());
    // The projections (queue counts, report aggregates): the stream's second mapping, as on AWS
    // (lib/projections.ts), with its own checkpoints; its consumers act on ticket and change items only.
    const projectionsPoller = startStreamPoller({
      dynamo: client,
      streams,
      tableName,
      handler: assembleProjections(consumers, localReportsTimezone()),
      log,
      pollMs: options.streamPollMs ?? 250,
      maxIdleMs: STREAM_MAX_IDLE_MS,
      ...(dataDir && {
        checkpoints: fileCheckpointStore(join(dataDir, `stream-checkpoints-projections-${tableName}.json`)),
        deadLetterFile: join(dataDir, `stream-dead-letters-projections-${tableName}.jsonl`),
      }),
    });
    cleanup.add('projections poller', () => projectionsPoller.stop());
    const backlogSnapshot = localSnapshotJob(deps, log);

    // The notices' fallback address is the mail gateway's (oncall@opsdesk.local unless the options say otherwise).
    const localSweeper = startLocalSweeper(deps, log, options.slaSweepMs, {
      mail: true,
      fallbackAddress: mailGateway.settings.fallbackAddress,
    });
    cleanup.add('SLA sweeper', () => localSweeper.stop());
    // A sweep also writes the nightly backlog snapshot once it is due (docs/reports.md#backlog-age).
    // And the CSAT timers (delayed survey mail, expiry): `surveys` in the summary.
    let sweeper: SweepFunction | undefined =
      options.sweeper ??
      withSurveyTimers(async () => {
        const result = await localSweeper.run();
        await backlogSnapshot();
        return result;
      }, csat);
    const surveyTimers = startSurveyTimerLoop(csat, log, options.slaSweepMs);
    cleanup.add('CSAT timers', () => surveyTimers.stop());
    const verify = (authorization: string | undefined) => verifyAuthorization(authorization, signingKey);
    // Created once, like a warm Lambda container: module-level caches behave as on AWS.
    const handlers = Object.fromEntries(
      Object.entries(functions.http).map(([name, create]) => [name, create(deps)]),
    ) as Record<FunctionName, LambdaHttpHandler>;
    // Every stream mapping drained, twice: a consumer's own writes (a survey issued on a resolution)
    // reach the other mappings only after the first pass.
    const flushEvents = async (timeoutMs?: number) => {
      for (let pass = 0; pass < 2; pass++) {
        await Promise.all([poller.drain(timeoutMs), projectionsPoller.drain(timeoutMs)]);
      }
    };
    const server = createLocalServer({
      routes: ROUTES,
      handlers,
      verify,
      localRoutes: createLocalRoutes({
        clock,
        flush: () => flushEvents(),
        bus,
        outbox,
        sweeper: () => sweeper,
        verify,
        groupsClaim: deps.groupsClaim,
        // The stack's default-bus rule (lib/alerts.ts): CloudWatch alarm events invoke the alerts function.
        defaultBus: async (event) =>
          matchesAlarmRule(event)
            ? { matched: true, result: await handlers.alerts(event as never, {} as never) }
            : { matched: false },
      }),
      corsOrigins: deps.corsOrigins,
      log,
      ...(options.integrationTimeoutMs !== undefined && {
        integrationTimeoutMs: options.integrationTimeoutMs,
      }),
    });
    const host = options.host ?? '127.0.0.1';
    const httpPort = options.port ?? envPort();
    await listeningOn(
      'PORT',
      httpPort,
      () =>
        new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port: httpPort, host }, () => {
            server.removeListener('error', reject);
            resolve();
          });
        }),
    );
    cleanup.add('HTTP server', async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests still running get a moment to finish, then their connections are cut.
      const grace = setTimeout(() => server.closeAllConnections(), 2_000);
      await closed;
      clearTimeout(grace);
    });
    const port = (server.address() as AddressInfo).port;
    apiBaseUrl = `http://${host}:${port}`;

    const tokenFor = (userId: string, roles: readonly string[], tokenOptions: TokenOptions = {}) =>
      mintToken(signingKey, { userId, roles, ...tokenOptions });

    let stopping: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      port,
      tableName,
      dynamoEndpoint,
      clock,
      bus,
      outbox,
      deps,
      adminToken: tokenFor('local-admin', ['admin'], { email: 'admin@opsdesk.local', name: 'Local Admin' }),
      smtpPort: mailGateway.smtpPort,
      objectsUrl: objects.url,
      tokenFor,
      setSweeper: (next) => {
        sweeper = next;
      },
      flushEvents,
      stop: () => {
        stopping ??= cleanup.runAll();
        return stopping;
      },
    };
  } catch (error) {
    await cleanup.runAll();
    throw error;
  }
}
