import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, ValidationError } from '../../shared/errors.js';
import { MAX_BODY_BYTES, PayloadTooLargeError } from '../../shared/http/decode.js';
import { problem, problemResponse } from '../../shared/http/problem.js';
import { IntakeUnauthorizedError, presentedSecret } from '../credentials.js';
import type { AlertIntake } from '../intake.js';
import type { AlertOutcome, NormalizedAlert, StoredIntegration } from '../model.js';
import {
  fromAlertmanager,
  fromCloudWatchEvent,
  fromCloudWatchSnsMessage,
  fromPagerDuty,
} from '../normalize.js';
import { type SnsMessage, type SubscriptionConfirmer, snsMessageOf } from '../sns/sns-messages.js';
import { webhookHeaders } from '../standard-webhooks.js';

export const INTAKE_ROUTE = 'POST /alerts/{integrationId}';
export const ENQUEUE_ROUTE = 'POST /alerts/v2/enqueue';
export const INTAKE_ROUTES: ReadonlySet<string> = new Set([INTAKE_ROUTE, ENQUEUE_ROUTE]);

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/**
 * The intake routes (docs/alerts.md#sending-alerts): outside the JWT authorizer and the
 * Idempotency-Key layer, they take native payloads as sent. Every client fault is a 4xx
 * problem+json: a 5xx would make Alertmanager retry the same bad delivery for ever.
 */
export function intakeHttp(
  intake: AlertIntake,
  newKey: () => string,
  now: () => Date,
  logger: Logger,
  confirmer: SubscriptionConfirmer,
) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const raw = rawBody(event);
      const headers = event.headers ?? {};
      if (event.routeKey === ENQUEUE_ROUTE) {
        const body = parse(raw);
        const routingKey = isObject(body) ? body.routing_key : undefined;
        const integration = await intake.authenticateRoutingKey(routingKey);
        return pagerDutyReply(await pagerDuty(intake, integration, body, newKey, now));
      }
      const id = event.pathParameters?.integrationId ?? '';
      if (!ID_PATTERN.test(id)) throw new IntakeUnauthorizedError();
      const { integration, body, deliveryId } = await authenticated(intake, id, headers, raw);
      // A Standard Webhooks delivery id names the whole delivery: a redelivery answers its first result.
      const delivered = (alert: NormalizedAlert): NormalizedAlert =>
        deliveryId ? { ...alert, deliveryId } : alert;
      switch (integration.kind) {
        case 'alertmanager': {
          const results = await intake.applyAll(integration, fromAlertmanager(body).map(delivered));
          return json(200, { received: results.length, results });
        }
        case 'pagerduty_v2':
          return pagerDutyReply(
            await intake.apply(integration, delivered(fromPagerDuty(body, now().toISOString(), newKey))),
          );
        case 'cloudwatch': {
          const { alert, insufficient } = fromCloudWatchEvent(body);
          const outcome = await cloudWatch(intake, integration, delivered(alert), insufficient);
          return json(200, { result: outcome.result, incidentId: outcome.incidentId });
        }
        case 'sns_cloudwatch':
          return json(200, await snsDelivery(intake, integration, snsMessageOf(body)!, confirmer));
      }
    } catch (error) {
      if (error instanceof DomainError) {
        return problemResponse(problem(error.code, error.message, error.extensions));
      }
      logger.error('alert intake failed', error as Error);
      // Only a fault of ours or of the table: the sender retries the delivery (applied alerts come back as repeats).
      return problemResponse(problem('internal_error', 'the delivery could not be applied'));
    }
  };
}

/** The in-account path: an EventBridge event from the default bus (trusted by IAM). */
export async function applyEventBridge(
  intake: AlertIntake,
  integrationId: string | undefined,
  event: unknown,
): Promise<AlertOutcome | undefined> {
  if (!integrationId) return undefined;
  const integration = await intake.integration(integrationId);
  if (
    !integration?.enabled ||
    integration.kind !== 'cloudwatch' ||
    integration.auth.mode !== 'aws_eventbridge'
  ) {
    return undefined;
  }
  const { alert, insufficient } = fromCloudWatchEvent(event);
  return cloudWatch(intake, integration, alert, insufficient);
}

async function cloudWatch(
  intake: AlertIntake,
  integration: StoredIntegration,
  alert: NormalizedAlert,
  insufficient: boolean,
): Promise<AlertOutcome> {
  if (insufficient && integration.insufficientData === 'ignore') {
    return { dedupKey: alert.dedupKey, result: 'ignored_insufficient_data', incidentId: null };
  }
  return intake.apply(integration, alert);
}

async function pagerDuty(
  intake: AlertIntake,
  integration: StoredIntegration,
  body: unknown,
  newKey: () => string,
  now: () => Date,
): Promise<AlertOutcome> {
  return intake.apply(integration, fromPagerDuty(body, now().toISOString(), newKey));
}

function pagerDutyReply(outcome: AlertOutcome): APIGatewayProxyStructuredResultV2 {
  return json(202, {
    status: 'success',
    message: 'Event processed',
    dedup_key: outcome.dedupKey,
    incidentId: outcome.incidentId,
    result: outcome.result,
  });
}

/**
 * The delivery's integration, authenticated by its mode: `bearer` (Authorization), `hmac`
 * (Standard Webhooks headers over the raw body), `sns` (the message's own signature). An unknown
 * id is tried as `bearer`, so it fails exactly like a wrong secret; `aws_eventbridge` takes no HTTP.
 */
async function authenticated(
  intake: AlertIntake,
  id: string,
  headers: Readonly<Record<string, string | undefined>>,
  raw: Buffer,
): Promise<{ integration: StoredIntegration; body: unknown; deliveryId?: string }> {
  const mode = (await intake.integration(id))?.auth.mode ?? 'bearer';
  if (mode === 'hmac') {
    const signed = webhookHeaders(headers);
    const integration = await intake.authenticateHmac(id, signed, raw);
    return { integration, body: parse(raw), deliveryId: signed!.id };
  }
  if (mode === 'sns') {
    // Parsed before verification: the signature covers fields of the message itself.
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new IntakeUnauthorizedError();
    }
    const message = snsMessageOf(body);
    const integration = await intake.authenticateSns(id, message, isObject(body) ? body : {});
    return { integration, body };
  }
  const secret = mode === 'bearer' ? presentedSecret(headers.authorization) : undefined;
  const integration = await intake.authenticate(id, secret);
  return { integration, body: parse(raw) };
}

/**
 * A verified SNS message: a subscription is confirmed (GET on its SubscribeURL), a notification's
 * `Message` is the CloudWatch alarm, an unsubscribe confirmation is acknowledged and ignored.
 */
async function snsDelivery(
  intake: AlertIntake,
  integration: StoredIntegration,
  message: SnsMessage,
  confirmer: SubscriptionConfirmer,
): Promise<Record<string, unknown>> {
  if (message.Type === 'SubscriptionConfirmation') {
    if (!message.SubscribeURL) {
      throw new ValidationError([{ path: 'SubscribeURL', message: 'is required to confirm a subscription' }]);
    }
    // Another host than SNS's is refused like a bad signature; a failed GET is a 500 (SNS retries).
    if ((await confirmer.confirm(message.SubscribeURL)) === 'refused') throw new IntakeUnauthorizedError();
    return { subscription: 'confirmed', topicArn: message.TopicArn };
  }
  if (message.Type === 'UnsubscribeConfirmation')
    return { subscription: 'ignored', topicArn: message.TopicArn };
  const { alert, insufficient } = fromCloudWatchSnsMessage(message.Message, message.MessageId);
  const outcome = await cloudWatch(intake, integration, alert, insufficient);
  return { result: outcome.result, incidentId: outcome.incidentId };
}

function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `alert deliveries are limited to ${MAX_BODY_BYTES} bytes; this one has ${raw.length}`,
    );
  }
  return raw;
}

function parse(raw: Buffer): unknown {
  if (raw.length === 0) throw new ValidationError([{ path: '', message: 'a JSON body is required' }]);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ValidationError([{ path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function json(status: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
