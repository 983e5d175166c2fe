import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import { EMAIL_TICKET_DEFAULTS, type EmailTicketDefaults } from '../functions/email/settings.js';
import { DEFAULT_TICKET_GROUP, GROUP_ID_PATTERN } from '../functions/groups/model.js';
import { isValidTimezone } from '../functions/sla/timezone.js';
import type { Level } from '../functions/tickets/priority.js';

/**
 * Stack configuration, read from CDK context (`cdk.json` or `-c key=value`).
 *
 * Values given with `-c` arrive as strings, values in `cdk.json` keep their JSON type: the schema
 * accepts both spellings (`"true"`/`true`, `"30"`/`30`, `"a,b"`/`["a","b"]`, JSON text/object).
 */

/** CLI context values are strings; turn JSON-looking text into values before validating. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return value;
  try {
    return JSON.parse(text);
  } catch {
    return value; // left as a string so the schema reports the key with a type error
  }
}

const booleanFromContext = z.preprocess((value) => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}, z.boolean());

/** `a,b`, `["a","b"]` or an array. */
const stringListFromContext = z.preprocess(
  (value) => {
    const parsed = parseJsonText(value);
    if (typeof parsed === 'string') {
      return parsed
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    }
    return parsed;
  },
  z.array(z.string().min(1)),
);

const identitySchema = z.preprocess(
  parseJsonText,
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('cognito') }),
    z.strictObject({
      kind: z.literal('oidc'),
      // API Gateway fetches `<issuer>/.well-known/openid-configuration`: it must be https.
      issuer: z.url({ protocol: /^https$/ }),
      audience: stringListFromContext.pipe(z.array(z.string()).min(1)),
    }),
  ]),
);

/** A group id, as groups are named (functions/groups/model.ts). */
const groupIdSchema = z.string().regex(GROUP_ID_PATTERN, 'a group id: lower-case letters, digits and dashes');

/** Impact and urgency: 1 (high) to 3 (low). */
const levelSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(3)
  .transform((level) => level as Level);

/** Stage names end up in resource names (stack, event bus): keep them short and DNS-safe. */
const stageSchema = z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, ≤ 20');

/** CloudWatch Logs accepts only these retention periods (RetentionDays is a numeric enum). */
const RETENTION_DAYS = new Set(Object.values(RetentionDays).filter((value) => typeof value === 'number'));

const rawConfigSchema = z.object({
  stage: stageSchema.default('dev'),
  production: booleanFromContext.optional(),
  identity: identitySchema.default({ kind: 'cognito' }),
  groupsClaim: z.string().min(1).default('cognito:groups'),
  // Token issuers (`iss`, exactly) that put only verified addresses in tokens, for tokens without
  // `email_verified`: such an address makes the caller its person (docs/api.md#one-person-across-channels).
  emailVerifyingIssuers: stringListFromContext.pipe(z.array(z.url({ protocol: /^https$/ }))).default([]),
  // Exact origins, or `*` (callers send a bearer token, not cookies, so `*` leaks no credentials).
  corsOrigins: stringListFromContext.pipe(z.array(z.union([z.literal('*'), z.url()]))).default([]),
  logRetentionDays: z.coerce
    .number()
    .refine((days) => RETENTION_DAYS.has(days), {
      message: `one of CloudWatch Logs' retention periods: ${[...RETENTION_DAYS].join(', ')}`,
    })
    .default(30),
  // Pins the stack to one account and region, so credentials for another account make the deploy
  // fail instead of creating a second Opsdesk there. Unset: whatever the CLI's credentials name.
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
    .optional(),
  // Receives the alarms through an SNS email subscription (confirmed once from the first mail).
  alarmEmail: z.email().optional(),
  // Set only to move the stack onto a new, empty table (the restore procedure, docs/operations.md):
  // changing it replaces the table, and production's RETAIN keeps the old one.
  tableName: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, '3-255 letters, digits, `_`, `-` or `.`')
    .optional(),
  // Email to ticket (docs/email.md). Unset emailDomain: no mail path at all. The domain
  // must be an SES identity of the account (verified outside the stack) with MX records to SES.
  emailDomain: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
      'a domain such as desk.example.com',
    )
    .optional(),
  // Opens incidents; also the From of our mail. Default support@<emailDomain>.
  supportAddress: z.email().optional(),
  // Optional second address that opens service requests.
  requestAddress: z.email().optional(),
  // The receipt rule set, rule, raw-mail bucket and ingest function (sending works without them). Default true.
  emailReceiving: booleanFromContext.optional(),
  // An account has one active rule set: activating ours replaces whatever is active. Opt in (default false).
  activateReceiptRuleSet: booleanFromContext.optional(),
  // Monitoring systems whose machine mail may open tickets (addresses or domains).
  machineSenders: stringListFromContext.optional(),
  // Sender allow/deny lists (addresses or domains); a non-empty allow list admits only those.
  allowedSenders: stringListFromContext.optional(),
  deniedSenders: stringListFromContext.optional(),
  // Count mail from no-reply addresses as machine mail by that alone (docs/email.md). Default false.
  noReplySendersAreMachines: booleanFromContext.optional(),
  // Where tickets created without a group go, over the API and by mail (seeded if absent). Default service-desk.
  defaultGroup: groupIdSchema.optional(),
  // What a mailed ticket starts with (docs/email.md#configuration). Default impact 3, urgency 2 (P4).
  emailDefaultImpact: levelSchema.optional(),
  emailDefaultUrgency: levelSchema.optional(),
  // The group of mailed tickets (seeded if absent). Default: defaultGroup.
  emailDefaultGroup: groupIdSchema.optional(),
  // Staff notices (SLA, approvals) that reach neither assignee nor group go here. Default: alarmEmail.
  fallbackNotificationAddress: z.email().optional(),
  // `cmdb.strictCiIds`: CI ids on tickets and changes must exist in the CMDB (docs/cmdb.md). Default true.
  cmdbStrictCiIds: booleanFromContext.optional(),
  // `reports.timezone`: the IANA zone whose calendar days the reports count in (docs/reports.md). Default UTC.
  reportsTimezone: z
    .string()
    .refine(isValidTimezone, { message: 'an IANA time zone such as Europe/Berlin' })
    .optional(),
});

export type IdentityConfig = z.output<typeof identitySchema>;

export interface StackConfig {
  readonly stage: string;
  /** Production stages keep data on stack deletion and refuse table deletion. */
  readonly production: boolean;
  readonly identity: IdentityConfig;
  readonly groupsClaim: string;
  /** Issuers whose tokens' email addresses count as verified without `email_verified`. */
  readonly emailVerifyingIssuers: readonly string[];
  readonly corsOrigins: readonly string[];
  /** One of the RetentionDays values (9999 keeps logs forever). */
  readonly logRetentionDays: RetentionDays;
  readonly account?: string;
  readonly region?: string;
  /** Unset: alarms go only to the topic (output `AlarmTopicArn`), for a subscription made elsewhere. */
  readonly alarmEmail?: string;
  /** Unset: CloudFormation names the table. */
  readonly tableName?: string;
  /** Unset: no email path (docs/email.md). */
  readonly emailDomain?: string;
  readonly supportAddress?: string;
  readonly requestAddress?: string;
  /** Default true (when emailDomain is set). */
  readonly emailReceiving?: boolean;
  /** Default false. */
  readonly activateReceiptRuleSet?: boolean;
  readonly machineSenders?: readonly string[];
  readonly allowedSenders?: readonly string[];
  readonly deniedSenders?: readonly string[];
  /** Default false. */
  readonly noReplySendersAreMachines?: boolean;
  /** Unset: service-desk (see defaultGroupOf). */
  readonly defaultGroup?: string;
  readonly emailDefaultImpact?: Level;
  readonly emailDefaultUrgency?: Level;
  /** Unset: defaultGroup. */
  readonly emailDefaultGroup?: string;
  /** Unset: alarmEmail (see fallbackNotificationAddressOf). */
  readonly fallbackNotificationAddress?: string;
  /** `cmdb.strictCiIds`; unset: true (see strictCiIdsOf). */
  readonly cmdbStrictCiIds?: boolean;
  /** `reports.timezone`; unset: UTC (see reportsTimezoneOf). */
  readonly reportsTimezone?: string;
}

/** The zone whose days the reports count in (docs/reports.md#period-rules). */
export function reportsTimezoneOf(config: StackConfig): string {
  return config.reportsTimezone ?? 'UTC';
}

/** Whether CI ids on tickets and changes must name CIs of the CMDB (docs/cmdb.md#what-tickets-and-changes-get). */
export function strictCiIdsOf(config: StackConfig): boolean {
  return config.cmdbStrictCiIds ?? true;
}

/** Where tickets created without a group go (API and mail). */
export function defaultGroupOf(config: StackConfig): string {
  return config.defaultGroup ?? DEFAULT_TICKET_GROUP;
}

/** What a ticket opened by mail starts with. */
export function emailTicketDefaultsOf(config: StackConfig): EmailTicketDefaults {
  return {
    impact: config.emailDefaultImpact ?? EMAIL_TICKET_DEFAULTS.impact,
    urgency: config.emailDefaultUrgency ?? EMAIL_TICKET_DEFAULTS.urgency,
    group: config.emailDefaultGroup ?? defaultGroupOf(config),
  };
}

/** The groups unrouted tickets may go to: seeded on deploy when absent, so routing works at once. */
export function defaultGroupsOf(config: StackConfig): string[] {
  return [...new Set([defaultGroupOf(config), config.emailDefaultGroup ?? defaultGroupOf(config)])];
}

/**
 * Where staff notices go that reach neither an assignee nor a group address: the configured
 * address, else the alarm address (someone who watches the stack); undefined: nowhere, and the SLA
 * sweeper reports such notices as unnotified.
 */
export function fallbackNotificationAddressOf(config: StackConfig): string | undefined {
  return config.fallbackNotificationAddress ?? config.alarmEmail;
}

/** Context keys the config reads; anything else in the context is CDK's or another tool's. */
export const CONFIG_KEYS = Object.keys(rawConfigSchema.shape) as (keyof typeof rawConfigSchema.shape)[];

/** Validates raw values; throws an Error naming every offending key. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  const result = rawConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.') || '(root)';
      return `${key}: ${issue.message}`;
    });
    throw new Error(`Invalid Opsdesk stack config: ${problems.join('; ')}`);
  }
  const { production, ...rest } = result.data;
  return { ...rest, production: production ?? rest.stage === 'prod' };
}

/** Reads the config keys from a construct tree's context (normally the App). */
export function configFromContext(tryGetContext: (key: string) => unknown): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = tryGetContext(key);
    if (value !== undefined) raw[key] = value;
  }
  return parseStackConfig(raw);
}
