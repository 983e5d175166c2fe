import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Event } from 'aws-lambda';
import type { EmailIngest, IngestResult } from './ingest.js';

/**
 * The S3 trigger of the raw-mail bucket: each stored mail goes through the ingest. A failure
 * throws, so Lambda's asynchronous retries (and then the DLQ) take over; the ingest is idempotent
 * per Message-ID, so a retry never makes a second ticket.
 */
export function createEmailIngestHandler(ingest: EmailIngest, info: InfoLog = powertoolsInfo()) {
  return async (event: S3Event): Promise<IngestResult[]> => {
    const results: IngestResult[] = [];
    for (const record of event.Records) {
      const key = objectKeyOf(record.s3.object.key);
      const result = await ingest.ingest(key);
      info('mail ingested', { key, ...result });
      results.push(result);
    }
    return results;
  };
}

/** S3 event keys are URL-encoded with `+` for spaces. */
export function objectKeyOf(eventKey: string): string {
  return decodeURIComponent(eventKey.replace(/\+/g, ' '));
}

/** One structured log line (Powertools on AWS; the local runtime's console, silenced in tests). */
export type InfoLog = (message: string, fields: Record<string, unknown>) => void;

export function powertoolsInfo(): InfoLog {
  const logger = new Logger({ serviceName: 'opsdesk' });
  return (message, fields) => logger.info(message, fields);
}
