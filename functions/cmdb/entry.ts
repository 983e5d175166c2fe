import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { tableBackupFrom } from './dr-posture-service.js';
import { assembleCmdb, CMDB_ENVIRONMENT } from './function.js';

const env = parseEnvironment(CMDB_ENVIRONMENT);
export const handler = assembleCmdb(awsHttpDeps(env), { tableBackup: tableBackupFrom(env) });
