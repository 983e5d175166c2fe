import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendLimiter } from '../../../functions/email/store/ports.js';
import { minutes } from './store-fixtures.js';

export interface SendLimiterUnderTest {
  readonly limiter: SendLimiter;
  readonly cleanup: () => Promise<void>;
}

/**
 * What every SendLimiter adapter must do (docs/email.md#outbound-mail: at most N automatic mails
 * per recipient in any hour): run against the in-memory adapter and DynamoDB Local.
 */
export function sendLimiterContract(name: string, make: () => Promise<SendLimiterUnderTest>): void {
  describe(`SendLimiter contract: ${name}`, () => {
    let limiter: SendLimiter;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ limiter, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    const admits = async (recipient: string, at: Date, limit: number, times: number) => {
      const results: boolean[] = [];
      for (let i = 0; i < times; i++) results.push(await limiter.admit(recipient, at, limit));
      return results;
    };

    it('admits `limit` mails to a recipient in an hour, then refuses', async () => {
      expect(await admits('karl@example.com', minutes(0), 3, 5)).toEqual([true, true, true, false, false]);
      expect(await limiter.admit('other@example.com', minutes(0), 3)).toBe(true);
    });

    it('one window per address, whatever its case or brackets', async () => {
      await limiter.admit('Karl@Example.com', minutes(0), 2);
      await limiter.admit('<karl@example.com>', minutes(1), 2);
      expect(await limiter.admit('KARL@EXAMPLE.COM', minutes(2), 2)).toBe(false);
    });

    it('a sliding hour: a slot frees exactly an hour after its mail, not at the top of the hour', async () => {
      expect(await limiter.admit('karl@example.com', minutes(0), 2)).toBe(true);
      expect(await limiter.admit('karl@example.com', minutes(30), 2)).toBe(true);
      expect(await limiter.admit('karl@example.com', minutes(59), 2)).toBe(false);
      expect(await limiter.admit('karl@example.com', minutes(60), 2)).toBe(true);
      expect(await limiter.admit('karl@example.com', minutes(89), 2)).toBe(false);
      expect(await limiter.admit('karl@example.com', minutes(90), 2)).toBe(true);
    });

    it('a refusal takes no slot; a lower limit counts the mails already sent', async () => {
      expect(await admits('karl@example.com', minutes(0), 2, 2)).toEqual([true, true]);
      expect(await limiter.admit('karl@example.com', minutes(30), 2)).toBe(false);
      expect(await admits('karl@example.com', minutes(60), 2, 3)).toEqual([true, true, false]);
      expect(await limiter.admit('lena@example.com', minutes(0), 5)).toBe(true);
      expect(await limiter.admit('lena@example.com', minutes(1), 5)).toBe(true);
      expect(await limiter.admit('lena@example.com', minutes(2), 2)).toBe(false);
    });

    it('a released slot is free again: the one taken at that instant, nothing else', async () => {
      expect(await admits('karl@example.com', minutes(0), 2, 1)).toEqual([true]);
      expect(await limiter.admit('Karl@Example.com', minutes(10), 2)).toBe(true);
      await limiter.release('<KARL@example.com>', minutes(10));
      expect(await limiter.admit('karl@example.com', minutes(20), 2)).toBe(true);
      expect(await limiter.admit('karl@example.com', minutes(21), 2)).toBe(false);
      // Releasing a time that took no slot frees nothing, and creates no window for a stranger.
      await limiter.release('karl@example.com', minutes(5));
      await limiter.release('nobody@example.com', minutes(5));
      expect(await limiter.admit('karl@example.com', minutes(22), 2)).toBe(false);
      // The first slot leaves the window an hour after its mail, as before.
      expect(await limiter.admit('karl@example.com', minutes(60), 2)).toBe(true);
    });

    it('mails admitted at the same instant: each release gives back one slot', async () => {
      expect(await admits('karl@example.com', minutes(0), 3, 4)).toEqual([true, true, true, false]);
      await limiter.release('karl@example.com', minutes(0));
      expect(await admits('karl@example.com', minutes(1), 3, 2)).toEqual([true, false]);
      await limiter.release('karl@example.com', minutes(0));
      await limiter.release('karl@example.com', minutes(0));
      await limiter.release('karl@example.com', minutes(0));
      expect(await admits('karl@example.com', minutes(2), 3, 3)).toEqual([true, true, false]);
    });

    it('releases and admits at once: no slot is lost or given twice', async () => {
      expect(await admits('karl@example.com', minutes(0), 3, 3)).toEqual([true, true, true]);
      await Promise.all([0, 0, 0].map((n) => limiter.release('karl@example.com', minutes(n))));
      const results = await Promise.all(
        Array.from({ length: 5 }, () => limiter.admit('karl@example.com', minutes(1), 3)),
      );
      expect(results.filter(Boolean)).toHaveLength(3);
      const mixed = await Promise.all([
        limiter.release('karl@example.com', minutes(1)),
        limiter.admit('karl@example.com', minutes(2), 3),
        limiter.admit('karl@example.com', minutes(2), 3),
      ]);
      // One slot came back; at most one of the two admits can have it (one, whichever came first).
      expect(mixed.filter((result) => result === true).length).toBeLessThanOrEqual(1);
      const admittedNow = mixed.filter((result) => result === true).length;
      expect(await admits('karl@example.com', minutes(3), 3, 2)).toEqual(
        admittedNow === 1 ? [false, false] : [true, false],
      );
    });

    it('admits at once never exceed the limit', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => limiter.admit('karl@example.com', minutes(0), 3)),
      );
      expect(results.filter(Boolean)).toHaveLength(3);
      expect(await limiter.admit('karl@example.com', minutes(1), 3)).toBe(false);
    });
  });
}
