import type { RouteContract } from '../../shared/http/route-contract.js';
import {
  intakeResult,
  integrationPage,
  integrationSchema,
  integrationWithSecret,
  listIntegrationsQuery,
  nativePayload,
  putIntegrationBody,
  rotatedSecret,
} from './schemas.js';

/** Per `auth.mode`: Bearer or Basic, Standard Webhooks HMAC, or an SNS message's own signature. */
const INTAKE_SECURITY: Record<string, string[]>[] = [
  { integrationSecret: [] },
  { integrationBasic: [] },
  { standardWebhooks: [] },
  { snsMessage: [] },
];

const ADMINS = 'Admins only; other roles get 403.';

/** Monitoring integrations and alert intake (the alerts function; docs/alerts.md). */
export const ALERTS_CONTRACT = {
  'GET /integrations': {
    summary: 'List monitoring integrations by id',
    description: `${ADMINS} Secrets are never answered.`,
    query: listIntegrationsQuery,
    success: { status: 200, schema: integrationPage },
  },
  'GET /integrations/{id}': {
    summary: 'Read a monitoring integration',
    description: `${ADMINS} Secrets are never answered.`,
    success: { status: 200, schema: integrationSchema, headers: ['ETag'] },
    errors: [404],
  },
  'PUT /integrations/{id}': {
    creates: true,
    summary: 'Create or replace a monitoring integration (201 when created, with its secret, shown once)',
    description: `${ADMINS} Creating a \`bearer\` or \`hmac\` integration answers its \`secret\` once, with the intake \`url\`; replacing keeps the secrets. Omitted fields take their defaults (docs/alerts.md#integrations).`,
    body: putIntegrationBody,
    success: { status: 200, schema: integrationWithSecret, headers: ['ETag'] },
    errors: [412],
  },
  'POST /integrations/{id}/secret': {
    summary: 'Rotate the secret: a new one, shown once; the previous one stays valid 24 h',
    description: `${ADMINS} \`bearer\`: a 32-hex secret; \`hmac\`: a Standard Webhooks key (\`whsec_…\`), stored sealed by KMS. 409 for modes without a secret (\`sns\`, \`aws_eventbridge\`).`,
    success: { status: 201, schema: rotatedSecret },
    errors: [404, 409],
  },
  'POST /alerts/{integrationId}': {
    summary: 'Alert intake: the native payload of the integration kind',
    description:
      'No JWT: authenticated per the integration\'s `auth.mode`: `bearer` (`Authorization: Bearer <secret>`, or Basic with the secret as password), `hmac` (Standard Webhooks headers, ±5 min; a `webhook-id` seen before answers `duplicate_delivery`), `sns` (the SNS message\'s own signature, SignatureVersion 2, certificate from an SNS host, `TopicArn` in `topicArns`). Alertmanager webhook v4 → 200 `{received, results}`; PagerDuty Events v2 → 202; CloudWatch (EventBridge event or SNS notification) → 200 `{result, incidentId}`; SNS SubscriptionConfirmation → confirmed by GET on its SubscribeURL, 200 `{subscription: "confirmed", topicArn}`; UnsubscribeConfirmation → 200 `{subscription: "ignored", topicArn}`. 401 alike for a wrong secret, a bad signature, a timestamp outside ±5 min, a foreign certificate host and an unknown integration; 403 `integration_disabled`; 413 over 256 KiB; 400 naming the faulty path. No Idempotency-Key: deliveries are deduplicated by their alert keys and delivery ids (docs/alerts.md#rules). Throttled: 20 requests/s, burst 50.',
    body: nativePayload,
    security: INTAKE_SECURITY,
    success: { status: 200, schema: intakeResult },
    errors: [401, 403, 413],
  },
  'POST /alerts/v2/enqueue': {
    summary: 'PagerDuty Events v2 intake: `routing_key` is the secret of a pagerduty_v2 integration',
    description:
      'No JWT: the body\'s `routing_key` (security scheme `routingKey`) names and authenticates the integration, so an unmodified PagerDuty sender changes only its URL. Answers 202 `{status: "success", message: "Event processed", dedup_key, incidentId, result}`; 401 for an unknown or wrong key; 400 naming the faulty path. Throttled: 20 requests/s, burst 50.',
    body: nativePayload,
    success: { status: 202, schema: intakeResult },
    errors: [401, 403, 413],
  },
} satisfies Record<string, RouteContract>;
