import { beforeEach, describe, expect, it } from 'vitest';
import { WarrantyReminders } from '../../functions/cmdb/warranty.js';
import { admin, type CmdbWorld, cmdbWorld } from './cmdb-world.js';

/** T0 is 2026-11-23 10:00 UTC; a warranty ending 2027-01-10 is owed its notice at 2026-12-11 00:00 UTC. */
const UNTIL = '2027-01-10';
const NOTICE_AT = '2026-12-11T00:00:00.000Z';

describe('WarrantyReminders', () => {
  let w: CmdbWorld;
  const due = async () => (await w.store.listWarrantyDue('9999-12-31', { limit: 100 })).items;
  const notices = async (id: string) =>
    (await w.history(id)).filter((e) => e.action === 'warranty').flatMap((e) => e.events);
  const runAt = async (iso: string) => {
    w.clock.set(new Date(iso));
    return w.warranty.run();
  };

  beforeEach(async () => {
    w = await cmdbWorld();
    await w.put('sw-1', {
      class: 'network_device',
      name: 'Core switch',
      supportGroup: 'network',
      ownerGroup: 'dba',
      asset: { warrantyUntil: UNTIL },
    });
  });

  it('arms the notice 30 days before warrantyUntil, at midnight UTC', async () => {
    expect(await due()).toEqual([{ ciId: 'sw-1', noticeAt: NOTICE_AT }]);
  });

  it('raises `CI Warranty Expiring` once, when due', async () => {
    expect(await runAt('2026-12-10T23:59:59.999Z')).toEqual({ noticed: 0 });
    expect(await notices('sw-1')).toEqual([]);
    expect(await runAt(NOTICE_AT)).toEqual({ noticed: 1 });
    const entry = (await w.history('sw-1')).at(-1);
    expect(entry).toEqual({
      id: expect.any(String),
      recordId: 'sw-1',
      at: NOTICE_AT,
      actor: { id: 'opsdesk-cmdb', name: 'CMDB warranty reminder' },
      action: 'warranty',
      changes: [],
      events: [
        {
          detailType: 'CI Warranty Expiring',
          detail: {
            ciId: 'sw-1',
            name: 'Core switch',
            warrantyUntil: UNTIL,
            supportGroup: 'network',
            ownerGroup: 'dba',
          },
        },
      ],
    });
    expect(await due()).toEqual([]);
    expect(await runAt('2026-12-11T00:01:00.000Z')).toEqual({ noticed: 0 });
    expect(await runAt('2027-01-09T00:00:00.000Z')).toEqual({ noticed: 0 });
    expect(await notices('sw-1')).toHaveLength(1);
    // The notice is no write of the CI.
    expect((await w.store.getCi('sw-1'))?.version).toBe(1);
  });

  it('records a notice once when two runs overlap', async () => {
    w.clock.set(new Date(NOTICE_AT));
    const other = new WarrantyReminders(w.store, w.clock, w.newId);
    const outcomes = await Promise.all([w.warranty.run(), other.run()]);
    expect(outcomes.reduce((sum, o) => sum + o.noticed, 0)).toBe(1);
    expect(await notices('sw-1')).toHaveLength(1);
  });

  it('does not re-arm on a write that leaves the warranty as it was', async () => {
    await runAt(NOTICE_AT);
    await w.put('sw-1', {
      class: 'network_device',
      name: 'Core switch renamed',
      status: 'maintenance',
      supportGroup: 'network',
      ownerGroup: 'dba',
      asset: { warrantyUntil: UNTIL, vendor: 'Acme' },
    });
    expect(await due()).toEqual([]);
    expect(await runAt('2026-12-20T00:00:00.000Z')).toEqual({ noticed: 0 });
  });

  it('keeps an armed notice through a write that leaves the warranty as it was', async () => {
    await w.put('sw-1', { class: 'network_device', name: 'Renamed', asset: { warrantyUntil: UNTIL } });
    expect(await due()).toEqual([{ ciId: 'sw-1', noticeAt: NOTICE_AT }]);
    expect(await runAt(NOTICE_AT)).toEqual({ noticed: 1 });
    expect((await notices('sw-1'))[0]?.detail).toMatchObject({ name: 'Renamed', supportGroup: null });
  });

  it('re-arms for a changed warranty, after a notice was sent', async () => {
    await runAt(NOTICE_AT);
    await w.put('sw-1', {
      class: 'network_device',
      name: 'Core switch',
      asset: { warrantyUntil: '2027-06-30' },
    });
    expect(await due()).toEqual([{ ciId: 'sw-1', noticeAt: '2027-05-31T00:00:00.000Z' }]);
    expect(await runAt('2027-05-30T12:00:00.000Z')).toEqual({ noticed: 0 });
    expect(await runAt('2027-05-31T00:00:00.000Z')).toEqual({ noticed: 1 });
    expect((await notices('sw-1')).map((e) => e.detail.warrantyUntil)).toEqual([UNTIL, '2027-06-30']);
  });

  it('moves an armed notice when the warranty changes before it is due', async () => {
    await w.put('sw-1', {
      class: 'network_device',
      name: 'Core switch',
      asset: { warrantyUntil: '2027-02-01' },
    });
    expect(await due()).toEqual([{ ciId: 'sw-1', noticeAt: '2027-01-02T00:00:00.000Z' }]);
    expect(await runAt(NOTICE_AT)).toEqual({ noticed: 0 });
    expect(await runAt('2027-01-02T00:00:00.000Z')).toEqual({ noticed: 1 });
  });

  it('disarms for a retired CI, and re-arms when an admin brings it back', async () => {
    await w.put('sw-1', { class: 'network_device', status: 'retired', asset: { warrantyUntil: UNTIL } });
    expect(await due()).toEqual([]);
    expect(await runAt(NOTICE_AT)).toEqual({ noticed: 0 });
    await w.put(
      'sw-1',
      { class: 'network_device', status: 'active', asset: { warrantyUntil: UNTIL } },
      admin,
    );
    expect(await due()).toEqual([{ ciId: 'sw-1', noticeAt: NOTICE_AT }]);
    expect(await w.warranty.run()).toEqual({ noticed: 1 });
  });

  it('disarms when the warranty is removed', async () => {
    await w.put('sw-1', { class: 'network_device', asset: {} });
    expect(await due()).toEqual([]);
    expect(await runAt(NOTICE_AT)).toEqual({ noticed: 0 });
  });

  it('arms nothing for a warranty already over, and notices at once one ending within 30 days', async () => {
    await w.put('gone', { asset: { warrantyUntil: '2026-11-22' } });
    await w.put('soon', { asset: { warrantyUntil: '2026-12-01' } });
    expect(await due()).toEqual([
      { ciId: 'soon', noticeAt: '2026-11-01T00:00:00.000Z' },
      { ciId: 'sw-1', noticeAt: NOTICE_AT },
    ]);
    expect(await w.warranty.run()).toEqual({ noticed: 1 });
    expect(await notices('soon')).toHaveLength(1);
    expect(await notices('gone')).toEqual([]);
  });

  it('works through more than one page of due notices in a run', async () => {
    for (let i = 0; i < 120; i++)
      await w.put(`pc-${String(i).padStart(3, '0')}`, {
        class: 'workstation',
        asset: { warrantyUntil: '2026-12-05' },
      });
    expect(await runAt(NOTICE_AT)).toEqual({ noticed: 121 });
    expect(await due()).toEqual([]);
    expect(await notices('pc-119')).toHaveLength(1);
  });
});
