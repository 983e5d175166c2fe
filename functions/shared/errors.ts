/**
 * Domain failures. Each maps to one HTTP status in the RFC 9457 error handler; the domain itself
 * knows nothing about HTTP beyond this taxonomy.
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** Extra members for the problem body (e.g. `allowed` transitions). */
  readonly extensions: Record<string, unknown> = {};
}

/** 400: the request is malformed or breaks a field rule. */
export class ValidationError extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid request';
  constructor(
    readonly errors: readonly FieldError[],
    detail = errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '),
  ) {
    super(detail);
    this.extensions.errors = errors;
  }
}

/** 404: absent, or present but not visible to the caller (existence is not leaked). */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
}

/** 403: the caller may see the record but may not do this. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly title = 'Forbidden';
}

/** 409: the action conflicts with the record's state (e.g. an illegal transition). */
export class ConflictError extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    Object.assign(this.extensions, extensions);
  }
}

/** 412: `If-Match` named a version that is no longer current. */
export class PreconditionFailedError extends DomainError {
  readonly status = 412;
  readonly title = 'Precondition failed';
  constructor(detail: string, currentVersion?: number) {
    super(detail);
    if (currentVersion !== undefined) this.extensions.currentVersion = currentVersion;
  }
}

/** 422: well-formed but unprocessable (e.g. an idempotency key reused with another body). */
export class UnprocessableError extends DomainError {
  readonly status = 422;
  readonly title = 'Unprocessable request';
}

/** 503: a transient contention we could not resolve within our retry budget; safe to retry. */
export class ServiceBusyError extends DomainError {
  readonly status = 503;
  readonly title = 'Service busy';
}
