import type { Page, PageRequest } from '../shared/store.js';
import type { Ticket } from '../tickets/model.js';
import type { SearchScope, TicketSearch } from './ticket-search.js';

/** Most tickets one page of search results reads to narrow the hits by other filters. */
export const MAX_TICKETS_READ_PER_PAGE = 100;
/** Hits ranked per page request (the search ranks at most this many from the page's offset). */
const HITS_PER_REQUEST = 500;

/** Where a page of search results resumes: an offset into the ranking (sealed into the cursor by the HTTP layer). */
const OFFSET = 'searchOffset';

/**
 * One page of `GET /tickets?q=` (docs/search.md#querying): the search's ranking from the cursor's
 * offset, each hit read as the ticket it is now (in parallel, a page's worth at a time) and kept
 * when `accept` takes it (the list's other filters, and the caller's right to see it: the index
 * may lag a write by a moment). Reads at most MAX_TICKETS_READ_PER_PAGE tickets, so a page narrowed
 * hard by filters may come back short, with a cursor, like any filtered list.
 */
export async function searchPage(
  search: TicketSearch,
  read: (id: string) => Promise<Ticket | undefined>,
  scope: SearchScope,
  q: string,
  page: PageRequest,
  accept: (ticket: Ticket) => boolean,
): Promise<Page<Ticket>> {
  const raw = page.startKey?.[OFFSET];
  const offset = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : 0;
  const result = await search.search(scope, q, { offset, limit: HITS_PER_REQUEST });
  const items: Ticket[] = [];
  let consumed = 0;
  while (items.length < page.limit && consumed < result.hits.length && consumed < MAX_TICKETS_READ_PER_PAGE) {
    const chunk = result.hits.slice(
      consumed,
      consumed + Math.min(page.limit - items.length, MAX_TICKETS_READ_PER_PAGE - consumed),
    );
    const tickets = await Promise.all(chunk.map((hit) => read(hit.ticketId)));
    for (const ticket of tickets) if (ticket && accept(ticket)) items.push(ticket);
    consumed += chunk.length;
  }
  const more = consumed < result.hits.length || result.next !== undefined;
  return more ? { items, lastKey: { [OFFSET]: offset + consumed } } : { items };
}
