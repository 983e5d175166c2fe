import { type Caller, canReadAllTickets, isAdmin } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.js';
import { StaleWriteError } from '../shared/store.js';
import { upsertVersioned } from '../shared/versioned-upsert.js';
import {
  ALWAYS_ON_CALENDAR,
  ALWAYS_ON_CALENDAR_ID,
  type Calendar,
  DEFAULT_BUSINESS_CALENDAR,
} from './calendar.js';
import { DEFAULT_POLICIES, type PolicyDraft, type SlaPolicy } from './policy.js';
import type { SlaConfigStore } from './store/sla-config-store.js';

export type CalendarInput = Omit<Calendar, 'id' | 'version' | 'updatedAt'>;
export type PolicyInput = Omit<PolicyDraft, 'id'>;

/** Calendars and SLA policies: read with agent read rights, written by admins (docs/sla.md#policies). */
export class SlaAdminService {
  constructor(
    private readonly store: SlaConfigStore,
    private readonly clock: Clock,
  ) {}

  async listCalendars(caller: Caller): Promise<Calendar[]> {
    assertSlaConfigReader(caller);
    return [...(await this.store.load()).calendars.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async getCalendar(caller: Caller, id: string): Promise<Calendar> {
    assertSlaConfigReader(caller);
    const calendar = (await this.store.load()).calendars.get(id);
    if (!calendar) throw new NotFoundError(`calendar ${id} does not exist`);
    return calendar;
  }

  async listPolicies(caller: Caller): Promise<SlaPolicy[]> {
    assertSlaConfigReader(caller);
    return [...(await this.store.load()).policies].sort(
      (a, b) => a.order - b.order || a.id.localeCompare(b.id),
    );
  }

  async getPolicy(caller: Caller, id: string): Promise<SlaPolicy> {
    assertSlaConfigReader(caller);
    const policy = (await this.store.load()).policies.find((p) => p.id === id);
    if (!policy) throw new NotFoundError(`SLA policy ${id} does not exist`);
    return policy;
  }

  putCalendar(caller: Caller, id: string, input: CalendarInput, ifMatch?: number) {
    assertSlaAdmin(caller);
    if (id === ALWAYS_ON_CALENDAR_ID)
      throw new ConflictError('the 24x7 calendar always exists and cannot be changed', {
        code: 'calendar_read_only',
      });
    return upsertVersioned(
      id,
      ifMatch,
      async () => (await this.store.load()).calendars.get(id),
      async (version) => {
        const calendar: Calendar = { id, ...input, version, updatedAt: this.clock.now().toISOString() };
        await this.store.putCalendar(calendar, version - 1);
        return calendar;
      },
    );
  }

  putPolicy(caller: Caller, id: string, input: PolicyInput, ifMatch?: number) {
    assertSlaAdmin(caller);
    return upsertVersioned(
      id,
      ifMatch,
      async () => {
        const config = await this.store.load();
        if (!config.calendars.has(input.calendarId)) {
          throw new ValidationError([
            { path: 'calendarId', message: `calendar ${input.calendarId} does not exist` },
          ]);
        }
        return config.policies.find((p) => p.id === id);
      },
      async (version) => {
        const policy: SlaPolicy = { id, ...input, version, updatedAt: this.clock.now().toISOString() };
        await this.store.putPolicy(policy, version - 1);
        return policy;
      },
    );
  }

  /** Seeds the default calendars and policies once; existing ones (perhaps edited) are kept. */
  async seedDefaults(): Promise<void> {
    const updatedAt = this.clock.now().toISOString();
    const ignoreExisting = (error: unknown) => {
      if (!(error instanceof StaleWriteError)) throw error;
    };
    for (const calendar of [ALWAYS_ON_CALENDAR, DEFAULT_BUSINESS_CALENDAR]) {
      await this.store.putCalendar({ ...calendar, version: 1, updatedAt }, 0).catch(ignoreExisting);
    }
    for (const policy of DEFAULT_POLICIES) {
      await this.store.putPolicy({ ...policy, version: 1, updatedAt }, 0).catch(ignoreExisting);
    }
  }
}

/** Calendars and SLA policies are read with agent read rights. */
export function assertSlaConfigReader(caller: Caller): void {
  if (!canReadAllTickets(caller))
    throw new ForbiddenError('only agents, approvers and admins may read SLA configuration');
}

/** Calendars and SLA policies are written by admins only. */
export function assertSlaAdmin(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('only admins may change SLA configuration');
}
