import { awsHttpDeps } from '../shared/wiring/aws.js';
import { createAdminHandler } from './handler.js';

export const handler = createAdminHandler(awsHttpDeps());
