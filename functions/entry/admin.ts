import { createAdminHandler } from '../handlers/admin.js';
import { awsDeps } from '../wiring/aws.js';

export const handler = createAdminHandler(awsDeps());
