import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { assembleCatalog, CATALOG_ENVIRONMENT } from './function.js';

export const handler = assembleCatalog(awsHttpDeps(parseEnvironment(CATALOG_ENVIRONMENT)));
