import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import type { CsatSettings } from '../model.js';
import { assertCsatAdmin, type CsatSettingsService } from '../settings-service.js';
import type { AnswerInput, SurveyService } from '../survey-service.js';
import { CSAT_CONTRACT as CONTRACT } from './contract.js';

/** The JWT routes of the csat function; the survey links have their own adapter (survey-http.ts). */
export function createCsatHandler(
  services: { settings: CsatSettingsService; surveys: SurveyService },
  api: ApiBuilder,
): HttpHandler {
  const { settings, surveys } = services;
  return api({
    'GET /settings/csat': operation({
      ...CONTRACT['GET /settings/csat'],
      authorize: assertCsatAdmin,
      handle: async ({ caller }) => {
        const current = await settings.get(caller);
        return { status: 200, body: current, headers: { etag: etagOf(current.version) } };
      },
    }),
    'PUT /settings/csat': operation({
      ...CONTRACT['PUT /settings/csat'],
      authorize: assertCsatAdmin,
      handle: async ({ caller, body, headers }) => {
        const stored = await settings.put(
          caller,
          body as CsatSettings,
          versionFromIfMatch(headers['if-match']),
        );
        return { status: 200, body: stored, headers: { etag: etagOf(stored.version) } };
      },
    }),
    'POST /tickets/{id}/feedback': operation({
      ...CONTRACT['POST /tickets/{id}/feedback'],
      handle: async ({ caller, params, body }) => ({
        status: 201,
        body: await surveys.answerAsRequester(caller, params.id!, body as AnswerInput),
      }),
    }),
    'GET /tickets/{id}/feedback': operation({
      ...CONTRACT['GET /tickets/{id}/feedback'],
      handle: async ({ caller, params }) => ({
        status: 200,
        body: await surveys.feedback(caller, params.id!),
      }),
    }),
  });
}
