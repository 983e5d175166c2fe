import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { STRICT_CI_IDS_ENVIRONMENT } from '../cmdb/strict-ci-ids.js';
import { DEFAULT_TICKET_GROUP } from '../groups/model.js';
import { idsOn } from '../shared/clock/ids.js';
import { DomainError } from '../shared/errors.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import {
  defineEnvironment,
  HTTP_TABLE_ENVIRONMENT,
  optional,
  required,
} from '../shared/wiring/environment.js';
import { createIntegrationsHandler } from './http/handler.js';
import { applyEventBridge, INTAKE_ROUTES, intakeHttp } from './http/intake-http.js';
import { type AlertsOptions, assembleIntake, defaultCipher } from './intake.function.js';
import { IntegrationService } from './integrations.js';
import { SNS_HOST_PATTERN } from './sns/sns-messages.js';
import { HttpsSubscriptionConfirmer } from './sns/sns-validator-adapter.js';
import { alertStore } from './store/wiring.js';

/** The alerts function: integrations admin, HTTP intake and the in-account CloudWatch path (docs/alerts.md). */
export const ALERTS_ENVIRONMENT = defineEnvironment({
  ...HTTP_TABLE_ENVIRONMENT,
  DEFAULT_GROUP: optional(DEFAULT_TICKET_GROUP),
  ...STRICT_CI_IDS_ENVIRONMENT,
  /** The `cloudwatch` integration with auth `aws_eventbridge` that default-bus alarm events go to. */
  ALERTS_EVENTBRIDGE_INTEGRATION: optional('aws-cloudwatch'),
  /** The KMS key sealing `hmac` integration keys (lib/alerts.ts; only this function may use it). */
  ALERTS_KEY_ARN: required(),
});

export type { AlertsOptions } from './intake.function.js';

/**
 * One handler for the routes of the alerts function and for EventBridge events (the default-bus
 * rule invokes it directly): API Gateway events by route key, anything else as an alarm event.
 */
export function assembleAlerts(deps: HttpDeps, options: AlertsOptions = {}): HttpHandler {
  const intake = assembleIntake(deps, options);
  const logger = new Logger({ serviceName: 'opsdesk' });
  const newId = idsOn(deps.clock);
  const admin = createIntegrationsHandler(
    new IntegrationService(alertStore(deps), deps.clock, options.cipher ?? defaultCipher()),
    tableApi(deps),
  );
  const confirmer = new HttpsSubscriptionConfirmer(options.snsHosts ?? SNS_HOST_PATTERN);
  const http = intakeHttp(intake, newId, () => deps.clock.now(), logger, confirmer);
  const eventBridgeIntegration = options.eventBridgeIntegration ?? 'aws-cloudwatch';
  return (async (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => {
    if (typeof event.routeKey !== 'string') {
      // A default-bus alarm event: a bad one is logged and dropped (a retry would fail alike).
      try {
        return (await applyEventBridge(intake, eventBridgeIntegration, event)) as never;
      } catch (error) {
        logger.error('alarm event not applied', error as Error);
        if (error instanceof DomainError) return undefined as never;
        throw error;
      }
    }
    if (INTAKE_ROUTES.has(event.routeKey)) return http(event);
    return admin(event, context);
  }) as HttpHandler;
}
