import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { HistoryEntry, Ticket } from '../../tickets/model.js';
import type { TicketStore } from '../../tickets/store/ticket-store.js';
import {
  type CsatSettings,
  DEFAULT_CSAT_SETTINGS,
  feedbackOf,
  pointerOf,
  type StoredCsatSettings,
  type Survey,
  type SurveyPointer,
} from '../model.js';
import { nextDueAt } from '../rules.js';
import type { AnswerOutcome, AnswerWrite, CsatStore, FeedbackWrite } from './csat-store.js';

type TicketCondition = 'issue' | 'pending';

/**
 * The CsatStore in memory, over an in-memory TicketStore (use-case tests without Java). It keeps
 * the DynamoDB adapter's conditions (test/csat/store/csat-store.contract.ts runs both): the
 * survey's checked first, then the ticket's through a commit conditional on the version read, so
 * of two racing answers exactly one lands, as in one DynamoDB transaction. History entries that
 * change no ticket field (a voided survey's event) are kept here; the others through the ticket store.
 */
export class InMemoryCsatStore implements CsatStore {
  private stored: StoredCsatSettings | undefined;
  private readonly surveys = new Map<string, Survey>();
  private readonly pointers = new Map<string, SurveyPointer>();
  /** History entries written without a ticket change, by ticket id. */
  readonly histories = new Map<string, HistoryEntry[]>();

  constructor(private readonly tickets: Pick<TicketStore, 'get' | 'commit'>) {}

  async settings(): Promise<StoredCsatSettings> {
    return this.stored ?? { ...DEFAULT_CSAT_SETTINGS, version: 0, updatedAt: null };
  }

  async putSettings(
    settings: CsatSettings,
    expectedVersion: number,
    now: string,
  ): Promise<StoredCsatSettings> {
    const current = this.stored?.version ?? 0;
    if (current !== expectedVersion) throw new StaleWriteError('csat-settings', current);
    this.stored = structuredClone({ ...settings, version: expectedVersion + 1, updatedAt: now });
    return structuredClone(this.stored);
  }

  async survey(key: string): Promise<Survey | undefined> {
    const survey = this.surveys.get(key);
    return survey && structuredClone(survey);
  }

  async pointer(ticketId: string): Promise<SurveyPointer | undefined> {
    const pointer = this.pointers.get(ticketId);
    return pointer && { ...pointer };
  }

  async issue(survey: Survey, history: HistoryEntry): Promise<boolean> {
    if (this.surveys.has(survey.key)) return false;
    const written = await this.writeTicket(
      { ticketId: survey.ticketId, resolvedAt: survey.resolvedAt, feedback: feedbackOf(survey) },
      'issue',
      history,
      () => !this.surveys.has(survey.key),
    );
    if (!written) return false;
    this.surveys.set(survey.key, structuredClone(survey));
    this.pointers.set(survey.ticketId, pointerOf(survey));
    return true;
  }

  async markSent(from: Survey, to: Survey, history: HistoryEntry): Promise<boolean> {
    const draft = this.surveys.get(from.key);
    if (draft?.status !== 'pending' || draft.sentAt !== null || this.surveys.has(to.key)) return false;
    this.surveys.delete(from.key);
    this.surveys.set(to.key, structuredClone(to));
    this.pointers.set(to.ticketId, pointerOf(to));
    this.appendHistory(to.ticketId, history);
    return true;
  }

  async answer(write: AnswerWrite, history: HistoryEntry): Promise<AnswerOutcome> {
    const valid = () => this.stillPending(write.surveyKey, write.answeredAt);
    if (!valid()) return 'survey_changed';
    const written = await this.writeTicket(write, 'pending', history, valid);
    if (written === undefined) return 'survey_changed';
    if (!written) return 'ticket_changed';
    const survey = this.surveys.get(write.surveyKey)!;
    this.surveys.set(write.surveyKey, {
      ...survey,
      status: 'answered',
      rating: write.rating,
      comment: write.comment,
      answeredAt: write.answeredAt,
      sentAt: write.sentAt,
    });
    return 'answered';
  }

  async settle(
    key: string,
    status: 'voided' | 'expired',
    ticket: FeedbackWrite | undefined,
    history: HistoryEntry | undefined,
  ): Promise<boolean> {
    const valid = () => this.stillPending(key);
    if (!valid()) return false;
    if (ticket) {
      if (!(await this.writeTicket(ticket, 'pending', history, valid))) return false;
    } else if (history) {
      this.appendHistory(history.recordId, history);
    }
    const survey = this.surveys.get(key)!;
    this.surveys.set(key, { ...survey, status });
    return true;
  }

  async listDue(until: string, page: PageRequest): Promise<Page<Survey>> {
    const bound = `${until}~`;
    const after = page.startKey?.sortKey as string | undefined;
    const due = [...this.surveys.values()]
      .map((survey) => ({ survey, at: nextDueAt(survey) }))
      .filter((entry): entry is { survey: Survey; at: string } => entry.at !== null)
      .map(({ survey, at }) => ({ survey, sortKey: `${at}#${survey.key}` }))
      .filter(({ sortKey }) => sortKey <= bound && (after === undefined || sortKey > after))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    const items = due.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(({ survey }) => structuredClone(survey)),
      ...(items.length === page.limit && last ? { lastKey: { sortKey: last.sortKey } } : {}),
    };
  }

  async listSentBetween(from: string, to: string, page: PageRequest): Promise<Page<Survey>> {
    const before = page.startKey?.sortKey as string | undefined;
    const sent = [...this.surveys.values()]
      .filter((survey): survey is Survey & { sentAt: string } => survey.sentAt !== null)
      .map((survey) => ({ survey, sortKey: `${survey.sentAt}#${survey.key}` }))
      .filter(({ sortKey }) => sortKey >= from && sortKey <= to && (before === undefined || sortKey < before))
      .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
    const items = sent.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(({ survey }) => structuredClone(survey)),
      ...(items.length === page.limit && last ? { lastKey: { sortKey: last.sortKey } } : {}),
    };
  }

  private stillPending(key: string, at?: string): boolean {
    const survey = this.surveys.get(key);
    return survey?.status === 'pending' && (at === undefined || survey.expiresAt > at);
  }

  /**
   * The ticket's feedback through a version-conditional commit, retried on a lost race while the
   * ticket's own condition holds. True: written; false: the ticket's condition failed; undefined:
   * `stillValid` (the survey's condition) stopped holding meanwhile.
   */
  private async writeTicket(
    write: FeedbackWrite,
    condition: TicketCondition,
    history: HistoryEntry | undefined,
    stillValid: () => boolean,
  ): Promise<boolean | undefined> {
    for (;;) {
      const ticket = await this.tickets.get(write.ticketId);
      if (!stillValid()) return undefined;
      if (!ticket || !ticketHolds(ticket, write, condition)) return false;
      try {
        await this.tickets.commit([
          {
            before: ticket,
            after: { ...ticket, feedback: write.feedback, version: ticket.version + 1 },
            history: history ?? emptyHistory(ticket, write),
          },
        ]);
        return true;
      } catch (error) {
        if (!(error instanceof StaleWriteError)) throw error;
      }
    }
  }

  private appendHistory(ticketId: string, entry: HistoryEntry): void {
    const list = this.histories.get(ticketId) ?? [];
    list.push(structuredClone(entry));
    this.histories.set(ticketId, list);
  }
}

function ticketHolds(ticket: Ticket, write: FeedbackWrite, condition: TicketCondition): boolean {
  if (ticket.resolvedAt !== write.resolvedAt) return false;
  if (condition === 'issue') {
    const status = ticket.feedback?.status;
    return (
      ticket.status === 'resolved' && (status === undefined || status === 'voided' || status === 'expired')
    );
  }
  return (
    (ticket.status === 'resolved' || ticket.status === 'closed') && ticket.feedback?.status === 'pending'
  );
}

function emptyHistory(ticket: Ticket, write: FeedbackWrite): HistoryEntry {
  return {
    id: `feedback-${ticket.id}-${ticket.version}`,
    recordId: ticket.id,
    at: write.feedback.answeredAt ?? write.resolvedAt,
    actor: { id: 'opsdesk-csat', name: null },
    action: 'updated',
    changes: [{ field: 'feedback', from: ticket.feedback ?? null, to: write.feedback }],
    events: [],
  };
}
