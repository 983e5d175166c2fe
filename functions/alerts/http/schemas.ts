import * as z from 'zod/mini';
import { described, groupId, identifier, isoTime, pageOf, pageQuery } from '../../shared/http/schemas.js';
import { singleLine } from '../../shared/http/text.js';
import { patternProblem } from '../../shared/json-schema/safe-pattern.js';
import {
  ALERT_RESULTS,
  AUTH_MODES,
  DEFAULT_REQUESTER,
  DEFAULT_SEVERITY_MAP,
  INTEGRATION_KINDS,
} from '../model.js';

const level = z.union([z.literal(1), z.literal(2), z.literal(3)]);
const target = z.nullable(z.strictObject({ impact: level, urgency: level }));

const matcher = z.union([
  singleLine(1024, 0),
  z.strictObject({
    regex: z.string().check(
      z.refine((pattern) => patternProblem(pattern) === undefined, {
        message: 'must be a safe regular expression of at most 256 characters',
      }),
    ),
  }),
]);

const mappingRule = z.strictObject({
  when: z.strictObject({ labels: z.record(singleLine(128, 1), matcher) }),
  ciId: z.optional(identifier),
  serviceId: z.optional(identifier),
  group: z.optional(groupId),
});

const minutes = (max: number) => z.int().check(z.gte(0), z.lte(max));

export const putIntegrationBody = z
  .strictObject({
    name: singleLine(200, 1),
    enabled: z._default(z.boolean(), true),
    kind: z.enum(INTEGRATION_KINDS),
    auth: z.strictObject({
      mode: described(
        z.enum(AUTH_MODES),
        '`bearer` (Bearer or Basic); `hmac` Standard Webhooks (key `whsec_…`, kept encrypted); `sns` (sns_cloudwatch, with topicArns; no secret); `aws_eventbridge` (cloudwatch, in-account; no secret)',
      ),
      topicArns: z.optional(z.array(singleLine(256, 1)).check(z.maxLength(20))),
    }),
    defaults: z._default(
      z.strictObject({
        group: z._default(z.nullable(groupId), null),
        category: z._default(z.nullable(singleLine(100, 1)), null),
        requester: z._default(
          z.strictObject({ id: identifier, name: z._default(z.nullable(singleLine(200, 1)), null) }),
          { ...DEFAULT_REQUESTER },
        ),
      }),
      { group: null, category: null, requester: { ...DEFAULT_REQUESTER } },
    ),
    severityMap: z._default(
      z.strictObject({
        critical: z._default(target, DEFAULT_SEVERITY_MAP.critical),
        error: z._default(target, DEFAULT_SEVERITY_MAP.error),
        warning: z._default(target, DEFAULT_SEVERITY_MAP.warning),
        info: z._default(target, DEFAULT_SEVERITY_MAP.info),
      }),
      { ...DEFAULT_SEVERITY_MAP },
    ),
    mapping: z._default(z.array(mappingRule).check(z.maxLength(100)), []),
    autoResolve: z._default(z.boolean(), true),
    reopenWindowMinutes: z._default(minutes(1440), 60),
    flap: z._default(
      z.strictObject({
        transitions: z._default(z.int().check(z.gte(2), z.lte(20)), 4),
        windowMinutes: z._default(z.int().check(z.gte(1), z.lte(1440)), 30),
        quietMinutes: z._default(z.int().check(z.gte(1), z.lte(1440)), 15),
      }),
      { transitions: 4, windowMinutes: 30, quietMinutes: 15 },
    ),
    noteThrottleMinutes: z._default(minutes(1440), 15),
    stormLimit: z._default(
      z.strictObject({ newIncidentsPerMinute: z._default(z.int().check(z.gte(1), z.lte(10_000)), 20) }),
      { newIncidentsPerMinute: 20 },
    ),
    insufficientData: z._default(z.enum(['ignore', 'trigger']), 'ignore'),
  })
  .check(
    z.refine((body) => body.auth.mode !== 'sns' || body.kind === 'sns_cloudwatch', {
      message: '`sns` is for sns_cloudwatch integrations only',
      path: ['auth', 'mode'],
    }),
    z.refine((body) => body.kind !== 'sns_cloudwatch' || body.auth.mode === 'sns', {
      message: 'sns_cloudwatch integrations need `sns`',
      path: ['auth', 'mode'],
    }),
    z.refine((body) => body.auth.mode !== 'sns' || (body.auth.topicArns?.length ?? 0) > 0, {
      message: 'required with `sns`',
      path: ['auth', 'topicArns'],
    }),
    z.refine((body) => body.auth.mode !== 'aws_eventbridge' || body.kind === 'cloudwatch', {
      message: '`aws_eventbridge` is for cloudwatch integrations only',
      path: ['auth', 'mode'],
    }),
  );

export type PutIntegrationBody = z.infer<typeof putIntegrationBody>;

export const integrationSchema = withIntegrationFields();

function withIntegrationFields() {
  return z.object({
    id: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    kind: z.enum(INTEGRATION_KINDS),
    auth: z.object({ mode: z.enum(AUTH_MODES), topicArns: z.optional(z.array(z.string())) }),
    defaults: z.object({
      group: z.nullable(z.string()),
      category: z.nullable(z.string()),
      requester: z.object({ id: z.string(), name: z.nullable(z.string()) }),
    }),
    severityMap: z.record(z.string(), z.nullable(z.object({ impact: z.number(), urgency: z.number() }))),
    mapping: z.array(z.unknown()),
    autoResolve: z.boolean(),
    reopenWindowMinutes: z.number(),
    flap: z.object({ transitions: z.number(), windowMinutes: z.number(), quietMinutes: z.number() }),
    noteThrottleMinutes: z.number(),
    stormLimit: z.object({ newIncidentsPerMinute: z.number() }),
    insufficientData: z.enum(['ignore', 'trigger']),
    createdAt: isoTime,
    updatedAt: isoTime,
    version: z.number(),
  });
}

export const integrationWithSecret = z.object({
  ...integrationSchema.shape,
  secret: described(z.optional(z.string()), 'shown once: at creation and on rotation; store it now'),
  url: described(z.string(), 'the intake path to send alerts to'),
});

export const rotatedSecret = z.object({
  secret: described(z.string(), 'the new secret, shown once; the previous one works 24 h more'),
  url: z.string(),
  previousValidUntil: z.nullable(isoTime),
});

export const integrationPage = pageOf(integrationSchema, 'IntegrationPage');
export const listIntegrationsQuery = z.strictObject(pageQuery);

/** Native payloads are taken as sent; the OpenAPI document describes them by reference. */
export const nativePayload = described(
  z.record(z.string(), z.unknown()),
  'the native payload of the integration kind: Alertmanager webhook v4, CloudWatch Alarm State Change (EventBridge event, or SNS message), PagerDuty Events v2',
);

const outcome = z.object({
  dedupKey: z.string(),
  result: z.enum(ALERT_RESULTS),
  incidentId: z.nullable(z.string()),
});

export const intakeResult = z.object({
  received: z.optional(z.number()),
  results: z.optional(z.array(outcome)),
  result: z.optional(z.enum(ALERT_RESULTS)),
  incidentId: z.optional(z.nullable(z.string())),
  status: z.optional(z.string()),
  message: z.optional(z.string()),
  dedup_key: z.optional(z.string()),
  subscription: described(
    z.optional(z.enum(['confirmed', 'ignored'])),
    'SNS: a SubscriptionConfirmation confirmed, an UnsubscribeConfirmation ignored',
  ),
  topicArn: z.optional(z.string()),
});
