import type { CiDirectory } from '../cmdb/ci-directory.js';
import { isLiveService } from '../cmdb/model.js';
import { type Caller, canReadAllTickets, isAdmin, isStaff } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  UnprocessableError,
  ValidationError,
} from '../shared/errors.js';
import type { SchemaValidators } from '../shared/json-schema/compiled.js';
import { withOptimisticRetry } from '../shared/optimistic.js';
import { StaleWriteError } from '../shared/store.js';
import type { SlaConfigStore } from '../sla/store/sla-config-store.js';
import { readVisibleTicket } from '../tickets/access.js';
import { DEFAULT_AUTO_CLOSE_DAYS, withAutoClose } from '../tickets/auto-close.js';
import {
  type Comment,
  formatTicketId,
  type HistoryEntry,
  type RequestTask,
  type Ticket,
} from '../tickets/model.js';
import { creationHistory, diff, newTicket, type Stamp } from '../tickets/rules.js';
import { withSla } from '../tickets/service.js';
import type { TicketStore, TicketWrite } from '../tickets/store/ticket-store.js';
import { type GroupMembers, visibleItem } from './access.js';
import {
  applyDecision,
  approvalNeeded,
  chooseApproval,
  type DecisionInput,
  initialApprovals,
  nextApprovalDue,
} from './approvals.js';
import { applyTaskUpdate, openReadyTasks, type TaskUpdate } from './fulfilment.js';
import { CATALOG_LIMITS, pendingTasks } from './model.js';
import type { CatalogStore } from './store/catalog-store.js';

export interface SubmitInput {
  readonly form: Record<string, unknown>;
  readonly title?: string;
  readonly description?: string;
  /** Agents and admins file for someone else. */
  readonly requestedFor?: {
    readonly id: string;
    readonly email?: string | null;
    readonly name?: string | null;
  };
}

/** What a requester sees of a task: its name and status (docs/catalog.md#fulfilment). */
export type TaskView = RequestTask | Pick<RequestTask, 'id' | 'name' | 'status'>;

/**
 * Service requests from the catalog (docs/catalog.md#requests): submission, approval decisions and
 * fulfilment tasks, each one read round and one transaction on the REQ (plus cached group and
 * service reads).
 */
export class RequestService {
  constructor(
    private readonly tickets: TicketStore,
    private readonly catalog: CatalogStore,
    private readonly slaConfig: SlaConfigStore,
    private readonly members: GroupMembers,
    private readonly cmdb: CiDirectory,
    private readonly schemas: SchemaValidators,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async submit(caller: Caller, itemId: string, input: SubmitInput): Promise<Ticket> {
    if (input.requestedFor && !isStaff(caller)) {
      throw new ForbiddenError('only agents and admins may file a request for someone else (requestedFor)');
    }
    if (Buffer.byteLength(JSON.stringify(input.form), 'utf8') > CATALOG_LIMITS.formBytes) {
      throw new ValidationError([
        { path: 'form', message: `must be at most ${CATALOG_LIMITS.formBytes} bytes as JSON` },
      ]);
    }
    // One parallel round: the item, a number, the SLA configuration (cached); the service and
    // group reads behind the visibility check are per-container cached. A refused request leaves a
    // gap in the REQ numbers, as a refused CI does on POST /tickets.
    const [item, sequence, config] = await Promise.all([
      this.catalog.get(itemId),
      this.tickets.nextSequence('service_request'),
      this.slaConfig.load(),
    ]);
    if (!item || !(await visibleItem(caller, item, this.members, this.cmdb))) {
      throw new NotFoundError(`catalog item ${itemId} does not exist`);
    }
    if (item.status !== 'published') {
      throw new ConflictError(`catalog item ${item.id} is ${item.status}; requests need a published item`, {
        code: 'catalog_item_not_published',
        itemStatus: item.status,
      });
    }
    const issues = this.schemas.validate(`${item.id}#${item.version}`, item.formSchema, input.form, 'form');
    if (issues.length > 0) throw new ValidationError(issues);
    const matched =
      item.approval.requiredWhen === null ||
      this.schemas.validate(
        `${item.id}#${item.version}#requiredWhen`,
        item.approval.requiredWhen,
        input.form,
        'form',
      ).length === 0;
    const service = (await this.cmdb.services([item.serviceId])).get(item.serviceId);
    if (!service || !isLiveService(service)) {
      throw new UnprocessableError(`the item's service ${item.serviceId} is not live`, 'service_not_live', [
        { path: 'serviceId', message: `${item.serviceId} is not a live service` },
      ]);
    }
    const stamp = this.stamp();
    const needs = approvalNeeded(item.approval, matched);
    const approval = needs ? initialApprovals(item.approval, stamp.now) : undefined;
    const id = formatTicketId('service_request', sequence);
    const draft = newTicket(
      id,
      {
        type: 'service_request',
        title: input.title ?? item.name,
        ...(input.description !== undefined ? { description: input.description } : {}),
        impact: item.defaults.impact,
        urgency: item.defaults.urgency,
        category: item.defaults.category ?? item.category,
        serviceId: item.serviceId,
        serviceIdSource: 'catalog',
        ...(input.requestedFor ? { requester: input.requestedFor } : {}),
        catalog: {
          catalogItem: { id: item.id, version: item.version },
          form: input.form,
          approvals: approval?.approvals ?? [],
          approvalTerms: approval?.terms ?? null,
          tasks: pendingTasks(item.fulfilment.steps),
        },
      },
      caller,
      stamp,
    );
    const opened = needs ? { tasks: draft.tasks, events: [] } : openReadyTasks(id, draft.tasks);
    const ticket: Ticket = {
      ...draft,
      status: needs ? 'on_hold' : 'in_progress',
      holdReason: needs ? 'awaiting_approval' : null,
      group: service.supportGroup,
      affectedServices: [{ id: service.id, name: service.name }],
      tasks: opened.tasks,
    };
    const { ticket: created, events: slaEvents } = withSla(undefined, ticket, config, stamp);
    const history = creationHistory(created, caller, stamp);
    const events: HistoryEntry['events'][number][] = [
      ...history.events,
      {
        detailType: 'Request Submitted',
        detail: {
          ticketId: id,
          catalogItem: created.catalogItem,
          approvalRequired: needs,
          requester: created.requester,
        },
      },
      ...(needs
        ? [
            {
              detailType: 'Request Approval Requested',
              detail: {
                ticketId: id,
                title: created.title,
                groups: item.approval.groups,
                policy: item.approval.policy,
              },
            },
          ]
        : []),
      ...opened.events,
      ...slaEvents,
    ];
    await this.commit(
      [{ after: created, history: { ...history, events } }],
      id,
      needs ? nextApprovalDue(created) : undefined,
    );
    return created;
  }

  /** An approver's decision for one of their pending groups (docs/catalog.md#approvals). */
  decide(caller: Caller, id: string, input: DecisionInput): Promise<Ticket> {
    if (!caller.roles.has('approver') && !isAdmin(caller)) {
      throw new ForbiddenError('only approvers (members of a pending approval group) decide approvals');
    }
    return withOptimisticRetry(async () => {
      const [before, config] = await Promise.all([
        readVisibleTicket(this.tickets, caller, id),
        this.slaConfig.load(),
      ]);
      const memberOf = await this.members.memberOf(
        caller,
        before.approvals.map((approval) => approval.group),
      );
      const group = chooseApproval(before, memberOf, input);
      const stamp = this.stamp();
      const result = applyDecision(before, group, caller, input, stamp.now);
      const { ticket: after, events: slaEvents } = withSla(
        before,
        { ...result.ticket, updatedAt: stamp.now, version: before.version + 1 },
        config,
        stamp,
      );
      const comment: Comment | undefined =
        result.outcome === 'rejected'
          ? {
              id: this.newId(),
              ticketId: id,
              body: input.comment ? `Rejected by ${group}: ${input.comment}` : `Rejected by ${group}.`,
              visibility: 'public',
              author: { id: caller.id, email: caller.email, name: caller.name },
              createdAt: stamp.now,
              attachments: [],
            }
          : undefined;
      const history = this.updateHistory(before, after, caller, stamp, [...result.events, ...slaEvents]);
      await this.commit(
        [{ before, after, history, ...(comment ? { comment } : {}) }],
        id,
        result.outcome === 'pending' ? undefined : null,
      );
      return after;
    });
  }

  async listTasks(caller: Caller, id: string): Promise<TaskView[]> {
    const ticket = await readVisibleTicket(this.tickets, caller, id);
    if (canReadAllTickets(caller)) return [...ticket.tasks];
    return ticket.tasks.map(({ id: taskId, name, status }) => ({ id: taskId, name, status }));
  }

  /** A task PATCH: its group's agents or an admin (others 403); the request resolves with its last task. */
  patchTask(
    caller: Caller,
    id: string,
    stepId: string,
    input: TaskUpdate,
    ifMatch: number | undefined,
  ): Promise<{ ticket: Ticket; task: RequestTask }> {
    return withOptimisticRetry(async () => {
      const [before, config] = await Promise.all([
        readVisibleTicket(this.tickets, caller, id),
        this.slaConfig.load(),
      ]);
      const task = before.tasks.find((each) => each.id === stepId);
      if (!task) throw new NotFoundError(`${id} has no task ${stepId}`);
      if (!isAdmin(caller)) {
        const member =
          isStaff(caller) && (await this.members.memberOf(caller, [task.groupId])).has(task.groupId);
        if (!member) throw new ForbiddenError(`only agents of ${task.groupId} and admins may work this task`);
      }
      if (ifMatch !== undefined && before.version !== ifMatch) {
        throw new PreconditionFailedError(
          `${id} is at version ${before.version}, not ${ifMatch}`,
          before.version,
          'stale_version',
        );
      }
      const stamp = this.stamp();
      const result = applyTaskUpdate(before, task, input, stamp.now);
      if (!result.changed) return { ticket: before, task };
      const versioned = withAutoClose(
        before,
        { ...result.ticket, updatedAt: stamp.now, version: before.version + 1 },
        DEFAULT_AUTO_CLOSE_DAYS,
      );
      const { ticket: after, events: slaEvents } = withSla(before, versioned, config, stamp);
      const history = this.updateHistory(before, after, caller, stamp, [...result.events, ...slaEvents]);
      try {
        await this.tickets.commit([{ before, after, history }]);
      } catch (error) {
        if (error instanceof StaleWriteError && ifMatch !== undefined) {
          throw new PreconditionFailedError(
            `${id} changed while this update was applied`,
            error.currentVersion,
            'stale_version',
          );
        }
        throw error;
      }
      return { ticket: after, task: after.tasks.find((each) => each.id === stepId)! };
    }, true);
  }

  /**
   * One transaction for the REQ; `due` (a time, or null to clear) rides along as the approval
   * timer when the ticket store can carry it, else is written right after (in-memory stores).
   */
  private async commit(
    writes: TicketWrite[],
    ticketId: string,
    due: string | null | undefined,
  ): Promise<void> {
    const companion = due === undefined ? undefined : this.catalog.approvalDueCompanion(ticketId, due);
    await this.tickets.commit(writes, companion);
    if (due !== undefined && !companion?.wasCarried()) await this.catalog.setApprovalDue(ticketId, due);
  }

  private updateHistory(
    before: Ticket,
    after: Ticket,
    caller: Caller,
    stamp: Stamp,
    events: HistoryEntry['events'],
  ): HistoryEntry {
    const changes = diff(before, after);
    return {
      id: stamp.eventId,
      recordId: before.id,
      at: stamp.now,
      actor: { id: caller.id, name: caller.name },
      action: 'updated',
      changes,
      events: [{ detailType: 'Ticket Updated', detail: { ticketId: before.id, changes } }, ...events],
    };
  }

  private stamp(): Stamp {
    return { now: this.clock.now().toISOString(), eventId: this.newId() };
  }
}
