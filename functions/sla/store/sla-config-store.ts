import type { Calendar } from '../calendar.js';
import type { SlaConfig } from '../clocks.js';
import type { SlaPolicy } from '../policy.js';

/** Calendars and SLA policies: small, read on every ticket write, written by admins. */
export interface SlaConfigStore {
  /** Every calendar and policy, in one read. */
  load(): Promise<SlaConfig>;
  /** Creates when `expectedVersion` is 0, else replaces that version; StaleWriteError otherwise. */
  putCalendar(calendar: Calendar, expectedVersion: number): Promise<void>;
  putPolicy(policy: SlaPolicy, expectedVersion: number): Promise<void>;
}
