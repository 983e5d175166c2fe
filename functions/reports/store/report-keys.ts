/**
 * The report items (docs/reports.md#how-the-figures-are-kept), all in the one table:
 *   AGG#<family>#<dimension>#<value>   <YYYY-MM-DD>        day item: counts, sums, sketch bins; the
 *                                                          `all` item also lists values (v_<dimension>)
 *   OPEN#<family>                      <dimension>#<value> backlog: d<createdDay> → open count
 *   BACKLOG#<family>#<day>             <dimension>#<value> the backlog at the end of <day> (nightly)
 *   AVAIL#<serviceId>                  <start>#<incidentId> one outage interval {incidentId, start, end}
 *   AGGTRACK#<recordId>                FACTS               what is counted of a ticket or change
 *   AGGAPPLIED#<fact>                  APPLIED             a survey fact applied (kept: the rebuild replays)
 *   AGGMETA                            FRESHNESS           asOf: the newest event applied
 *   AGGMETA                            SNAPSHOT#<family>#<day>  a backlog snapshot written
 */
export type Family = 'INC' | 'REQ' | 'CHG' | 'CSAT';

export const dayItemPk = (family: Family, dimension: string, value: string) =>
  `AGG#${family}#${dimension}#${value}`;
export const dayItemKey = (family: Family, dimension: string, value: string, day: string) => ({
  PK: dayItemPk(family, dimension, value),
  SK: day,
});
export const openPk = (family: Family) => `OPEN#${family}`;
export const openKey = (family: Family, dimension: string, value: string) => ({
  PK: openPk(family),
  SK: `${dimension}#${value}`,
});
export const openAttribute = (createdDay: string) => `d${createdDay}`;
export const snapshotPk = (family: Family, day: string) => `BACKLOG#${family}#${day}`;
export const outagePk = (serviceId: string) => `AVAIL#${serviceId}`;
export const outageKey = (serviceId: string, start: string, incidentId: string) => ({
  PK: outagePk(serviceId),
  SK: `${start}#${incidentId}`,
});
export const trackedKey = (recordId: string) => ({ PK: `AGGTRACK#${recordId}`, SK: 'FACTS' });
export const appliedKey = (factKey: string) => ({ PK: `AGGAPPLIED#${factKey}`, SK: 'APPLIED' });
export const freshnessKey = { PK: 'AGGMETA', SK: 'FRESHNESS' } as const;
export const snapshotMarkerKey = (family: Family, day: string) => ({
  PK: 'AGGMETA',
  SK: `SNAPSHOT#${family}#${day}`,
});
export const valuesAttribute = (dimension: string) => `v_${dimension}`;
