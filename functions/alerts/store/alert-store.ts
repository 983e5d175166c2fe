import { createHash } from 'node:crypto';
import type { Page, PageRequest } from '../../shared/store.js';
import type { CommitCompanion } from '../../tickets/store/ticket-store.js';
import type { AlertRecord, StoredIntegration, StormState } from '../model.js';

/**
 * Integrations and alert records (docs/alerts.md#storage). Items:
 *   INTEGRATION / <id>                      the integration (one partition: a Query lists them)
 *   INTEGRATIONKEY#<sha256> / INTEGRATIONKEY a routing key → its integration, with `validUntil`
 *   ALERTSTORM#<integrationId> / STORM      the storm incident and its firing keys (rule 10)
 *   ALERTSTORM#<integrationId>#<minute> / COUNTER   new incidents in that minute (expires after a day)
 *   ALERT#<integrationId>#<b64url(sha256(dedupKey))> / ALERT   one key's state, versioned; while it
 *     flaps also in the due index (slaPk ALERT-FLAP-DUE, slaSk <flapQuietUntil>#<PK>)
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
  saveRecord(record: AlertRecord, expectedVersion: number, storm?: StormWrite): Promise<void>;
  /**
   * The same write, to join a ticket commit's transaction (CommitCompanion), or undefined when
   * this store cannot join the ticket store's transactions (then saveRecord before the commit).
   */
  recordCompanion(
    record: AlertRecord,
    expectedVersion: number,
    storm?: StormWrite,
  ): CommitCompanion | undefined;
  /** The integration's storm state (rule 10); a fresh one at version 0 when there is none. */
  getStorm(integrationId: string): Promise<StormState>;
  /**
   * Counts one new incident of the integration in `minute` (an atomic counter, kept a day) and
   * answers the count so far, this one included.
   */
  countNewIncident(integrationId: string, minute: string): Promise<number>;
  /** Gives back a count taken ahead for a key that opened no incident after all. */
  uncountNewIncident(integrationId: string, minute: string): Promise<void>;
  /**
   * Flapping keys whose quiet ends at or before `until`, earliest first: the sweeper's due index
   * (a record is in it only while it flaps), so a sweep costs what is due.
   */
  listFlapDue(until: string, page: PageRequest): Promise<Page<FlapDue>>;
}

/** The storm state written with a key record (conditional on `expectedVersion`, 0: must not exist). */
export interface StormWrite {
  readonly state: StormState;
  readonly expectedVersion: number;
}

export interface FlapDue {
  readonly integrationId: string;
  readonly dedupKey: string;
  readonly flapQuietUntil: string;
}

/** The due index partition of flapping alert records (sla sweeper's `bySlaDeadline`). */
export const FLAP_DUE_PARTITION = 'ALERT-FLAP-DUE';

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

export const stormKey = (integrationId: string) => ({ PK: `ALERTSTORM#${integrationId}`, SK: 'STORM' });
export const stormCounterKey = (integrationId: string, minute: string) => ({
  PK: `ALERTSTORM#${integrationId}#${minute}`,
  SK: 'COUNTER',
});
