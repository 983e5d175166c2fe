import {
  ALWAYS_ON_CALENDAR,
  type Calendar,
  DEFAULT_BUSINESS_CALENDAR,
} from '../../functions/sla/calendar.js';
import type { SlaConfig } from '../../functions/sla/clocks.js';
import { DEFAULT_POLICIES, type SlaPolicy } from '../../functions/sla/policy.js';

/** Monday 23 Nov 2026, 10:00 UTC: inside the default business hours (Mon–Fri 09–17 UTC). */
export const T0 = Date.parse('2026-11-23T10:00:00.000Z');

/** The instant `minutes` after T0, as the ISO string records carry. */
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const seeded = { version: 1, updatedAt: '2026-01-01T00:00:00.000Z' };

export const alwaysOn: Calendar = { ...ALWAYS_ON_CALENDAR, ...seeded };
export const businessHours: Calendar = { ...DEFAULT_BUSINESS_CALENDAR, ...seeded };
export const defaultPolicies: SlaPolicy[] = DEFAULT_POLICIES.map((policy) => ({ ...policy, ...seeded }));

/** The seeded configuration: P1 on 24x7 (15 min / 4 h, warning at 80 %), P2–P4 on business hours. */
export const defaultSlaConfig: SlaConfig = {
  policies: defaultPolicies,
  calendars: new Map([alwaysOn, businessHours].map((calendar) => [calendar.id, calendar])),
};
