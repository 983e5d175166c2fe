import { beforeEach, describe, expect, it } from 'vitest';
import type { Ci } from '../../functions/cmdb/model.js';
import { ciKey } from '../../functions/cmdb/store/cmdb-keys.js';
import type { RelationshipWrite } from '../../functions/cmdb/store/cmdb-store.js';
import { InMemoryCmdbStore } from '../../functions/cmdb/store/in-memory-cmdb-store.js';
import {
  ConflictError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from '../../functions/shared/errors.js';
import { InMemoryTable } from '../../functions/shared/memory/in-memory-table.js';
import { agent, at, type CmdbWorld, cmdbWorld, problem, rejection } from './cmdb-world.js';

describe('RelationshipService', () => {
  let w: CmdbWorld;
  beforeEach(async () => {
    w = await cmdbWorld();
    await w.put('app', { class: 'application', name: 'Payroll app' });
    await w.put('db', { class: 'database', name: 'Payroll DB' });
    await w.put('vm', { class: 'virtual_machine', name: 'VM' });
    await w.put('old', { name: 'Old box' });
    await w.put('old', { name: 'Old box', status: 'retired' });
    await w.putService('orders', { portfolioStatus: 'live' });
    await w.putService('platform', { class: 'technical_service' });
  });

  const triple = { source: 'app', type: 'depends_on', target: 'db' };

  describe('add', () => {
    it('creates the relationship on both sides, with a history entry each and one event', async () => {
      w.clock.advance(3);
      const outcome = await w.relationships.add(agent, 'app', { type: 'depends_on', target: 'db' });
      expect(outcome).toEqual({
        relationship: { ...triple, createdAt: at(3), createdBy: 'ann' },
        created: true,
      });
      const fromApp = await w.relationships.list('app', {}, { limit: 10 });
      expect(fromApp.items).toEqual([
        {
          type: 'depends_on',
          label: 'depends_on',
          direction: 'out',
          ciId: 'db',
          ciName: 'Payroll DB',
          ciClass: 'database',
          createdAt: at(3),
          createdBy: 'ann',
        },
      ]);
      const fromDb = await w.relationships.list('db', {}, { limit: 10 });
      expect(fromDb.items).toEqual([
        {
          type: 'depends_on',
          label: 'used_by',
          direction: 'in',
          ciId: 'app',
          ciName: 'Payroll app',
          ciClass: 'application',
          createdAt: at(3),
          createdBy: 'ann',
        },
      ]);
      const appEntry = (await w.history('app')).at(-1);
      const dbEntry = (await w.history('db')).at(-1);
      const changes = [{ field: 'relationships', from: null, to: triple }];
      expect(appEntry).toMatchObject({
        recordId: 'app',
        at: at(3),
        actor: { id: 'ann', name: 'Ann' },
        action: 'relationship_added',
        changes,
        events: [{ detailType: 'CI Relationship Added', detail: triple }],
      });
      expect(dbEntry).toMatchObject({ recordId: 'db', action: 'relationship_added', changes, events: [] });
      expect(appEntry?.id).not.toBe(dbEntry?.id);
      // Relationships are bookkeeping on the CI item: its version does not move.
      expect((await w.store.getCi('app'))?.version).toBe(1);
    });

    it('answers the same triple again with created false and the stored createdAt, writing nothing', async () => {
      await w.relate('app', 'depends_on', 'db');
      const entries = (await w.history('app')).length;
      w.clock.advance(60);
      const again = await w.relationships.add({ ...agent, id: 'bob', name: 'Bob' }, 'app', {
        type: 'depends_on',
        target: 'db',
      });
      expect(again).toEqual({
        relationship: { ...triple, createdAt: at(0), createdBy: 'ann' },
        created: false,
      });
      expect(await w.history('app')).toHaveLength(entries);
      expect((await w.relationships.list('app', {}, { limit: 10 })).items).toHaveLength(1);
    });

    it('refuses a relationship to itself at `target` and an unknown type at `type` (400)', async () => {
      const self = await rejection(w.relationships.add(agent, 'app', { type: 'depends_on', target: 'app' }));
      expect(self).toBeInstanceOf(ValidationError);
      expect(problem(self)).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [{ path: 'target', message: 'a CI cannot relate to itself' }],
      });
      const type = await rejection(w.relationships.add(agent, 'app', { type: 'likes', target: 'db' }));
      expect(problem(type)).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [{ path: 'type', message: 'unknown relationship type likes' }],
      });
      // A reverse label is not a type one may create.
      const reverse = await rejection(w.relationships.add(agent, 'db', { type: 'used_by', target: 'app' }));
      expect((reverse as ValidationError).errors[0]?.path).toBe('type');
    });

    it('404 for an unknown source', async () => {
      const missing = await rejection(
        w.relationships.add(agent, 'nope', { type: 'depends_on', target: 'db' }),
      );
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.code).toBe('not_found');
    });

    it('422 unknown_ci / retired_ci at `target` for an unknown or retired target', async () => {
      const unknown = await rejection(
        w.relationships.add(agent, 'app', { type: 'depends_on', target: 'ghost' }),
      );
      expect(unknown).toBeInstanceOf(UnprocessableError);
      expect(problem(unknown)).toEqual({
        status: 422,
        code: 'unknown_ci',
        errors: [{ path: 'target', message: 'unknown CI ghost' }],
      });
      const retired = await rejection(w.relationships.add(agent, 'app', { type: 'runs_on', target: 'old' }));
      expect(problem(retired)).toEqual({
        status: 422,
        code: 'retired_ci',
        errors: [{ path: 'target', message: 'CI old is retired' }],
      });
      expect((await w.relationships.list('app', {}, { limit: 10 })).items).toEqual([]);
    });

    it('422 retired_ci for a retired source', async () => {
      const refused = await rejection(w.relationships.add(agent, 'old', { type: 'runs_on', target: 'vm' }));
      expect(problem(refused)).toEqual({
        status: 422,
        code: 'retired_ci',
        errors: [{ path: '', message: 'the CI is retired' }],
      });
      expect((await w.relationships.list('vm', {}, { limit: 10 })).items).toEqual([]);
    });

    it('lets a service be the target only of depends_on from another service', async () => {
      const notAllowed = {
        status: 422,
        code: 'relationship_not_allowed',
        errors: [
          { path: 'target', message: 'a service may be the target only of depends_on from another service' },
        ],
      };
      const fromCi = await rejection(
        w.relationships.add(agent, 'app', { type: 'depends_on', target: 'orders' }),
      );
      expect(problem(fromCi)).toEqual(notAllowed);
      const otherType = await rejection(
        w.relationships.add(agent, 'orders', { type: 'runs_on', target: 'platform' }),
      );
      expect(problem(otherType)).toEqual(notAllowed);
      const contains = await rejection(
        w.relationships.add(agent, 'vm', { type: 'contains', target: 'orders' }),
      );
      expect(problem(contains)).toEqual(notAllowed);
      // A service depending on another service, or on any CI, is fine.
      expect(
        (await w.relationships.add(agent, 'orders', { type: 'depends_on', target: 'platform' })).created,
      ).toBe(true);
      expect(
        (await w.relationships.add(agent, 'orders', { type: 'depends_on', target: 'app' })).created,
      ).toBe(true);
      // ...and a service may be the source of other types.
      expect((await w.relationships.add(agent, 'platform', { type: 'runs_on', target: 'vm' })).created).toBe(
        true,
      );
    });

    describe('containment', () => {
      beforeEach(async () => {
        for (const id of ['rack-1', 'rack-2', 'box', 'blade']) await w.put(id);
      });

      it('gives a CI one container at most: 409 already_contained naming it', async () => {
        expect(
          (await w.relationships.add(agent, 'rack-1', { type: 'contains', target: 'box' })).created,
        ).toBe(true);
        const second = await rejection(
          w.relationships.add(agent, 'rack-2', { type: 'contains', target: 'box' }),
        );
        expect(second).toBeInstanceOf(ConflictError);
        expect(problem(second)).toEqual({ status: 409, code: 'already_contained', containedBy: 'rack-1' });
        expect((await w.relationships.list('rack-2', {}, { limit: 10 })).items).toEqual([]);
        expect(await w.history('rack-2')).toHaveLength(1);
        // Once taken out, it may go elsewhere.
        await w.relationships.remove(agent, 'box', 'contained_by', 'rack-1');
        expect(
          (await w.relationships.add(agent, 'rack-2', { type: 'contains', target: 'box' })).created,
        ).toBe(true);
      });

      it('refuses a containment cycle at any depth: 409 containment_cycle', async () => {
        await w.relate('rack-1', 'contains', 'box');
        await w.relate('box', 'contains', 'blade');
        const direct = await rejection(
          w.relationships.add(agent, 'box', { type: 'contains', target: 'rack-1' }),
        );
        expect(problem(direct)).toEqual({ status: 409, code: 'containment_cycle' });
        const deep = await rejection(
          w.relationships.add(agent, 'blade', { type: 'contains', target: 'rack-1' }),
        );
        expect(problem(deep)).toEqual({ status: 409, code: 'containment_cycle' });
        expect((await w.relationships.list('blade', { direction: 'out' }, { limit: 10 })).items).toEqual([]);
      });
    });

    it('409 too_many_relationships when a CI holds 500 in that direction', async () => {
      w.store.table.update(ciKey('app'), (item) => ({ ...item, relationshipsOut: 500 }));
      const refused = await rejection(
        w.relationships.add(agent, 'app', { type: 'depends_on', target: 'db' }),
      );
      expect(problem(refused)).toEqual({
        status: 409,
        code: 'too_many_relationships',
        ciId: 'app',
        limit: 500,
      });
      w.store.table.update(ciKey('db'), (item) => ({ ...item, relationshipsIn: 500 }));
      w.store.table.update(ciKey('app'), (item) => ({ ...item, relationshipsOut: 499 }));
      const full = await rejection(w.relationships.add(agent, 'app', { type: 'depends_on', target: 'db' }));
      expect(problem(full)).toEqual({ status: 409, code: 'too_many_relationships', ciId: 'db', limit: 500 });
    });

    it('maps a target retired between the read and the write to 422 retired_ci at `target`', async () => {
      const racing = new RetiringStore();
      const r = await cmdbWorld({ store: racing });
      await r.put('app', { class: 'application' });
      await r.put('db', { class: 'database' });
      racing.retireBeforeNextAdd = 'db';
      const refused = await rejection(
        r.relationships.add(agent, 'app', { type: 'depends_on', target: 'db' }),
      );
      expect(problem(refused)).toEqual({
        status: 422,
        code: 'retired_ci',
        errors: [{ path: 'target', message: 'CI db is retired' }],
      });
      expect((await r.relationships.list('app', {}, { limit: 10 })).items).toEqual([]);
    });
  });

  describe('remove', () => {
    beforeEach(async () => {
      await w.relate('app', 'depends_on', 'db');
      await w.relate('app', 'connected_to', 'vm');
    });

    it('removes by type from the source, with an entry on both sides and one event', async () => {
      w.clock.advance(7);
      await w.relationships.remove(agent, 'app', 'depends_on', 'db');
      expect((await w.relationships.list('app', { type: 'depends_on' }, { limit: 10 })).items).toEqual([]);
      expect((await w.relationships.list('db', {}, { limit: 10 })).items).toEqual([]);
      const changes = [{ field: 'relationships', from: triple, to: null }];
      expect((await w.history('app')).at(-1)).toMatchObject({
        at: at(7),
        action: 'relationship_removed',
        changes,
        events: [{ detailType: 'CI Relationship Removed', detail: triple }],
      });
      expect((await w.history('db')).at(-1)).toMatchObject({
        action: 'relationship_removed',
        changes,
        events: [],
      });
    });

    it('removes by reverse label from the target', async () => {
      await w.relationships.remove(agent, 'db', 'used_by', 'app');
      expect((await w.relationships.list('app', { type: 'depends_on' }, { limit: 10 })).items).toEqual([]);
      const event = (await w.history('app')).at(-1)?.events[0];
      expect(event).toEqual({ detailType: 'CI Relationship Removed', detail: triple });
    });

    it('404 when the label names the other side, is unknown, or the relationship is gone', async () => {
      for (const [id, label, other] of [
        ['db', 'depends_on', 'app'], // db is the target: its label is used_by
        ['app', 'used_by', 'db'],
        ['app', 'likes', 'db'],
        ['app', 'runs_on', 'db'],
        ['app', 'depends_on', 'ghost'],
        ['ghost', 'depends_on', 'db'],
      ] as const) {
        const refused = await rejection(w.relationships.remove(agent, id, label, other));
        expect(refused, `${id} ${label} ${other}`).toBeInstanceOf(NotFoundError);
      }
      expect((await w.relationships.list('app', { type: 'depends_on' }, { limit: 10 })).items).toHaveLength(
        1,
      );
      await w.relationships.remove(agent, 'app', 'depends_on', 'db');
      expect(await rejection(w.relationships.remove(agent, 'app', 'depends_on', 'db'))).toBeInstanceOf(
        NotFoundError,
      );
    });

    it('removes a symmetric relationship from either side by its type', async () => {
      await w.relationships.remove(agent, 'vm', 'connected_to', 'app');
      expect((await w.relationships.list('app', {}, { limit: 10 })).items.map((r) => r.type)).toEqual([
        'depends_on',
      ]);
      await w.relate('app', 'connected_to', 'vm');
      await w.relationships.remove(agent, 'app', 'connected_to', 'vm');
      expect((await w.relationships.list('vm', {}, { limit: 10 })).items).toEqual([]);
    });

    it('removes a relationship with a retired CI', async () => {
      await w.put('db', { class: 'database', name: 'Payroll DB', status: 'retired' });
      await w.relationships.remove(agent, 'app', 'depends_on', 'db');
      expect((await w.relationships.list('db', {}, { limit: 10 })).items).toEqual([]);
    });
  });

  describe('list', () => {
    it("filters by type and direction and shows the other CI's current name; 404 for an unknown CI", async () => {
      await w.relate('app', 'depends_on', 'db');
      await w.relate('app', 'runs_on', 'vm');
      await w.relate('orders', 'depends_on', 'app');
      await w.put('vm', { class: 'virtual_machine', name: 'VM renamed' });
      const out = await w.relationships.list('app', { direction: 'out' }, { limit: 10 });
      expect(out.items.map((r) => [r.type, r.ciId, r.ciName])).toEqual([
        ['depends_on', 'db', 'Payroll DB'],
        ['runs_on', 'vm', 'VM renamed'],
      ]);
      const incoming = await w.relationships.list('app', { direction: 'in' }, { limit: 10 });
      expect(incoming.items.map((r) => [r.label, r.ciId, r.ciClass])).toEqual([
        ['used_by', 'orders', 'business_service'],
      ]);
      const runsOn = await w.relationships.list('app', { type: 'runs_on' }, { limit: 10 });
      expect(runsOn.items.map((r) => r.ciId)).toEqual(['vm']);
      expect(await rejection(w.relationships.list('ghost', {}, { limit: 10 }))).toBeInstanceOf(NotFoundError);
    });
  });
});

/** A store on which a CI is retired between the service's read and its relationship write. */
class RetiringStore extends InMemoryCmdbStore {
  retireBeforeNextAdd: string | undefined;

  constructor() {
    super(new InMemoryTable());
  }

  override async addRelationship(write: RelationshipWrite): Promise<boolean> {
    const id = this.retireBeforeNextAdd;
    this.retireBeforeNextAdd = undefined;
    if (id) {
      const before = (await this.getCi(id)) as Ci;
      const after: Ci = { ...before, status: 'retired', version: before.version + 1 };
      await this.putCi({
        before,
        after,
        history: {
          id: `retire-${id}`,
          recordId: id,
          at: after.updatedAt,
          actor: { id: 'bob', name: 'Bob' },
          action: 'updated',
          changes: [{ field: 'status', from: before.status, to: 'retired' }],
          events: [],
        },
      });
    }
    return super.addRelationship(write);
  }
}
