import { beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../functions/changes/model.js';
import { changeKey } from '../../functions/changes/store/change-keys.js';
import { UnprocessableError } from '../../functions/shared/errors.js';
import { ann, type ChangeWorld, changeInput, changeWorld, inHours } from './change-world.js';
import { seedPaymentsGraph } from './cmdb-seed.js';

/**
 * The assessment with a CMDB behind it (docs/changes.md#risk-conflicts-freeze-windows): the
 * in-memory CmdbStore on the changes' table, read through the same ports production wires; the
 * graph is seedPaymentsGraph's (cmdb-seed.ts).
 */
const seedCmdb = (w: ChangeWorld) => seedPaymentsGraph(w.cmdb);

describe('assessment with the CMDB', () => {
  let w: ChangeWorld;
  beforeEach(async () => {
    w = await changeWorld();
    await seedCmdb(w);
  });

  /** Created, submitted and assessed: in flight, with its per-service items written. */
  async function assessedChange(
    ciIds: string[],
    input: Parameters<typeof changeInput>[0] = {},
  ): Promise<Change> {
    const { id } = await w.service.create(ann, changeInput({ ciIds, ...input }));
    await w.steps.submit(id);
    await w.steps.assess(id);
    return w.stored(id);
  }

  it('criticality 1 adds 2, three live business services add 1; technical and retired services do not count', async () => {
    const change = await assessedChange(['db-1']);
    expect(change.risk).toMatchObject({ level: 'medium', score: 3 });
    expect(change.risk?.reasons).toEqual(
      expect.arrayContaining([
        'highest CI criticality 1 (mission critical)',
        'affects 3 live business services (3 or more)',
      ]),
    );
  });

  it('a low-risk change lists its CMDB reasons too', async () => {
    const change = await assessedChange(['web-1']);
    expect(change.risk).toMatchObject({ level: 'low', score: 0 });
    expect(change.risk?.reasons).toEqual(
      expect.arrayContaining(['highest CI criticality 4', 'affects 1 live business service']),
    );
  });

  it('records the impacted services of a downstream analysis from its CIs', async () => {
    const change = await assessedChange(['db-1']);
    expect(change.impactedServices).toEqual([
      { id: 'payments', name: 'Service payments', criticality: 2, level: 2 },
    ]);
    const history = await w.changes.listHistory(change.id, { limit: 100 });
    const assessed = history.items.find((entry) => entry.action === 'assessed')!;
    expect(assessed.changes.map((c) => c.field)).toContain('impactedServices');
    expect(assessed.events[0]?.detail).toMatchObject({ impactedServices: change.impactedServices });
  });

  it('related_ci: an in-flight change one impact edge away, downstream or upstream, with the path', async () => {
    const downstream = await assessedChange(['lb-1']);
    const mine = await assessedChange(['app-1']);
    expect(mine.conflicts).toEqual([
      {
        kind: 'change',
        changeId: downstream.id,
        via: 'related_ci',
        ciIds: [],
        path: ['app-1', 'lb-1'],
        plannedStart: inHours(48),
        plannedEnd: inHours(50),
      },
    ]);
    // db-1 is one edge upstream of app-1 (and shares payments with it): related beats shared service.
    const upstream = await assessedChange(['db-1']);
    expect(upstream.conflicts).toEqual([
      expect.objectContaining({ changeId: mine.id, via: 'related_ci', path: ['db-1', 'app-1'] }),
    ]);
    expect(upstream.risk?.reasons).toContain('overlaps 1 other change(s) on related configuration items');
  });

  it('shared_service: an in-flight change whose closures list the same live business service', async () => {
    const theirs = await assessedChange(['pay-api']);
    await assessedChange(['crm-db']); // no services: no link
    await assessedChange(['tech-node']); // a technical service only: no link
    const mine = await assessedChange(['db-1']);
    expect(mine.conflicts).toEqual([
      {
        kind: 'change',
        changeId: theirs.id,
        via: 'shared_service',
        ciIds: [],
        serviceId: 'payments',
        plannedStart: inHours(48),
        plannedEnd: inHours(50),
      },
    ]);
    expect(mine.risk?.reasons).toContain('overlaps 1 other change(s) sharing a live business service');
  });

  it('one conflict per other change, the strongest: a shared CI beats the rest', async () => {
    const theirs = await assessedChange(['db-1', 'lb-1']);
    const mine = await assessedChange(['app-1', 'db-1']);
    expect(mine.conflicts).toEqual([
      expect.objectContaining({ changeId: theirs.id, via: 'same_ci', ciIds: ['db-1'] }),
    ]);
  });

  it('a freeze naming a service freezes the service and every CI of its closure', async () => {
    const now = w.clock.now().toISOString();
    await w.freezes.put(
      {
        id: 'pay-freeze',
        name: 'Payments freeze',
        start: inHours(47),
        end: inHours(49),
        reason: null,
        ciIds: [],
        serviceIds: ['payments'],
        createdAt: now,
        updatedAt: now,
        version: 1,
      },
      0,
    );
    const member = await assessedChange(['pay-api']);
    expect(member).toMatchObject({
      status: 'rejected',
      statusReason: 'planned window falls in freeze window pay-freeze',
    });
    expect((await assessedChange(['payments'])).status).toBe('rejected');
    const outside = await assessedChange(['web-1']);
    expect(outside.status).toBe('pending_approval');
    expect(outside.conflicts).toEqual([]);
  });
});

describe('creating a change: CI ids checked against the CMDB', () => {
  it('strict: unknown or retired CIs are 422 at ciIds.<i>, and nothing is written', async () => {
    const w = await changeWorld({ strictCiIds: true });
    await seedCmdb(w);
    const unknown = await w.service
      .create(ann, changeInput({ ciIds: ['db-1', 'nope', 'old-1'] }))
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(UnprocessableError);
    expect(unknown).toMatchObject({ code: 'unknown_ci', extensions: { errors: [{ path: 'ciIds.1' }] } });
    const retired = await w.service.create(ann, changeInput({ ciIds: ['db-1', 'old-1'] })).catch((e) => e);
    expect(retired).toMatchObject({ code: 'retired_ci', extensions: { errors: [{ path: 'ciIds.1' }] } });
    const created = await w.service.create(ann, changeInput({ ciIds: ['db-1', 'web-1'] }));
    expect(created).toMatchObject({ id: 'CHG-000001', unknownCiIds: [], impactedServices: [] });
  });

  it('not strict: unknown CIs are accepted and listed in unknownCiIds', async () => {
    const w = await changeWorld({ strictCiIds: false });
    await seedCmdb(w);
    const created = await w.service.create(ann, changeInput({ ciIds: ['db-1', 'nope', 'nope', 'old-1'] }));
    expect(created.unknownCiIds).toEqual(['nope']);
    expect((await w.stored(created.id)).unknownCiIds).toEqual(['nope']);
  });
});

describe('changes stored before the CMDB fields', () => {
  it('read with defaults: no unknown CIs, no impacted services, same_ci conflicts', async () => {
    const w = await changeWorld();
    const { id } = await w.service.create(ann, changeInput());
    w.table.update(changeKey(id), (current) => {
      const { unknownCiIds: _u, impactedServices: _i, ...rest } = current ?? {};
      return {
        ...rest,
        conflicts: [
          {
            kind: 'change',
            changeId: 'CHG-000009',
            ciIds: ['switch-1'],
            plannedStart: inHours(1),
            plannedEnd: inHours(2),
          },
        ],
      };
    });
    const change = await w.stored(id);
    expect(change).toMatchObject({ unknownCiIds: [], impactedServices: [] });
    expect(change.conflicts).toEqual([expect.objectContaining({ changeId: 'CHG-000009', via: 'same_ci' })]);
    expect((await w.changes.getMany([id]))[0]).toMatchObject({ unknownCiIds: [], impactedServices: [] });
    expect((await w.changes.list({}, { limit: 10 })).items[0]).toMatchObject({ unknownCiIds: [] });
  });
});
