import { createAdminHandler } from '../handlers/admin.js';
import { awsHttpDeps } from '../wiring/aws.js';

export const handler = createAdminHandler(awsHttpDeps());
