import { ConflictError } from '../shared/errors.js';
import type { Ticket } from './model.js';

/** Most ancestors a parent/child check walks; a deeper hierarchy is refused rather than read on. */
export const MAX_HIERARCHY_WALK = 200;

/**
 * Refuses a `parent_of`/`child_of` link that would close a cycle (1→2→3→1): the new child must not
 * already be the parent or one of its ancestors. Walks the parent's ancestors level by level (one
 * batch of reads per level), bounded by MAX_HIERARCHY_WALK.
 */
export async function assertNoParentCycle(
  parent: Ticket,
  child: Ticket,
  read: (id: string) => Promise<Ticket | undefined>,
): Promise<void> {
  const cycle = () =>
    new ConflictError(
      `${parent.id} cannot be the parent of ${child.id}: ${child.id} is already ${parent.id} or one of its ancestors`,
      { code: 'link_cycle', reason: 'link_cycle' },
    );
  if (parent.id === child.id) throw cycle();
  const seen = new Set<string>([parent.id]);
  let level = parentsOf(parent);
  while (level.length > 0) {
    if (level.includes(child.id)) throw cycle();
    const next = level.filter((id) => !seen.has(id));
    for (const id of next) seen.add(id);
    if (seen.size > MAX_HIERARCHY_WALK) {
      throw new ConflictError(
        `${parent.id} has more than ${MAX_HIERARCHY_WALK} ancestors; the hierarchy is too deep to extend`,
        { code: 'hierarchy_too_deep', reason: 'hierarchy_too_deep', limit: MAX_HIERARCHY_WALK },
      );
    }
    const tickets = await Promise.all(next.map(read));
    level = tickets.flatMap((ticket) => (ticket ? parentsOf(ticket) : []));
  }
}

function parentsOf(ticket: Ticket): string[] {
  return ticket.links.filter((link) => link.type === 'child_of').map((link) => link.targetId);
}
