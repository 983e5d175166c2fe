import { DynamoGroupRepository } from '../adapters/dynamodb/group-repository.js';
import { ValidationError } from '../domain/errors.js';
import { GroupService } from '../domain/groups/service.js';
import { CONTRACT } from '../http/contract.js';
import { etagOf, versionFromIfMatch } from '../http/etag.js';
import { operation } from '../http/operation.js';
import { type HttpHandler, httpApi } from '../http/pipeline.js';
import { groupId } from '../http/schemas/common.js';
import type { AppDeps } from '../wiring/deps.js';

/** The admin bounded context: configuration records. Groups now; calendars and SLA policies later. */
export function createAdminHandler(deps: AppDeps): HttpHandler {
  const groups = new GroupService(new DynamoGroupRepository(deps.dynamo, deps.tableName), deps.clock);

  return httpApi(
    {
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
        handle: async ({ caller, params, body, headers }) => {
          const id = params.id!;
          if (!groupId.safeParse(id).success) {
            throw new ValidationError([
              { path: 'id', message: 'must be lowercase letters, digits and hyphens (max 63)' },
            ]);
          }
          const { group, created } = await groups.put(
            caller,
            id,
            body,
            versionFromIfMatch(headers['if-match']),
          );
          return {
            status: created ? 201 : 200,
            body: group,
            headers: { etag: etagOf(group.version), ...(created ? { location: `/groups/${group.id}` } : {}) },
          };
        },
      }),
    },
    deps,
  );
}
