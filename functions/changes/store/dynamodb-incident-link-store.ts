import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoCompanion } from '../../shared/dynamodb/transactions.js';
import type { ChangeLinkCompanion } from '../../tickets/change-links.js';
import { changeKey, changePk, INCIDENT_LINK_PREFIX, incidentLinkKey } from './change-keys.js';
import {
  type ChangeIncidentLink,
  type IncidentLinkStore,
  MAX_INCIDENT_LINKS_SHOWN,
} from './incident-link-store.js';

/** IncidentLinkStore on the table: a put joined to the incident's transaction, a Query to list. */
export class DynamoIncidentLinkStore implements IncidentLinkStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async exists(changeId: string): Promise<boolean> {
    const out = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: changeKey(changeId),
        ProjectionExpression: '#id',
        ExpressionAttributeNames: { '#id': 'id' },
      }),
    );
    return out.Item !== undefined;
  }

  companion(changeId: string, incidentId: string, at: string): ChangeLinkCompanion & DynamoCompanion {
    let carried = false;
    return {
      kind: 'dynamodb',
      items: [{ Put: { TableName: this.tableName, Item: linkItem(changeId, incidentId, at) } }],
      carried: () => {
        carried = true;
      },
      cancelled: () => undefined,
      wasCarried: () => carried,
    };
  }

  async write(changeId: string, incidentId: string, at: string): Promise<void> {
    await this.dynamo.send(
      new PutCommand({ TableName: this.tableName, Item: linkItem(changeId, incidentId, at) }),
    );
  }

  async list(changeId: string): Promise<ChangeIncidentLink[]> {
    const out = await this.dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' },
        ExpressionAttributeValues: { ':pk': changePk(changeId), ':prefix': INCIDENT_LINK_PREFIX },
        Limit: MAX_INCIDENT_LINKS_SHOWN,
      }),
    );
    return (out.Items ?? []).map((item) => ({ type: 'causes_incident', targetId: String(item.incidentId) }));
  }
}

/** The reverse link item: idempotent (a put of the same key and content). */
export function linkItem(changeId: string, incidentId: string, at: string): Record<string, unknown> {
  return { ...incidentLinkKey(changeId, incidentId), changeId, incidentId, linkedAt: at };
}
