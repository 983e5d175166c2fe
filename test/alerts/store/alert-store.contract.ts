import { describe, expect, it } from 'vitest';
import type { AlertRecord, StoredIntegration } from '../../../functions/alerts/model.js';
import { DEFAULT_SEVERITY_MAP } from '../../../functions/alerts/model.js';
import { AlertRaceError, type AlertStore } from '../../../functions/alerts/store/alert-store.js';
import { StaleWriteError } from '../../../functions/shared/store.js';

export function anIntegration(id: string, fields: Partial<StoredIntegration> = {}): StoredIntegration {
  return {
    id,
    name: id,
    enabled: true,
    kind: 'alertmanager',
    auth: { mode: 'bearer' },
    defaults: { group: null, category: null, requester: { id: 'monitoring', name: 'Monitoring' } },
    severityMap: DEFAULT_SEVERITY_MAP,
    mapping: [],
    autoResolve: true,
    reopenWindowMinutes: 60,
    flap: { transitions: 4, windowMinutes: 30, quietMinutes: 15 },
    noteThrottleMinutes: 15,
    stormLimit: { newIncidentsPerMinute: 20 },
    insufficientData: 'ignore',
    createdAt: '2026-12-07T06:00:00.000Z',
    updatedAt: '2026-12-07T06:00:00.000Z',
    version: 1,
    secrets: [{ digest: 'a'.repeat(64), validUntil: null }],
    ...fields,
  };
}

export function aRecord(
  integrationId: string,
  dedupKey: string,
  fields: Partial<AlertRecord> = {},
): AlertRecord {
  return {
    integrationId,
    dedupKey,
    incidentId: 'INC-000001',
    state: 'firing',
    fireCount: 1,
    notificationCount: 1,
    staleCount: 0,
    firstFiredAt: '2026-12-07T06:00:00.000Z',
    lastFiredAt: '2026-12-07T06:00:00.000Z',
    clearedAt: null,
    acknowledgedAt: null,
    lastOccurredAt: '2026-12-07T06:00:00.000Z',
    severity: 'error',
    labels: { alertname: 'x' },
    generatorUrl: null,
    unmapped: true,
    autoResolve: true,
    lastNotificationKey: null,
    lastNoteAt: null,
    deliveries: [],
    transitions: [],
    flapping: false,
    flapQuietUntil: null,
    storm: false,
    version: 1,
    ...fields,
  };
}

/** What every AlertStore adapter must do alike (run by *.memory.test.ts and *.dynamodb.test.ts). */
export function alertStoreContract(name: string, open: () => Promise<AlertStore>): void {
  describe(`AlertStore contract (${name})`, () => {
    it('writes integrations conditionally on their version and lists them by id in pages', async () => {
      const store = await open();
      await store.putIntegration(anIntegration('b'), 0);
      await store.putIntegration(anIntegration('a'), 0);
      await store.putIntegration(anIntegration('c'), 0);
      await expect(store.putIntegration(anIntegration('a'), 0)).rejects.toBeInstanceOf(StaleWriteError);
      await store.putIntegration(anIntegration('a', { name: 'A2', version: 2 }), 1);
      await expect(store.putIntegration(anIntegration('a', { version: 3 }), 1)).rejects.toBeInstanceOf(
        StaleWriteError,
      );
      expect((await store.getIntegration('a'))?.name).toBe('A2');
      expect(await store.getIntegration('zz')).toBeUndefined();
      const first = await store.listIntegrations({ limit: 2 });
      expect(first.items.map((i) => i.id)).toEqual(['a', 'b']);
      const second = await store.listIntegrations({ limit: 2, startKey: first.lastKey });
      expect(second.items.map((i) => i.id)).toEqual(['c']);
    });

    it('finds an integration by a routing-key digest, with its validUntil', async () => {
      const store = await open();
      const secrets = [
        { digest: 'b'.repeat(64), validUntil: null },
        { digest: 'c'.repeat(64), validUntil: '2026-12-08T06:00:00.000Z' },
      ];
      await store.putIntegration(anIntegration('pd', { secrets }), 0);
      expect(await store.integrationByKeyDigest('b'.repeat(64))).toEqual({
        integrationId: 'pd',
        validUntil: null,
      });
      expect(await store.integrationByKeyDigest('c'.repeat(64))).toEqual({
        integrationId: 'pd',
        validUntil: '2026-12-08T06:00:00.000Z',
      });
      expect(await store.integrationByKeyDigest('d'.repeat(64))).toBeUndefined();
    });

    it('writes alert records conditionally: one first writer, then on the version read', async () => {
      const store = await open();
      const key = 'a key with spaces / and any length '.repeat(5);
      await store.saveRecord(aRecord('i', key), 0);
      await expect(store.saveRecord(aRecord('i', key), 0)).rejects.toBeInstanceOf(AlertRaceError);
      await store.saveRecord(aRecord('i', key, { fireCount: 2, version: 2 }), 1);
      await expect(store.saveRecord(aRecord('i', key, { version: 3 }), 1)).rejects.toBeInstanceOf(
        AlertRaceError,
      );
      expect(await store.getRecord('i', key)).toEqual(aRecord('i', key, { fireCount: 2, version: 2 }));
      expect(await store.getRecord('other', key)).toBeUndefined();
    });

    it('flapping records are in the due index until their quiet end, earliest first, in pages; leaving it takes one write', async () => {
      const store = await open();
      const flapping = (key: string, until: string) =>
        aRecord('flap', key, { flapping: true, flapQuietUntil: until });
      await store.saveRecord(flapping('late', '2026-12-07T07:30:00.000Z'), 0);
      await store.saveRecord(flapping('early', '2026-12-07T07:10:00.000Z'), 0);
      await store.saveRecord(flapping('middle', '2026-12-07T07:20:00.000Z'), 0);
      await store.saveRecord(aRecord('flap', 'calm'), 0);
      const first = await store.listFlapDue('2026-12-07T07:25:00.000Z', { limit: 1 });
      expect(first.items).toEqual([
        { integrationId: 'flap', dedupKey: 'early', flapQuietUntil: '2026-12-07T07:10:00.000Z' },
      ]);
      const second = await store.listFlapDue('2026-12-07T07:25:00.000Z', {
        limit: 5,
        startKey: first.lastKey,
      });
      expect(second.items.map((due) => due.dedupKey)).toEqual(['middle']);
      expect(second.lastKey).toBeUndefined();
      await store.saveRecord(aRecord('flap', 'early', { version: 2 }), 1);
      const after = await store.listFlapDue('2026-12-07T08:00:00.000Z', { limit: 10 });
      expect(after.items.map((due) => due.dedupKey)).toEqual(['middle', 'late']);
      expect(await store.getRecord('flap', 'late')).toEqual(flapping('late', '2026-12-07T07:30:00.000Z'));
    });

    it('a record and its storm state are written together or not at all; new incidents are counted per minute', async () => {
      const store = await open();
      expect(await store.getStorm('s')).toEqual({
        integrationId: 's',
        incidentId: null,
        firing: 0,
        version: 0,
      });
      const state = { integrationId: 's', incidentId: 'INC-000009', firing: 1, version: 1 };
      await store.saveRecord(aRecord('s', 'k1', { storm: true }), 0, { state, expectedVersion: 0 });
      expect(await store.getStorm('s')).toEqual(state);
      // A stale storm version fails the pair: the record is not written either.
      await expect(
        store.saveRecord(aRecord('s', 'k2', { storm: true }), 0, {
          state: { ...state, firing: 2, version: 2 },
          expectedVersion: 0,
        }),
      ).rejects.toBeInstanceOf(AlertRaceError);
      expect(await store.getRecord('s', 'k2')).toBeUndefined();
      await store.saveRecord(aRecord('s', 'k2', { storm: true }), 0, {
        state: { ...state, firing: 2, version: 2 },
        expectedVersion: 1,
      });
      expect((await store.getStorm('s')).firing).toBe(2);
      expect(await store.countNewIncident('s', '2026-12-07T06:00')).toBe(1);
      expect(await store.countNewIncident('s', '2026-12-07T06:00')).toBe(2);
      expect(await store.countNewIncident('s', '2026-12-07T06:01')).toBe(1);
      expect(await store.countNewIncident('other', '2026-12-07T06:00')).toBe(1);
    });

    it('of concurrent first writes of a key exactly one lands', async () => {
      const store = await open();
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, n) => store.saveRecord(aRecord('i', 'race', { fireCount: n }), 0)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results
          .filter((r) => r.status === 'rejected')
          .every((r) => (r as PromiseRejectedResult).reason instanceof AlertRaceError),
      ).toBe(true);
    });
  });
}
