import * as z from 'zod/mini';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import '../zod-locale.js';
import { problemType } from './problem.js';
import { singleLine } from './text.js';

/** 64 KiB, the bound (docs/api.md#errors) on descriptions and comment bodies (measured in UTF-8 bytes). */
export const MAX_TEXT_BYTES = 64 * 1024;

/**
 * A copy of `schema` carrying `meta` (an OpenAPI component id, a description), as classic zod's
 * `.meta()` and `.describe()` do: the copy inherits the original's metadata except its id, and the
 * original, which other fields may share, stays as it was.
 */
export function withMeta<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, meta);
  return copy;
}

/** `withMeta(schema, { description })`. */
export function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  return withMeta(schema, { description });
}

export const longText = z.string().check(
  z.refine((text) => Buffer.byteLength(text, 'utf8') <= MAX_TEXT_BYTES, {
    message: 'must be at most 64 KiB (UTF-8)',
  }),
);

/** Identifiers callers choose (user ids from the IdP, CI ids, categories): printable, bounded. */
export const identifier = z.string().check(
  z.minLength(1),
  z.maxLength(128),
  z.refine((value) => !/[\s\p{Cc}]/u.test(value), {
    message: 'must be 1–128 printable characters without spaces',
  }),
);

export const groupId = z.string().check(
  z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message: 'must be lowercase letters, digits and hyphens (max 63)',
  }),
);

export const isoTime = z.iso.datetime({ offset: false, precision: 3 });

export const pageQuery = {
  limit: described(
    z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
    'the most items a page holds, 1–100 (a page may hold fewer; follow `nextCursor` until it is null)',
  ),
  cursor: described(
    z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
    "the previous page's `nextCursor`, sent with the same filters; opaque and bound to the caller and the query",
  ),
};

/** The query of a list that takes no filters. */
export const pageOnlyQuery = z.strictObject(pageQuery);

/** Every problem code of the one catalogue (functions/shared/errors.ts). */
const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/**
 * RFC 9457 problem details. Besides the standard members, the extension members Opsdesk sends are
 * declared (each only on the problems that carry it); any other member is allowed, since RFC 9457
 * §3.2 has clients ignore extensions they do not know, and new ones may be added. Members whose
 * values are a capability's closed set (statuses, link types, …) become enums in the document
 * (functions/public/http/openapi.ts), since shared/ knows no capability.
 */
export const problemSchema = withMeta(
  z.looseObject({
    type: described(
      z.enum(ERROR_CODE_LIST.map(problemType) as [string, ...string[]]),
      'a stable URI naming the kind of problem: https://opsdesk.dev/problems/<code> (docs/api.md#error-codes)',
    ),
    title: described(z.string(), "the code's title, the same for every occurrence of the code"),
    status: described(z.int().check(z.gte(400), z.lte(599)), 'the HTTP status code'),
    detail: described(z.string(), 'what went wrong with this request, for a person'),
    code: described(
      z.enum(ERROR_CODE_LIST),
      'a stable machine-readable code for the problem, the suffix of `type` (docs/api.md#error-codes)',
    ),
    errors: described(
      z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
      '400: one entry per fault; `path` names the field, query parameter, path parameter or header',
    ),
    from: described(z.optional(z.string()), '409 illegal transition: the current status'),
    to: described(z.optional(z.string()), '409 illegal transition: the status asked for'),
    allowed: described(
      z.optional(z.array(z.string())),
      '409 illegal transition: the statuses reachable from `from` (empty when it is final)',
    ),
    currentVersion: described(
      z.optional(z.int().check(z.gte(0))),
      '412: the current version (0 when the record does not exist); send it as If-Match',
    ),
    ticketStatus: described(z.optional(z.string()), "409: the ticket's status that forbids the action"),
    changeStatus: described(z.optional(z.string()), "409: the change's status that forbids the action"),
    itemStatus: described(
      z.optional(z.string()),
      "409 `catalog_item_not_published`: the catalog item's status (`draft` or `retired`)",
    ),
    group: described(
      z.optional(z.string()),
      '409 `approval_already_decided` / `approval_not_pending`: the approval group concerned',
    ),
    pendingGroups: described(
      z.optional(z.array(z.string())),
      '409: the groups whose approval is pending on the change',
    ),
    reason: described(
      z.optional(z.string()),
      '409: why, as a code (`link_cycle`, `ci_limit`, `hierarchy_too_deep`, kept for compatibility: `code` says the same; `TaskTimedOut` and the other Step Functions causes for `task_token_gone`)',
    ),
    limit: described(z.optional(z.int()), '409: the limit the request would exceed'),
    identifier: described(z.optional(z.string()), '409 `identifier_taken`: the identifier another CI holds'),
    assetTag: described(z.optional(z.string()), '409 `asset_tag_taken`: the asset tag another CI carries'),
    ciId: described(
      z.optional(z.string()),
      '409: the CI concerned (the holder of an identifier or asset tag, the CI at its relationship limit)',
    ),
    containedBy: described(
      z.optional(z.string()),
      '409 `already_contained`: the CI that contains the target',
    ),
    existing: described(
      z.optional(z.object({ type: z.string(), targetId: z.string() })),
      '409 duplicate link: the link that already exists',
    ),
    implementation: described(
      z.optional(
        z.object({
          outcome: z.string(),
          notes: z.nullable(z.string()),
          reportedBy: z.nullable(z.string()),
          reportedAt: isoTime,
        }),
      ),
      '409: the implementation already reported',
    ),
    review: described(
      z.optional(
        z.object({ notes: z.nullable(z.string()), reviewedBy: z.nullable(z.string()), reviewedAt: isoTime }),
      ),
      '409: the review already recorded',
    ),
    approval: described(
      z.optional(
        z.nullable(
          z.object({
            stage: z.string(),
            group: z.string(),
            status: z.string(),
            approver: z.nullable(z.string()),
            decision: z.nullable(z.string()),
            comment: z.nullable(z.string()),
            requestedAt: isoTime,
            escalatedAt: z.nullable(isoTime),
            decidedAt: z.nullable(isoTime),
          }),
        ),
      ),
      '409: the approval that is not pending (null when there is none)',
    ),
  }),
  {
    id: 'Problem',
    examples: [
      {
        type: 'https://opsdesk.dev/problems/invalid_transition',
        title: 'Invalid transition',
        status: 409,
        detail:
          'a service_request cannot move from in_progress to closed; allowed: on_hold, resolved, cancelled',
        code: 'invalid_transition',
        from: 'in_progress',
        to: 'closed',
        allowed: ['on_hold', 'resolved', 'cancelled'],
      },
    ],
  },
);

export function pageOf<T extends z.ZodMiniType>(item: T, id: string) {
  return withMeta(z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) }), { id });
}

/**
 * A history entry as every capability's history route answers it: who did what when, the field
 * changes, and the events the change raised. `actions` is the capability's closed set.
 */
export function historyEntrySchema(actions: readonly [string, ...string[]], id: string) {
  return withMeta(
    z.object({
      id: z.string(),
      recordId: z.string(),
      at: isoTime,
      actor: z.object({ id: z.string(), name: z.nullable(z.string()) }),
      action: z.enum(actions),
      changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
      events: z.array(z.object({ detailType: z.string(), detail: z.record(z.string(), z.unknown()) })),
    }),
    { id },
  );
}

/** Someone a record is raised for (agents on behalf of a requester): id required, contact optional. */
export const personInput = z.strictObject({
  id: identifier,
  email: z.optional(z.nullable(z.email())),
  // One line: the name can reach mail headers and greetings.
  name: z.optional(z.nullable(singleLine(200))),
});
