import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleCmdb, CMDB_ENVIRONMENT } from './function.js';

export const handler = assembleCmdb(awsHttpDeps(parseEnvironment(CMDB_ENVIRONMENT)));
