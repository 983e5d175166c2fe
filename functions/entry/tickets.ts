import { createTicketsHandler } from '../handlers/tickets.js';
import { awsDeps } from '../wiring/aws.js';

export const handler = createTicketsHandler(awsDeps());
