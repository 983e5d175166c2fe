import { describe, expect, it } from 'vitest';
import { difference, Ledger } from '../../../functions/reports/ledger.js';
import { binAttribute, binOf, binsOf, quantilesOf } from '../../../functions/reports/sketch.js';
import { dayItemPk, openKey, outageKey } from '../../../functions/reports/store/report-keys.js';
import type { ReportsStore } from '../../../functions/reports/store/reports-store.js';

const day = (d: string) => ({ PK: dayItemPk('INC', 'all', 'all'), SK: d });

function change(build: (after: Ledger, before: Ledger) => void) {
  const after = new Ledger();
  const before = new Ledger();
  build(after, before);
  return difference(after, before);
}

/** The report store's contract, run against the in-memory and the DynamoDB adapters. */
export function reportsStoreContract(name: string, makeStore: () => Promise<ReportsStore>) {
  describe(`reports store (${name})`, () => {
    it('applies a tracked change once per version, conditional on the marker as read', async () => {
      const store = await makeStore();
      expect(await store.tracked('INC-1')).toBeUndefined();
      const first = change((a) =>
        a.add(day('2026-03-02'), 'created', 1).addToSet(day('2026-03-02'), 'v_group', 'net'),
      );
      expect(await store.applyTracked('INC-1', 1, undefined, { n: 1 }, first)).toBe('applied');
      expect(await store.tracked('INC-1')).toEqual({ version: 1, facts: { n: 1 } });
      // A writer that read no marker (or an older one) loses: nothing is written.
      expect(await store.applyTracked('INC-1', 2, undefined, { n: 2 }, first)).toBe('raced');
      expect(await store.applyTracked('INC-1', 2, 0, { n: 2 }, first)).toBe('raced');
      const second = change((a, b) => {
        a.add(day('2026-03-03'), 'resolved', 1);
        a.add(day('2026-03-02'), 'created', 1);
        b.add(day('2026-03-02'), 'created', 1);
        a.addToSet(day('2026-03-02'), 'v_group', 'apps');
      });
      expect(await store.applyTracked('INC-1', 2, 1, { n: 2 }, second)).toBe('applied');
      const { items, pages } = await store.readDays(
        dayItemPk('INC', 'all', 'all'),
        '2026-03-01',
        '2026-03-31',
      );
      expect(pages).toBe(1);
      expect(items.map((i) => [i.SK, i.created ?? 0, i.resolved ?? 0])).toEqual([
        ['2026-03-02', 1, 0],
        ['2026-03-03', 0, 1],
      ]);
      expect([...(items[0]!.v_group as Set<string>)].sort()).toEqual(['apps', 'net']);
      expect(await store.tracked('INC-1')).toEqual({ version: 2, facts: { n: 2 } });
    });

    it('keeps sketch buckets: added, moved and taken back, in tracked changes and events alike', async () => {
      const store = await makeStore();
      const mttr = (minutes: number) => binAttribute('mttr', binOf(minutes));
      // The item's first durations: the adapter has no bucket list to add to yet.
      const resolved = change((a) => {
        a.add(day('2026-05-04'), mttr(30), 1).add(day('2026-05-04'), mttr(0), 1);
        a.add(day('2026-05-04'), binAttribute('mtta', binOf(2)), 1);
      });
      expect(await store.applyTracked('INC-7', 1, undefined, null, resolved)).toBe('applied');
      // A reopen and a later resolution: one bucket down, another up, in one write.
      const moved = change((a, b) => {
        a.add(day('2026-05-04'), mttr(600), 1);
        b.add(day('2026-05-04'), mttr(30), 1);
      });
      expect(await store.applyTracked('INC-7', 2, 1, null, moved)).toBe('applied');
      expect(
        await store.applyEvent(
          'evt-bucket',
          change((a) => a.add(day('2026-05-04'), mttr(600), 1)),
          9e9,
        ),
      ).toBe('applied');
      const { items } = await store.readDays(dayItemPk('INC', 'all', 'all'), '2026-05-04', '2026-05-04');
      // A bucket back at zero may read as 0 or not at all.
      const buckets = Object.fromEntries(
        Object.entries(items[0]!).filter(([name, count]) => name.startsWith('q_') && count !== 0),
      );
      expect(buckets).toEqual({ [mttr(600)]: 2, [mttr(0)]: 1, [binAttribute('mtta', binOf(2))]: 1 });
      expect(quantilesOf(binsOf(items[0]!, 'mttr')).p90).toBeCloseTo(600, -2);
    });

    it('reads only the days asked for, both ends included', async () => {
      const store = await makeStore();
      const writes = change((a) => {
        for (const d of ['2026-02-28', '2026-03-01', '2026-03-15', '2026-03-31', '2026-04-01'])
          a.add(day(d), 'created', 1);
      });
      await store.applyTracked('INC-2', 1, undefined, null, writes);
      const { items } = await store.readDays(dayItemPk('INC', 'all', 'all'), '2026-03-01', '2026-03-31');
      expect(items.map((i) => i.SK)).toEqual(['2026-03-01', '2026-03-15', '2026-03-31']);
    });

    it('applies an event once under its id', async () => {
      const store = await makeStore();
      const sent = change((a) => a.add({ PK: dayItemPk('CSAT', 'all', 'all'), SK: '2026-03-03' }, 'sent', 1));
      const expires = Math.floor(Date.now() / 1000) + 3600;
      expect(await store.applyEvent('evt-1', sent, expires)).toBe('applied');
      expect(await store.applyEvent('evt-1', sent, expires)).toBe('already');
      const { items } = await store.readDays(dayItemPk('CSAT', 'all', 'all'), '2026-03-03', '2026-03-03');
      expect(items.map((i) => i.sent)).toEqual([1]);
    });

    it('keeps the freshness mark at the newest instant', async () => {
      const store = await makeStore();
      await store.markFresh('2026-03-02T10:00:00.000Z');
      await store.markFresh('2026-03-01T10:00:00.000Z');
      expect(await store.freshness()).toBe('2026-03-02T10:00:00.000Z');
    });

    it('keeps the backlog and snapshots it once per day', async () => {
      const store = await makeStore();
      await store.applyTracked(
        'INC-3',
        1,
        undefined,
        null,
        change((a) =>
          a
            .add(openKey('INC', 'all', 'all'), 'd2026-03-01', 2)
            .add(openKey('INC', 'group', 'net'), 'd2026-03-01', 1),
        ),
      );
      const open = await store.readOpen('INC');
      expect(open.map((i) => i.SK)).toEqual(['all#all', 'group#net']);
      expect(await store.readSnapshot('INC', '2026-03-01')).toBeUndefined();
      expect(await store.writeSnapshot('INC', '2026-03-01', open)).toBe(true);
      expect(await store.writeSnapshot('INC', '2026-03-01', [])).toBe(false);
      const snapshot = await store.readSnapshot('INC', '2026-03-01');
      expect(snapshot?.map((i) => [i.SK, i['d2026-03-01']])).toEqual([
        ['all#all', 2],
        ['group#net', 1],
      ]);
      expect(await store.readSnapshot('REQ', '2026-03-01')).toBeUndefined();
    });

    it('puts and deletes outage intervals, read by start', async () => {
      const store = await makeStore();
      const interval = (start: string, id: string) => ({
        ...outageKey('mail', start, id),
        incidentId: id,
        start,
        end: null,
      });
      await store.applyTracked(
        'INC-4',
        1,
        undefined,
        null,
        change((a) => {
          a.put(interval('2026-03-01T10:00:00.000Z', 'INC-4'));
          a.put(interval('2026-03-05T10:00:00.000Z', 'INC-5'));
        }),
      );
      expect(
        (await store.readOutages('mail', '2026-03-01T00:00:00.000Z', '2026-03-05T10:00:00.000Z')).map(
          (i) => i.incidentId,
        ),
      ).toEqual(['INC-4']);
      await store.applyTracked(
        'INC-4',
        2,
        1,
        null,
        change((_a, b) => b.put(interval('2026-03-01T10:00:00.000Z', 'INC-4'))),
      );
      expect(
        (await store.readOutages('mail', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z')).map(
          (i) => i.incidentId,
        ),
      ).toEqual(['INC-5']);
    });
  });
}
