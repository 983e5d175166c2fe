import { beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../functions/changes/model.js';
import {
  approvalEscalated,
  approvalExpired,
  approvalRequested,
  creationHistory,
  newChange,
} from '../../functions/changes/rules.js';
import { RetryLaterError } from '../../functions/email/gateway.js';
import { notificationKey } from '../../functions/email/store/mail-keys.js';
import type { Caller } from '../../functions/shared/authz.js';
import { SlaSweeper } from '../../functions/sla/sweeper.js';
import { at } from '../sla/fixtures.js';
import { DOMAIN, type MailWorld, mailWorld, SUPPORT } from './mail-world.js';

/**
 * The notifier (docs/email.md#outbound-mail) on the in-memory stores: each domain event as the bus
 * delivers it, at most one mail per event, threading and addressing as the API tests over SMTP
 * (test/api/email-smtp.test.ts, test/api/sla.test.ts) see it, in milliseconds.
 */
const ann: Caller = { id: 'ann', email: 'ann@corp.example', name: 'Ann Agent', roles: new Set(['agent']) };
const ALICE = 'alice@example.com';

describe('EmailNotifier', () => {
  let w: MailWorld;

  beforeEach(async () => {
    w = await mailWorld({ machineSenders: ['monitor.example'] });
  });

  /** Alice mails support (Carol in Cc); the ticket is INC-000001 unless others came first. */
  async function aliceMails(subject = 'VPN down since 9:00', messageId = '<first@alice.example.com>') {
    const result = await w.mailIn(`Alice Example <${ALICE}>`, subject, 'I cannot connect to the VPN.', [
      'Cc: Carol <carol@example.com>',
      `Message-ID: ${messageId}`,
    ]);
    if (result.outcome !== 'ticket') throw new Error(`no ticket: ${JSON.stringify(result)}`);
    return result.ticketId!;
  }

  /** What the notifier answered to the record's new events of this type. */
  async function notified(kind: 'ticket' | 'change', id: string, detailType?: string) {
    const outcomes = await w.notify(kind, id);
    return outcomes.filter(([type]) => !detailType || type === detailType).map(([, outcome]) => outcome);
  }

  describe('acknowledgements', () => {
    it('a ticket opened by mail is acknowledged to its sender, threaded onto their mail', async () => {
      const id = await aliceMails();
      expect(id).toBe('INC-000001');
      expect(await notified('ticket', id, 'Ticket Created')).toEqual(['sent']);
      expect(w.outbox).toHaveLength(1);
      const [ack] = w.outbox;
      expect(ack).toEqual({
        to: [ALICE],
        subject: '[INC-000001] VPN down since 9:00',
        text: expect.stringContaining('Hello Alice Example,'),
        messageId: expect.stringMatching(/^<opsdesk\..+\.INC-000001@opsdesk\.test>$/),
        inReplyTo: '<first@alice.example.com>',
        references: [`<ticket.INC-000001@${DOMAIN}>`, '<first@alice.example.com>'],
        automatic: true,
        headers: {
          'X-Opsdesk-Ticket': 'INC-000001',
          'X-Loop': SUPPORT,
          'Auto-Submitted': 'auto-replied',
          'X-Auto-Response-Suppress': 'All',
          Date: w.clock.now().toUTCString(),
        },
      });
      expect(ack!.text).toContain('opened ticket INC-000001: "VPN down since 9:00"');
      // Indexed: a reply to it threads back to the ticket.
      expect(await w.stores.index.ticketsOf([ack!.messageId])).toEqual(new Map([[ack!.messageId, id]]));
    });

    it('a ticket opened through the API is not acknowledged (the caller has the answer)', async () => {
      const ticket = await w.service().create(ann, {
        type: 'incident',
        title: 'Printer',
        requester: { id: 'alice', email: ALICE, name: 'Alice' },
      });
      expect(await notified('ticket', ticket.id, 'Ticket Created')).toEqual(['not-applicable']);
      expect(w.outbox).toEqual([]);
    });

    it('machine mail and no-reply senders are never acknowledged', async () => {
      const alert = await w.mailIn('alerts@monitor.example', 'DISK FULL on db1', '/var 100%', [
        'Auto-Submitted: auto-generated',
      ]);
      expect(alert).toMatchObject({ outcome: 'ticket' });
      expect(await notified('ticket', (alert as { ticketId: string }).ticketId, 'Ticket Created')).toEqual([
        'not-applicable',
      ]);
      // An order confirmation from noreply@ may open a ticket (settings.ts), but is never answered.
      const robot = await w.mailIn('noreply@vendor.example', 'Your order', 'shipped');
      if (robot.outcome === 'ticket') {
        expect(await notified('ticket', robot.ticketId!, 'Ticket Created')).toEqual(['not-applicable']);
      }
      expect(w.outbox).toEqual([]);
    });

    it('machine mail’s senders are never mailed (docs/email.md), resolution notices included', async () => {
      const alert = await w.mailIn('alerts@monitor.example', 'DISK FULL on db1', '/var 100%', [
        'Auto-Submitted: auto-generated',
      ]);
      if (alert.outcome !== 'ticket') throw new Error(`no ticket: ${JSON.stringify(alert)}`);
      const id = alert.ticketId!;
      expect(await notified('ticket', id, 'Ticket Created')).toEqual(['not-applicable']);
      // An agent's public comment (not automatic mail) and the resolution notice: skipped, and the
      // ledger records why, as for any requester who gets no mail.
      await w.service().comment(ann, id, { body: 'Cleaned up /var.' });
      await w.service().update(ann, id, { status: 'in_progress' });
      await w.service().update(ann, id, { status: 'resolved', resolution: { code: 'fixed', notes: 'ok' } });
      const outcomes: [string, string][] = [];
      for (const event of await w.newEvents('ticket', id)) {
        const outcome = await w.notifier.handle(event);
        outcomes.push([event.detailType, outcome]);
        if (outcome === 'no-recipient') {
          expect(w.table.get(notificationKey(event.detail.eventId))).toMatchObject({
            state: 'done',
            outcome: 'no-recipient',
          });
        }
      }
      expect(outcomes.filter(([, outcome]) => outcome !== 'ignored')).toEqual([
        ['Comment Added', 'no-recipient'],
        ['Ticket Status Changed', 'no-recipient'],
      ]);
      // Whatever the mail it sends: a human-looking mail from an allowlisted system is not answered either.
      const human = await w.mailIn('ops@monitor.example', 'Question', 'Is the disk alert real?');
      if (human.outcome !== 'ticket') throw new Error(`no ticket: ${JSON.stringify(human)}`);
      expect(await notified('ticket', human.ticketId!, 'Ticket Created')).toEqual(['no-recipient']);
      expect(w.outbox).toEqual([]);
    });

    it('a machine sender in Cc is left out of the agent’s mail to the requester', async () => {
      const result = await w.mailIn(`Alice Example <${ALICE}>`, 'Disk alerts', 'They keep coming.', [
        'Cc: Carol <carol@example.com>, Alerts <alerts@monitor.example>',
      ]);
      if (result.outcome !== 'ticket') throw new Error(`no ticket: ${JSON.stringify(result)}`);
      await w.notify('ticket', result.ticketId!);
      await w.service().comment(ann, result.ticketId!, { body: 'Looking into it.' });
      expect(await notified('ticket', result.ticketId!, 'Comment Added')).toEqual(['sent']);
      expect(w.outbox.at(-1)).toMatchObject({ to: [ALICE], cc: ['carol@example.com'] });
      expect(w.mailTo('alerts@monitor.example')).toEqual([]);
    });
  });

  describe('agent comments', () => {
    it('an agent’s public comment goes to the requester, Cc the participants; internal notes stay inside', async () => {
      const id = await aliceMails();
      await w.notify('ticket', id);
      await w.service().comment(ann, id, { body: 'Please reinstall the client.' });
      await w.service().comment(ann, id, { body: 'internal only', visibility: 'internal' });
      expect(await notified('ticket', id, 'Comment Added')).toEqual(['sent', 'ignored']);
      const sent = w.outbox.slice(1);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        to: [ALICE],
        cc: ['carol@example.com'],
        subject: 'Re: [INC-000001] VPN down since 9:00',
        inReplyTo: '<first@alice.example.com>',
        automatic: false,
      });
      expect(sent[0]!.text).toContain('Ann Agent wrote on INC-000001:\n\nPlease reinstall the client.');
      expect(sent[0]!.headers).not.toHaveProperty('Auto-Submitted');
      // Only staff write public comments on others' tickets: Ann is now known as staff by address.
      expect(await w.stores.people.find('Ann@Corp.example')).toEqual({
        id: 'ann',
        email: 'ann@corp.example',
        name: 'Ann Agent',
        staff: true,
      });
    });

    it('the requester’s reply threads back by In-Reply-To; our next mail answers it', async () => {
      const id = await aliceMails();
      await w.notify('ticket', id);
      await w.service().comment(ann, id, { body: 'Please reinstall the client.' });
      await w.notify('ticket', id);
      const first = w.outbox.at(-1)!;
      const reply = await w.mailIn(ALICE, 'Re: reinstall', 'Done, works.', [
        `In-Reply-To: ${first.messageId}`,
        'Message-ID: <reply-1@alice.example.com>',
      ]);
      expect(reply).toMatchObject({ outcome: 'comment', ticketId: id });
      // The requester's own comment is not mailed back to them.
      expect(await notified('ticket', id, 'Comment Added')).toEqual(['not-applicable']);
      await w.service().comment(ann, id, { body: 'Great.' });
      await w.notify('ticket', id);
      const second = w.outbox.at(-1)!;
      expect(second.inReplyTo).toBe('<reply-1@alice.example.com>');
      expect(second.references).toEqual([
        `<ticket.${id}@${DOMAIN}>`,
        '<first@alice.example.com>',
        '<reply-1@alice.example.com>',
      ]);
    });

    it('a Cc participant’s mail becomes a public comment but is not mailed to anyone', async () => {
      const id = await aliceMails();
      await w.notify('ticket', id);
      expect(await w.mailIn('carol@example.com', `Re: [${id}] VPN`, 'Same here.')).toMatchObject({
        outcome: 'comment',
      });
      expect(await notified('ticket', id, 'Comment Added')).toEqual(['not-applicable']);
      expect(w.outbox).toHaveLength(1);
    });

    it('SES’s own Message-ID for our mail is indexed too', async () => {
      const id = await aliceMails();
      w.mail.replaceMessageId = (mail) => `<${mail.messageId.length}-ses@eu-west-1.amazonses.com>`;
      await w.notify('ticket', id);
      const ours = w.outbox[0]!.messageId;
      const ses = `<${ours.length}-ses@eu-west-1.amazonses.com>`;
      expect(Object.fromEntries(await w.stores.index.ticketsOf([ours, ses]))).toEqual({
        [ours]: id,
        [ses]: id,
      });
    });
  });

  describe('resolution notices', () => {
    it('resolving mails the requester the resolution; other status changes mail nothing', async () => {
      const id = await aliceMails();
      await w.notify('ticket', id);
      await w.service().update(ann, id, { status: 'in_progress' });
      await w.service().update(ann, id, {
        status: 'resolved',
        resolution: { code: 'fixed', notes: 'Replaced the VPN profile.' },
      });
      expect(await notified('ticket', id, 'Ticket Status Changed')).toEqual(['ignored', 'sent']);
      const notice = w.outbox.at(-1)!;
      expect(notice).toMatchObject({
        to: [ALICE],
        subject: '[INC-000001] Resolved: VPN down since 9:00',
        automatic: true,
        inReplyTo: '<first@alice.example.com>',
      });
      expect(notice.text).toContain('Resolution (fixed):\nReplaced the VPN profile.');
      expect(w.outbox).toHaveLength(2);
    });

    it('a requester without an address, or a system mailbox, gets no notice', async () => {
      const ticket = await w
        .service()
        .create(ann, { type: 'incident', title: 'x', requester: { id: 'bob' } });
      await w.service().update(ann, ticket.id, { status: 'in_progress' });
      await w
        .service()
        .update(ann, ticket.id, { status: 'resolved', resolution: { code: 'fixed', notes: 'ok' } });
      expect(await notified('ticket', ticket.id, 'Ticket Status Changed')).toEqual([
        'ignored',
        'no-recipient',
      ]);
      const daemon = await w.service().create(ann, {
        type: 'incident',
        title: 'y',
        requester: { id: 'pm', email: 'postmaster@example.com' },
      });
      await w.service().update(ann, daemon.id, { status: 'in_progress' });
      await w
        .service()
        .update(ann, daemon.id, { status: 'resolved', resolution: { code: 'fixed', notes: 'ok' } });
      expect(await notified('ticket', daemon.id, 'Ticket Status Changed')).toEqual([
        'ignored',
        'no-recipient',
      ]);
      expect(w.outbox).toEqual([]);
    });
  });

  describe('one mail per event', () => {
    it('a redelivered event sends nothing more', async () => {
      const id = await aliceMails();
      const [created] = await w.newEvents('ticket', id);
      expect(created!.detailType).toBe('Ticket Created');
      expect(await w.notifier.handle(created!)).toBe('sent');
      expect(await w.notifier.handle(created!)).toBe('duplicate');
      expect(await w.notifierWith().handle(created!)).toBe('duplicate');
      expect(w.outbox).toHaveLength(1);
    });

    it('a failed send throws (the bus retries) and the retry sends exactly one mail', async () => {
      const id = await aliceMails();
      const [created] = await w.newEvents('ticket', id);
      w.mail.failNext();
      await expect(w.notifier.handle(created!)).rejects.toThrow('SES throttled');
      expect(w.outbox).toEqual([]);
      expect(await w.notifier.handle(created!)).toBe('sent');
      expect(await w.notifier.handle(created!)).toBe('duplicate');
      expect(w.outbox).toHaveLength(1);
    });

    it('while another notifier holds the event it is retried later; a dead holder’s lease runs out', async () => {
      const id = await aliceMails();
      const [created] = await w.newEvents('ticket', id);
      expect(await w.stores.ledger.claim(created!.detail.eventId, w.clock.now(), 2 * 60_000)).toBe('claimed');
      await expect(w.notifier.handle(created!)).rejects.toBeInstanceOf(RetryLaterError);
      w.clock.advance(2);
      await expect(w.notifier.handle(created!)).rejects.toBeInstanceOf(RetryLaterError);
      w.clock.advance(0.001);
      expect(await w.notifier.handle(created!)).toBe('sent');
      expect(w.outbox).toHaveLength(1);
    });

    it('a crash after sending, before the ledger is marked: the retry sends the very same mail', async () => {
      const id = await aliceMails();
      const [created] = await w.newEvents('ticket', id);
      const crashing = w.notifierWith({
        ledger: {
          complete: async () => {
            throw new Error('function timed out');
          },
        },
      });
      await expect(crashing.handle(created!)).rejects.toThrow('function timed out');
      expect(await w.notifier.handle(created!)).toBe('sent');
      expect(w.outbox).toHaveLength(2);
      const [first, second] = w.outbox;
      expect(second!.messageId).toBe(first!.messageId);
      expect({ ...second, headers: {} }).toEqual({ ...first, headers: {} });
      expect(await w.notifier.handle(created!)).toBe('duplicate');
    });

    it('events that ask for no mail are ignored without a claim', async () => {
      const id = await aliceMails();
      expect(
        await w.notifier.handle({ detailType: 'Ticket Updated', detail: { eventId: 'x1', ticketId: id } }),
      ).toBe('ignored');
      expect(await w.notifier.handle({ detailType: 'Ticket Created', detail: { eventId: 'x2' } })).toBe(
        'ignored',
      );
      expect(await w.stores.ledger.claim('x1', w.clock.now(), 1000)).toBe('claimed');
    });
  });

  describe('the automatic-mail limit', () => {
    it('at most 10 automatic mails per recipient per sliding hour; a person’s reply is never held back', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 12; i++) {
        const result = await w.mailIn('karl@example.com', `Request ${i}`, 'x');
        ids.push(result.outcome === 'ticket' ? result.ticketId! : '');
      }
      const outcomes = [];
      for (const id of ids) outcomes.push(...(await notified('ticket', id, 'Ticket Created')));
      expect(outcomes).toEqual([...Array(10).fill('sent'), 'rate-limited', 'rate-limited']);
      expect(w.mailTo('karl@example.com')).toHaveLength(10);

      // An agent writing is not automatic mail.
      await w.service().comment(ann, ids[0]!, { body: 'On it.' });
      expect(await notified('ticket', ids[0]!, 'Comment Added')).toEqual(['sent']);
      // A resolution notice is.
      await w.service().update(ann, ids[1]!, { status: 'in_progress' });
      await w
        .service()
        .update(ann, ids[1]!, { status: 'resolved', resolution: { code: 'fixed', notes: 'ok' } });
      expect(await notified('ticket', ids[1]!, 'Ticket Status Changed')).toEqual(['ignored', 'rate-limited']);

      // An hour after the first acknowledgements, the window has room again.
      w.clock.advance(60);
      const later = await w.mailIn('karl@example.com', 'Request 13', 'x');
      expect(
        await notified('ticket', later.outcome === 'ticket' ? later.ticketId! : '', 'Ticket Created'),
      ).toEqual(['sent']);
      expect(w.mailTo('karl@example.com')).toHaveLength(12);
    });

    it('a send that failed gives its slot back: at a limit of 1 the retried acknowledgement is sent', async () => {
      const w1 = await mailWorld({ autoRepliesPerHour: 1 });
      const result = await w1.mailIn('lena@example.com', 'One', 'x');
      const [created] = await w1.newEvents('ticket', result.outcome === 'ticket' ? result.ticketId! : '');
      w1.mail.failNext();
      await expect(w1.notifier.handle(created!)).rejects.toThrow('SES throttled');
      expect(await w1.notifier.handle(created!)).toBe('sent');
      expect(w1.mailTo('lena@example.com')).toHaveLength(1);
      // The slot is taken now, by the mail that went out.
      const next = await w1.mailIn('lena@example.com', 'Two', 'x');
      expect(await w1.notify('ticket', next.outcome === 'ticket' ? next.ticketId! : '')).toContainEqual([
        'Ticket Created',
        'rate-limited',
      ]);
    });

    it('a failed send counts once the retry sends: two acknowledgements fit a limit of 2', async () => {
      const w2 = await mailWorld({ autoRepliesPerHour: 2 });
      const first = await w2.mailIn('lena@example.com', 'One', 'x');
      const [created] = await w2.newEvents('ticket', first.outcome === 'ticket' ? first.ticketId! : '');
      w2.mail.failNext(2);
      await expect(w2.notifier.handle(created!)).rejects.toThrow('SES throttled');
      await expect(w2.notifier.handle(created!)).rejects.toThrow('SES throttled');
      expect(await w2.notifier.handle(created!)).toBe('sent');
      const second = await w2.mailIn('lena@example.com', 'Two', 'x');
      const third = await w2.mailIn('lena@example.com', 'Three', 'x');
      const outcomes = [];
      for (const result of [second, third]) {
        outcomes.push(...(await w2.notify('ticket', result.outcome === 'ticket' ? result.ticketId! : '')));
      }
      expect(outcomes.filter(([type]) => type === 'Ticket Created').map(([, o]) => o)).toEqual([
        'sent',
        'rate-limited',
      ]);
      expect(w2.mailTo('lena@example.com')).toHaveLength(2);
    });

    it('the limit is per recipient, whatever the case of the address', async () => {
      const w2 = await mailWorld({ autoRepliesPerHour: 1 });
      const first = await w2.mailIn('Lena@Example.com', 'One', 'x');
      const second = await w2.mailIn('lena@example.com', 'Two', 'x');
      const other = await w2.mailIn('max@example.com', 'Three', 'x');
      const outcomes = [];
      for (const result of [first, second, other]) {
        outcomes.push(...(await w2.notify('ticket', result.outcome === 'ticket' ? result.ticketId! : '')));
      }
      expect(outcomes.filter(([type]) => type === 'Ticket Created').map(([, o]) => o)).toEqual([
        'sent',
        'rate-limited',
        'sent',
      ]);
    });
  });

  describe('SLA notices', () => {
    const sweep = () => new SlaSweeper(w.tickets, w.slaConfig, w.groups, w.clock, w.newId).sweep();

    it('an SLA Notice Due is mailed to the group’s address and an assignee known by address', async () => {
      await w.addGroup('network', { email: 'net@example.com' });
      const t = await w.service().create(ann, {
        type: 'incident',
        title: 'flaky mail',
        impact: 1,
        urgency: 1,
        group: 'network',
        assignee: 'ann@example.com',
        requester: { id: 'alice' },
      });
      await w.notify('ticket', t.id);
      w.clock.set(new Date(at(13)));
      expect(await sweep()).toMatchObject({ warned: 1, notified: 1 });
      const [notice] = (await w.newEvents('ticket', t.id)).filter((e) => e.detailType === 'SLA Notice Due');
      expect(notice!.detail).toMatchObject({ ticketId: t.id, notice: 'warning', clock: 'firstResponse' });
      expect(await w.notifier.handle(notice!)).toBe('sent');
      expect(w.outbox).toEqual([
        {
          to: ['net@example.com', 'ann@example.com'],
          subject: `[${t.id}] SLA first response is about to breach: flaky mail`,
          text: `${t.id} (P1, new): the first response target is about to breach.\nDue: ${at(15)}\n`,
          messageId: `<sla-${notice!.detail.eventId}@${DOMAIN}>`,
          automatic: true,
          headers: { 'X-Opsdesk-Ticket': t.id, 'X-Loop': SUPPORT, Date: w.clock.now().toUTCString() },
        },
      ]);
      // Redelivered: nothing more.
      expect(await w.notifier.handle(notice!)).toBe('duplicate');
      // The breach, a notice of its own.
      w.clock.set(new Date(at(16)));
      await sweep();
      expect(await notified('ticket', t.id, 'SLA Notice Due')).toEqual(['sent']);
      expect(w.outbox.map((m) => m.subject)).toEqual([
        `[${t.id}] SLA first response is about to breach: flaky mail`,
        `[${t.id}] SLA first response breached: flaky mail`,
      ]);
    });

    it('a failing notice is retried and mailed once', async () => {
      await w.addGroup('network', { email: 'net@example.com' });
      const t = await w.service().create(ann, {
        type: 'incident',
        title: 'sla',
        impact: 1,
        urgency: 1,
        group: 'network',
        requester: { id: 'alice' },
      });
      await w.notify('ticket', t.id);
      w.clock.set(new Date(at(13)));
      await sweep();
      const [notice] = (await w.newEvents('ticket', t.id)).filter((e) => e.detailType === 'SLA Notice Due');
      w.mail.failNext();
      await expect(w.notifier.handle(notice!)).rejects.toThrow('SES throttled');
      expect(await w.notifier.handle(notice!)).toBe('sent');
      expect(await w.notifier.handle(notice!)).toBe('duplicate');
      expect(w.outbox.map((m) => m.to)).toEqual([['net@example.com']]);
    });

    it('no group address and no assignee address: nobody to mail', async () => {
      await w.addGroup('quiet');
      const t = await w.service().create(ann, {
        type: 'incident',
        title: 'sla',
        impact: 1,
        urgency: 1,
        group: 'quiet',
        assignee: 'ann',
        requester: { id: 'alice' },
      });
      await w.notify('ticket', t.id);
      w.clock.set(new Date(at(13)));
      await sweep();
      expect(await notified('ticket', t.id, 'SLA Notice Due')).toEqual(['no-recipient']);
      expect(w.outbox).toEqual([]);
    });
  });

  describe('change approval notices', () => {
    const NOW = at(0);
    const rita: Caller = {
      id: 'rita',
      email: 'rita@example.com',
      name: 'Rita',
      roles: new Set(['requester']),
    };
    let stamps = 0;
    const stamp = () => ({ now: w.clock.now().toISOString(), eventId: `evt-change-${++stamps}` });

    /** A normal change waiting for the network approval (the workflow's steps, written directly). */
    async function pendingChange(): Promise<Change> {
      const draft = newChange(
        'CHG-000001',
        {
          type: 'normal',
          title: 'Upgrade core switches',
          ciIds: ['switch-1'],
          plannedStart: at(48 * 60),
          plannedEnd: at(50 * 60),
          approvalGroups: ['network'],
        },
        rita,
        { now: NOW, eventId: 'evt-change-0' },
        'arn:aws:states:eu-west-1:123456789012:execution:changes:CHG-000001',
      );
      const change: Change = { ...draft, status: 'pending_approval' };
      await w.changes.commit({ after: change, history: creationHistory(change, rita, stamp()) });
      return change;
    }

    beforeEach(async () => {
      await w.addGroup('network', { email: 'network@example.com' });
      const managers = (await w.groups.get('change-managers'))!;
      await w.groups.put(
        { ...managers, email: 'cab@example.com', version: managers.version + 1 },
        managers.version,
      );
    });

    it('an approval request is mailed to the approval group, once', async () => {
      const change = await pendingChange();
      const requested = approvalRequested(change, 'cab', 'network', stamp())!;
      await w.changes.commit({ before: change, after: requested.change, history: requested.history });
      const [event] = await w.newEvents('change', change.id);
      expect(event).toMatchObject({
        detailType: 'Change Approval Requested',
        detail: { changeId: change.id, stage: 'cab', group: 'network' },
      });
      expect(await w.notifier.handle(event!)).toBe('sent');
      expect(await w.notifier.handle(event!)).toBe('duplicate');
      expect(w.outbox).toHaveLength(1);
      expect(w.outbox[0]).toMatchObject({
        to: ['network@example.com'],
        subject: '[CHG-000001] Approval requested: CHG-000001 Upgrade core switches',
        messageId: `<CHG-000001.${event!.detail.eventId}@${DOMAIN}>`,
        automatic: true,
        headers: { 'X-Opsdesk-Change': 'CHG-000001', 'X-Loop': SUPPORT },
      });
      expect(w.outbox[0]!.text).toContain('waits for the network approval');
    });

    it('escalation adds the change managers; expiry also tells the requester', async () => {
      const change = await pendingChange();
      const requested = approvalRequested(change, 'cab', 'network', stamp())!;
      await w.changes.commit({ before: change, after: requested.change, history: requested.history });
      w.clock.advance(24 * 60);
      const escalated = approvalEscalated(requested.change, 'cab', 'network', stamp());
      await w.changes.commit({
        before: requested.change,
        after: escalated.change,
        history: escalated.history,
      });
      w.clock.advance(24 * 60);
      const expired = approvalExpired(escalated.change, 'cab', 'network', stamp());
      await w.changes.commit({ before: escalated.change, after: expired.change, history: expired.history });
      expect(await notified('change', change.id)).toEqual(['sent', 'sent', 'sent']);
      expect(w.outbox.map((m) => [m.subject, m.to])).toEqual([
        ['[CHG-000001] Approval requested: CHG-000001 Upgrade core switches', ['network@example.com']],
        [
          '[CHG-000001] Approval overdue: CHG-000001 Upgrade core switches',
          ['network@example.com', 'cab@example.com'],
        ],
        [
          '[CHG-000001] Approval expired: CHG-000001 Upgrade core switches',
          ['network@example.com', 'cab@example.com', 'rita@example.com'],
        ],
      ]);
    });

    it('an approval group without an address: nobody to mail', async () => {
      const change = await pendingChange();
      const requested = approvalRequested(change, 'cab', 'ecab', stamp())!;
      await w.changes.commit({ before: change, after: requested.change, history: requested.history });
      expect(await notified('change', change.id)).toEqual(['no-recipient']);
      expect(w.outbox).toEqual([]);
    });
  });
});
