import { createChangesHandler } from '../handlers/changes.js';
import { awsDeps } from '../wiring/aws.js';

export const handler = createChangesHandler(awsDeps());
