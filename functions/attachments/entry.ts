import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { awsAttachmentDeps } from './aws-wiring.js';
import { ATTACHMENTS_ENVIRONMENT, assembleAttachments } from './function.js';

const env = parseEnvironment(ATTACHMENTS_ENVIRONMENT);

export const handler = assembleAttachments({ ...awsHttpDeps(env), ...awsAttachmentDeps(env) });
