import { KMSClient } from '@aws-sdk/client-kms';
import { strictCiIdsFrom } from '../cmdb/strict-ci-ids.js';
import { awsHttpDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import { ALERTS_ENVIRONMENT, assembleAlerts } from './function.js';
import { KmsSecretCipher } from './secrets/kms-secret-cipher.js';

const environment = parseEnvironment(ALERTS_ENVIRONMENT);

export const handler = assembleAlerts(awsHttpDeps(environment), {
  defaultGroup: environment.DEFAULT_GROUP,
  strictCiIds: strictCiIdsFrom(environment.CMDB_STRICT_CI_IDS),
  eventBridgeIntegration: environment.ALERTS_EVENTBRIDGE_INTEGRATION,
  cipher: new KmsSecretCipher(new KMSClient({}), environment.ALERTS_KEY_ARN),
});
