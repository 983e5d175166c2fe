import { createTicketsHandler } from '../handlers/tickets.js';
import { awsHttpDeps } from '../wiring/aws.js';

export const handler = createTicketsHandler(awsHttpDeps());
