import { createEmailIngestHandler } from '../handlers/email-ingest.js';
import { emailIngest } from '../wiring/email.js';
import { awsEmailDeps } from '../wiring/email-aws.js';

export const handler = createEmailIngestHandler(emailIngest(awsEmailDeps()));
