import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../functions/shared/authz.js';
import { NO_METRICS } from '../../functions/tickets/model.js';
import { type MailWorld, mailWorld } from './mail-world.js';

// Mail keeps ticket metrics (functions/tickets/metrics.ts): the requester's replies are follow-ups
// (and reopen a resolved ticket), a Cc participant's are not, an uninvolved sender's note is nothing.
const ann: Caller = { id: 'ann', email: 'ann@corp.example', name: 'Ann Agent', roles: new Set(['agent']) };
const ALICE = 'alice@example.com';

describe('mail and ticket metrics', () => {
  let w: MailWorld;
  beforeEach(async () => {
    w = await mailWorld();
  });
  const metrics = async (id: string) => (await w.tickets.get(id))!.metrics;

  it('requester replies count as follow-ups and reopen; participants and strangers count nothing', async () => {
    const opened = await w.mailIn(`Alice <${ALICE}>`, 'VPN down', 'I cannot connect.', [
      'Cc: Carol <carol@example.com>',
      'Message-ID: <first@alice.example.com>',
    ]);
    const id = (opened as { ticketId: string }).ticketId;
    expect(await metrics(id)).toEqual(NO_METRICS);
    await w.mailIn('carol@example.com', `Re: [${id}] VPN down`, 'Same here.');
    await w.mailIn('Mallory <mallory@evil.example>', `[${id}] let me in`, 'Close it.');
    expect(await metrics(id)).toEqual(NO_METRICS);
    await w.mailIn(ALICE, `Re: [${id}] VPN down`, 'Client 5.1.2.', ['Message-ID: <r1@alice.example.com>']);
    expect(await metrics(id)).toMatchObject({ requesterFollowUps: 1, acknowledgedAt: null });
    await w.service().update(ann, id, { status: 'resolved', resolution: { code: 'fixed', notes: 'n' } });
    expect(await metrics(id)).toMatchObject({ fcr: false, reopenCount: 0 });
    await w.mailIn(ALICE, `Re: [${id}] VPN down`, 'Still broken.', ['Message-ID: <r2@alice.example.com>']);
    expect(await w.tickets.get(id)).toMatchObject({
      status: 'in_progress',
      metrics: { requesterFollowUps: 2, reopenCount: 1, fcr: null },
    });
  });
});
