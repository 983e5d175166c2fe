import { assertMailOutcomeReader, type MailOutcomeService } from '../../email/mail-outcomes.js';
import type { MailRecord } from '../../email/store/ports.js';
import { assertGroupAdmin, assertGroupReader, type GroupService } from '../../groups/service.js';
import { ValidationError } from '../../shared/errors.js';
import { etagOf, versionFromIfMatch } from '../../shared/http/etag.js';
import { operation } from '../../shared/http/operation.js';
import type { ApiBuilder, HttpHandler } from '../../shared/http/pipeline.js';
import { groupId } from '../../shared/http/schemas.js';
import { assertSlaAdmin, assertSlaConfigReader, type SlaAdminService } from '../../sla/admin-service.js';
import { ADMIN_CONTRACT as CONTRACT } from './contract.js';

/** The admin bounded context: configuration records. Groups now; calendars and SLA policies later. */
export interface AdminServices {
  readonly groups: GroupService;
  readonly sla: SlaAdminService;
  readonly mail: MailOutcomeService;
}

export function createAdminHandler({ groups, sla, mail }: AdminServices, api: ApiBuilder): HttpHandler {
  const configId = (id: string) => {
    if (!groupId.safeParse(id).success) {
      throw new ValidationError([
        { path: 'id', message: 'must be lowercase letters, digits and hyphens (max 63)' },
      ]);
    }
    return id;
  };
  const versioned = <T extends { id: string; version: number }>(
    path: string,
    { record, created }: { record: T; created: boolean },
  ) => ({
    status: created ? 201 : 200,
    body: record,
    headers: { etag: etagOf(record.version), ...(created ? { location: `/${path}/${record.id}` } : {}) },
  });

  // Only GET and PUT routes (PUT is idempotent by itself), so no Idempotency-Key layer to bundle.
  return api({
    'GET /calendars': operation({
      ...CONTRACT['GET /calendars'],
      authorize: assertSlaConfigReader,
      handle: async ({ caller }) => ({ status: 200, body: { items: await sla.listCalendars(caller) } }),
    }),
    'GET /calendars/{id}': operation({
      ...CONTRACT['GET /calendars/{id}'],
      authorize: assertSlaConfigReader,
      handle: async ({ caller, params }) => {
        const calendar = await sla.getCalendar(caller, params.id!);
        return { status: 200, body: calendar, headers: { etag: etagOf(calendar.version) } };
      },
    }),
    'PUT /calendars/{id}': operation({
      ...CONTRACT['PUT /calendars/{id}'],
      authorize: assertSlaAdmin,
      handle: async ({ caller, params, body, headers }) =>
        versioned(
          'calendars',
          await sla.putCalendar(caller, configId(params.id!), body, versionFromIfMatch(headers['if-match'])),
        ),
    }),
    'GET /sla-policies': operation({
      ...CONTRACT['GET /sla-policies'],
      authorize: assertSlaConfigReader,
      handle: async ({ caller }) => ({ status: 200, body: { items: await sla.listPolicies(caller) } }),
    }),
    'GET /sla-policies/{id}': operation({
      ...CONTRACT['GET /sla-policies/{id}'],
      authorize: assertSlaConfigReader,
      handle: async ({ caller, params }) => {
        const policy = await sla.getPolicy(caller, params.id!);
        return { status: 200, body: policy, headers: { etag: etagOf(policy.version) } };
      },
    }),
    'PUT /sla-policies/{id}': operation({
      ...CONTRACT['PUT /sla-policies/{id}'],
      authorize: assertSlaAdmin,
      handle: async ({ caller, params, body, headers }) =>
        versioned(
          'sla-policies',
          await sla.putPolicy(caller, configId(params.id!), body, versionFromIfMatch(headers['if-match'])),
        ),
    }),
    'GET /mail-outcomes': operation({
      ...CONTRACT['GET /mail-outcomes'],
      authorize: assertMailOutcomeReader,
      handle: async ({ caller, query, page, pageBody }) => {
        const { limit, cursor, ...filter } = query;
        const result = await mail.list(caller, filter, await page({ limit, cursor }));
        return { status: 200, body: await pageBody({ ...result, items: result.items.map(mailOutcomeOf) }) };
      },
    }),
    'GET /groups': operation({
      ...CONTRACT['GET /groups'],
      authorize: assertGroupReader,
      handle: async ({ caller, query, page, pageBody }) => ({
        status: 200,
        body: await pageBody(await groups.list(caller, await page(query))),
      }),
    }),
    'GET /groups/{id}': operation({
      ...CONTRACT['GET /groups/{id}'],
      authorize: assertGroupReader,
      handle: async ({ caller, params }) => {
        const group = await groups.get(caller, params.id!);
        return { status: 200, body: group, headers: { etag: etagOf(group.version) } };
      },
    }),
    'PUT /groups/{id}': operation({
      ...CONTRACT['PUT /groups/{id}'],
      authorize: assertGroupAdmin,
      handle: async ({ caller, params, body, headers }) =>
        versioned(
          'groups',
          await groups.put(caller, configId(params.id!), body, versionFromIfMatch(headers['if-match'])),
        ),
    }),
  });
}

/** A mail record as the API shows it: without where the raw mail is stored. */
function mailOutcomeOf(record: MailRecord) {
  return {
    at: record.at,
    outcome: record.outcome,
    reason: record.reason,
    from: record.from ?? null,
    subject: record.subject ?? null,
    messageId: record.messageId ?? null,
    classification: record.classification ?? null,
  };
}
