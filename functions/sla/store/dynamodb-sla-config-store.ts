import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { versionedPut } from '../../shared/dynamodb/versioned-put.js';
import type { Calendar } from '../calendar.js';
import type { SlaConfig } from '../clocks.js';
import type { SlaPolicy } from '../policy.js';
import { calendarKey, policyKey, SLA_CONFIG_PK } from './sla-config-keys.js';
import type { SlaConfigStore } from './sla-config-store.js';

/** Most SLA configuration items one load reads (pages of 1 MB are far beyond this). */
const MAX_PAGES = 10;

export class DynamoSlaConfigRepository implements SlaConfigStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(): Promise<SlaConfig> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out: QueryCommandOutput = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': SLA_CONFIG_PK },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    const calendars = new Map<string, Calendar>();
    const policies: SlaPolicy[] = [];
    for (const item of items) {
      const sk = item.SK as string;
      if (sk.startsWith('CALENDAR#')) {
        const calendar = withoutKeys<Calendar>(item);
        calendars.set(calendar.id, calendar);
      } else if (sk.startsWith('POLICY#')) {
        policies.push(withoutKeys<SlaPolicy>(item));
      }
    }
    return { calendars, policies };
  }

  putCalendar(calendar: Calendar, expectedVersion: number): Promise<void> {
    return this.put(calendarKey(calendar.id), calendar, expectedVersion);
  }

  putPolicy(policy: SlaPolicy, expectedVersion: number): Promise<void> {
    return this.put(policyKey(policy.id), policy, expectedVersion);
  }

  private put(
    key: { PK: string; SK: string },
    record: { id: string },
    expectedVersion: number,
  ): Promise<void> {
    return versionedPut(this.dynamo, this.tableName, { ...key, ...record }, expectedVersion);
  }
}
