import { compareKeys, putVersioned, storedCopy } from '../../shared/memory/in-memory-support.js';
import type { Calendar } from '../calendar.js';
import type { SlaConfig } from '../clocks.js';
import type { SlaPolicy } from '../policy.js';
import type { SlaConfigStore } from './sla-config-store.js';

/**
 * The SlaConfigStore in memory; answers as DynamoSlaConfigRepository does (the contract suite in
 * test/sla/store/sla-config-store.contract.ts runs against both): calendars and policies each in id
 * order (the table's sort-key order), versioned create-or-replace, copies in and out.
 */
export class InMemorySlaConfigStore implements SlaConfigStore {
  private readonly calendars = new Map<string, Calendar>();
  private readonly policies = new Map<string, SlaPolicy>();

  async load(): Promise<SlaConfig> {
    const calendars = [...this.calendars.values()].sort((a, b) => compareKeys(a.id, b.id));
    const policies = [...this.policies.values()].sort((a, b) => compareKeys(a.id, b.id));
    return {
      calendars: new Map(calendars.map((calendar) => [calendar.id, storedCopy(calendar)])),
      policies: policies.map(storedCopy),
    };
  }

  async putCalendar(calendar: Calendar, expectedVersion: number): Promise<void> {
    putVersioned(this.calendars, calendar, expectedVersion);
  }

  async putPolicy(policy: SlaPolicy, expectedVersion: number): Promise<void> {
    putVersioned(this.policies, policy, expectedVersion);
  }
}
