import { get } from 'node:https';
import MessageValidator from 'sns-validator';
import {
  allowedUrl,
  SNS_HOST_PATTERN,
  type SnsMessageVerifier,
  type SubscriptionConfirmer,
} from './sns-messages.js';

/**
 * `sns-validator` behind the port: signature version 2 only (SHA256withRSA; version 1's SHA-1 is
 * refused), the certificate fetched only from a host `hosts` allows (on AWS always SNS's own;
 * tests configure 127.0.0.1). The package caches certificates per URL for the container's life.
 */
export class SnsValidatorVerifier implements SnsMessageVerifier {
  private readonly validator: MessageValidator;

  constructor(private readonly hosts: RegExp = SNS_HOST_PATTERN) {
    this.validator = new MessageValidator(hosts);
  }

  verify(message: Readonly<Record<string, unknown>>): Promise<boolean> {
    if (message.SignatureVersion !== '2') return Promise.resolve(false);
    if (typeof message.SigningCertURL !== 'string' || !allowedUrl(message.SigningCertURL, this.hosts)) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      // A copy: the package normalises the object it is given.
      this.validator.validate(signable(message), (error) => resolve(error === null));
    });
  }
}

/** GET on `SubscribeURL` over https, only to a host `hosts` allows; a non-200 answer fails. */
export class HttpsSubscriptionConfirmer implements SubscriptionConfirmer {
  constructor(
    private readonly hosts: RegExp = SNS_HOST_PATTERN,
    private readonly timeoutMs = 5_000,
  ) {}

  confirm(subscribeUrl: string): Promise<'confirmed' | 'refused'> {
    const url = allowedUrl(subscribeUrl, this.hosts);
    if (!url) return Promise.resolve('refused');
    return new Promise((resolve, reject) => {
      const request = get(url, { timeout: this.timeoutMs }, (response) => {
        response.resume();
        if (response.statusCode === 200) response.on('end', () => resolve('confirmed'));
        else reject(new Error(`subscription confirmation answered ${response.statusCode}`));
      });
      request.on('timeout', () => request.destroy(new Error('subscription confirmation timed out')));
      request.on('error', reject);
    });
  }
}

/**
 * sns-validator 0.3.5 builds the string to sign of an UnsubscribeConfirmation from the Notification
 * field list, without `Token`, while SNS signs it like a SubscriptionConfirmation (Message,
 * MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type). The package still does all the
 * crypto: `Token` rides in the `Timestamp` value, so its string comes out exactly as SNS's.
 */
function signable(message: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (message.Type !== 'UnsubscribeConfirmation' || typeof message.Token !== 'string') return { ...message };
  if (typeof message.Timestamp !== 'string') return { ...message };
  return { ...message, Timestamp: `${message.Timestamp}\nToken\n${message.Token}` };
}
