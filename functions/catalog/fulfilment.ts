import { ConflictError } from '../shared/errors.js';
import type { HistoryEntry, RequestTask, TaskStatus, Ticket } from '../tickets/model.js';

type Events = HistoryEntry['events'][number][];

/**
 * Task moves a person may make (docs/catalog.md#fulfilment); `pending` → `open` is automatic and
 * `cancelled` comes only with the request's cancellation.
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: [],
  open: ['in_progress', 'done', 'skipped', 'failed'],
  in_progress: ['done', 'skipped', 'failed'],
  failed: ['in_progress'],
  done: [],
  skipped: [],
  cancelled: [],
};

export const SETTABLE_TASK_STATUSES = ['in_progress', 'done', 'skipped', 'failed'] as const;
export type SettableTaskStatus = (typeof SETTABLE_TASK_STATUSES)[number];

const finished = (status: TaskStatus) => status === 'done' || status === 'skipped';

/** Opens every pending task whose predecessors are all done or skipped (at once when it has none). */
export function openReadyTasks(
  ticketId: string,
  tasks: readonly RequestTask[],
): { tasks: RequestTask[]; events: Events } {
  const status = new Map(tasks.map((task) => [task.id, task.status]));
  const events: Events = [];
  const next = tasks.map((task) => {
    if (task.status !== 'pending') return task;
    if (!task.after.every((before) => finished(status.get(before) ?? 'pending'))) return task;
    events.push({
      detailType: 'Request Task Opened',
      detail: { ticketId, taskId: task.id, name: task.name, groupId: task.groupId },
    });
    return { ...task, status: 'open' as const };
  });
  return { tasks: next, events };
}

export interface TaskUpdate {
  readonly status?: SettableTaskStatus;
  readonly notes?: string | null;
  readonly assignee?: string | null;
}

/**
 * One task PATCH on a request (pure): the move (409 `invalid_task_transition` with the allowed
 * ones), tasks it opens, and, when every task is done or skipped, the request resolved with
 * `{code: "fixed"}` in the same write. Returns the ticket as it becomes (version not yet bumped)
 * and the events; the caller's authorization is checked before.
 */
export function applyTaskUpdate(
  ticket: Ticket,
  task: RequestTask,
  input: TaskUpdate,
  now: string,
): { ticket: Ticket; events: Events; changed: boolean } {
  const events: Events = [];
  let moved: RequestTask = {
    ...task,
    ...(input.notes !== undefined ? { notes: input.notes } : {}),
    ...(input.assignee !== undefined ? { assignee: input.assignee } : {}),
  };
  if (input.status !== undefined && input.status !== task.status) {
    const allowed = TASK_TRANSITIONS[task.status];
    if (!allowed.includes(input.status)) {
      throw new ConflictError(
        `task ${task.id} cannot move from ${task.status} to ${input.status}` +
          (allowed.length ? `; allowed: ${allowed.join(', ')}` : `; ${task.status} is final for a person`),
        { code: 'invalid_task_transition', from: task.status, to: input.status, allowed },
      );
    }
    moved = { ...moved, status: input.status };
    const detail = {
      ticketId: ticket.id,
      taskId: task.id,
      name: task.name,
      groupId: task.groupId,
      status: input.status,
    };
    if (finished(input.status)) events.push({ detailType: 'Request Task Completed', detail });
    if (input.status === 'failed') events.push({ detailType: 'Request Task Failed', detail });
  } else if (TASK_TRANSITIONS[task.status].length === 0) {
    // Notes or assignee on a task nobody works (pending, or final) would be a silent no-op.
    throw new ConflictError(`task ${task.id} is ${task.status}; it takes no changes`, {
      code: 'invalid_task_transition',
      from: task.status,
      to: task.status,
      allowed: TASK_TRANSITIONS[task.status],
    });
  }
  const replaced = ticket.tasks.map((each) => (each.id === task.id ? moved : each));
  const opened = openReadyTasks(ticket.id, replaced);
  events.push(...opened.events);
  const changed = JSON.stringify(opened.tasks) !== JSON.stringify(ticket.tasks);
  let next: Ticket = { ...ticket, tasks: opened.tasks };
  const fulfilled = opened.tasks.length > 0 && opened.tasks.every((each) => finished(each.status));
  if (
    fulfilled &&
    ticket.status !== 'resolved' &&
    ticket.status !== 'closed' &&
    ticket.status !== 'cancelled'
  ) {
    next = {
      ...next,
      status: 'resolved',
      holdReason: null,
      resolvedAt: now,
      resolution: { code: 'fixed', notes: 'All fulfilment tasks completed' },
    };
    events.push({
      detailType: 'Request Fulfilled',
      detail: { ticketId: ticket.id, catalogItem: ticket.catalogItem },
    });
    events.push({
      detailType: 'Ticket Status Changed',
      detail: { ticketId: ticket.id, from: ticket.status, to: 'resolved' },
    });
  }
  return { ticket: next, events, changed };
}
