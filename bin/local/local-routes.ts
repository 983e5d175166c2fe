import * as z from 'zod';
import type { OutboundMail } from '../../functions/email/mail/mail-sender.js';
import type { TestClock } from '../../functions/shared/clock/test-clock.js';
import { EVENT_SOURCE } from '../../functions/shared/outbox/event-bus.js';
import type { RecordingEventBus } from '../../functions/shared/outbox/recording-bus.js';
import { bearerChallenge, rolesOf, type VerifyResult } from './auth.js';
import type { RequestFacts } from './lambda-events.js';
import { jsonResponse, type LocalResponse, problem, problemResponse } from './problem.js';
import { createRouter } from './router.js';

/**
 * Operator routes that exist only locally (README.md#two-commands), absent on AWS: move the test clock, run the
 * SLA sweeper now, see the mail that would have been sent and the events that would have been put
 * on the bus. All of them require the `admin` role, like every other operator action.
 */
export const LOCAL_PREFIX = '/_local';

export function isLocalPath(path: string): boolean {
  return path === LOCAL_PREFIX || path.startsWith(`${LOCAL_PREFIX}/`);
}

/** A mail the stack would have sent. Its fields are defined by the email feature that fills it. */
/** Mail that would have been sent. */
export type OutboxMessage = OutboundMail;

/** Runs the SLA sweeper once and returns its summary (the SLA feature plugs it in). */
export type SweepFunction = () => Promise<unknown>;

export interface LocalRoutesContext {
  readonly clock: TestClock;
  readonly bus: RecordingEventBus;
  readonly outbox: readonly OutboxMessage[];
  /** Read at each call, so a sweeper attached after start-up is used. */
  readonly sweeper: () => SweepFunction | undefined;
  readonly verify: (authorization: string | undefined) => Promise<VerifyResult>;
  readonly groupsClaim: string;
  /**
   * Puts an event on the account's default bus, as AWS services do: the stack's rules there (the
   * CloudWatch alarm rule, lib/alerts.ts) invoke their function; answers what it returned, or
   * undefined when no rule matched.
   */
  readonly defaultBus?: (event: unknown) => Promise<{ matched: boolean; result?: unknown }>;
  /** Runs the table stream's consumers until nothing is left: what AWS does within seconds, now. */
  readonly flush?: () => Promise<void>;
}

/** About 100 years either way: more is never a test, and the result must stay a 4-digit-year instant. */
const MAX_ADVANCE_MINUTES = 100 * 366 * 24 * 60;
/** Where the test clock may stand: ISO 8601 instants with 4-digit years that sort as text (SLA indexes). */
const CLOCK_RANGE = {
  min: Date.parse('1970-01-01T00:00:00.000Z'),
  max: Date.parse('9999-12-31T23:59:59.999Z'),
};

const ClockUpdate = z
  .strictObject({
    now: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
    advanceMinutes: z
      .number({ message: 'must be a number' })
      .refine(Number.isFinite, { message: 'must be a finite number' })
      .refine((minutes) => Math.abs(minutes) <= MAX_ADVANCE_MINUTES, {
        message: `must be between -${MAX_ADVANCE_MINUTES} and ${MAX_ADVANCE_MINUTES} (about 100 years)`,
      })
      .optional(),
    /** Back to real, running time. */
    real: z.literal(true, { message: 'must be true' }).optional(),
  })
  .superRefine((value, ctx) => {
    const given = [value.now, value.advanceMinutes, value.real].filter((field) => field !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['now'],
        message: 'give exactly one of now, advanceMinutes or real',
      });
    }
  });

type Operation = (request: RequestFacts, query: URLSearchParams) => Promise<LocalResponse>;

function validationProblem(error: z.ZodError): LocalResponse {
  const errors = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: issue.path.map(String).join('.'), message: issue.message }];
  });
  const detail = errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; ');
  return problemResponse(problem(400, detail, { errors }));
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8') || 'null') };
  } catch {
    return { ok: false };
  }
}

export function createLocalRoutes(
  context: LocalRoutesContext,
): (request: RequestFacts) => Promise<LocalResponse> {
  // `frozen`: the clock stands at `now` until it is set or advanced again (false: real time).
  const clockResponse = () =>
    jsonResponse(200, { now: context.clock.now().toISOString(), frozen: context.clock.frozen });

  const operations: { method: string; path: string; run: Operation }[] = [
    { method: 'GET', path: '/_local/clock', run: async () => clockResponse() },
    {
      method: 'POST',
      path: '/_local/clock',
      run: async (request) => {
        const json = parseJson(request.body);
        if (!json.ok) return problemResponse(problem(400, 'the request body is not valid JSON'));
        const parsed = ClockUpdate.safeParse(json.value);
        if (!parsed.success) return validationProblem(parsed.error);
        const { now, advanceMinutes, real } = parsed.data;
        if (real) {
          context.clock.reset();
          return clockResponse();
        }
        // A set or advanced clock stands still there (TestClock), so what follows happens at exactly that instant.
        const target =
          now !== undefined
            ? Date.parse(now)
            : context.clock.now().getTime() + (advanceMinutes ?? 0) * 60_000;
        if (!(target >= CLOCK_RANGE.min && target <= CLOCK_RANGE.max)) {
          const path = now !== undefined ? 'now' : 'advanceMinutes';
          const message = 'would move the clock outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';
          return problemResponse(problem(400, `${path}: ${message}`, { errors: [{ path, message }] }));
        }
        context.clock.set(new Date(target));
        return clockResponse();
      },
    },
    {
      method: 'POST',
      path: '/_local/sweep',
      run: async () => {
        // Hook for the SLA feature: LocalRuntime.setSweeper(fn) makes this route run it.
        const sweep = context.sweeper();
        if (!sweep) return problemResponse(problem(501, 'SLA sweeper not yet available'));
        return jsonResponse(200, (await sweep()) ?? {});
      },
    },
    {
      method: 'POST',
      path: '/_local/default-bus',
      run: async (request) => {
        // What CloudWatch does on AWS: an alarm state change on the default bus reaches the alerts
        // function through the stack's rule (docs/alerts.md#cloudwatch-in-this-account).
        let event: unknown;
        try {
          event = JSON.parse(request.body.toString('utf8'));
        } catch {
          const errors = [{ path: '', message: 'must be an EventBridge event (JSON)' }];
          return problemResponse(problem(400, 'the body must be an EventBridge event (JSON)', { errors }));
        }
        if (!context.defaultBus) return problemResponse(problem(501, 'no rules on the local default bus'));
        return jsonResponse(200, await context.defaultBus(event));
      },
    },
    {
      method: 'POST',
      path: '/_local/flush',
      run: async () => {
        // Events, surveys, counters and report aggregates follow writes asynchronously (as on AWS);
        // a script that wants to read them next asks for them to catch up first.
        if (!context.flush) return problemResponse(problem(501, 'no stream consumers to flush'));
        await context.flush();
        return jsonResponse(200, { flushed: true });
      },
    },
    {
      method: 'GET',
      path: '/_local/outbox',
      run: async () => jsonResponse(200, { items: [...context.outbox] }),
    },
    {
      method: 'GET',
      path: '/_local/events',
      run: async (_request, query) => {
        const detailType = query.get('detailType');
        const items = context.bus
          .list()
          .filter((event) => detailType === null || event.detailType === detailType)
          .map((event) => ({
            detailType: event.detailType,
            source: EVENT_SOURCE,
            time: event.time,
            detail: event.detail,
          }));
        return jsonResponse(200, { items });
      },
    },
  ];
  const route = createRouter(operations);

  return async (request) => {
    const url = new URL(request.url, 'http://local');
    const match = route(request.method, url.pathname);
    if (match.kind === 'not-found') return problemResponse(problem(404, `no local route ${url.pathname}`));
    if (match.kind === 'method-not-allowed') {
      return problemResponse(problem(405, `${request.method} is not allowed on ${url.pathname}`), {
        allow: match.allow.join(', '),
      });
    }
    const verified = await context.verify(request.headers.authorization?.[0]);
    if (!verified.ok) {
      return problemResponse(problem(401, verified.detail), {
        'www-authenticate': bearerChallenge(verified),
      });
    }
    if (!rolesOf(verified.claims, context.groupsClaim).includes('admin')) {
      return problemResponse(problem(403, 'local operator routes require the admin role'));
    }
    return match.route.run(request, url.searchParams);
  };
}
