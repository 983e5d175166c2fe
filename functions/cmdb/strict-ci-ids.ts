import { optional } from '../shared/wiring/environment.js';

/**
 * `cmdb.strictCiIds` as the functions that write CI ids (tickets, changes) read it from their
 * environment (docs/cmdb.md#what-tickets-and-changes-get): `true` (the default) or `false`.
 */
export const STRICT_CI_IDS_ENVIRONMENT = {
  /** `false` accepts CI ids the CMDB does not know (listed in `unknownCiIds`). */
  CMDB_STRICT_CI_IDS: optional('true'),
};

/** The flag; anything but `true` or `false` fails the cold start, naming the variable. */
export function strictCiIdsFrom(value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`environment: CMDB_STRICT_CI_IDS must be true or false, not ${JSON.stringify(value)}`);
}
