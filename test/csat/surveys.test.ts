import { describe, expect, it } from 'vitest';
import { DEFAULT_CSAT_SETTINGS } from '../../functions/csat/model.js';
import { tokenHash } from '../../functions/csat/rules.js';
import { ConflictError, GoneError, NotFoundError, ValidationError } from '../../functions/shared/errors.js';
import { ADMIN, AGENT, csatWorld, OLGA, RITA } from './csat-world.js';

const rejection = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const code = async (promise: Promise<unknown>) => ((await rejection(promise)) as { code?: string })?.code;

describe('CSAT use cases (in memory)', () => {
  it('issues one survey on resolution, with token hash, expiry and attribution, and mails it at once', async () => {
    const w = await csatWorld();
    const ticket = await w.newTicket();
    const resolved = await w.resolve(ticket.id);
    const [token] = w.mailer.tokensFor(ticket.id);
    expect(token).toBeDefined();
    const survey = await w.csat.survey(tokenHash(token!));
    expect(survey).toMatchObject({
      ticketId: ticket.id,
      status: 'pending',
      resolvedAt: resolved.resolvedAt,
      expiresAt: new Date(Date.parse(resolved.resolvedAt!) + 14 * 86_400_000).toISOString(),
      sentAt: w.clock.now().toISOString(),
      attribution: {
        assignee: null,
        group: resolved.group,
        serviceId: null,
        priority: resolved.priority,
        type: 'incident',
      },
    });
    // Only the hash is stored: the token itself is no key.
    expect(await w.csat.survey(token!)).toBeUndefined();
    expect((await w.ticket(ticket.id)).feedback).toMatchObject({ status: 'pending', rating: null });
    // A redelivered event issues nothing more.
    await w.events.onEvents([
      { detailType: 'Ticket Status Changed', detail: { ticketId: ticket.id, to: 'resolved' } },
    ]);
    expect(w.mailer.tokensFor(ticket.id)).toHaveLength(1);
  });

  it('issues nothing for alert tickets, requesters without an address, types not surveyed, unsampled ids or when off', async () => {
    const w = await csatWorld();
    const alert = await w.newTicket({ source: 'alert' });
    const noEmail = await w.newTicket({ email: null });
    for (const id of [alert.id, noEmail.id]) await w.resolve(id);
    expect(w.mailer.sent).toHaveLength(0);
    expect((await w.ticket(alert.id)).feedback ?? null).toBeNull();

    // By their SHA-256, INC-000003 falls in bucket 37 (out at a 20 % rate), INC-000004 in 17 (in).
    await w.settings.put(ADMIN, { ...DEFAULT_CSAT_SETTINGS, sampleRate: 20 }, undefined);
    const out = await w.newTicket();
    const inside = await w.newTicket();
    expect([out.id, inside.id]).toEqual(['INC-000003', 'INC-000004']);
    // Problems are never surveyed: the settings cannot even name them (rules.test.ts).
    await w.resolve(out.id);
    await w.resolve(inside.id);
    expect(w.mailer.sent.map((mail) => mail.ticketId)).toEqual([inside.id]);
    expect(await code(w.surveys.answerAsRequester(RITA, out.id, { rating: 5 }))).toBe(
      'feedback_not_available',
    );

    await w.settings.put(ADMIN, { ...DEFAULT_CSAT_SETTINGS, enabled: false }, undefined);
    const off = await w.newTicket();
    await w.resolve(off.id);
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('takes one answer ever; a GET (view) records nothing', async () => {
    const w = await csatWorld();
    const ticket = await w.newTicket();
    await w.resolve(ticket.id);
    const [token] = w.mailer.tokensFor(ticket.id);
    expect(await w.surveys.view(token!)).toMatchObject({ ticketId: ticket.id, status: 'pending' });
    expect((await w.ticket(ticket.id)).feedback?.status).toBe('pending');
    const answer = await w.surveys.answerByToken(token!, { rating: 2, comment: 'Slow' });
    expect(answer).toMatchObject({ ticketId: ticket.id, rating: 2, comment: 'Slow' });
    expect(await code(w.surveys.answerByToken(token!, { rating: 5 }))).toBe('already_answered');
    expect(await code(w.surveys.answerAsRequester(RITA, ticket.id, { rating: 5 }))).toBe('already_answered');
    expect((await w.surveys.view(token!)).status).toBe('answered');
    const history = await w.tickets.listHistory(ticket.id, { limit: 100 });
    const received = history.items
      .flatMap((entry) => entry.events)
      .filter((e) => e.detailType === 'Feedback Received');
    expect(received).toHaveLength(1);
    expect(received[0]!.detail).toMatchObject({ rating: 2, low: true, ticketId: ticket.id, channel: 'link' });
    // The link's answer is the requester's in the history.
    expect(
      history.items.find((entry) => entry.events.some((e) => e.detailType === 'Feedback Received'))?.actor,
    ).toEqual({
      id: 'rita',
      name: 'Rita',
    });
    // Reopen and resolve after an answer: no new survey, ever.
    await w.reopen(ticket.id);
    await w.resolve(ticket.id);
    expect(w.mailer.tokensFor(ticket.id)).toHaveLength(1);
    expect((await w.ticket(ticket.id)).feedback).toMatchObject({ status: 'answered', rating: 2 });
  });

  it('lets exactly one of concurrent answers land', async () => {
    const w = await csatWorld();
    const ticket = await w.newTicket();
    await w.resolve(ticket.id);
    const [token] = w.mailer.tokensFor(ticket.id);
    const outcomes = await Promise.allSettled([
      w.surveys.answerByToken(token!, { rating: 5 }),
      w.surveys.answerByToken(token!, { rating: 1, comment: 'x' }),
      w.surveys.answerAsRequester(RITA, ticket.id, { rating: 3 }),
      w.surveys.answerAsRequester(RITA, ticket.id, { rating: 4 }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const failed of outcomes.filter((o) => o.status === 'rejected')) {
      expect((failed as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    }
  });

  it('voids a pending survey on reopen (410) and issues a new token on the next resolution', async () => {
    const w = await csatWorld();
    const ticket = await w.newTicket();
    await w.resolve(ticket.id);
    const [first] = w.mailer.tokensFor(ticket.id);
    await w.reopen(ticket.id);
    expect((await w.ticket(ticket.id)).feedback?.status).toBe('voided');
    expect((await w.csat.survey(tokenHash(first!)))?.status).toBe('voided');
    expect(await code(w.surveys.view(first!))).toBe('survey_voided');
    expect(await code(w.surveys.answerByToken(first!, { rating: 5 }))).toBe('survey_voided');
    expect(w.csat.histories.get(ticket.id)?.flatMap((h) => h.events.map((e) => e.detailType))).toEqual([
      'Survey Sent',
      'Survey Voided',
    ]);
    w.clock.advance(5);
    await w.resolve(ticket.id);
    const [, second] = w.mailer.tokensFor(ticket.id);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(await w.surveys.answerByToken(second!, { rating: 4 })).toMatchObject({ rating: 4 });
  });

  it('refuses an answer racing a reopen: the ticket is no longer resolved', async () => {
    const w = await csatWorld();
    const ticket = await w.newTicket();
    await w.resolve(ticket.id);
    const [token] = w.mailer.tokensFor(ticket.id);
    // The reopen lands, the consumer has not voided the survey yet.
    await w.service().update(RITA, ticket.id, { status: 'in_progress' });
    expect((await w.csat.survey(tokenHash(token!)))?.status).toBe('pending');
    const error = await rejection(w.surveys.answerByToken(token!, { rating: 5 }));
    expect(error).toBeInstanceOf(GoneError);
    expect((error as GoneError).code).toBe('survey_voided');
    expect((await w.ticket(ticket.id)).feedback?.status).toBe('voided');
  });

  it('expires through the due index, and then answers 410', async () => {
    const w = await csatWorld();
    const ticket = await w.newTicket();
    await w.resolve(ticket.id);
    const [token] = w.mailer.tokensFor(ticket.id);
    w.clock.advance(14 * 24 * 60 - 1);
    expect(await w.timers.run()).toEqual({ mailed: 0, expired: 0, voided: 0 });
    w.clock.advance(1);
    // Past expiresAt the answer is refused even before the timer ran.
    expect(await code(w.surveys.answerByToken(token!, { rating: 5 }))).toBe('survey_expired');
    expect(await w.timers.run()).toEqual({ mailed: 0, expired: 1, voided: 0 });
    expect(await w.timers.run()).toEqual({ mailed: 0, expired: 0, voided: 0 });
    expect((await w.ticket(ticket.id)).feedback?.status).toBe('expired');
    expect(await code(w.surveys.view(token!))).toBe('survey_expired');
    expect(await code(w.surveys.answerAsRequester(RITA, ticket.id, { rating: 5 }))).toBe('survey_expired');
    const history = await w.tickets.listHistory(ticket.id, { limit: 100 });
    expect(history.items.flatMap((h) => h.events.map((e) => e.detailType))).toContain('Survey Expired');
  });

  it('mails after delayMinutes through the due index; a failed send is retried with a fresh token', async () => {
    const w = await csatWorld();
    await w.settings.put(ADMIN, { ...DEFAULT_CSAT_SETTINGS, delayMinutes: 60 }, undefined);
    const ticket = await w.newTicket();
    await w.resolve(ticket.id);
    expect(w.mailer.sent).toHaveLength(0);
    expect((await w.ticket(ticket.id)).feedback?.status).toBe('pending');
    w.clock.advance(60);
    w.mailer.failNext = true;
    await expect(w.timers.run()).rejects.toThrow('bad day');
    expect(w.mailer.sent).toHaveLength(0);
    expect(await w.timers.run()).toEqual({ mailed: 1, expired: 0, voided: 0 });
    const [token] = w.mailer.tokensFor(ticket.id);
    expect((await w.surveys.view(token!)).status).toBe('pending');
    expect(await w.timers.run()).toEqual({ mailed: 0, expired: 0, voided: 0 });
  });

  it('lets the requester answer a survey not mailed yet; it counts as sent then', async () => {
    const w = await csatWorld();
    await w.settings.put(ADMIN, { ...DEFAULT_CSAT_SETTINGS, delayMinutes: 60 }, undefined);
    const ticket = await w.newTicket();
    await w.resolve(ticket.id);
    const answer = await w.surveys.answerAsRequester(RITA, ticket.id, { rating: 5 });
    const events = (await w.tickets.listHistory(ticket.id, { limit: 100 })).items.flatMap((h) => h.events);
    const sent = events.find((e) => e.detailType === 'Survey Sent');
    expect(sent?.detail.surveySentAt).toBe(answer.answeredAt);
    w.clock.advance(61);
    expect(await w.timers.run()).toEqual({ mailed: 0, expired: 0, voided: 0 });
    expect(w.mailer.sent).toHaveLength(0);
  });

  it('shows feedback to the requester and staff, 404 to others and until answered; only the requester answers', async () => {
    const w = await csatWorld();
    const ticket = await w.newTicket();
    expect(await code(w.surveys.answerAsRequester(RITA, ticket.id, { rating: 5 }))).toBe('not_resolved');
    await w.resolve(ticket.id);
    await expect(w.surveys.feedback(RITA, ticket.id)).rejects.toBeInstanceOf(NotFoundError);
    for (const caller of [AGENT, ADMIN, OLGA]) {
      await expect(w.surveys.answerAsRequester(caller, ticket.id, { rating: 5 })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
    await expect(w.surveys.answerAsRequester(RITA, 'INC-999999', { rating: 5 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await w.surveys.answerAsRequester(RITA, ticket.id, { rating: 3, comment: 'OK' });
    for (const caller of [RITA, AGENT, ADMIN]) {
      expect(await w.surveys.feedback(caller, ticket.id)).toMatchObject({ rating: 3, comment: 'OK' });
    }
    await expect(w.surveys.feedback(OLGA, ticket.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('validates comments against the settings, and keeps settings in bounds of their versions', async () => {
    const w = await csatWorld();
    await w.settings.put(ADMIN, { ...DEFAULT_CSAT_SETTINGS, commentRequiredAtOrBelow: 3 }, 0);
    const ticket = await w.newTicket();
    await w.resolve(ticket.id);
    const [token] = w.mailer.tokensFor(ticket.id);
    await expect(w.surveys.answerByToken(token!, { rating: 3 })).rejects.toBeInstanceOf(ValidationError);
    expect((await w.ticket(ticket.id)).feedback?.status).toBe('pending');
    expect(await code(w.settings.put(ADMIN, DEFAULT_CSAT_SETTINGS, 0))).toBe('stale_version');
    await expect(w.settings.get(AGENT)).rejects.toMatchObject({ status: 403 });
    expect((await w.settings.get(ADMIN)).version).toBe(1);
  });
});
