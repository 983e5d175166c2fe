import { type Page, type PageRequest, StaleWriteError } from '../../shared/store.js';
import type { AlertRecord, StoredIntegration, StormState } from '../model.js';
import {
  AlertRaceError,
  type AlertStore,
  alertRecordKey,
  type FlapDue,
  type StormWrite,
} from './alert-store.js';

/** The store in memory, for use-case tests (the contract suite holds it to the DynamoDB adapter). */
export class InMemoryAlertStore implements AlertStore {
  private readonly integrations = new Map<string, StoredIntegration>();
  private readonly keys = new Map<string, { integrationId: string; validUntil: string | null }>();
  private readonly records = new Map<string, AlertRecord>();
  private readonly storms = new Map<string, StormState>();
  private readonly counters = new Map<string, number>();
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

  async saveRecord(record: AlertRecord, expectedVersion: number, storm?: StormWrite): Promise<void> {
    const key = alertRecordKey(record.integrationId, record.dedupKey).PK;
    if ((this.records.get(key)?.version ?? 0) !== expectedVersion) throw new AlertRaceError(record.dedupKey);
    if (storm && (this.storms.get(storm.state.integrationId)?.version ?? 0) !== storm.expectedVersion) {
      throw new AlertRaceError(record.dedupKey);
    }
    this.records.set(key, copy(record)!);
    if (storm) this.storms.set(storm.state.integrationId, copy(storm.state)!);
    this.recordWrites++;
  }

  async uncountNewIncident(integrationId: string, minute: string): Promise<void> {
    const key = `${integrationId}#${minute}`;
    if (this.counters.has(key)) this.counters.set(key, this.counters.get(key)! - 1);
  }

  async getStorm(integrationId: string): Promise<StormState> {
    return copy(this.storms.get(integrationId)) ?? { integrationId, incidentId: null, firing: 0, version: 0 };
  }

  async countNewIncident(integrationId: string, minute: string): Promise<number> {
    const key = `${integrationId}#${minute}`;
    const count = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, count);
    return count;
  }

  recordCompanion(): undefined {
    return undefined;
  }

  async listFlapDue(until: string, page: PageRequest): Promise<Page<FlapDue>> {
    const due = [...this.records.entries()]
      .filter(
        ([, record]) => record.flapping && record.flapQuietUntil !== null && record.flapQuietUntil <= until,
      )
      .map(([pk, record]) => ({ sk: `${record.flapQuietUntil}#${pk}`, record }))
      .sort((a, b) => (a.sk < b.sk ? -1 : 1));
    const after = page.startKey?.slaSk as string | undefined;
    const rest = after === undefined ? due : due.filter((entry) => entry.sk > after);
    const slice = rest.slice(0, page.limit);
    const items = slice.map(({ record }) => ({
      integrationId: record.integrationId,
      dedupKey: record.dedupKey,
      flapQuietUntil: record.flapQuietUntil!,
    }));
    return rest.length > slice.length ? { items, lastKey: { slaSk: slice.at(-1)!.sk } } : { items };
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}
