import { InMemoryTable } from '../../shared/memory/in-memory-table.js';
import { normaliseAddress } from '../address-forms.js';
import { admitToWindow, HOUR_MS, releaseFromWindow } from '../send-window.js';
import { sizedKey } from './in-memory-mail-support.js';
import { sendRateKey } from './mail-keys.js';
import type { SendLimiter } from './ports.js';

/**
 * The per-recipient window of automatic mail in memory: the `MAILRATE#<address>` item
 * DynamoSendLimiter writes (send times and a version), in an InMemoryTable (the contract suite in
 * test/email/store/send-limiter.contract.ts runs against both); send-window.ts decides against the
 * `now` passed in; `release` gives a failed send's slot back. The read and the write are one
 * synchronous step, so two admits racing for the last slot cannot both get it, which DynamoDB's
 * condition on the version ensures there.
 */
export class InMemorySendLimiter implements SendLimiter {
  constructor(private readonly table: InMemoryTable = new InMemoryTable()) {}

  async admit(recipient: string, now: Date, limitPerHour: number): Promise<boolean> {
    const key = sizedKey(sendRateKey(normaliseAddress(recipient)));
    const item = this.table.get(key);
    const version = typeof item?.version === 'number' ? item.version : 0;
    const sentAt = Array.isArray(item?.sentAt) ? (item.sentAt as string[]) : [];
    const decision = admitToWindow(sentAt, now, limitPerHour);
    if (!decision.admitted) return false;
    this.table.put({
      ...key,
      sentAt: decision.sentAt,
      version: version + 1,
      expiration: Math.floor((now.getTime() + 2 * HOUR_MS) / 1000),
    });
    return true;
  }

  async release(recipient: string, now: Date): Promise<void> {
    const key = sizedKey(sendRateKey(normaliseAddress(recipient)));
    const item = this.table.get(key);
    const sentAt = Array.isArray(item?.sentAt) ? (item.sentAt as string[]) : [];
    const rest = releaseFromWindow(sentAt, now);
    if (!item || !rest || typeof item.version !== 'number') return;
    this.table.put({ ...item, ...key, sentAt: rest, version: item.version + 1 });
  }
}
