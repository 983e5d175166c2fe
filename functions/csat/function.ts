import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { idsOn } from '../shared/clock/ids.js';
import type { HttpHandler } from '../shared/http/pipeline.js';
import { tableApi } from '../shared/http/table-api.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT } from '../shared/wiring/environment.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { createCsatHandler } from './http/handler.js';
import { SURVEY_ROUTES, surveyHttp } from './http/survey-http.js';
import { CsatSettingsService } from './settings-service.js';
import { csatStore } from './store/wiring.js';
import { SurveyService } from './survey-service.js';

/** The csat function: settings, survey links and requesters' feedback (docs/csat.md). */
export const CSAT_ENVIRONMENT = defineEnvironment({ ...HTTP_TABLE_ENVIRONMENT });

/** One assembly for the Lambda entry and the local runtime: the JWT routes, and the survey links apart. */
export function assembleCsat(deps: HttpDeps): HttpHandler {
  const store = csatStore(deps);
  const surveys = new SurveyService(store, ticketStore(deps), deps.clock, idsOn(deps.clock));
  const routes = createCsatHandler(
    { settings: new CsatSettingsService(store, deps.clock), surveys },
    tableApi(deps),
  );
  const links = surveyHttp(surveys, new Logger({ serviceName: 'opsdesk' }));
  return (async (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) =>
    SURVEY_ROUTES.has(event.routeKey) ? links(event) : routes(event, context)) as HttpHandler;
}
