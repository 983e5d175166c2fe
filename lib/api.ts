import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ADMIN_ENVIRONMENT } from '../functions/admin/function.js';
import { ALERTS_ENVIRONMENT } from '../functions/alerts/function.js';
import { ATTACHMENTS_ENVIRONMENT } from '../functions/attachments/function.js';
import { CATALOG_ENVIRONMENT } from '../functions/catalog/function.js';
import { CHANGES_ENVIRONMENT } from '../functions/changes/function.js';
import { CMDB_ENVIRONMENT } from '../functions/cmdb/function.js';
import { CSAT_ENVIRONMENT } from '../functions/csat/function.js';
import { PROBLEMS_ENVIRONMENT } from '../functions/problems/function.js';
import { PUBLIC_ENVIRONMENT } from '../functions/public/function.js';
import { REPORTS_ENVIRONMENT } from '../functions/reports/function.js';
import {
  type FunctionName,
  ROUTES,
  type RouteDefinition,
  routeKey,
} from '../functions/shared/http/routes.js';
import { TICKETS_ENVIRONMENT } from '../functions/tickets/function.js';
import { defaultGroupOf, reportsTimezoneOf, type StackConfig, strictCiIdsOf } from './config.js';
import { type DataConstruct, tableBackupOf } from './data.js';
import { IdentityConstruct } from './identity.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';

/** Whole-stage limits: far above a service desk's traffic, low enough to cap a runaway client's bill. */
const DEFAULT_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;
/** Unauthenticated routes are the cheapest to abuse, so they get a lower ceiling of their own. */
const PUBLIC_ROUTE_THROTTLE = { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } as const;
/** Alert intake (§10): monitoring bursts in storms, so its own ceiling per route (docs/alerts.md#limits). */
const ALERT_INTAKE_THROTTLE = { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 } as const;
const isAlertIntake = (route: RouteDefinition) => route.path.startsWith('/alerts/');
/** Survey links (§10): a capability token in the path, so a low ceiling per route (docs/csat.md#the-link). */
const SURVEY_LINK_THROTTLE = { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } as const;
const isSurveyLink = (route: RouteDefinition) => route.path.startsWith('/surveys/');

const FUNCTION_DESCRIPTIONS: Record<FunctionName, string> = {
  public: 'Opsdesk unauthenticated routes (health, OpenAPI document)',
  tickets: 'Opsdesk tickets, comments, history and links',
  attachments: 'Opsdesk ticket attachments: presigned uploads and downloads',
  admin: 'Opsdesk configuration: groups, SLA policies, calendars',
  changes: 'Opsdesk changes: submission, approvals, implementation, review; freeze windows',
  cmdb: 'Opsdesk CMDB: CIs, relationships, impact analysis, classes, services',
  alerts: 'Opsdesk monitoring integrations and alert intake (alerts become incidents)',
  catalog: 'Opsdesk service catalog: items, request submission, approvals, fulfilment tasks',
  problems: 'Opsdesk known errors: records, suggestions on incidents, applying workarounds',
  reports: 'Opsdesk continual-improvement reports: incidents, changes, backlog, availability, CSAT; rebuild',
  csat: 'Opsdesk customer satisfaction: settings, survey links (JSON and HTML form), requester feedback',
};

/** Functions that read and write the table; `public` serves static answers and gets no access. */
const TABLE_USERS: readonly FunctionName[] = [
  'tickets',
  'attachments',
  'admin',
  'changes',
  'cmdb',
  'alerts',
  'catalog',
  'problems',
];

export interface ApiConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
}

/** The HTTP API: one route per ROUTES entry, JWT-authorised unless the route is public. */
export class ApiConstruct extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly identity: IdentityConstruct;
  readonly functions: Record<FunctionName, NodejsFunction>;
  /** HMAC key for pagination cursors, so clients cannot forge a cursor into someone else's data. */
  readonly cursorSecret: Secret;

  constructor(scope: Construct, id: string, props: ApiConstructProps) {
    super(scope, id);
    const { config, data } = props;

    this.identity = new IdentityConstruct(this, 'Identity', { config });
    this.cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'Opsdesk: key that signs pagination cursors',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret is an HMAC key for pagination cursors, not a credential to another system. Replacing ' +
        'it only invalidates cursors in flight (clients restart the listing); an operator can do that at ' +
        'any time with `aws secretsmanager put-secret-value`. A rotation Lambda would add code and ' +
        'permissions for no stronger guarantee.',
    });

    this.functions = this.createFunctions(config, data);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `opsdesk-${config.stage}`,
      description: 'Opsdesk ITSM API',
      createDefaultStage: false,
      corsPreflight: corsPreflight(config.corsOrigins),
    });
    const routes = this.addRoutes();
    this.stage = this.createStage(config, routes);

    new CfnOutput(this, 'ApiUrl', {
      key: 'ApiUrl',
      value: this.stage.url,
      description: 'Opsdesk API base URL',
    });
    const { userPool, userPoolClient } = this.identity;
    if (userPool && userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { key: 'UserPoolId', value: userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', {
        key: 'UserPoolClientId',
        value: userPoolClient.userPoolClientId,
      });
    }
  }

  private createFunctions(config: StackConfig, data: DataConstruct): Record<FunctionName, NodejsFunction> {
    // Every HTTP function builds the same dependencies at init (functions/shared/wiring/aws.ts), which
    // require these variables; a name or ARN in the environment grants nothing by itself.
    const pipeline = { CORS_ORIGINS: config.corsOrigins.join(','), GROUPS_CLAIM: config.groupsClaim };
    const overTable = {
      ...pipeline,
      EMAIL_VERIFYING_ISSUERS: config.emailVerifyingIssuers.join(','),
      TABLE_NAME: data.table.tableName,
      CURSOR_SECRET_ARN: this.cursorSecret.secretArn,
    };
    // `cmdb.strictCiIds`: whether tickets and changes may name only CIs of the CMDB.
    const strict = { CMDB_STRICT_CI_IDS: strictCiIdsOf(config) ? 'true' : 'false' };
    // Exactly what each function's function.ts declares; the bucket and the state machine are
    // added by the constructs that create them (storage.ts, changes.ts).
    const environments: Record<FunctionName, Record<string, string>> = {
      public: environmentFor(PUBLIC_ENVIRONMENT, pipeline),
      tickets: environmentFor(TICKETS_ENVIRONMENT, {
        ...overTable,
        ...strict,
        DEFAULT_GROUP: defaultGroupOf(config),
      }),
      attachments: environmentFor(ATTACHMENTS_ENVIRONMENT, overTable, ['ATTACHMENTS_BUCKET']),
      admin: environmentFor(ADMIN_ENVIRONMENT, overTable),
      changes: environmentFor(CHANGES_ENVIRONMENT, { ...overTable, ...strict }, ['STATE_MACHINE_ARN']),
      cmdb: environmentFor(CMDB_ENVIRONMENT, {
        ...overTable,
        // GET /reports/dr-posture reports the table's backup settings as deployed (lib/data.ts).
        TABLE_POINT_IN_TIME_RECOVERY: String(tableBackupOf(config).pointInTimeRecovery),
        TABLE_DELETION_PROTECTION: String(tableBackupOf(config).deletionProtection),
      }),
      catalog: environmentFor(CATALOG_ENVIRONMENT, overTable),
      problems: environmentFor(PROBLEMS_ENVIRONMENT, { ...overTable, ...strict }),
      csat: environmentFor(CSAT_ENVIRONMENT, overTable),
      // The jobs function a rebuild is handed to is added by lib/reports.ts, which creates it.
      reports: environmentFor(
        REPORTS_ENVIRONMENT,
        { ...overTable, REPORTS_TIMEZONE: reportsTimezoneOf(config) },
        ['REPORT_JOBS_FUNCTION'],
      ),
      // The KMS key sealing HMAC keys is added by lib/alerts.ts, which creates it.
      alerts: environmentFor(
        ALERTS_ENVIRONMENT,
        {
          ...overTable,
          ...strict,
          DEFAULT_GROUP: defaultGroupOf(config),
          ALERTS_EVENTBRIDGE_INTEGRATION: 'aws-cloudwatch',
        },
        ['ALERTS_KEY_ARN'],
      ),
    };
    const make = (name: FunctionName): NodejsFunction =>
      createOpsdeskFunction(this, `${capitalise(name)}Function`, {
        entryName: name,
        description: FUNCTION_DESCRIPTIONS[name],
        config,
        environment: environments[name],
      });
    const functions: Record<FunctionName, NodejsFunction> = {
      public: make('public'),
      tickets: make('tickets'),
      attachments: make('attachments'),
      admin: make('admin'),
      changes: make('changes'),
      cmdb: make('cmdb'),
      alerts: make('alerts'),
      catalog: make('catalog'),
      problems: make('problems'),
      reports: make('reports'),
      csat: make('csat'),
    };
    for (const name of TABLE_USERS) {
      data.grantRequestPathAccess(functions[name]);
      this.cursorSecret.grantRead(functions[name]);
    }
    // Reports read aggregates only: their narrower table grant is lib/reports.ts's.
    this.cursorSecret.grantRead(functions.reports);
    // CSAT lists nothing (no cursors, no index): items by key, transactions of Put/Update, and the
    // Idempotency-Key records (Get/Put/Update/Delete) of POST /tickets/{id}/feedback.
    data.grantItemAccess(
      functions.csat,
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      [],
    );
    return functions;
  }

  private addRoutes(): HttpRoute[] {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName): HttpLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${capitalise(name)}Integration`, this.functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };

    return ROUTES.flatMap((route) => {
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
        authorizer: route.authenticated ? this.identity.authorizer : undefined,
      });
      if (!route.authenticated) acknowledgePublicRoute(added, route);
      return added;
    });
  }

  private createStage(config: StackConfig, routes: readonly HttpRoute[]): HttpStage {
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: DEFAULT_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat() },
    });

    // HttpStage has no per-route settings; the L1 property takes route keys.
    const publicRouteSettings = Object.fromEntries(
      ROUTES.filter((route) => !route.authenticated).map((route) => [
        routeKey(route),
        isAlertIntake(route)
          ? ALERT_INTAKE_THROTTLE
          : isSurveyLink(route)
            ? SURVEY_LINK_THROTTLE
            : PUBLIC_ROUTE_THROTTLE,
      ]),
    );
    (stage.node.defaultChild as CfnStage).routeSettings = publicRouteSettings;
    // CloudFormation rejects route settings that name a route not created yet.
    for (const route of routes) stage.node.addDependency(route);
    return stage;
  }
}

/** One JSON line per request; `requestId` is what API Gateway requires and what support asks for. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
      authorizerError: '$context.authorizer.error',
      userId: '$context.authorizer.claims.sub',
    }),
  );
}

/**
 * Browsers send a preflight before any call carrying `Authorization`; API Gateway answers it when
 * CORS is configured (the functions' own CORS headers then cover the actual responses).
 */
function corsPreflight(origins: readonly string[]) {
  if (origins.length === 0) return undefined;
  return {
    allowOrigins: [...origins],
    allowMethods: [
      CorsHttpMethod.GET,
      CorsHttpMethod.POST,
      CorsHttpMethod.PUT,
      CorsHttpMethod.PATCH,
      CorsHttpMethod.DELETE,
    ],
    allowHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key'],
    exposeHeaders: ['etag', 'location', 'idempotent-replayed'],
    maxAge: Duration.hours(1),
  };
}

function acknowledgePublicRoute(routes: readonly HttpRoute[], route: RouteDefinition): void {
  for (const added of routes) {
    Validations.of(added).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: isSurveyLink(route)
        ? `${routeKey(route)} is outside the JWT authorizer by design (docs/csat.md#the-link): requesters follow a mailed link from any browser, without a session. The 32-byte random token in the path is the credential (stored only as its SHA-256; unknown tokens answer 404 after one GetItem), a GET never records, and the route is throttled to 5 req/s, burst 10.`
        : isAlertIntake(route)
          ? `${routeKey(route)} is outside the JWT authorizer by design (docs/alerts.md#sending-alerts): monitoring systems (Alertmanager, EventBridge API destinations, PagerDuty-style senders) cannot obtain user JWTs. The function authenticates every delivery by the integration's credentials: its secret (SHA-256 digest, constant-time compare), a Standard Webhooks HMAC signature within ±5 min (keys sealed by KMS), or the SNS message's own signature (certificate from an SNS host, allowed topic); unknown integrations answer like wrong credentials, and the route is throttled to 20 req/s, burst 50.`
          : `${routeKey(route)} is public by design (docs/api.md#authentication-and-roles): health checks and API discovery run without a token. It reads no data and is throttled lower than the rest of the API.`,
    });
  }
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
