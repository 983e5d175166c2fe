import { awsHttpDeps } from '../shared/wiring/aws.js';
import { createTicketsHandler } from './http/handler.js';

export const handler = createTicketsHandler(awsHttpDeps());
