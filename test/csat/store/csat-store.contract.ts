import { describe, expect, it } from 'vitest';
import { DEFAULT_CSAT_SETTINGS, feedbackOf, type Survey } from '../../../functions/csat/model.js';
import { surveyFor } from '../../../functions/csat/rules.js';
import type { CsatStore } from '../../../functions/csat/store/csat-store.js';
import type { Caller } from '../../../functions/shared/authz.js';
import { StaleWriteError } from '../../../functions/shared/store.js';
import type { HistoryEntry, Ticket } from '../../../functions/tickets/model.js';
import { applyUpdate, creationHistory, newTicket, updateHistory } from '../../../functions/tickets/rules.js';
import type { TicketStore } from '../../../functions/tickets/store/ticket-store.js';

const AGENT: Caller = { id: 'ann', email: null, name: 'Ann', roles: new Set(['agent']) };
const T0 = '2026-12-01T10:00:00.000Z';
let ids = 0;
const nextId = () => `01JCSAT${String(++ids).padStart(19, '0')}`;
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const entry = (ticketId: string, detailType: string, minutes = 0): HistoryEntry => ({
  id: nextId(),
  recordId: ticketId,
  at: at(minutes),
  actor: { id: 'opsdesk-csat', name: null },
  action: 'updated',
  changes: [],
  events: [{ detailType, detail: { ticketId } }],
});

export interface CsatWorldUnderTest {
  readonly store: CsatStore;
  readonly tickets: TicketStore;
}

/** What every CsatStore adapter answers alike (memory and DynamoDB), over a ticket store of its kind. */
export function csatStoreContract(name: string, open: () => Promise<CsatWorldUnderTest>): void {
  describe(`CsatStore contract: ${name}`, () => {
    let n = 0;
    /** A resolved incident in the ticket store. */
    const resolvedTicket = async (tickets: TicketStore): Promise<Ticket> => {
      const id = `INC-${String(++n).padStart(6, '0')}`;
      const created = newTicket(
        id,
        { type: 'incident', title: 'Printer jammed', requester: { id: 'rita', email: 'rita@example.com' } },
        AGENT,
        { now: T0, eventId: nextId() },
      );
      await tickets.commit([
        { after: created, history: creationHistory(created, AGENT, { now: T0, eventId: nextId() }) },
      ]);
      const stamp = { now: at(10), eventId: nextId() };
      const result = applyUpdate(
        created,
        { status: 'resolved', resolution: { code: 'fixed', notes: 'ok' } },
        AGENT,
        stamp,
      );
      await tickets.commit([
        { before: created, after: result.ticket, history: updateHistory(created, result, AGENT, stamp) },
      ]);
      return result.ticket;
    };
    const issued = async (w: CsatWorldUnderTest): Promise<{ ticket: Ticket; survey: Survey }> => {
      const ticket = await resolvedTicket(w.tickets);
      const survey = surveyFor(ticket, DEFAULT_CSAT_SETTINGS, at(10));
      expect(await w.store.issue(survey, entry(ticket.id, 'Survey Issued'))).toBe(true);
      return { ticket, survey };
    };
    const sent = (survey: Survey, key: string): Survey => ({ ...survey, key, sentAt: at(11) });
    const answerOf = (survey: Survey, rating: number, minutes = 20) => ({
      surveyKey: survey.key,
      ticketId: survey.ticketId,
      resolvedAt: survey.resolvedAt,
      rating,
      comment: null,
      answeredAt: at(minutes),
      sentAt: survey.sentAt ?? at(minutes),
      feedback: { ...feedbackOf(survey), status: 'answered' as const, rating, answeredAt: at(minutes) },
    });

    it('answers the defaults at version 0, then writes conditionally on the version', async () => {
      const { store } = await open();
      expect(await store.settings()).toMatchObject({ ...DEFAULT_CSAT_SETTINGS, version: 0, updatedAt: null });
      const written = await store.putSettings({ ...DEFAULT_CSAT_SETTINGS, sampleRate: 40 }, 0, T0);
      expect(written).toMatchObject({ sampleRate: 40, version: 1, updatedAt: T0 });
      expect(await store.settings()).toEqual(written);
      await expect(store.putSettings(DEFAULT_CSAT_SETTINGS, 0, T0)).rejects.toBeInstanceOf(StaleWriteError);
      expect((await store.settings()).sampleRate).toBe(40);
    });

    it('issues once per resolution: survey, pointer and the ticket feedback with its version moved on', async () => {
      const w = await open();
      const { ticket, survey } = await issued(w);
      expect(await w.store.survey(survey.key)).toEqual(survey);
      expect(await w.store.pointer(ticket.id)).toMatchObject({
        surveyKey: survey.key,
        resolvedAt: ticket.resolvedAt,
      });
      const after = await w.tickets.get(ticket.id);
      expect(after?.feedback).toEqual(feedbackOf(survey));
      expect(after?.version).toBe(ticket.version + 1);
      expect(await w.store.issue(survey, entry(ticket.id, 'Survey Issued'))).toBe(false);
      expect(await w.store.issue({ ...survey, key: 'draft:other' }, entry(ticket.id, 'Survey Issued'))).toBe(
        false,
      );
      expect(await w.store.survey('draft:other')).toBeUndefined();
    });

    it('refuses to issue for a ticket no longer at that resolution, writing nothing', async () => {
      const w = await open();
      const ticket = await resolvedTicket(w.tickets);
      const survey = { ...surveyFor(ticket, DEFAULT_CSAT_SETTINGS, at(10)), resolvedAt: at(9) };
      expect(await w.store.issue(survey, entry(ticket.id, 'Survey Issued'))).toBe(false);
      expect(await w.store.survey(survey.key)).toBeUndefined();
      expect(await w.store.pointer(ticket.id)).toBeUndefined();
      expect((await w.tickets.get(ticket.id))?.version).toBe(ticket.version);
    });

    it('moves a mailed draft under its token hash, once', async () => {
      const w = await open();
      const { ticket, survey } = await issued(w);
      const moved = sent(survey, 'a'.repeat(64));
      expect(await w.store.markSent(survey, moved, entry(ticket.id, 'Survey Sent'))).toBe(true);
      expect(await w.store.survey(survey.key)).toBeUndefined();
      expect(await w.store.survey(moved.key)).toEqual(moved);
      expect(await w.store.pointer(ticket.id)).toMatchObject({ surveyKey: moved.key, sentAt: at(11) });
      expect(
        await w.store.markSent(survey, sent(survey, 'b'.repeat(64)), entry(ticket.id, 'Survey Sent')),
      ).toBe(false);
      expect(await w.store.survey('b'.repeat(64))).toBeUndefined();
    });

    it('takes one answer: survey and ticket in one write; a second loses on the survey', async () => {
      const w = await open();
      const { ticket, survey } = await issued(w);
      const moved = sent(survey, 'c'.repeat(64));
      await w.store.markSent(survey, moved, entry(ticket.id, 'Survey Sent'));
      expect(await w.store.answer(answerOf(moved, 4), entry(ticket.id, 'Feedback Received', 20))).toBe(
        'answered',
      );
      expect(await w.store.survey(moved.key)).toMatchObject({
        status: 'answered',
        rating: 4,
        answeredAt: at(20),
      });
      const after = await w.tickets.get(ticket.id);
      expect(after?.feedback).toMatchObject({ status: 'answered', rating: 4, answeredAt: at(20) });
      expect(after?.version).toBe(ticket.version + 2);
      expect(await w.store.answer(answerOf(moved, 1), entry(ticket.id, 'Feedback Received', 21))).toBe(
        'survey_changed',
      );
      expect((await w.tickets.get(ticket.id))?.feedback?.rating).toBe(4);
      // Answered surveys leave the due index.
      expect((await w.store.listDue(at(60 * 24 * 30), { limit: 10 })).items.map((s) => s.key)).not.toContain(
        moved.key,
      );
    });

    it('refuses an answer once the ticket was reopened, and one past expiresAt, writing nothing', async () => {
      const w = await open();
      const { ticket, survey } = await issued(w);
      const current = (await w.tickets.get(ticket.id))!;
      const stamp = { now: at(15), eventId: nextId() };
      const reopen = applyUpdate(current, { status: 'in_progress' }, AGENT, stamp);
      await w.tickets.commit([
        { before: current, after: reopen.ticket, history: updateHistory(current, reopen, AGENT, stamp) },
      ]);
      expect(await w.store.answer(answerOf(survey, 5), entry(ticket.id, 'Feedback Received', 20))).toBe(
        'ticket_changed',
      );
      expect((await w.store.survey(survey.key))?.status).toBe('pending');

      const other = await issued(w);
      const late = answerOf(other.survey, 5, 14 * 24 * 60 + 10);
      expect(await w.store.answer(late, entry(other.ticket.id, 'Feedback Received'))).toBe('survey_changed');
      expect((await w.tickets.get(other.ticket.id))?.feedback?.status).toBe('pending');
    });

    it('settles pending surveys: expired with the ticket, voided alone; never twice', async () => {
      const w = await open();
      const { ticket, survey } = await issued(w);
      const expired = { ...feedbackOf(survey), status: 'expired' as const };
      const write = { ticketId: ticket.id, resolvedAt: survey.resolvedAt, feedback: expired };
      expect(await w.store.settle(survey.key, 'expired', write, entry(ticket.id, 'Survey Expired'))).toBe(
        true,
      );
      expect((await w.store.survey(survey.key))?.status).toBe('expired');
      expect((await w.tickets.get(ticket.id))?.feedback?.status).toBe('expired');
      expect(await w.store.settle(survey.key, 'voided', undefined, undefined)).toBe(false);

      const other = await issued(w);
      expect(
        await w.store.settle(other.survey.key, 'voided', undefined, entry(other.ticket.id, 'Survey Voided')),
      ).toBe(true);
      expect((await w.store.survey(other.survey.key))?.status).toBe('voided');
      expect((await w.tickets.get(other.ticket.id))?.feedback?.status).toBe('pending');
    });

    it('lists the surveys mailed in [from, to), latest first, in pages, whatever became of them', async () => {
      const w = await open();
      const mailed: Survey[] = [];
      for (const [minutes, key] of [
        [11, 'e'],
        [12, 'f'],
        [13, 'g'],
      ] as const) {
        const { ticket, survey } = await issued(w);
        const moved = { ...survey, key: key.repeat(64), sentAt: at(minutes) };
        await w.store.markSent(survey, moved, entry(ticket.id, 'Survey Sent'));
        mailed.push(moved);
      }
      await issued(w); // a draft: never mailed, never listed
      await w.store.answer(answerOf(mailed[0]!, 5), entry(mailed[0]!.ticketId, 'Feedback Received', 20));
      await w.store.settle(mailed[1]!.key, 'voided', undefined, undefined);
      const keys = (page: { items: readonly Survey[] }) => page.items.map((survey) => survey.key);
      expect(keys(await w.store.listSentBetween(at(11), at(13), { limit: 10 }))).toEqual([
        mailed[1]!.key,
        mailed[0]!.key,
      ]);
      const first = await w.store.listSentBetween(at(0), at(60), { limit: 2 });
      expect(keys(first)).toEqual([mailed[2]!.key, mailed[1]!.key]);
      const rest = await w.store.listSentBetween(at(0), at(60), { limit: 2, startKey: first.lastKey });
      expect(rest.items.map((survey) => [survey.key, survey.status, survey.rating])).toEqual([
        [mailed[0]!.key, 'answered', 5],
      ]);
    });

    it('lists pending surveys due by their mail time, then their expiry, earliest first, in pages', async () => {
      const w = await open();
      const a = await issued(w);
      const b = await issued(w);
      const c = await issued(w);
      const movedB = sent(b.survey, 'd'.repeat(64));
      await w.store.markSent(b.survey, movedB, entry(b.ticket.id, 'Survey Sent'));
      await w.store.settle(c.survey.key, 'voided', undefined, undefined);
      const keysDue = async (until: string) =>
        (await w.store.listDue(until, { limit: 10 })).items.map((survey) => survey.key);
      expect(await keysDue(at(9))).toEqual([]);
      // Drafts are due at their mail time (the resolution, no delay).
      expect(await keysDue(at(10))).toEqual([a.survey.key]);
      // The sent one at its expiry.
      expect(await keysDue(movedB.expiresAt)).toEqual([a.survey.key, movedB.key]);
      const first = await w.store.listDue(movedB.expiresAt, { limit: 1 });
      expect(first.items.map((s) => s.key)).toEqual([a.survey.key]);
      const second = await w.store.listDue(movedB.expiresAt, { limit: 1, startKey: first.lastKey });
      expect(second.items.map((s) => s.key)).toEqual([movedB.key]);
    });
  });
}
