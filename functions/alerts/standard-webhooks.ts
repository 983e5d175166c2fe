import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks (https://www.standardwebhooks.com), through the maintained `standardwebhooks`
 * package: `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 min) and `webhook-signature`
 * (space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`; several while a sender rotates).
 * The tolerance is checked against the stack's clock (the package would read the process clock).
 */
export const HMAC_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  readonly id: string;
  readonly timestamp: number;
  readonly signatures: readonly string[];
}

/** A new signing secret in the Standard Webhooks format: `whsec_` and 32 random bytes, base64. */
export function newWebhookSecret(random: Buffer): string {
  return `whsec_${random.toString('base64')}`;
}

/** The three headers, or undefined when one is missing or malformed. */
export function webhookHeaders(
  headers: Readonly<Record<string, string | undefined>>,
): WebhookHeaders | undefined {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (!id || !timestamp || !signature || id.length > 256 || !/^\d{1,12}$/.test(timestamp)) return undefined;
  return { id, timestamp: Number(timestamp), signatures: signature.trim().split(/\s+/).slice(0, 10) };
}

/** Whether the timestamp is within ±5 minutes of `now` (outside: the same 401 as a wrong key). */
export function withinTolerance(headers: WebhookHeaders, now: Date): boolean {
  return Math.abs(Math.floor(now.getTime() / 1000) - headers.timestamp) <= HMAC_TOLERANCE_SECONDS;
}

/**
 * Whether any presented signature is the HMAC of this delivery under any of `secrets` (the current
 * key and one within its 24 h rotation overlap). Every pair is compared, in constant time.
 */
export function signedByAny(headers: WebhookHeaders, body: Uint8Array, secrets: readonly string[]): boolean {
  let match = false;
  for (const secret of secrets) {
    const expected = Buffer.from(
      new Webhook(secret).sign(headers.id, new Date(headers.timestamp * 1000), body),
    );
    for (const presented of headers.signatures) {
      const candidate = Buffer.from(presented);
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) match = true;
    }
  }
  return match;
}
