import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationLedger } from '../../../functions/email/store/ports.js';
import { minutes } from './store-fixtures.js';

export interface NotificationLedgerUnderTest {
  readonly ledger: NotificationLedger;
  readonly cleanup: () => Promise<void>;
}

const LEASE = 2 * 60_000;

/**
 * What every NotificationLedger adapter must do (the notifier sends one mail per domain event):
 * run against the in-memory adapter and DynamoDB Local.
 */
export function notificationLedgerContract(
  name: string,
  make: () => Promise<NotificationLedgerUnderTest>,
): void {
  describe(`NotificationLedger contract: ${name}`, () => {
    let ledger: NotificationLedger;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ ledger, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    const t0 = minutes(0);
    const later = (ms: number) => new Date(t0.getTime() + ms);

    it('the first claim of an event wins; another while its lease runs is in progress', async () => {
      expect(await ledger.claim('e1', t0, LEASE)).toBe('claimed');
      expect(await ledger.claim('e1', t0, LEASE)).toBe('in-progress');
      // The lease holds up to and including its last instant (leaseUntil < now frees it).
      expect(await ledger.claim('e1', later(LEASE), LEASE)).toBe('in-progress');
      expect(await ledger.claim('e2', t0, LEASE)).toBe('claimed');
    });

    it('a claim whose lease ran out is claimed again, with a new lease', async () => {
      await ledger.claim('e1', t0, LEASE);
      expect(await ledger.claim('e1', later(LEASE + 1), LEASE)).toBe('claimed');
      expect(await ledger.claim('e1', later(LEASE + 2), LEASE)).toBe('in-progress');
      expect(await ledger.claim('e1', later(2 * LEASE + 2), LEASE)).toBe('claimed');
    });

    it('claims at once: exactly one wins', async () => {
      const results = await Promise.all([1, 2, 3, 4].map(() => ledger.claim('e1', t0, LEASE)));
      expect(results.sort()).toEqual(['claimed', 'in-progress', 'in-progress', 'in-progress']);
    });

    it('a completed event is done for good: no lease, no release reopens it', async () => {
      await ledger.claim('e1', t0, LEASE);
      await ledger.complete('e1', 'sent', later(1));
      expect(await ledger.claim('e1', t0, LEASE)).toBe('done');
      await ledger.release('e1');
      expect(await ledger.claim('e1', later(100 * LEASE), LEASE)).toBe('done');
    });

    it('a released claim is claimable at once', async () => {
      await ledger.claim('e1', t0, LEASE);
      await ledger.release('e1');
      expect(await ledger.claim('e1', t0, LEASE)).toBe('claimed');
      expect(await ledger.claim('e1', t0, LEASE)).toBe('in-progress');
    });

    it('completing or releasing an event never claimed: done, or claimable', async () => {
      await ledger.complete('e1', 'not-applicable', t0);
      expect(await ledger.claim('e1', t0, LEASE)).toBe('done');
      await ledger.release('e2');
      expect(await ledger.claim('e2', t0, LEASE)).toBe('claimed');
      expect(await ledger.claim('e2', t0, LEASE)).toBe('in-progress');
    });
  });
}
