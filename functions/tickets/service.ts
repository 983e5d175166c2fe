import type { CiDirectory } from '../cmdb/ci-directory.js';
import { defaultGroupFor } from '../cmdb/ci-directory.js';
import { type Ci, isLiveService } from '../cmdb/model.js';
import type { GroupStore } from '../groups/store/group-store.js';
import { searchPage } from '../search/ticket-hits.js';
import type { TicketSearch } from '../search/ticket-search.js';
import { type Caller, canReadAllTickets, isStaff, requesterIdsOf } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../shared/errors.js';
import { withOptimisticRetry } from '../shared/optimistic.js';
import { type Page, type PageRequest, StaleWriteError } from '../shared/store.js';
import { type SlaConfig, trackSla } from '../sla/clocks.js';
import type { SlaConfigStore } from '../sla/store/sla-config-store.js';
import {
  asSeenBy,
  assertStaff,
  canSeeComment,
  isRequesterOf,
  readTicket,
  readVisibleTicket,
} from './access.js';
import {
  affectedIdsOf,
  assertLiveService,
  type CiLookup,
  checkWrittenCis,
  cmdbIdsOf,
  NO_CIS,
  namedServices,
} from './affected-services.js';
import { DEFAULT_AUTO_CLOSE_DAYS, withAutoClose } from './auto-close.js';
import { CHANGE_LINK_TARGET, type ChangeLinks, linkToChange } from './change-links.js';
import { assertNoParentCycle } from './hierarchy.js';
import {
  classifyCascade,
  type KnownErrorIndex,
  type KnownErrorRecords,
  NO_KNOWN_ERRORS,
  rankKnownErrors,
} from './known-error-suggestions.js';
import { linkTickets } from './links.js';
import { commentCause, type MetricsCause, withMetrics } from './metrics.js';
import {
  type Comment,
  formatTicketId,
  type HistoryEntry,
  MAX_CIS_PER_TICKET,
  type ProblemCascade,
  type StoredLinkType,
  type Ticket,
} from './model.js';
import {
  type AddCommentInput,
  addComment,
  applyUpdate,
  type CreateTicketInput,
  creationHistory,
  diff,
  newTicket,
  type Stamp,
  type UpdateResult,
  type UpdateTicketInput,
  updateHistory,
} from './rules.js';
import { matchesQuery, type ReadHint, type TicketQuery, type TicketStore } from './store/ticket-store.js';

export interface LinkInput {
  type: StoredLinkType | 'affects' | 'caused_by_change';
  targetId: string;
}

export interface TicketServiceOptions {
  /** Days a resolved ticket waits before it closes by itself. */
  readonly autoCloseDays?: number;
  /**
   * The group a ticket created without one goes to (API and mail; docs/api.md#tickets-in-brief),
   * when that group exists; none: such tickets stay unrouted.
   */
  readonly defaultGroup?: string | null;
  /**
   * `cmdb.strictCiIds` (default true): CI ids written on a ticket must exist and not be retired
   * (422 `unknown_ci` / `retired_ci`); off, unknown ones are accepted and listed in `unknownCiIds`.
   */
  readonly strictCiIds?: boolean;
  /** Full-text search for `GET /tickets?q=` (docs/search.md); none: `q` is refused. */
  readonly search?: TicketSearch;
  /** Published known errors, suggested on incidents at creation (docs/problems.md#suggestions). */
  readonly knownErrors?: KnownErrorIndex;
  /** Known error records a problem's move to `known_error` names or creates (docs/problems.md#problems). */
  readonly knownErrorRecords?: KnownErrorRecords;
  /** The changes `caused_by_change` links name (docs/ticket-metrics.md#caused-by-change); none: such links are refused. */
  readonly changeLinks?: ChangeLinks;
}

/** Ticket use cases: authorization, rules and persistence in the order docs/api.md#authentication-and-roles gives. */
export class TicketService {
  private readonly autoCloseDays: number;
  private readonly strictCiIds: boolean;

  constructor(
    private readonly store: TicketStore,
    private readonly groups: GroupStore,
    private readonly slaConfig: SlaConfigStore,
    private readonly cmdb: CiDirectory,
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly options: TicketServiceOptions = {},
  ) {
    this.autoCloseDays = options.autoCloseDays ?? DEFAULT_AUTO_CLOSE_DAYS;
    this.strictCiIds = options.strictCiIds ?? true;
  }

  async create(caller: Caller, input: CreateTicketInput): Promise<Ticket> {
    await this.assertGroupExists(input.group);
    const stamp = this.stamp();
    // Build (and so authorize) before drawing a number, so a request the rules refuse leaves no
    // gap. The CMDB's answer comes in the same parallel round trip as the number (create stays at
    // two sequential round trips), so a refused CI or service does leave one.
    const draft = newTicket('', input, caller, stamp);
    // Published known errors come in the same round (a per-container copy checked by one GetItem),
    // so suggesting them adds no sequential round trip (docs/problems.md#suggestions).
    const [sequence, config, fallbackGroup, cis, published] = await Promise.all([
      this.store.nextSequence(input.type),
      this.slaConfig.load(),
      draft.group ?? this.defaultGroup(),
      this.lookUp(cmdbIdsOf(draft)),
      input.type === 'incident' ? (this.options.knownErrors ?? NO_KNOWN_ERRORS).published() : [],
    ]);
    const unknownCiIds = checkWrittenCis(input.ciIds ?? [], cis, {
      strict: this.strictCiIds,
      alreadyOnRecord: [],
    });
    if (draft.serviceId) assertLiveService(draft.serviceId, cis);
    const { affectedServices, services } = await this.affected(draft, cis);
    // No service named and exactly one affected: the ticket is about that one (when it is live).
    const adopted =
      !draft.serviceId &&
      affectedServices.length === 1 &&
      isLiveService(services.get(affectedServices[0]!.id))
        ? affectedServices[0]!.id
        : null;
    const serviceId = draft.serviceId ?? adopted;
    // Routed after the rules: a requester may not name a group, but their ticket still lands in
    // one: its most critical CI's support group, else its service's, else the default group. (The
    // CMDB checked a support group exists when it was set, and groups are never deleted.)
    const group =
      draft.group ??
      defaultGroupFor(draft.ciIds, cis.found, serviceId ? services.get(serviceId) : undefined) ??
      fallbackGroup;
    const numbered: Ticket = {
      ...draft,
      id: formatTicketId(input.type, sequence),
      group,
      ...(adopted ? { serviceId: adopted, serviceIdSource: 'ci' as const } : {}),
      affectedServices,
      unknownCiIds,
      suggestedKnownErrors: rankKnownErrors(published, {
        ciIds: draft.ciIds,
        serviceIds: affectedServices.map((service) => service.id),
        errorCodes: input.errorCodes ?? [],
      }),
    };
    const { ticket: created, events: slaEvents } = withSla(undefined, numbered, config, stamp);
    const history = creationHistory(created, caller, stamp);
    const events = [...slaEvents];
    if (created.suggestedKnownErrors.length > 0) {
      events.push({
        detailType: 'Known Error Suggested',
        detail: { ticketId: created.id, suggestions: created.suggestedKnownErrors },
      });
    }
    await this.store.commit([
      { after: created, history: { ...history, events: [...history.events, ...events] } },
    ]);
    return created;
  }

  async get(caller: Caller, id: string): Promise<Ticket> {
    return asSeenBy(await readVisibleTicket(this.store, caller, id), caller);
  }

  /** Requesters only ever list their own tickets, whatever they filter on. */
  async list(
    caller: Caller,
    query: TicketQuery & { readonly q?: string },
    page: PageRequest,
  ): Promise<Page<Ticket>> {
    const found = await this.listVisible(caller, query, page);
    return { ...found, items: found.items.map((ticket) => asSeenBy(ticket, caller)) };
  }

  private listVisible(
    caller: Caller,
    query: TicketQuery & { readonly q?: string },
    page: PageRequest,
  ): Promise<Page<Ticket>> {
    if (query.q !== undefined) {
      const { q, ...filters } = query;
      return this.search(caller, q, filters, page);
    }
    if (canReadAllTickets(caller)) return this.store.list(query, page);
    // Under each id a ticket may name them by (docs/api.md#one-person-across-channels), or only the
    // one they filter on when it is one of theirs.
    const { requester, ...rest } = query;
    const own = requesterIdsOf(caller);
    const requesters = requester !== undefined && own.includes(requester) ? [requester] : own;
    return this.store.list({ ...rest, requesters }, page);
  }

  /**
   * `q` (docs/search.md): ranked by relevance; the other filters narrow the hits on the tickets as
   * they are now. Requesters search their own tickets' public text only.
   */
  private search(caller: Caller, q: string, query: TicketQuery, page: PageRequest): Promise<Page<Ticket>> {
    const search = this.options.search;
    if (!search) throw new ValidationError([{ path: 'q', message: 'full-text search is not set up here' }]);
    const read = (id: string) => this.store.get(id);
    if (canReadAllTickets(caller)) {
      return searchPage(search, read, { internal: true }, q, page, (ticket) => matchesQuery(ticket, query));
    }
    const { requester, ...rest } = query;
    const own = requesterIdsOf(caller);
    const requesters = requester !== undefined && own.includes(requester) ? [requester] : own;
    return searchPage(search, read, { requesterIds: requesters, internal: false }, q, page, (ticket) =>
      matchesQuery(ticket, { ...rest, requesters }),
    );
  }

  /** PATCH. With `ifMatch` a stale version is 412; without, a lost race is re-read and re-applied. */
  async update(caller: Caller, id: string, input: UpdateTicketInput, ifMatch?: number): Promise<Ticket> {
    return asSeenBy(await this.updateVisible(caller, id, input, ifMatch), caller);
  }

  private updateVisible(
    caller: Caller,
    id: string,
    input: UpdateTicketInput,
    ifMatch?: number,
  ): Promise<Ticket> {
    const hint: ReadHint = ifMatch === undefined ? { recent: true } : { version: ifMatch };
    // The CIs and service the body names, read once, in parallel with the first ticket read.
    const cis = this.lookUp(cmdbIdsOf(input));
    return withOptimisticRetry((round) =>
      copyThenTable(round === 1 ? hint : undefined, (read) =>
        this.updateOnce(caller, id, input, read, ifMatch, cis),
      ),
    );
  }

  private async updateOnce(
    caller: Caller,
    id: string,
    input: UpdateTicketInput,
    hint: ReadHint | undefined,
    ifMatch: number | undefined,
    cis: Promise<CiLookup>,
  ): Promise<Ticket> {
    const records = this.options.knownErrorRecords;
    const [before, config, lookup, knownError] = await Promise.all([
      readVisibleTicket(this.store, caller, id, hint),
      this.slaConfig.load(),
      cis,
      // A problem's known error, checked or numbered in the same round (docs/problems.md#problems).
      input.status === 'known_error' && records
        ? input.knownErrorId !== undefined
          ? records.exists(input.knownErrorId).then((found) => ({ found, id: input.knownErrorId! }))
          : input.workaround !== undefined
            ? records.nextId().then((next) => ({ found: false, id: next }))
            : undefined
        : undefined,
    ]);
    if (ifMatch !== undefined && before.version !== ifMatch) {
      throw new PreconditionFailedError(
        `${id} is at version ${before.version}, not ${ifMatch}`,
        before.version,
        'stale_version',
      );
    }
    if (knownError && input.knownErrorId !== undefined && !knownError.found && before.type === 'problem') {
      throw new ValidationError([
        { path: 'knownErrorId', message: `known error ${input.knownErrorId} does not exist` },
      ]);
    }
    // Resolving a problem with a cascade: its caused incidents, classified from one parallel read
    // round (docs/problems.md#cascade; the stream consumer re-checks each).
    const cascade =
      before.type === 'problem' && input.status === 'resolved' && input.cascade && input.cascade !== 'none'
        ? classifyCascade(
            input.cascade,
            await Promise.all(
              before.links
                .filter((link) => link.type === 'causes')
                .map((link) => this.store.get(link.targetId)),
            ),
            before.id,
          )
        : before.type === 'problem' && input.status === 'resolved' && input.cascade === 'none'
          ? { mode: 'none' as const, pending: [], skipped: [] }
          : undefined;
    return this.applyAndCommit(caller, before, input, config, ifMatch !== undefined, lookup, undefined, {
      ...(cascade ? { cascade } : {}),
      ...(knownError && input.workaround !== undefined && records && before.type === 'problem'
        ? { newKnownError: { id: knownError.id, workaround: input.workaround, records } }
        : {}),
    });
  }

  private async applyAndCommit(
    caller: Caller,
    before: Ticket,
    input: UpdateTicketInput,
    config: SlaConfig,
    strict: boolean,
    cis: CiLookup,
    ciPath?: string,
    problem: ProblemWrite = {},
  ): Promise<Ticket> {
    const stamp = this.stamp();
    const applied = applyUpdate(before, input, caller, stamp);
    const ruled = withProblemWrite(before, applied, problem);
    // Nothing to write, so no conditional write to catch a stale copy or If-Match: ask the table.
    if (ruled.changes.length === 0) return this.unchanged(before, strict);
    const result = await this.withServices(before, ruled, input, cis, ciPath);
    if (result.ticket.group !== before.group) await this.assertGroupExists(result.ticket.group);
    const resolved = withAutoClose(before, result.ticket, this.autoCloseDays);
    const { ticket: after, events } = withSla(before, resolved, config, stamp);
    const history = cascadeInEvents(updateHistory(before, result, caller, stamp), after, caller);
    // A workaround publishes a known error in the same transaction (docs/problems.md#problems).
    const companion = problem.newKnownError?.records.forProblem(
      after,
      problem.newKnownError.id,
      problem.newKnownError.workaround,
      caller,
      stamp,
    );
    try {
      await this.store.commit(
        [{ before, after, history: { ...history, events: [...history.events, ...events] } }],
        companion,
      );
      if (companion && !companion.wasCarried()) await companion.writeApart();
    } catch (error) {
      if (error instanceof StaleWriteError && strict) {
        throw new PreconditionFailedError(
          `${before.id} changed while this update was applied`,
          error.currentVersion,
          'stale_version',
        );
      }
      throw error;
    }
    return after;
  }

  comment(caller: Caller, id: string, input: AddCommentInput): Promise<Comment> {
    return withOptimisticRetry((round) =>
      copyThenTable(round === 1 ? { recent: true } : undefined, (hint) =>
        this.commentOnce(caller, id, input, hint),
      ),
    );
  }

  private async commentOnce(
    caller: Caller,
    id: string,
    input: AddCommentInput,
    hint: ReadHint | undefined,
  ): Promise<Comment> {
    // A Cc participant's mail (relayed by the mail gateway) comments on a ticket they cannot read.
    const visible = input.participant
      ? this.read(id).then(
          (ticket) => ticket ?? Promise.reject(new NotFoundError(`ticket ${id} does not exist`)),
        )
      : readVisibleTicket(this.store, caller, id, hint);
    const [before, config] = await Promise.all([visible, this.slaConfig.load()]);
    const stamp = { ...this.stamp(), commentId: this.newId() };
    const result = addComment(before, input, caller, stamp);
    // First response: the first public comment by someone other than the requester (docs/sla.md#clocks-on-the-ticket);
    // a Cc participant answering is not the service desk responding.
    const responded =
      result.comment.visibility === 'public' && !isRequesterOf(before, caller) && !input.participant;
    // A reopening reply (email) takes the ticket off the auto-close schedule, as a PATCH reopen does.
    const scheduled = withAutoClose(before, result.ticket, this.autoCloseDays);
    const author = isRequesterOf(before, caller)
      ? 'requester'
      : isStaff(caller) && !input.participant
        ? 'agent'
        : 'other';
    const { ticket: after, events } = withSla(
      before,
      scheduled,
      config,
      stamp,
      responded,
      commentCause(author, result.comment.visibility),
    );
    const history = { ...result.history, events: [...result.history.events, ...events] };
    await this.store.commit([{ before, after, history, comment: result.comment }]);
    return result.comment;
  }

  async listComments(caller: Caller, id: string, page: PageRequest): Promise<Page<Comment>> {
    await this.get(caller, id);
    const publicOnly = !canReadAllTickets(caller);
    const result = await this.store.listComments(id, page, { publicOnly });
    return { ...result, items: result.items.filter((comment) => canSeeComment(comment, caller)) };
  }

  async listHistory(caller: Caller, id: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    await this.get(caller, id);
    if (!canReadAllTickets(caller)) assertStaff(caller, 'read ticket history');
    return this.store.listHistory(id, page);
  }

  /** Links a ticket to another (stored on both) or, with `affects`, to a CI (kept in `ciIds`). */
  link(caller: Caller, id: string, input: LinkInput): Promise<Ticket> {
    if (input.type === 'affects') {
      const cis = this.lookUp([input.targetId]);
      return withOptimisticRetry(async () => {
        const [before, lookup] = await Promise.all([this.get(caller, id), cis]);
        assertStaff(caller, 'link tickets');
        if (before.ciIds.includes(input.targetId)) return before;
        if (before.ciIds.length >= MAX_CIS_PER_TICKET) {
          throw new ConflictError(
            `${before.id} already affects ${MAX_CIS_PER_TICKET} CIs, the most a ticket keeps`,
            { code: 'ci_limit', reason: 'ci_limit', limit: MAX_CIS_PER_TICKET },
          );
        }
        // The CIs it keeps, for the closures affectedServices is the union of, beside the SLA config.
        const [config, all] = await Promise.all([this.slaConfig.load(), this.lookUp(before.ciIds, lookup)]);
        return this.applyAndCommit(
          caller,
          before,
          { ciIds: [...before.ciIds, input.targetId] },
          config,
          false,
          all,
          'targetId',
        );
      });
    }
    if (input.type === 'caused_by_change') return this.linkToChange(caller, id, input.targetId);
    const linkType = input.type;
    return withOptimisticRetry(async () => {
      const source = await this.get(caller, id);
      assertStaff(caller, 'link tickets');
      const target = await this.read(input.targetId);
      if (!target) {
        throw new ValidationError([{ path: 'targetId', message: `ticket ${input.targetId} does not exist` }]);
      }
      if (linkType === 'parent_of') await assertNoParentCycle(source, target, (tid) => this.read(tid));
      if (linkType === 'child_of') await assertNoParentCycle(target, source, (tid) => this.read(tid));
      const result = linkTickets(source, target, linkType, caller, [this.stamp(), this.stamp()]);
      await this.store.commit([
        { before: source, after: result.source, history: result.histories[0] },
        { before: target, after: result.target, history: result.histories[1] },
      ]);
      return result.source;
    });
  }

  /**
   * `caused_by_change`: the incident and the change read in parallel, then one transaction holding
   * the incident (with its history) and the change's reverse `causes_incident` item.
   */
  private linkToChange(caller: Caller, id: string, changeId: string): Promise<Ticket> {
    const changeLinks = this.options.changeLinks;
    return withOptimisticRetry(async () => {
      const [source, exists] = await Promise.all([
        this.get(caller, id),
        changeLinks && CHANGE_LINK_TARGET.test(changeId) ? changeLinks.exists(changeId) : false,
      ]);
      assertStaff(caller, 'link tickets');
      const stamp = this.stamp();
      const result = linkToChange(source, changeId, caller, stamp);
      if (!changeLinks || !exists) {
        throw new ValidationError([{ path: 'targetId', message: `change ${changeId} does not exist` }]);
      }
      const companion = changeLinks.companion(changeId, source.id, stamp.now);
      await this.store.commit([{ before: source, after: result.ticket, history: result.history }], companion);
      if (!companion?.wasCarried()) await changeLinks.write(changeId, source.id, stamp.now);
      return result.ticket;
    });
  }

  private read(id: string): Promise<Ticket | undefined> {
    return readTicket(this.store, id);
  }

  /** A PATCH that changes nothing of what it was applied to: right only if that was current. */
  private async unchanged(ticket: Ticket, strict: boolean): Promise<Ticket> {
    const current = await this.store.get(ticket.id);
    if (!current || current.version === ticket.version) return ticket;
    if (strict) {
      throw new PreconditionFailedError(
        `${ticket.id} is at version ${current.version}, not ${ticket.version}`,
        current.version,
        'stale_version',
      );
    }
    // Applied to an outdated copy: apply the same intent again to the current item.
    throw new StaleWriteError(ticket.id, current.version);
  }

  /**
   * A PATCH's CMDB fields: when it changes `ciIds` or `serviceId`, the new CIs are checked (those
   * already on the ticket are not), a new service must be live, and `affectedServices` (and, with
   * new CIs, `unknownCiIds`) are computed again; the history records what moved.
   */
  private async withServices(
    before: Ticket,
    result: UpdateResult,
    input: UpdateTicketInput,
    cis: CiLookup,
    ciPath: string | undefined,
  ): Promise<UpdateResult> {
    const ruled = result.ticket;
    const ciIdsChanged = JSON.stringify(ruled.ciIds) !== JSON.stringify(before.ciIds);
    const serviceChanged = ruled.serviceId !== before.serviceId;
    if (!ciIdsChanged && !serviceChanged) return result;
    const unknownCiIds = ciIdsChanged
      ? checkWrittenCis(input.ciIds ?? ruled.ciIds, cis, {
          strict: this.strictCiIds,
          alreadyOnRecord: before.ciIds,
          ...(ciPath ? { at: ciPath } : {}),
        })
      : before.unknownCiIds;
    if (serviceChanged && ruled.serviceId) assertLiveService(ruled.serviceId, cis);
    // A new service alone still needs the closures of the CIs the ticket keeps: one more read then.
    const all = await this.lookUp(ruled.ciIds, cis);
    const { affectedServices } = await this.affected(ruled, all);
    const ticket: Ticket = { ...ruled, affectedServices, unknownCiIds };
    return { ticket, changes: diff(before, ticket) };
  }

  /**
   * The CIs among `ids` not asked for yet (one batch read; none when there are none), added to
   * what `prior` already holds.
   */
  private async lookUp(ids: readonly string[], prior: CiLookup = NO_CIS): Promise<CiLookup> {
    const missing = [...new Set(ids)].filter((id) => !prior.asked.has(id));
    if (missing.length === 0) return prior;
    const found = await this.cmdb.cis(missing);
    return { asked: new Set([...prior.asked, ...missing]), found: new Map([...prior.found, ...found]) };
  }

  /**
   * The services a ticket affects, named. Services read with its CIs are named from that read;
   * the others (its CIs' closures, a service already on it) come from the directory's
   * per-container cache, so a warm write reads nothing more and a cold one adds one read.
   */
  private async affected(
    ticket: Pick<Ticket, 'ciIds' | 'serviceId'>,
    cis: CiLookup,
  ): Promise<{ affectedServices: Ticket['affectedServices']; services: ReadonlyMap<string, Ci> }> {
    const ids = affectedIdsOf(ticket, cis);
    const others = ids.filter((id) => !cis.found.has(id));
    const read = others.length > 0 ? await this.cmdb.services(others) : new Map<string, Ci>();
    const services = new Map(
      ids.flatMap((id) => {
        const service = cis.found.get(id) ?? read.get(id);
        return service ? [[id, service] as const] : [];
      }),
    );
    return { affectedServices: namedServices(ids, services), services };
  }

  /** The default group, if configured and it exists (a missing one must not fail ticket creation). */
  private async defaultGroup(): Promise<string | null> {
    const id = this.options.defaultGroup;
    if (!id) return null;
    return (await this.groups.existing([id])).has(id) ? id : null;
  }

  private async assertGroupExists(group: string | null | undefined): Promise<void> {
    if (!group) return;
    const found = await this.groups.existing([group]);
    if (!found.has(group))
      throw new ValidationError([{ path: 'group', message: `group ${group} does not exist` }]);
  }

  private stamp(): Stamp {
    return { now: this.clock.now().toISOString(), eventId: this.newId() };
  }
}

/** What a problem's PATCH adds to its write: a cascade classified, a known error to publish. */
interface ProblemWrite {
  readonly cascade?: ProblemCascade;
  readonly newKnownError?: { id: string; workaround: string; records: KnownErrorRecords };
}

function withProblemWrite(before: Ticket, result: UpdateResult, problem: ProblemWrite): UpdateResult {
  if (result.changes.length === 0 || (!problem.cascade && !problem.newKnownError)) return result;
  const ticket: Ticket = {
    ...result.ticket,
    ...(problem.cascade ? { cascade: problem.cascade } : {}),
    ...(problem.newKnownError ? { knownErrorId: problem.newKnownError.id } : {}),
  };
  return { ticket, changes: diff(before, ticket) };
}

/**
 * A problem resolved with a cascade: its `Ticket Status Changed` event carries the cascade and the
 * resolver, for the stream consumer that resolves the pending incidents (docs/problems.md#cascade).
 */
function cascadeInEvents(history: HistoryEntry, after: Ticket, caller: Caller): HistoryEntry {
  const moved = history.changes.some((change) => change.field === 'status');
  if (after.type !== 'problem' || after.status !== 'resolved' || !after.cascade || !moved) return history;
  return {
    ...history,
    events: history.events.map((event) =>
      event.detailType === 'Ticket Status Changed'
        ? {
            ...event,
            detail: {
              ...event.detail,
              cascade: { mode: after.cascade!.mode, pending: after.cascade!.pending },
              resolver: { id: caller.id, name: caller.name },
              resolutionNotes: after.resolution?.notes ?? '',
              eventId: history.id,
              at: history.at,
            },
          }
        : event,
    ),
  };
}

/**
 * One write attempt, first on the store's copy of the ticket when the hint allows one, then, if
 * that fails for any reason, on the table's: a stale copy may cost a retry but never decides an
 * outcome (a 409 or 412 computed from it is re-checked against the current item).
 */
async function copyThenTable<T>(
  hint: ReadHint | undefined,
  attempt: (hint: ReadHint | undefined) => Promise<T>,
): Promise<T> {
  if (hint) {
    try {
      return await attempt(hint);
    } catch {
      // Fall through to the current item.
    }
  }
  return attempt(undefined);
}

/**
 * The ticket with its derived bookkeeping brought up to date: SLA clocks (and any SLA events that
 * produced) and metrics (functions/tickets/metrics.ts). Every path that writes a ticket's status,
 * assignment or comments calls it just before committing, so none forgets the metrics; `cause`
 * says what the ticket fields do not show (a comment's author and visibility, an alert acknowledge).
 */
export function withSla(
  before: Ticket | undefined,
  after: Ticket,
  config: SlaConfig,
  stamp: Stamp,
  responded = false,
  cause?: MetricsCause,
): { ticket: Ticket; events: HistoryEntry['events'] } {
  const { sla, events } = trackSla(before, after, config, new Date(stamp.now), { responded });
  return { ticket: withMetrics(before, { ...after, sla }, stamp.now, cause), events };
}
