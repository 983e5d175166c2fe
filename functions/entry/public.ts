import { createPublicHandler } from '../handlers/public.js';
import { awsDeps } from '../wiring/aws.js';

export const handler = createPublicHandler(awsDeps());
