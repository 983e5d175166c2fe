import { createHash } from 'node:crypto';
import type { Page, PageRequest } from '../../shared/store.js';
import type { CommitCompanion } from '../../tickets/store/ticket-store.js';
import type { AlertRecord, StoredIntegration } from '../model.js';

/**
 * Integrations and alert records (docs/alerts.md#storage). Items:
 *   INTEGRATION / <id>                      the integration (one partition: a Query lists them)
 *   INTEGRATIONKEY#<sha256> / INTEGRATIONKEY a routing key → its integration, with `validUntil`
 *   ALERT#<integrationId>#<b64url(sha256(dedupKey))> / ALERT   one key's state, versioned
 */
export interface AlertStore {
  getIntegration(id: string): Promise<StoredIntegration | undefined>;
  listIntegrations(page: PageRequest): Promise<Page<StoredIntegration>>;
  /**
   * Writes the integration (conditional on `expectedVersion`, 0: must not exist) and a routing-key
   * item per secret, in one transaction; StaleWriteError when the version is not current.
   */
  putIntegration(integration: StoredIntegration, expectedVersion: number): Promise<void>;
  /** The integration a routing-key digest belongs to, with when it stops working (null: current). */
  integrationByKeyDigest(
    digest: string,
  ): Promise<{ integrationId: string; validUntil: string | null } | undefined>;
  getRecord(integrationId: string, dedupKey: string): Promise<AlertRecord | undefined>;
  /**
   * One conditional write of the record alone (a repeat: no transaction, no history):
   * AlertRaceError when `expectedVersion` (0: must not exist) is not current.
   */
  saveRecord(record: AlertRecord, expectedVersion: number): Promise<void>;
  /**
   * The same write, to join a ticket commit's transaction (CommitCompanion), or undefined when
   * this store cannot join the ticket store's transactions (then saveRecord before the commit).
   */
  recordCompanion(record: AlertRecord, expectedVersion: number): CommitCompanion | undefined;
}

/** Another delivery wrote the alert record first: re-read and decide again. */
export class AlertRaceError extends Error {
  constructor(readonly dedupKey: string) {
    super(`alert ${dedupKey} changed since it was read`);
  }
}

export const integrationKey = (id: string) => ({ PK: 'INTEGRATION', SK: id });
export const routingKeyKey = (digest: string) => ({ PK: `INTEGRATIONKEY#${digest}`, SK: 'INTEGRATIONKEY' });
export const alertRecordKey = (integrationId: string, dedupKey: string) => ({
  PK: `ALERT#${integrationId}#${createHash('sha256').update(dedupKey).digest('base64url')}`,
  SK: 'ALERT',
});
