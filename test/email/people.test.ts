import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../functions/shared/authz.js';
import { personIdsOf } from '../../functions/shared/people.js';
import { type MailWorld, mailWorld } from './mail-world.js';

/**
 * The mail side of one person across channels (docs/email.md#people): a mail's sender becomes the
 * ticket's requester by person id; the same person answering over the API is the requester, so
 * the notifier neither mails their words back to them nor takes them for staff.
 */
const ALICE = 'alice@example.com';
const alice: Caller = {
  id: 'uuid-alice',
  email: ALICE,
  name: 'Alice',
  roles: new Set(['requester']),
  personIds: personIdsOf(ALICE),
};
const ann: Caller = { id: 'ann', email: 'ann@corp.example', name: 'Ann Agent', roles: new Set(['agent']) };

describe('a mail sender is a person', () => {
  let w: MailWorld;
  let id: string;

  beforeEach(async () => {
    w = await mailWorld();
    const result = await w.mailIn(`Alice Example <${ALICE}>`, 'VPN down', 'I cannot connect.');
    if (result.outcome !== 'ticket') throw new Error(`no ticket: ${JSON.stringify(result)}`);
    id = result.ticketId!;
    await w.notify('ticket', id);
  });

  it('the ticket and the directory name the sender’s person', async () => {
    expect((await w.tickets.get(id))!.requester).toEqual({
      id: 'person:alice@example.com',
      email: ALICE,
      name: 'Alice Example',
    });
    expect(await w.stores.people.find(ALICE)).toMatchObject({ id: 'person:alice@example.com', staff: false });
  });

  it('their comment over the API is the requester’s: not mailed to them, not taken for staff', async () => {
    const sent = w.outbox.length;
    const comment = await w.service().comment(alice, id, { body: 'Still down.' });
    expect(comment.author.id).toBe('person:alice@example.com');
    expect(await w.notify('ticket', id)).toEqual([['Comment Added', 'not-applicable']]);
    expect(w.outbox).toHaveLength(sent);
    expect(await w.stores.people.find(ALICE)).toMatchObject({ staff: false });
    // An agent's answer goes to them.
    await w.service().comment(ann, id, { body: 'Reinstall, please.' });
    expect(await w.notify('ticket', id)).toEqual([['Comment Added', 'sent']]);
    expect(w.mailTo(ALICE).at(-1)!.text).toContain('Reinstall, please.');
  });

  it('their next mail threads as the requester’s reply', async () => {
    const reply = await w.mailIn(ALICE, `Re: [${id}] VPN down`, 'Works now.');
    expect(reply).toMatchObject({ outcome: 'comment', ticketId: id });
    const comments = (await w.tickets.listComments(id, { limit: 10 }, { publicOnly: false })).items;
    expect(comments.at(-1)!.author.id).toBe('person:alice@example.com');
  });
});
