import { DynamoGroupRepository } from '../adapters/dynamodb/group-repository.js';
import { ValidationError } from '../domain/errors.js';
import { assertGroupAdmin, GroupService } from '../domain/groups/service.js';
import { assertSlaAdmin, SlaAdminService } from '../domain/sla/admin-service.js';
import { ADMIN_CONTRACT as CONTRACT } from '../http/contracts/admin.js';
import { etagOf, versionFromIfMatch } from '../http/etag.js';
import { operation } from '../http/operation.js';
import { type HttpHandler, httpApi } from '../http/pipeline.js';
import { groupId } from '../http/schemas/common.js';
import type { HttpDeps } from '../wiring/deps.js';
import { slaConfigStore } from '../wiring/stores.js';

/** The admin bounded context: configuration records. Groups now; calendars and SLA policies later. */
export function createAdminHandler(deps: HttpDeps): HttpHandler {
  const groups = new GroupService(new DynamoGroupRepository(deps.dynamo, deps.tableName), deps.clock);

  // Through the cache, so this process's ticket writes see the change at once.
  const sla = new SlaAdminService(slaConfigStore(deps), deps.clock);
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
  return httpApi(
    {
      'GET /calendars': operation({
        ...CONTRACT['GET /calendars'],
        handle: async ({ caller }) => ({ status: 200, body: { items: await sla.listCalendars(caller) } }),
      }),
      'GET /calendars/{id}': operation({
        ...CONTRACT['GET /calendars/{id}'],
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
            await sla.putCalendar(
              caller,
              configId(params.id!),
              body,
              versionFromIfMatch(headers['if-match']),
            ),
          ),
      }),
      'GET /sla-policies': operation({
        ...CONTRACT['GET /sla-policies'],
        handle: async ({ caller }) => ({ status: 200, body: { items: await sla.listPolicies(caller) } }),
      }),
      'GET /sla-policies/{id}': operation({
        ...CONTRACT['GET /sla-policies/{id}'],
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
      'GET /groups': operation({
        ...CONTRACT['GET /groups'],
        handle: async ({ caller, query, page, pageBody }) => ({
          status: 200,
          body: await pageBody(await groups.list(caller, await page(query))),
        }),
      }),
      'GET /groups/{id}': operation({
        ...CONTRACT['GET /groups/{id}'],
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
    },
    deps,
  );
}
