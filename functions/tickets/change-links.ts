import { actorOf, type Caller } from '../shared/authz.js';
import { ConflictError, ValidationError } from '../shared/errors.js';
import { MAX_LINKS_PER_TICKET } from './links.js';
import type { HistoryEntry, Ticket } from './model.js';
import { diff, type Stamp } from './rules.js';
import type { CommitCompanion } from './store/ticket-store.js';

/** Change ids as functions/changes/model.ts formats them (`CHG-000001`). */
export const CHANGE_LINK_TARGET = /^CHG-\d{6,}$/;

/**
 * The changes a `caused_by_change` link names (docs/ticket-metrics.md#caused-by-change), as the tickets see them:
 * whether one exists, and the reverse link (`causes_incident`, kept on the change's partition) to
 * write with the incident. Implemented by functions/changes/store (incident-link-store.ts).
 */
export interface ChangeLinks {
  /** Whether the change exists (changes are never deleted). */
  exists(changeId: string): Promise<boolean>;
  /**
   * The reverse link as writes joining the ticket commit (a store of the same kind carries them
   * and calls `carried()`); undefined when none can join: then `write` after the commit.
   */
  companion(changeId: string, incidentId: string, at: string): ChangeLinkCompanion | undefined;
  /** Writes the reverse link on its own (an idempotent put). */
  write(changeId: string, incidentId: string, at: string): Promise<void>;
}

export interface ChangeLinkCompanion extends CommitCompanion {
  wasCarried(): boolean;
}

/**
 * Links an incident to the change that caused it: the incident's `links` gains
 * `{type: "caused_by_change", targetId}`; the change's side is written by the caller through
 * ChangeLinks. Only incidents name a causing change; one link per change.
 */
export function linkToChange(
  source: Ticket,
  changeId: string,
  caller: Caller,
  stamp: Stamp,
): { ticket: Ticket; history: HistoryEntry } {
  if (source.type !== 'incident') {
    throw new ValidationError([
      { path: 'targetId', message: 'caused_by_change links an incident to the change that caused it' },
    ]);
  }
  if (!CHANGE_LINK_TARGET.test(changeId)) {
    throw new ValidationError([{ path: 'targetId', message: 'must be a change id such as CHG-000042' }]);
  }
  const existing = source.links.find((link) => link.targetId === changeId);
  if (existing) {
    throw new ConflictError(`${source.id} is already linked to ${changeId} (${existing.type})`, {
      code: 'duplicate_link',
      existing,
    });
  }
  if (source.links.length >= MAX_LINKS_PER_TICKET) {
    throw new ConflictError(
      `${source.id} already has ${MAX_LINKS_PER_TICKET} links, the most a ticket keeps`,
      {
        code: 'link_limit',
      },
    );
  }
  const ticket: Ticket = {
    ...source,
    links: [...source.links, { type: 'caused_by_change', targetId: changeId }],
    updatedAt: stamp.now,
    version: source.version + 1,
  };
  const changes = diff(source, ticket);
  return {
    ticket,
    history: {
      id: stamp.eventId,
      recordId: source.id,
      at: stamp.now,
      actor: actorOf(caller),
      action: 'linked',
      changes,
      events: [{ detailType: 'Ticket Updated', detail: { ticketId: source.id, changes } }],
    },
  };
}
