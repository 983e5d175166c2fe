import type { Caller } from '../shared/authz.js';
import type { CascadeMode, KnownErrorMatch, ProblemCascade, SuggestedKnownError, Ticket } from './model.js';
import type { CommitCompanion } from './store/ticket-store.js';

/**
 * What ticket creation asks the known errors (docs/problems.md#suggestions): the published ones'
 * match keys. The problems capability implements it (functions/problems/store/); tickets only
 * know this port, so the two capabilities import each other in one direction only.
 */
export interface PublishedKnownError {
  readonly id: string;
  readonly ciIds: readonly string[];
  readonly serviceIds: readonly string[];
  /** Lower-cased: codes match case-insensitively. */
  readonly errorCodes: readonly string[];
  /** `usage.applied` as the index last saw it: the second ordering key. */
  readonly applied: number;
}

export interface KnownErrorIndex {
  /**
   * The published known errors. Called in the same parallel round as the other create reads; an
   * implementation answers from a per-container copy checked against a version item (one GetItem).
   */
  published(): Promise<readonly PublishedKnownError[]>;
}

/** An index with nothing published: tickets assembled without known errors. */
export const NO_KNOWN_ERRORS: KnownErrorIndex = { published: async () => [] };

/** Most suggestions a ticket keeps. */
export const MAX_SUGGESTIONS = 5;

/** Points per match (§14): a CI 3, an affected service 2, an error code 2. */
const POINTS = { ciId: 3, serviceId: 2, errorCode: 2 } as const;

export interface SuggestionSubject {
  readonly ciIds: readonly string[];
  readonly serviceIds: readonly string[];
  readonly errorCodes: readonly string[];
}

/**
 * Pure ranking: each published error scores the sum of its matches; order by score descending,
 * then `applied` descending, then id; at most 5.
 */
export function rankKnownErrors(
  published: readonly PublishedKnownError[],
  subject: SuggestionSubject,
): SuggestedKnownError[] {
  const codes = new Set(subject.errorCodes.map((code) => code.toLowerCase()));
  const ranked: (SuggestedKnownError & { applied: number })[] = [];
  for (const error of published) {
    const ciIds = new Set(error.ciIds);
    const serviceIds = new Set(error.serviceIds);
    const matchedOn: KnownErrorMatch[] = [
      ...[...new Set(subject.ciIds)].filter((id) => ciIds.has(id)).map((ciId) => ({ ciId })),
      ...[...new Set(subject.serviceIds)]
        .filter((id) => serviceIds.has(id))
        .map((serviceId) => ({ serviceId })),
      ...error.errorCodes.filter((code) => codes.has(code)).map((errorCode) => ({ errorCode })),
    ];
    if (matchedOn.length === 0) continue;
    const score = matchedOn.reduce(
      (sum, match) => sum + POINTS[Object.keys(match)[0] as keyof typeof POINTS],
      0,
    );
    ranked.push({ id: error.id, score, matchedOn, applied: error.applied });
  }
  ranked.sort(
    (a, b) => b.score - a.score || b.applied - a.applied || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return ranked.slice(0, MAX_SUGGESTIONS).map(({ applied: _applied, ...suggestion }) => suggestion);
}

/**
 * A known error's writes that join a ticket commit (a CommitCompanion). A store that cannot carry
 * it (the in-memory ticket store) leaves it uncarried, and its owner writes it apart.
 */
export interface KnownErrorCompanion extends CommitCompanion {
  wasCarried(): boolean;
  writeApart(): Promise<void>;
}

/** What a problem's move to `known_error` asks the known errors (docs/problems.md#problems). */
export interface KnownErrorRecords {
  exists(id: string): Promise<boolean>;
  /** The next id of the `KE` counter. */
  nextId(): Promise<string>;
  /** A published known error from the problem (its title and CIs) and the workaround. */
  forProblem(
    problem: Ticket,
    id: string,
    workaround: string,
    caller: Caller,
    stamp: { readonly now: string; readonly eventId: string },
  ): KnownErrorCompanion;
}

const OPEN_STATUSES = new Set(['new', 'in_progress', 'on_hold', 'known_error']);

/** Whether a ticket is open: not resolved, closed or cancelled. */
export function isOpenTicket(ticket: Pick<Ticket, 'status'>): boolean {
  return OPEN_STATUSES.has(ticket.status);
}

/**
 * The incidents a problem's resolution cascades to (docs/problems.md#cascade): `all_open` its open
 * caused incidents, `awaiting_problem` those on hold awaiting it; the rest are skipped.
 */
export function classifyCascade(
  mode: Exclude<CascadeMode, 'none'>,
  caused: readonly (Ticket | undefined)[],
  problemId: string,
): ProblemCascade {
  const pending: string[] = [];
  const skipped: string[] = [];
  for (const ticket of caused) {
    if (!ticket) continue;
    const linked = ticket.links.some((link) => link.type === 'caused_by' && link.targetId === problemId);
    if (!linked) continue;
    if (isCascadeTarget(mode, ticket)) pending.push(ticket.id);
    else skipped.push(ticket.id);
  }
  return { mode, pending, skipped };
}

/** Whether the cascade still applies to this incident (the consumer asks again before writing). */
export function isCascadeTarget(mode: Exclude<CascadeMode, 'none'>, ticket: Ticket): boolean {
  if (!isOpenTicket(ticket)) return false;
  return mode === 'all_open' || (ticket.status === 'on_hold' && ticket.holdReason === 'awaiting_problem');
}
