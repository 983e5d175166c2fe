import { beforeEach, describe, expect, it } from 'vitest';
import { GroupService } from '../../functions/groups/service.js';
import { InMemoryGroupStore } from '../../functions/groups/store/in-memory-group-store.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { ForbiddenError, NotFoundError, PreconditionFailedError } from '../../functions/shared/errors.js';
import { admin, agent, alice, approver } from '../domain/fixtures.js';
import { at } from '../sla/fixtures.js';

// GroupService on the in-memory store (its contract suite holds it to the DynamoDB adapter).
describe('GroupService', () => {
  let clock: TestClock;
  let store: InMemoryGroupStore;
  let groups: GroupService;

  beforeEach(() => {
    clock = new TestClock();
    clock.freeze(new Date(at(0)));
    store = new InMemoryGroupStore();
    groups = new GroupService(store, clock);
  });

  /** What `act` failed with; some methods throw before returning their promise (authorization). */
  const rejection = async (act: () => Promise<unknown>): Promise<unknown> => {
    try {
      await act();
    } catch (error) {
      return error;
    }
    return expect.unreachable('expected a rejection');
  };

  it('admins create then replace; members are kept once; createdAt stays', async () => {
    const created = await groups.put(admin, 'network', { name: 'Network', members: ['ann', 'ann', 'bo'] });
    expect(created).toEqual({
      created: true,
      record: {
        id: 'network',
        name: 'Network',
        members: ['ann', 'bo'],
        email: null,
        calendarId: null,
        createdAt: at(0),
        updatedAt: at(0),
        version: 1,
      },
    });
    clock.set(new Date(at(5)));
    const replaced = await groups.put(
      admin,
      'network',
      { name: 'Net', members: [], email: 'net@example.com' },
      1,
    );
    expect(replaced).toMatchObject({
      created: false,
      record: { version: 2, createdAt: at(0), updatedAt: at(5) },
    });
    expect(await groups.get(agent, 'network')).toEqual(replaced.record);
  });

  it('a stale If-Match is PreconditionFailedError with the current version; without it the latest wins', async () => {
    await groups.put(admin, 'desk', { name: 'Desk', members: [] });
    await groups.put(admin, 'desk', { name: 'Desk 2', members: [] });
    const stale = await rejection(() => groups.put(admin, 'desk', { name: 'late', members: [] }, 1));
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect((stale as PreconditionFailedError).extensions.currentVersion).toBe(2);
    expect((await store.get('desk'))!.name).toBe('Desk 2');
  });

  it('agents and approvers read, admins write, requesters do neither', async () => {
    await groups.seedDefaults();
    expect((await groups.list(approver, { limit: 10 })).items.map((g) => g.id)).toEqual([
      'change-managers',
      'ecab',
      'service-desk',
    ]);
    expect(await rejection(() => groups.put(agent, 'x', { name: 'x', members: [] }))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await rejection(() => groups.list(alice, { limit: 10 }))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(() => groups.get(agent, 'nope'))).toBeInstanceOf(NotFoundError);
  });

  it('seeding twice keeps an edited default group as it is', async () => {
    await groups.seedDefaults();
    await groups.put(admin, 'service-desk', { name: 'Desk', members: ['ann'] }, 1);
    await groups.seedDefaults();
    expect(await store.get('service-desk')).toMatchObject({ name: 'Desk', members: ['ann'], version: 2 });
  });
});
