import { parseEnvironment } from '../shared/wiring/environment.js';
import { awsEmailBaseDeps } from './aws-wiring.js';
import { sesMailSender } from './mail/aws-mail.js';
import { assembleEmailNotifier, EMAIL_NOTIFIER_ENVIRONMENT } from './notifier.function.js';
import { supportAddress } from './settings.js';

const base = awsEmailBaseDeps(parseEnvironment(EMAIL_NOTIFIER_ENVIRONMENT));

export const handler = assembleEmailNotifier({ ...base, mail: sesMailSender(supportAddress(base.settings)) });
