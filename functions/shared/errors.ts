/**
 * Domain failures. Each maps to one HTTP status in the RFC 9457 error handler; the domain itself
 * knows nothing about HTTP beyond this taxonomy.
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface ErrorCodeEntry {
  /** The HTTP status every problem with this code is answered with. */
  readonly status: number;
  /** The problem `title`: the same for every occurrence of the code (RFC 9457 §3.1.3). */
  readonly title: string;
  /** What it means for a client; docs/api.md#error-codes is generated from it. */
  readonly description: string;
}

/**
 * The one catalogue of problem codes. A code is stable: it is the problem's `code` member and the
 * suffix of its `type` URI (`https://opsdesk.dev/problems/<code>`), and a client may branch on it.
 * Each status has one generic code (GENERIC_CODES) that every error class falls back to; specific
 * codes name a case a client can act on differently. Add codes here, never rename one.
 */
export const ERROR_CODES = {
  validation_error: {
    status: 400,
    title: 'Invalid request',
    description:
      'The request is malformed or breaks a field rule: invalid JSON, an unknown field, a wrong type or value, a malformed path id, query, header, `If-Match` or cursor, a body on a route that takes none, an unknown group or ticket named in the body. `errors` names each fault.',
  },
  step_cycle: {
    status: 400,
    title: 'Step cycle',
    description:
      "A catalog item's `fulfilment.steps` name each other in a cycle through `after`; `errors` names the steps on it.",
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description:
      'No valid bearer token: missing, malformed, expired or issued for someone else. Alert intake (docs/alerts.md#credentials): missing or invalid integration credentials (a wrong secret, a bad Standard Webhooks signature or a timestamp beyond ±5 min, a bad SNS signature or certificate host, a topic not allowed) or an unknown integration, all answered alike.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    description:
      "The caller's roles do not allow this action (on this record, or on this route for every record).",
  },
  integration_disabled: {
    status: 403,
    title: 'Integration disabled',
    description:
      'Alert intake (docs/alerts.md#errors): the credentials are right but the integration is switched off (`enabled: false`); nothing was recorded.',
  },
  not_found: {
    status: 404,
    title: 'Not found',
    description:
      'The record does not exist or the caller may not see it (the two answers are identical); also an unknown route.',
  },
  method_not_allowed: {
    status: 405,
    title: 'Method not allowed',
    description: 'A known path with a method it does not take; the `Allow` header lists those it does.',
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    description: "Any other conflict with the record's current state.",
  },
  not_an_incident: {
    status: 409,
    title: 'Not an incident',
    description: 'Known errors apply to incidents only; the ticket is a service request or a problem.',
  },
  awaiting_approval: {
    status: 409,
    title: 'Awaiting approval',
    description:
      'The service request waits for its approvals (`holdReason: awaiting_approval`): only a decision (`POST /tickets/{id}/approvals`), expiry or cancellation ends that hold. `allowed`.',
  },
  catalog_item_not_published: {
    status: 409,
    title: 'Catalog item not published',
    description:
      'Requests are submitted only against a `published` catalog item; this one is a draft or retired. `itemStatus`.',
  },
  invalid_task_transition: {
    status: 409,
    title: 'Invalid task transition',
    description:
      'A fulfilment task cannot move from its status to the one asked for (`pending` tasks open by themselves). `from`, `to`, `allowed`.',
  },
  invalid_transition: {
    status: 409,
    title: 'Invalid transition',
    description:
      'A ticket or change cannot move from its status to the one asked for. `from`, `to`, and `allowed` (the statuses reachable from `from`, empty when it is final).',
  },
  already_answered: {
    status: 409,
    title: 'Already answered',
    description:
      'CSAT (docs/csat.md): this ticket has its one answer already; an answer is final and no survey is issued again.',
  },
  not_resolved: {
    status: 409,
    title: 'Not resolved',
    description: 'CSAT: feedback is given on resolved or closed tickets only; this one is neither.',
  },
  feedback_not_available: {
    status: 409,
    title: 'Feedback not available',
    description:
      'CSAT: this ticket has no survey to answer: surveys are off, its type is not surveyed, it came from an alert, its requester has no address, it was not sampled, or its survey is not issued yet (retry in a few seconds).',
  },
  ticket_closed: {
    status: 409,
    title: 'Ticket closed',
    description:
      'The ticket is closed or cancelled: it takes internal notes only, and its requester can no longer attach files; open a new ticket instead. `ticketStatus`.',
  },
  duplicate_link: {
    status: 409,
    title: 'Duplicate link',
    description: 'The two tickets are already linked. `existing` is that link.',
  },
  link_limit: {
    status: 409,
    title: 'Link limit reached',
    description: 'One of the two tickets already has 100 links, the most a ticket keeps.',
  },
  link_target_cancelled: {
    status: 409,
    title: 'Link target cancelled',
    description: 'A cancelled ticket cannot be the original of a `duplicate_of` link.',
  },
  ci_limit: {
    status: 409,
    title: 'CI limit reached',
    description: 'The ticket already affects 20 CIs, the most it keeps. `limit`.',
  },
  link_cycle: {
    status: 409,
    title: 'Link cycle',
    description: 'The `parent_of`/`child_of` link would make a ticket its own ancestor.',
  },
  hierarchy_too_deep: {
    status: 409,
    title: 'Hierarchy too deep',
    description: 'The parent already has more than 200 ancestors; the hierarchy is not extended. `limit`.',
  },
  calendar_read_only: {
    status: 409,
    title: 'Calendar read-only',
    description: 'The built-in `24x7` calendar always exists and cannot be changed.',
  },
  already_submitted: {
    status: 409,
    title: 'Change already submitted',
    description:
      "The change's workflow has already started (`changeStatus`); a retried submit needs nothing more.",
  },
  wrong_change_status: {
    status: 409,
    title: 'Wrong change status',
    description:
      'The change is not in the status the action needs (reporting an implementation outside `implementing`, a review outside `review`). `changeStatus`.',
  },
  approval_not_pending: {
    status: 409,
    title: 'Approval not pending',
    description:
      'No approval the caller could decide is pending: the change is not awaiting approval (`changeStatus`), or no pending group has the caller as a member (`pendingGroups`), or that approval is no longer pending (`approval`).',
  },
  approval_already_decided: {
    status: 409,
    title: 'Approval already decided',
    description: "The group's approval was decided by another answer first.",
  },
  implementation_already_reported: {
    status: 409,
    title: 'Implementation already reported',
    description: 'The outcome of the implementation was already reported. `implementation` when known.',
  },
  review_already_recorded: {
    status: 409,
    title: 'Review already recorded',
    description: 'The post-implementation review was already recorded. `review` when known.',
  },
  workflow_between_steps: {
    status: 409,
    title: 'Workflow between steps',
    description:
      "The change's workflow is not waiting for this answer right now (it is moving between steps); retry in a moment.",
  },
  task_token_gone: {
    status: 409,
    title: 'Answer came too late',
    description:
      'The workflow stopped waiting before the answer arrived (its window timed out or the execution ended): the answer was recorded, then voided, and did not count. `reason` is the Step Functions cause (`TaskTimedOut`, `TaskDoesNotExist`, `InvalidToken`).',
  },
  identifier_taken: {
    status: 409,
    title: 'Identifier taken',
    description:
      'Another CI already holds one of these `identifiers` (they are unique across the CMDB: alert mapping resolves them). `identifier`, `ciId`.',
  },
  asset_tag_taken: {
    status: 409,
    title: 'Asset tag taken',
    description: 'Another CI already carries this `asset.assetTag`. `assetTag`, `ciId`.',
  },
  already_contained: {
    status: 409,
    title: 'Already contained',
    description:
      'The target CI is already contained by another CI (a CI has at most one container). `containedBy`.',
  },
  containment_cycle: {
    status: 409,
    title: 'Containment cycle',
    description: 'The `contains` relationship would make a CI contain itself through its containers.',
  },
  too_many_relationships: {
    status: 409,
    title: 'Too many relationships',
    description:
      'One of the two CIs already has 500 relationships in that direction, the most a CI keeps. `ciId`, `limit`.',
  },
  class_cycle: {
    status: 409,
    title: 'Class cycle',
    description: "The class's `parent` chain would lead back to the class itself.",
  },
  request_in_progress: {
    status: 409,
    title: 'Request in progress',
    description: 'A request with this `Idempotency-Key` is still being processed; retry shortly.',
  },
  gone: {
    status: 410,
    title: 'Gone',
    description: 'The record existed but can no longer be used.',
  },
  survey_expired: {
    status: 410,
    title: 'Survey expired',
    description: 'CSAT: the survey passed its `expiresAt` (resolution + `validDays`) unanswered.',
  },
  survey_voided: {
    status: 410,
    title: 'Survey voided',
    description:
      'CSAT: the ticket was reopened before an answer, which voids its survey; the next resolution issues a new one.',
  },
  precondition_failed: {
    status: 412,
    title: 'Precondition failed',
    description: 'Any other precondition of the request that no longer holds.',
  },
  stale_version: {
    status: 412,
    title: 'Stale version',
    description:
      '`If-Match` names a version that is no longer current, or the record changed while the update was applied; nothing was written. `currentVersion` (0 when the record does not exist): send it as `If-Match`.',
  },
  payload_too_large: {
    status: 413,
    title: 'Payload too large',
    description: 'The request body is over 256 KiB.',
  },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    description: 'The body was not sent as `application/json`.',
  },
  unprocessable: {
    status: 422,
    title: 'Unprocessable request',
    description: 'Any other well-formed request that cannot be processed.',
  },
  known_error_required: {
    status: 422,
    title: 'Known error required',
    description:
      'A problem moves to `known_error` only with a known error on record: `knownErrorId` (an existing one) or `workaround` (one the same write publishes). `errors` names `workaround`.',
  },
  unknown_ci: {
    status: 422,
    title: 'Unknown CI',
    description:
      'A CI id named in the body is not in the CMDB (with `cmdb.strictCiIds` on, the default). `errors` names each such path, e.g. `ciIds.0`.',
  },
  retired_ci: {
    status: 422,
    title: 'Retired CI',
    description: 'A CI named in the body, or the CI addressed, is retired. `errors` names each such path.',
  },
  relationship_not_allowed: {
    status: 422,
    title: 'Relationship not allowed',
    description:
      'A service may be the target only of `depends_on` from another service. `errors` names `target`.',
  },
  service_not_live: {
    status: 422,
    title: 'Service not live',
    description:
      'The `serviceId` names no service, or one whose `portfolioStatus` is not `live` (only live services may be named). `errors` names the path.',
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Idempotency key reused',
    description: 'This `Idempotency-Key` was already used with a different request body.',
  },
  internal_error: {
    status: 500,
    title: 'Internal error',
    description: 'A bug: it is logged, and nothing says a retry would fare better.',
  },
  not_implemented: {
    status: 501,
    title: 'Not implemented',
    description: 'Local server only: an operator route whose feature is not plugged in.',
  },
  service_busy: {
    status: 503,
    title: 'Service busy',
    description:
      'The service is briefly unavailable (locally: the function did not answer in time); safe to retry.',
  },
  too_many_writers: {
    status: 503,
    title: 'Too many writers',
    description:
      'More than 30 concurrent writers on one record kept winning the race; nothing was written, safe to retry.',
  },
  backing_service_busy: {
    status: 503,
    title: 'Backing service busy',
    description: 'A backing AWS service throttled or failed transiently; safe to retry after `Retry-After`.',
  },
  workflow_not_started: {
    status: 503,
    title: 'Workflow not started',
    description:
      'The change was saved as a draft but its workflow could not start; `POST /changes/{id}/submit` retries.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes answered with HTTP status `S`: what an error class of that status may carry. */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends S ? C : never;
}[ErrorCode];

/** The code a problem of each status gets when nothing more specific applies. */
export const GENERIC_CODES = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'gone',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  500: 'internal_error',
  501: 'not_implemented',
  503: 'service_busy',
} as const satisfies { [S in (typeof ERROR_CODES)[ErrorCode]['status']]: CodeWithStatus<S> };

/** The generic code of a status, or `internal_error` for a status the catalogue does not know. */
export function genericCode(status: number): ErrorCode {
  return (GENERIC_CODES as Record<number, ErrorCode>)[status] ?? 'internal_error';
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Extra members for the problem body (e.g. `allowed` transitions). */
  readonly extensions: Record<string, unknown> = {};

  /** `code` is an entry of ERROR_CODES whose status is the class's. */
  protected constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(detail);
  }

  get title(): string {
    return ERROR_CODES[this.code].title;
  }
}

/** 400: the request is malformed or breaks a field rule. */
export class ValidationError extends DomainError {
  readonly status = 400;
  constructor(
    readonly errors: readonly FieldError[],
    detail = errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '),
    code: CodeWithStatus<400> = 'validation_error',
  ) {
    super(code, detail);
    this.extensions.errors = errors;
  }
}

/** 404: absent, or present but not visible to the caller (existence is not leaked). */
export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(detail: string, code: CodeWithStatus<404> = 'not_found') {
    super(code, detail);
  }
}

/** 403: the caller may see the record but may not do this. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  constructor(detail: string, code: CodeWithStatus<403> = 'forbidden') {
    super(code, detail);
  }
}

/**
 * 409: the action conflicts with the record's state (e.g. an illegal transition). `code` names
 * which conflict; the other members become extension members of the problem.
 */
export class ConflictError extends DomainError {
  readonly status = 409;
  constructor(
    detail: string,
    { code = 'conflict', ...extensions }: { code?: CodeWithStatus<409> } & Record<string, unknown> = {},
  ) {
    super(code, detail);
    Object.assign(this.extensions, extensions);
  }
}

/** 410: the record existed but is no longer usable (an expired or voided survey). */
export class GoneError extends DomainError {
  readonly status = 410;
  constructor(detail: string, code: CodeWithStatus<410> = 'gone') {
    super(code, detail);
  }
}

/** 412: `If-Match` named a version that is no longer current (`stale_version`). */
export class PreconditionFailedError extends DomainError {
  readonly status = 412;
  constructor(detail: string, currentVersion?: number, code: CodeWithStatus<412> = 'precondition_failed') {
    super(code, detail);
    if (currentVersion !== undefined) this.extensions.currentVersion = currentVersion;
  }
}

/**
 * 422: well-formed but unprocessable (e.g. an idempotency key reused with another body, a CI id
 * the CMDB does not know). `errors`, when given, names each offending path as a 400 does.
 */
export class UnprocessableError extends DomainError {
  readonly status = 422;
  constructor(detail: string, code: CodeWithStatus<422> = 'unprocessable', errors?: readonly FieldError[]) {
    super(code, detail);
    if (errors) this.extensions.errors = errors;
  }
}

/** 503: a transient contention we could not resolve within our retry budget; safe to retry. */
export class ServiceBusyError extends DomainError {
  readonly status = 503;
  constructor(detail: string, code: CodeWithStatus<503> = 'service_busy') {
    super(code, detail);
  }
}
