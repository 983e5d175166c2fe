import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { expiresAfterDays, mailLogKey } from './mail-keys.js';
import type { MailLog, MailRecord } from './ports.js';

const RETENTION_DAYS = 90;

/** Records of mail that became no ticket (`MAILLOG#<day>`), kept 90 days for operators. */
export class DynamoMailLog implements MailLog {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: MailRecord): Promise<void> {
    const at = new Date(entry.at);
    await this.dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...mailLogKey(entry.at.slice(0, 10), entry.at, ulid(at.getTime())),
          ...entry,
          expiration: expiresAfterDays(at, RETENTION_DAYS),
        },
      }),
    );
  }

  async list(day: string, limit: number): Promise<MailRecord[]> {
    const out = await this.dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `MAILLOG#${day}` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => {
      const { PK: _pk, SK: _sk, expiration: _expiration, ...record } = item;
      return record as MailRecord;
    });
  }
}
