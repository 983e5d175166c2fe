import { compareKeys } from '../../shared/memory/in-memory-support.js';
import { InMemoryTable } from '../../shared/memory/in-memory-table.js';
import { sizedKey } from './in-memory-mail-support.js';
import { expiresAfterDays, isConditionFailure, notificationKey } from './mail-keys.js';
import type { NotificationLedger } from './ports.js';

const RETENTION_DAYS = 30;
const PAST = '1970-01-01T00:00:00.000Z';

/**
 * One notification per domain event, in memory: the `NOTIFY#<eventId>` items
 * DynamoNotificationLedger writes, in an InMemoryTable, under the same conditions (the contract
 * suite in test/email/store/notification-ledger.contract.ts runs against both). A claim lands on an
 * absent item, or on one not done whose lease ran out before the `now` passed in; `done` is final;
 * `release` clears the lease of anything not done (creating a lease-only item for an event never
 * claimed, as DynamoDB's `#state <> :done` holds for a missing attribute). The 30-day expiry is
 * written, not enforced (EventBridge redelivers for a day at most; DynamoDB deletes only eventually).
 */
export class InMemoryNotificationLedger implements NotificationLedger {
  constructor(private readonly table: InMemoryTable = new InMemoryTable()) {}

  async claim(eventId: string, now: Date, leaseMs: number): Promise<'claimed' | 'done' | 'in-progress'> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const key = sizedKey(notificationKey(eventId));
    try {
      this.table.put(
        { ...key, state: 'sending', leaseUntil, expiration: expiresAfterDays(now, RETENTION_DAYS) },
        // attribute_not_exists(PK) OR (#state <> :done AND leaseUntil < :now)
        (current) =>
          current === undefined ||
          (current.state !== 'done' &&
            typeof current.leaseUntil === 'string' &&
            compareKeys(current.leaseUntil, now.toISOString()) < 0),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return this.table.get(key)?.state === 'done' ? 'done' : 'in-progress';
  }

  async complete(eventId: string, outcome: string, now: Date): Promise<void> {
    this.table.update(sizedKey(notificationKey(eventId)), (current) => ({
      ...current,
      state: 'done',
      outcome,
      completedAt: now.toISOString(),
    }));
  }

  async release(eventId: string): Promise<void> {
    try {
      this.table.update(
        sizedKey(notificationKey(eventId)),
        (current) => ({ ...current, leaseUntil: PAST }),
        (current) => current?.state !== 'done', // #state <> :done
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
