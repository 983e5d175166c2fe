import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { ciDirectory, cmdbStore } from '../cmdb/store/wiring.js';
import { STRICT_CI_IDS_ENVIRONMENT } from '../cmdb/strict-ci-ids.js';
import { DEFAULT_TICKET_GROUP } from '../groups/model.js';
import { groupStore } from '../groups/store/wiring.js';
import { idsOn } from '../shared/clock/ids.js';
import { DomainError } from '../shared/errors.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT, optional } from '../shared/wiring/environment.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { TicketService } from '../tickets/service.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { createIntegrationsHandler } from './http/handler.js';
import { applyEventBridge, INTAKE_ROUTES, intakeHttp } from './http/intake-http.js';
import { AlertIntake } from './intake.js';
import { IntegrationService } from './integrations.js';
import { alertStore } from './store/wiring.js';

/** The alerts function: integrations admin, HTTP intake and the in-account CloudWatch path (docs/alerts.md). */
export const ALERTS_ENVIRONMENT = defineEnvironment({
  ...HTTP_TABLE_ENVIRONMENT,
  DEFAULT_GROUP: optional(DEFAULT_TICKET_GROUP),
  ...STRICT_CI_IDS_ENVIRONMENT,
  /** The `cloudwatch` integration with auth `aws_eventbridge` that default-bus alarm events go to. */
  ALERTS_EVENTBRIDGE_INTEGRATION: optional('aws-cloudwatch'),
});

export interface AlertsOptions {
  readonly defaultGroup?: string;
  readonly strictCiIds?: boolean;
  /** The integration default-bus CloudWatch events are applied to (ALERTS_EVENTBRIDGE_INTEGRATION). */
  readonly eventBridgeIntegration?: string;
}

/** What the intake is made of, for the handler and for benches and tests that drive it directly. */
export function assembleIntake(deps: HttpDeps, options: AlertsOptions = {}): AlertIntake {
  const tickets = ticketStore(deps);
  const slaConfig = slaConfigStore(deps);
  const groups = groupStore(deps);
  const directory = ciDirectory(deps);
  const cmdb = cmdbStore(deps);
  const newId = idsOn(deps.clock);
  return new AlertIntake({
    store: alertStore(deps),
    tickets,
    ticketService: (store) =>
      new TicketService(store, groups, slaConfig, directory, deps.clock, newId, {
        defaultGroup: options.defaultGroup ?? DEFAULT_TICKET_GROUP,
        strictCiIds: options.strictCiIds ?? true,
      }),
    cmdb: {
      cis: (ids) => directory.cis(ids),
      services: (ids) => directory.services(ids),
      ciByIdentifier: (id) => cmdb.ciByIdentifier(id),
    },
    clock: deps.clock,
  });
}

/**
 * One handler for the routes of the alerts function and for EventBridge events (the default-bus
 * rule invokes it directly): API Gateway events by route key, anything else as an alarm event.
 */
export function assembleAlerts(deps: HttpDeps, options: AlertsOptions = {}): HttpHandler {
  const intake = assembleIntake(deps, options);
  const logger = new Logger({ serviceName: 'opsdesk' });
  const newId = idsOn(deps.clock);
  const admin = createIntegrationsHandler(
    new IntegrationService(alertStore(deps), deps.clock),
    tableApi(deps),
  );
  const http = intakeHttp(intake, newId, () => deps.clock.now(), logger);
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
