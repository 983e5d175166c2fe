import { readFileSync, writeFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Request } from '@middy/core';
import { describe, expect, it } from 'vitest';
import { problem as localProblem } from '../../bin/local/problem.js';
import { assertChangeTransition } from '../../functions/changes/lifecycle.js';
import { ChangeService } from '../../functions/changes/service.js';
import type { CallbackKey, ChangeStore, ChangeWrite } from '../../functions/changes/store/change-store.js';
import { type ChangeWorkflow, TaskTokenGoneError } from '../../functions/changes/workflow/change-workflow.js';
import type { GroupStore } from '../../functions/groups/store/group-store.js';
import {
  ConflictError,
  type DomainError,
  ERROR_CODES,
  type ErrorCode,
  ForbiddenError,
  GENERIC_CODES,
  NotFoundError,
  PreconditionFailedError,
  ServiceBusyError,
  UnprocessableError,
  ValidationError,
} from '../../functions/shared/errors.js';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../../functions/shared/http/decode.js';
import { problemErrors } from '../../functions/shared/http/middleware/problem-errors.js';
import { PROBLEM_TYPE_BASE } from '../../functions/shared/http/problem.js';
import { applyUpdate } from '../../functions/tickets/rules.js';
import { change, agent as changeAgent, stamp as changeStamp } from '../domain/changes-fixtures.js';
import { agent, stamp, ticket } from '../domain/fixtures.js';

/** The problem body the HTTP functions answer for `error`. */
function answer(error: unknown) {
  const request = { error, response: undefined } as unknown as Request;
  problemErrors(new Logger({ logLevel: 'SILENT' })).onError!(request);
  const response = request.response as { statusCode: number; body: string };
  return { statusCode: response.statusCode, json: JSON.parse(response.body) };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/** Every DomainError class, by the status it answers with, built with a given code. */
const CLASSES: Record<number, { name: string; build: (code: never) => DomainError }> = {
  400: { name: 'ValidationError', build: (code) => new ValidationError([], 'x', code) },
  403: { name: 'ForbiddenError', build: (code) => new ForbiddenError('x', code) },
  404: { name: 'NotFoundError', build: (code) => new NotFoundError('x', code) },
  409: { name: 'ConflictError', build: (code) => new ConflictError('x', { code }) },
  412: { name: 'PreconditionFailedError', build: (code) => new PreconditionFailedError('x', 1, code) },
  422: { name: 'UnprocessableError', build: (code) => new UnprocessableError('x', code) },
  503: { name: 'ServiceBusyError', build: (code) => new ServiceBusyError('x', code) },
};

describe('the error code catalogue', () => {
  it('has unique, stable-looking codes, each with its own title and a description', () => {
    for (const code of CODES) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(ERROR_CODES[code].description.length, code).toBeGreaterThan(20);
    }
    expect(new Set(CODES.map((code) => ERROR_CODES[code].title)).size).toBe(CODES.length);
    expect(new Set(CODES.map((code) => `${PROBLEM_TYPE_BASE}${code}`)).size).toBe(CODES.length);
  });

  it('lists codes grouped by status, each status with a generic code of that status', () => {
    const statuses = CODES.map((code) => ERROR_CODES[code].status);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
    for (const status of new Set(statuses)) {
      const generic = (GENERIC_CODES as Record<number, ErrorCode>)[status];
      expect(generic, `generic code for ${status}`).toBeDefined();
      expect(ERROR_CODES[generic!].status).toBe(status);
    }
    for (const [status, code] of Object.entries(GENERIC_CODES)) {
      expect(ERROR_CODES[code].status).toBe(Number(status));
    }
  });

  it('every error class defaults to the generic code of its status', () => {
    const defaults: DomainError[] = [
      new ValidationError([{ path: 'x', message: 'y' }]),
      new ForbiddenError('x'),
      new NotFoundError('x'),
      new ConflictError('x'),
      new PreconditionFailedError('x'),
      new UnprocessableError('x'),
      new ServiceBusyError('x'),
      new PayloadTooLargeError('x'),
      new UnsupportedMediaTypeError('x'),
    ];
    for (const error of defaults) {
      expect(error.code, error.constructor.name).toBe(
        (GENERIC_CODES as Record<number, ErrorCode>)[error.status],
      );
      expect(ERROR_CODES[error.code].status).toBe(error.status);
    }
  });

  it.each(CODES)(
    '%s maps to the status of the class that carries it, in the body and on the wire',
    (code) => {
      const { status } = ERROR_CODES[code];
      const cls = CLASSES[status];
      if (!cls) return; // answered outside the domain classes: see the next tests
      const error = cls.build(code as never);
      expect(error.status, cls.name).toBe(status);
      expect(error.code).toBe(code);
      const res = answer(error);
      expect(res.statusCode).toBe(status);
      expect(res.json).toMatchObject({
        type: `${PROBLEM_TYPE_BASE}${code}`,
        code,
        status,
        title: ERROR_CODES[code].title,
        detail: 'x',
      });
    },
  );

  it.each([
    ['IdempotencyValidationError', 'idempotency_key_reused', 422],
    ['IdempotencyAlreadyInProgressError', 'request_in_progress', 409],
    ['ThrottlingException', 'backing_service_busy', 503],
    ['TypeError', 'internal_error', 500],
  ])('the middleware answers %s with %s (%i)', (name, code, status) => {
    const res = answer(Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } }));
    expect(res.statusCode).toBe(status);
    expect(res.json).toMatchObject({ type: `${PROBLEM_TYPE_BASE}${code}`, code, status });
  });

  it.each([400, 401, 403, 404, 405, 413, 500, 501, 503])(
    'the local server answers its own %i with the generic code of that status',
    (status) => {
      const body = localProblem(status, 'x');
      expect(body.status).toBe(status);
      expect(body.code).toBe((GENERIC_CODES as Record<number, ErrorCode>)[status]);
      expect(body.type).toBe(`${PROBLEM_TYPE_BASE}${body.code}`);
    },
  );

  it('domain errors keep their extension members next to `code`', () => {
    const res = answer(new ConflictError('no', { code: 'link_cycle', reason: 'link_cycle' }));
    expect(res.json).toMatchObject({ code: 'link_cycle', reason: 'link_cycle', status: 409 });
  });
});

describe('specific conflicts have specific types', () => {
  it('an illegal ticket or change transition is invalid_transition, with from/to/allowed', () => {
    const ticketMove = answer(thrown(() => applyUpdate(ticket(), { status: 'closed' }, agent, stamp())));
    const changeMove = answer(thrown(() => assertChangeTransition('CHG-000001', 'closed', 'draft')));
    for (const res of [ticketMove, changeMove]) {
      expect(res.statusCode).toBe(409);
      expect(res.json).toMatchObject({
        type: `${PROBLEM_TYPE_BASE}invalid_transition`,
        code: 'invalid_transition',
        from: expect.any(String),
        to: expect.any(String),
        allowed: expect.any(Array),
      });
    }
  });

  it('an answer whose task token is dead is task_token_gone, a different type from a bad transition', async () => {
    let stored = change({ status: 'implementing' });
    const store = {
      get: async () => stored,
      getCallback: async (_id: string, key: CallbackKey) => ({ key, state: 'open', taskToken: 'token-1' }),
      commit: async (write: ChangeWrite) => {
        stored = write.after;
      },
    } as unknown as ChangeStore;
    const workflow = {
      sendTaskSuccess: async () => {
        throw new TaskTokenGoneError('TaskTimedOut');
      },
    } as unknown as ChangeWorkflow;
    const service = new ChangeService(
      store,
      {} as GroupStore,
      workflow,
      { now: () => new Date(changeStamp().now) },
      () => 'evt-x',
    );
    const error = await service
      .reportImplementation(changeAgent, 'CHG-000001', { outcome: 'successful' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const dead = answer(error);
    expect(dead.statusCode).toBe(409);
    expect(dead.json).toMatchObject({
      type: `${PROBLEM_TYPE_BASE}task_token_gone`,
      code: 'task_token_gone',
      reason: 'TaskTimedOut',
    });
    expect(stored.implementation).toBeNull();
    const illegal = answer(thrown(() => assertChangeTransition('CHG-000001', 'closed', 'draft')));
    expect(illegal.statusCode).toBe(dead.statusCode);
    expect(illegal.json.type).not.toBe(dead.json.type);
  });
});

/** docs/api.md#error-codes: the catalogue as a table, between these markers. */
const DOC = 'docs/api.md';
const START = '<!-- error-codes:start (generated from ERROR_CODES by test/http/error-codes.test.ts) -->';
const END = '<!-- error-codes:end -->';

function catalogueTable(): string {
  const rows = CODES.map((code) => {
    const { status, description } = ERROR_CODES[code];
    return `| \`${code}\` | ${status} | ${description} |`;
  });
  return ['| code | status | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

describe('docs/api.md', () => {
  it('lists exactly the catalogue (UPDATE_DOCS=1 rewrites the table)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    expect(start, `${DOC} has the ${START} marker`).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const current = doc.slice(start + START.length, end).trim();
    const expected = catalogueTable();
    if (process.env.UPDATE_DOCS === '1' && current !== expected) {
      writeFileSync(DOC, `${doc.slice(0, start + START.length)}\n${expected}\n${doc.slice(end)}`);
      return;
    }
    expect(current).toBe(expected);
  });
});
