import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { AlertRecord, StoredIntegration } from '../model.js';
import { AlertRaceError, type AlertStore, alertRecordKey } from './alert-store.js';

/** The store in memory, for use-case tests (the contract suite holds it to the DynamoDB adapter). */
export class InMemoryAlertStore implements AlertStore {
  private readonly integrations = new Map<string, StoredIntegration>();
  private readonly keys = new Map<string, { integrationId: string; validUntil: string | null }>();
  private readonly records = new Map<string, AlertRecord>();
  /** Writes of alert records, for tests counting what a repeat costs. */
  recordWrites = 0;

  async getIntegration(id: string): Promise<StoredIntegration | undefined> {
    return copy(this.integrations.get(id));
  }

  async listIntegrations(page: PageRequest): Promise<Page<StoredIntegration>> {
    const ids = [...this.integrations.keys()].sort();
    const after = page.startKey?.SK as string | undefined;
    const rest = after === undefined ? ids : ids.filter((id) => id > after);
    const slice = rest.slice(0, page.limit);
    const items = slice.map((id) => copy(this.integrations.get(id))!);
    return rest.length > slice.length
      ? { items, lastKey: { PK: 'INTEGRATION', SK: slice.at(-1)! } }
      : { items };
  }

  async putIntegration(integration: StoredIntegration, expectedVersion: number): Promise<void> {
    const current = this.integrations.get(integration.id);
    if ((current?.version ?? 0) !== expectedVersion) throw new StaleWriteError(integration.id);
    this.integrations.set(integration.id, copy(integration)!);
    for (const secret of integration.secrets) {
      this.keys.set(secret.digest, { integrationId: integration.id, validUntil: secret.validUntil });
    }
  }

  async integrationByKeyDigest(digest: string) {
    return copy(this.keys.get(digest));
  }

  async getRecord(integrationId: string, dedupKey: string): Promise<AlertRecord | undefined> {
    return copy(this.records.get(alertRecordKey(integrationId, dedupKey).PK));
  }

  async saveRecord(record: AlertRecord, expectedVersion: number): Promise<void> {
    const key = alertRecordKey(record.integrationId, record.dedupKey).PK;
    if ((this.records.get(key)?.version ?? 0) !== expectedVersion) throw new AlertRaceError(record.dedupKey);
    this.records.set(key, copy(record)!);
    this.recordWrites++;
  }

  recordCompanion(): undefined {
    return undefined;
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}
