import type { IndexedComment, IndexedTicket } from '../../functions/search/model.js';

/** A ticket as the indexer reads it: only what it indexes. */
export function aTicket(
  id: string,
  title: string,
  options: Partial<Omit<IndexedTicket, 'requester'>> & { requester?: string; email?: string | null } = {},
): IndexedTicket {
  const { requester = 'rita', email = null, ...rest } = options;
  return {
    id,
    version: 1,
    title,
    description: '',
    requester: { id: requester, email, name: null },
    createdAt: `2026-12-01T09:${id.slice(-2).padStart(2, '0')}:00.000Z`,
    ...rest,
  };
}

export function aComment(body: string, visibility: 'public' | 'internal' = 'public'): IndexedComment {
  return { body, visibility };
}
