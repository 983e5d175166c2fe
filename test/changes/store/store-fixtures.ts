import type { Change, ChangeHistoryEntry, FreezeWindow } from '../../../functions/changes/model.js';
import { formatChangeId } from '../../../functions/changes/model.js';

/**
 * Records for the store contracts, built directly (no domain rules): a store keeps whatever it is
 * given, and the contracts are about keeping, finding and refusing.
 */
export const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;

/** An ISO time `minutes` after T0. */
export const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();

export function aChange(n: number, overrides: Partial<Change> = {}): Change {
  return {
    id: formatChangeId(n),
    type: 'normal',
    title: `Change ${n}`,
    description: '',
    status: 'assessing',
    risk: null,
    ciIds: ['ci-a'],
    unknownCiIds: [],
    impactedServices: [],
    plannedStart: at(24 * 60),
    plannedEnd: at(26 * 60),
    implementationPlan: 'plan',
    backoutPlan: 'backout',
    approvalGroups: ['network'],
    approvals: [],
    conflicts: [],
    requester: { id: 'rita', email: 'rita@example.com', name: 'Rita' },
    submittedBy: { id: 'ann', name: 'Ann' },
    statusReason: null,
    implementation: null,
    review: null,
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:changes:${formatChangeId(n)}`,
    // Created a minute apart, in order of n: lists newest first are then n descending.
    createdAt: at(n),
    updatedAt: at(n),
    version: 1,
    ...overrides,
  };
}

let historyCounter = 0;

/** A history entry of `change` at `when` (default: its updatedAt), with a unique id. */
export function anEntry(change: Change, action = 'updated', when = change.updatedAt): ChangeHistoryEntry {
  historyCounter += 1;
  return {
    id: `01JH${String(historyCounter).padStart(22, '0')}`,
    recordId: change.id,
    at: when,
    actor: { id: 'ann', name: 'Ann' },
    action,
    changes: [],
    events: [],
  };
}

/** The next version of `change`: what a step writes. */
export function next(change: Change, fields: Partial<Change> = {}, minutesLater = 1): Change {
  return {
    ...change,
    ...fields,
    updatedAt: new Date(Date.parse(change.updatedAt) + minutesLater * MINUTE).toISOString(),
    version: change.version + 1,
  };
}

export function aFreezeWindow(id: string, start: string, end: string, overrides: Partial<FreezeWindow> = {}) {
  const window: FreezeWindow = {
    id,
    name: `Freeze ${id}`,
    start,
    end,
    reason: null,
    ciIds: [],
    serviceIds: [],
    createdAt: at(0),
    updatedAt: at(0),
    version: 1,
    ...overrides,
  };
  return window;
}

/** Every item of every page, following the cursors (bounded, so a broken cursor cannot loop). */
export async function allPages<T>(
  read: (startKey: Record<string, unknown> | undefined) => Promise<{
    items: T[];
    lastKey?: Record<string, unknown>;
  }>,
): Promise<{ items: T[]; pages: T[][] }> {
  const pages: T[][] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let round = 0; round < 100; round++) {
    const page = await read(startKey);
    pages.push(page.items);
    // Cursors travel sealed as JSON (functions/shared/http/cursor.ts): they must survive it.
    startKey = page.lastKey && JSON.parse(JSON.stringify(page.lastKey));
    if (!startKey) return { items: pages.flat(), pages };
  }
  throw new Error('more than 100 pages');
}
