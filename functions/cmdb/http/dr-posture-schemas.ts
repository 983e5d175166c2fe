import * as z from 'zod/mini';
import { described, isoTime, pageOnlyQuery, withMeta } from '../../shared/http/schemas.js';
import { CI_STATUSES } from '../model.js';

/** GET /reports/dr-posture (docs/reports.md#disaster-recovery-posture): `limit` and `cursor` only. */
export const drPostureQuery = withMeta(pageOnlyQuery, { id: 'DrPostureQuery' });

const uncoveredCi = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    class: z.string(),
    criticality: z.int().check(z.gte(1), z.lte(2)),
    status: z.enum(CI_STATUSES),
    owner: z.nullable(z.string()),
    supportGroup: z.nullable(z.string()),
  }),
  { id: 'DrPostureItem' },
);

export const drPostureReport = withMeta(
  z.object({
    items: described(
      z.array(uncoveredCi),
      'in-scope CIs with no `backed_up_by` relationship to a CI that is not retired, by criticality then id',
    ),
    nextCursor: z.nullable(z.string()),
    counts: described(
      z.object({
        inScope: described(
          z.int().check(z.gte(0)),
          'CIs with environment production, criticality 1 or 2, status active or maintenance, outside the service family',
        ),
        uncovered: described(
          z.int().check(z.gte(0)),
          'of those, the ones with no backup (every page of `items`)',
        ),
      }),
      'exact as of `freshness.asOf`',
    ),
    table: described(
      z.object({ pointInTimeRecovery: z.boolean(), deletionProtection: z.boolean() }),
      "the table's backup settings as deployed (configuration, not read from AWS per request); the local runtime reports its own (none)",
    ),
    freshness: z.object({
      asOf: described(z.nullable(isoTime), 'the newest CMDB event applied; null before any'),
    }),
  }),
  { id: 'DrPostureReport' },
);
