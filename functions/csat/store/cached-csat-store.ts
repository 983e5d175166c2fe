import type { Page, PageRequest } from '../../shared/store.js';
import type { HistoryEntry } from '../../tickets/model.js';
import type { CsatSettings, StoredCsatSettings, Survey, SurveyPointer } from '../model.js';
import type { AnswerOutcome, AnswerWrite, CsatStore, FeedbackWrite } from './csat-store.js';

/**
 * How long a container trusts the CSAT settings it read (like the SLA configuration's cache): the
 * survey consumer, the timers and every answer read them; an admin's change reaches other
 * containers within this time, and this process at once.
 */
export const CSAT_SETTINGS_TTL_MS = 30_000;

/** Bumped by every settings write of this process (the local runtime shares one process). */
let generation = 0;

/** A CsatStore whose settings are read at most once per TTL and after every write of this process. */
export class CachedCsatStore implements CsatStore {
  private cached: { settings: Promise<StoredCsatSettings>; readAt: number; generation: number } | undefined;

  constructor(
    private readonly inner: CsatStore,
    private readonly ttlMs = CSAT_SETTINGS_TTL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  settings(): Promise<StoredCsatSettings> {
    const cached = this.cached;
    if (cached && cached.generation === generation && this.now() - cached.readAt < this.ttlMs) {
      return cached.settings;
    }
    // The generation is taken before the read: a write landing during it makes the result stale.
    const entry = { settings: this.inner.settings(), readAt: this.now(), generation };
    this.cached = entry;
    entry.settings.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return entry.settings;
  }

  async putSettings(
    settings: CsatSettings,
    expectedVersion: number,
    now: string,
  ): Promise<StoredCsatSettings> {
    try {
      return await this.inner.putSettings(settings, expectedVersion, now);
    } finally {
      generation++;
    }
  }

  survey(key: string): Promise<Survey | undefined> {
    return this.inner.survey(key);
  }

  pointer(ticketId: string): Promise<SurveyPointer | undefined> {
    return this.inner.pointer(ticketId);
  }

  issue(survey: Survey, history: HistoryEntry): Promise<boolean> {
    return this.inner.issue(survey, history);
  }

  markSent(from: Survey, to: Survey, history: HistoryEntry): Promise<boolean> {
    return this.inner.markSent(from, to, history);
  }

  answer(write: AnswerWrite, history: HistoryEntry): Promise<AnswerOutcome> {
    return this.inner.answer(write, history);
  }

  settle(
    key: string,
    status: 'voided' | 'expired',
    ticket: FeedbackWrite | undefined,
    history: HistoryEntry | undefined,
  ): Promise<boolean> {
    return this.inner.settle(key, status, ticket, history);
  }

  listDue(until: string, page: PageRequest): Promise<Page<Survey>> {
    return this.inner.listDue(until, page);
  }

  listSentBetween(from: string, to: string, page: PageRequest): Promise<Page<Survey>> {
    return this.inner.listSentBetween(from, to, page);
  }
}
