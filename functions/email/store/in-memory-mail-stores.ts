import { InMemoryTable } from '../../shared/memory/in-memory-table.js';
import type { TicketStore } from '../../tickets/store/ticket-store.js';
import { InMemoryCommentReader } from './in-memory-comment-reader.js';
import { InMemoryMailLog } from './in-memory-mail-log.js';
import { InMemoryMailThreads } from './in-memory-mail-threads.js';
import { InMemoryMessageIndex } from './in-memory-message-index.js';
import { InMemoryNotificationLedger } from './in-memory-notification-ledger.js';
import { InMemoryPersonDirectory } from './in-memory-person-directory.js';
import { InMemorySendLimiter } from './in-memory-send-limiter.js';

/**
 * Every store the mail gateway uses, in memory, over one shared table (as production shares one)
 * and the ticket store its tickets and comments live in.
 */
export function inMemoryMailStores(
  tickets: Pick<TicketStore, 'get' | 'listComments'>,
  table = new InMemoryTable(),
) {
  return {
    table,
    index: new InMemoryMessageIndex(tickets, table),
    threads: new InMemoryMailThreads(table),
    people: new InMemoryPersonDirectory(table),
    log: new InMemoryMailLog(table),
    ledger: new InMemoryNotificationLedger(table),
    limiter: new InMemorySendLimiter(table),
    comments: new InMemoryCommentReader(tickets),
  };
}
