/**
 * SNS HTTP(S) deliveries to an `sns_cloudwatch` integration (docs/alerts.md#cloudwatch-through-sns).
 * Verification is the maintained `sns-validator` package's (no hand-written crypto), behind a port
 * so tests sign with a locally generated certificate served from 127.0.0.1.
 */

/** Hosts SNS serves signing certificates and subscription URLs from (the validator's own default). */
export const SNS_HOST_PATTERN = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

export const SNS_MESSAGE_TYPES = [
  'Notification',
  'SubscriptionConfirmation',
  'UnsubscribeConfirmation',
] as const;
export type SnsMessageType = (typeof SNS_MESSAGE_TYPES)[number];

export interface SnsMessage {
  readonly Type: SnsMessageType;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly SubscribeURL?: string;
  readonly SignatureVersion: string;
}

/** Whether a message's signature is valid and its certificate comes from an SNS host. */
export interface SnsMessageVerifier {
  verify(message: Readonly<Record<string, unknown>>): Promise<boolean>;
}

/**
 * Confirms a subscription: GET on its `SubscribeURL` after the same host check. `refused`: not an
 * SNS host (answered like a bad signature); a failed GET throws (a 500, so SNS sends it again).
 */
export interface SubscriptionConfirmer {
  confirm(subscribeUrl: string): Promise<'confirmed' | 'refused'>;
}

/** The fields the intake reads, or undefined when the body is not an SNS message of a known type. */
export function snsMessageOf(body: unknown): SnsMessage | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const m = body as Record<string, unknown>;
  const strings = ['Type', 'MessageId', 'TopicArn', 'Message', 'SignatureVersion'] as const;
  if (!strings.every((name) => typeof m[name] === 'string')) return undefined;
  if (!(SNS_MESSAGE_TYPES as readonly string[]).includes(m.Type as string)) return undefined;
  if (m.SubscribeURL !== undefined && typeof m.SubscribeURL !== 'string') return undefined;
  return m as unknown as SnsMessage;
}

/** An https URL on a host the pattern allows (certificate and subscription URLs alike). */
export function allowedUrl(value: string, hosts: RegExp): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && hosts.test(url.host) ? url : undefined;
  } catch {
    return undefined;
  }
}
