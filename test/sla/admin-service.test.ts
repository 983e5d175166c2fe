import { beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import {
  ConflictError,
  ForbiddenError,
  PreconditionFailedError,
  ValidationError,
} from '../../functions/shared/errors.js';
import { type CalendarInput, SlaAdminService } from '../../functions/sla/admin-service.js';
import { InMemorySlaConfigStore } from '../../functions/sla/store/in-memory-sla-config-store.js';
import { admin, agent, alice } from '../domain/fixtures.js';
import { at } from './fixtures.js';

// SlaAdminService on the in-memory store (its contract suite holds it to the DynamoDB adapter).
describe('SlaAdminService', () => {
  let store: InMemorySlaConfigStore;
  let sla: SlaAdminService;

  beforeEach(async () => {
    const clock = new TestClock();
    clock.freeze(new Date(at(0)));
    store = new InMemorySlaConfigStore();
    sla = new SlaAdminService(store, clock);
    await sla.seedDefaults();
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
  const berlin: CalendarInput = {
    name: 'Berlin office',
    timezone: 'Europe/Berlin',
    hours: { mon: [['09:00', '17:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    holidays: ['2026-12-25'],
  };

  it('seeds the 24x7 and business-hours calendars and P1–P4 policies, once', async () => {
    await sla.seedDefaults();
    expect((await sla.listCalendars(agent)).map((c) => [c.id, c.version])).toEqual([
      ['24x7', 1],
      ['business-hours', 1],
    ]);
    expect((await sla.listPolicies(agent)).map((p) => p.id)).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('admins create and replace calendars; a stale If-Match is 412 with the current version', async () => {
    expect(await sla.putCalendar(admin, 'berlin', berlin)).toMatchObject({
      created: true,
      record: { version: 1 },
    });
    expect(await sla.putCalendar(admin, 'berlin', { ...berlin, holidays: [] }, 1)).toMatchObject({
      created: false,
      record: { version: 2, holidays: [] },
    });
    const stale = await rejection(() => sla.putCalendar(admin, 'berlin', berlin, 1));
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect((stale as PreconditionFailedError).extensions.currentVersion).toBe(2);
    expect(await rejection(() => sla.putCalendar(admin, '24x7', berlin))).toBeInstanceOf(ConflictError);
    expect(await rejection(() => sla.putCalendar(agent, 'x', berlin))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(() => sla.listCalendars(alice))).toBeInstanceOf(ForbiddenError);
  });

  it('a policy must name an existing calendar; a new one applies by its order', async () => {
    const input = {
      name: 'VIP incidents',
      order: 1,
      match: { type: 'incident' as const, priority: [1, 2] },
      calendarId: 'berlin',
      targets: { firstResponse: 10, resolution: 60 },
      warnAt: 0.8,
      pauseOn: ['on_hold' as const],
    };
    const unknown = await rejection(() => sla.putPolicy(admin, 'vip', input));
    expect(unknown).toBeInstanceOf(ValidationError);
    expect((unknown as ValidationError).errors[0]!.path).toBe('calendarId');
    await sla.putCalendar(admin, 'berlin', berlin);
    await sla.putPolicy(admin, 'vip', input);
    expect((await sla.listPolicies(agent)).map((p) => p.id)).toEqual(['vip', 'p1', 'p2', 'p3', 'p4']);
    expect(await sla.getPolicy(agent, 'vip')).toMatchObject({ calendarId: 'berlin', version: 1 });
  });
});
