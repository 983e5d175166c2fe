import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleTicketCounts, TICKET_COUNTS_ENVIRONMENT } from './counts.function.js';

/** Invoked by the second event source mapping on the table stream, filtered to ticket items (lib/events.ts). */
export const handler = assembleTicketCounts(awsTableDeps(parseEnvironment(TICKET_COUNTS_ENVIRONMENT)));
