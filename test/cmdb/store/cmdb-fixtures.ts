import type { CiClass } from '../../../functions/cmdb/classes.js';
import type { Ci, CiHistoryEntry } from '../../../functions/cmdb/model.js';
import type { RelationshipType } from '../../../functions/cmdb/relationship-types.js';
import type { RelationshipWrite } from '../../../functions/cmdb/store/cmdb-store.js';

/**
 * Records for the CMDB store contract, built directly (no domain rules): a store keeps whatever it
 * is given, and the contract is about keeping, finding and refusing.
 */
export const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;

/** An ISO time `minutes` after T0. */
export const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();

/** A plain active production server, version 1, with the closure a new CI reads back. */
export function aCi(id: string, fields: Partial<Ci> = {}): Ci {
  return {
    id,
    class: 'server',
    name: `CI ${id}`,
    description: '',
    status: 'active',
    environment: 'production',
    criticality: 3,
    owner: null,
    ownerGroup: null,
    supportGroup: null,
    location: null,
    asset: {},
    identifiers: [],
    attributes: {},
    redundancy: null,
    closure: { serviceIds: [], computedAt: null, truncated: false },
    version: 1,
    createdAt: at(0),
    updatedAt: at(0),
    ...fields,
  };
}

/** The next version of `ci`: what an update writes. */
export function nextCi(ci: Ci, fields: Partial<Ci> = {}, minutesLater = 1): Ci {
  return {
    ...ci,
    ...fields,
    updatedAt: new Date(Date.parse(ci.updatedAt) + minutesLater * MINUTE).toISOString(),
    version: ci.version + 1,
  };
}

let historyCounter = 0;

/** A history entry of the CI (or CI id) at `when` (default: the CI's updatedAt), with a unique id. */
/**
 * Per test process: history ids are transaction tokens (ClientRequestToken), which DynamoDB scopes
 * to the account, not the table, so two test files sharing one DynamoDB Local must not repeat them.
 */
const RUN = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');

export function anEntry(
  ci: Ci | string,
  action: CiHistoryEntry['action'] = 'updated',
  when?: string,
  fields: Partial<CiHistoryEntry> = {},
): CiHistoryEntry {
  historyCounter += 1;
  const recordId = typeof ci === 'string' ? ci : ci.id;
  return {
    id: `01JK${RUN}${String(historyCounter).padStart(14, '0')}`,
    recordId,
    at: when ?? (typeof ci === 'string' ? at(0) : ci.updatedAt),
    actor: { id: 'ann', name: 'Ann' },
    action,
    changes: [],
    events: [],
    ...fields,
  };
}

/** A relationship write `source —type→ target` with fresh history entries for both sides. */
export function aRelationshipWrite(
  source: Ci,
  type: RelationshipType,
  target: Ci,
  action: 'relationship_added' | 'relationship_removed' = 'relationship_added',
  when = at(30),
): RelationshipWrite {
  return {
    relationship: { source: source.id, type, target: target.id, createdAt: when, createdBy: 'ann' },
    source,
    target,
    history: [anEntry(source, action, when), anEntry(target, action, when)],
  };
}

export function aClass(id: string, fields: Partial<CiClass> = {}): CiClass {
  return {
    id,
    name: `Class ${id}`,
    parent: null,
    abstract: false,
    attributesSchema: {},
    version: 1,
    createdAt: at(0),
    updatedAt: at(0),
    ...fields,
  };
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
