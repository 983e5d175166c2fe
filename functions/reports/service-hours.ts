import { ciDirectory } from '../cmdb/store/wiring.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { ALWAYS_ON_CALENDAR_ID } from '../sla/calendar.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import type { ServiceHoursLookup } from './report-service.js';

/** Services' hours and targets from the CMDB, calendars from the SLA configuration. */
export function serviceHoursOf(deps: TableDeps): ServiceHoursLookup {
  const directory = ciDirectory(deps);
  const config = slaConfigStore(deps);
  return async (serviceId) => {
    const [services, { calendars }] = await Promise.all([directory.services([serviceId]), config.load()]);
    const service = services.get(serviceId)?.service;
    if (!service) return undefined;
    const calendar = calendars.get(service.serviceHoursCalendarId) ?? calendars.get(ALWAYS_ON_CALENDAR_ID);
    if (!calendar) return undefined;
    return { calendar, target: service.availabilityTarget ?? null };
  };
}
