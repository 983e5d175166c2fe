import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { personIdOf } from '../../shared/people.js';
import { normaliseAddress } from '../address-forms.js';
import { isConditionFailure, personKey } from './mail-keys.js';
import type { DirectoryEntry, PersonDirectory } from './ports.js';

/**
 * People the gateway has seen, by address (docs/email.md#people). A sender seen first, by mail or
 * by a verified token, gets their person id (`person:<address>`; entries from before person ids
 * keep the address they got); an agent learned from a public comment keeps the id their token
 * carries (so their mail replies are written as them, and count as an agent's).
 */
export class DynamoPersonDirectory implements PersonDirectory {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(address: string): Promise<DirectoryEntry | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: personKey(normaliseAddress(address)) }),
    );
    return out.Item ? entryOf(out.Item) : undefined;
  }

  async firstSight(address: string, name: string | null, now: Date): Promise<DirectoryEntry> {
    const email = normaliseAddress(address);
    const entry: DirectoryEntry = { id: personIdOf(email), email, name, staff: false };
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...personKey(email), ...entry, createdAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return entry;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.find(email)) ?? entry;
    }
  }

  async learnStaff(person: { id: string; email: string; name: string | null }, now: Date): Promise<void> {
    const email = normaliseAddress(person.email);
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: personKey(email),
        UpdateExpression:
          'SET #id = :id, email = :email, #name = if_not_exists(#name, :name), staff = :staff, createdAt = if_not_exists(createdAt, :now)',
        ExpressionAttributeNames: { '#id': 'id', '#name': 'name' },
        ExpressionAttributeValues: {
          ':id': person.id,
          ':email': email,
          ':name': person.name,
          ':staff': true,
          ':now': now.toISOString(),
        },
      }),
    );
  }
}

function entryOf(item: Record<string, unknown>): DirectoryEntry {
  return {
    id: String(item.id),
    email: String(item.email),
    name: typeof item.name === 'string' ? item.name : null,
    staff: item.staff === true,
  };
}
