import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StaleWriteError } from '../../../functions/shared/store.js';
import type { Calendar } from '../../../functions/sla/calendar.js';
import type { SlaPolicy } from '../../../functions/sla/policy.js';
import type { SlaConfigStore } from '../../../functions/sla/store/sla-config-store.js';
import { alwaysOn, businessHours, defaultPolicies } from '../fixtures.js';

export interface SlaConfigStoreUnderTest {
  readonly store: SlaConfigStore;
  readonly cleanup: () => Promise<void>;
}

const p = (id: string) => defaultPolicies.find((policy) => policy.id === id)!;

/**
 * What every SlaConfigStore adapter must do: every ticket write loads the whole configuration in
 * one read, admins create and replace calendars and policies with optimistic versions (the seed
 * relies on "exists" being a StaleWriteError). Run against the in-memory adapter (unit project) and
 * DynamoDB Local (integration project); each test gets an empty store.
 */
export function slaConfigStoreContract(
  name: string,
  makeStore: () => Promise<SlaConfigStoreUnderTest>,
): void {
  describe(`SlaConfigStore contract: ${name}`, () => {
    let store: SlaConfigStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('an empty store loads no calendars and no policies', async () => {
      const config = await store.load();
      expect([...config.calendars]).toEqual([]);
      expect(config.policies).toEqual([]);
    });

    it('loads every calendar and policy as written, each kind in id order', async () => {
      await store.putPolicy(p('p3'), 0);
      await store.putCalendar(businessHours, 0);
      await store.putPolicy(p('p1'), 0);
      await store.putCalendar(alwaysOn, 0);
      await store.putPolicy(p('p2'), 0);
      const config = await store.load();
      expect([...config.calendars.keys()]).toEqual(['24x7', 'business-hours']);
      expect(config.calendars.get('business-hours')).toEqual(businessHours);
      expect(config.calendars.get('24x7')).toEqual(alwaysOn);
      expect(config.policies).toEqual([p('p1'), p('p2'), p('p3')]);
    });

    it('a calendar and a policy may share an id: they are different records', async () => {
      const calendar: Calendar = { ...alwaysOn, id: 'same' };
      const policy: SlaPolicy = { ...p('p1'), id: 'same' };
      await store.putCalendar(calendar, 0);
      await store.putPolicy(policy, 0);
      const config = await store.load();
      expect(config.calendars.get('same')).toEqual(calendar);
      expect(config.policies).toEqual([policy]);
    });

    it('stores no undefined properties (a policy matching any type has no `type`)', async () => {
      const policy: SlaPolicy = { ...p('p1'), match: { type: undefined, priority: [1] } };
      await store.putPolicy(policy, 0);
      const [loaded] = (await store.load()).policies;
      expect(loaded!.match).toEqual({ priority: [1] });
      expect(loaded!.match).not.toHaveProperty('type');
    });

    it('hands out copies: changing what was written or loaded changes nothing stored', async () => {
      const calendar: Calendar = structuredClone(businessHours);
      await store.putCalendar(calendar, 0);
      (calendar.holidays as string[]).push('2026-12-24');
      const loaded = (await store.load()).calendars.get('business-hours')!;
      (loaded.hours.mon as unknown as string[][]).push(['18:00', '19:00']);
      expect((await store.load()).calendars.get('business-hours')).toEqual(businessHours);
    });

    for (const kind of ['calendar', 'policy'] as const) {
      describe(`${kind} versions`, () => {
        const record = (version: number, name: string) =>
          kind === 'calendar' ? { ...businessHours, version, name } : { ...p('p2'), version, name };
        const put = (r: ReturnType<typeof record>, expected: number) =>
          kind === 'calendar'
            ? store.putCalendar(r as Calendar, expected)
            : store.putPolicy(r as SlaPolicy, expected);
        const current = async () => {
          const config = await store.load();
          return kind === 'calendar' ? config.calendars.get(businessHours.id) : config.policies[0];
        };

        it('creating one that exists is a stale write naming the current version', async () => {
          await put(record(1, 'first'), 0);
          const error = await put(record(1, 'second'), 0).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(StaleWriteError);
          expect(error).toMatchObject({ currentVersion: 1 });
          expect((await current())!.name).toBe('first');
        });

        it('replaces exactly the expected version; a stale one changes nothing', async () => {
          await put(record(1, 'first'), 0);
          await put(record(2, 'second'), 1);
          const error = await put(record(2, 'late'), 1).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(StaleWriteError);
          expect(error).toMatchObject({ currentVersion: 2 });
          expect(await current()).toMatchObject({ name: 'second', version: 2 });
        });

        it('replacing one that does not exist is stale, with no current version', async () => {
          const error = await put(record(2, 'ghost'), 1).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(StaleWriteError);
          expect((error as StaleWriteError).currentVersion).toBeUndefined();
          expect(await current()).toBeUndefined();
        });
      });
    }
  });
}
