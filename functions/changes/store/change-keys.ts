import { withoutKeys } from '../../shared/dynamodb/keys.js';
import { INDEXES, type IndexName, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import { type Change, type FreezeWindow, withChangeDefaults, withFreezeWindowDefaults } from '../model.js';
import type { CallbackKey, ChangeQuery } from './change-store.js';

/**
 * Key layout of change records in the single table (docs/architecture.md):
 *   CHANGE#<id>  CHANGE                       the change (list indexes project it)
 *   CHANGE#<id>  CI#<ciId>                    its window on a CI, in byCi under `change#<ciId>`
 *   CHANGE#<id>  SERVICE#<serviceId>          its window on a live business service its CIs' closures
 *                                             list (written at assessment), byCi `change-service#<serviceId>`
 *   CHANGE#<id>  APPROVAL#<stage>#<group>     an approval's task token (never returned)
 *   CHANGE#<id>  CALLBACK#<implementation|review>  the other human callbacks' tokens
 *   CHANGE#<id>  HISTORY#<at>#<ulid>          history, also the outbox of its events
 *   CHANGE#<id>  INCIDENT#<incidentId>        an incident linked `caused_by_change` to it (the
 *                                             change's `causes_incident`), written in the incident's
 *                                             link transaction (incident-link-store.ts)
 *   COUNTER#CHG  COUNTER                      the id sequence
 *   FREEZE#<id>  FREEZE                       freeze windows (byKind `FREEZE`, sorted by start)
 * Index values are prefixed `change#`, so they never share a partition with tickets'.
 */
export const changePk = (id: string) => `CHANGE#${id}`;
export const changeKey = (id: string) => ({ PK: changePk(id), SK: 'CHANGE' });
export const changeCiKey = (id: string, ciId: string) => ({ PK: changePk(id), SK: `CI#${ciId}` });
export const changeServiceKey = (id: string, serviceId: string) => ({
  PK: changePk(id),
  SK: `SERVICE#${serviceId}`,
});
export const INCIDENT_LINK_PREFIX = 'INCIDENT#';
export const incidentLinkKey = (changeId: string, incidentId: string) => ({
  PK: changePk(changeId),
  SK: `${INCIDENT_LINK_PREFIX}${incidentId}`,
});
export const freezeWindowKey = (id: string) => ({ PK: `FREEZE#${id}`, SK: 'FREEZE' });

export function callbackItemKey(changeId: string, key: CallbackKey): { PK: string; SK: string } {
  const SK = key.kind === 'approval' ? `APPROVAL#${key.stage}#${key.group}` : `CALLBACK#${key.kind}`;
  return { PK: changePk(changeId), SK };
}

export const CHANGE_KIND = 'CHANGE';
export const FREEZE_KIND = 'FREEZE';
export const ciIndexValue = (ciId: string) => `change#${ciId}`;
/** Apart from `change#<ciId>`: a list of changes on a CI never shows those on its services. */
export const serviceIndexValue = (serviceId: string) => `change-service#${serviceId}`;

/** Windows one service's overlap read returns at most (10 pages of 100), the earliest first. */
export const MAX_WINDOWS_PER_SERVICE = 1_000;

/** Values of the change's list-index keys. */
export function changeIndexKeys(change: Change): Record<string, string> {
  return {
    [INDEXES.byKind.partitionKey]: CHANGE_KIND,
    [INDEXES.byStatus.partitionKey]: `change#${change.status}`,
    [INDEXES.byType.partitionKey]: `change#${change.type}`,
    [INDEXES.byRequester.partitionKey]: `change#${change.requester.id}`,
    [LIST_SORT_KEY]: `${change.createdAt}#${change.id}`,
  };
}

/** A change's claim on one CI: sorted by plannedStart, so an overlap check reads a bounded range. */
export function changeCiItem(change: Change, ciId: string): Record<string, unknown> {
  return {
    ...changeCiKey(change.id, ciId),
    [INDEXES.byCi.partitionKey]: ciIndexValue(ciId),
    [LIST_SORT_KEY]: `${change.plannedStart}#${change.id}`,
    changeId: change.id,
    plannedStart: change.plannedStart,
    plannedEnd: change.plannedEnd,
  };
}

/** A change's claim on a service, sorted like the per-CI items. */
export function changeServiceItem(change: Change, serviceId: string): Record<string, unknown> {
  return {
    ...changeServiceKey(change.id, serviceId),
    [INDEXES.byCi.partitionKey]: serviceIndexValue(serviceId),
    [LIST_SORT_KEY]: `${change.plannedStart}#${change.id}`,
    changeId: change.id,
    serviceId,
    plannedStart: change.plannedStart,
    plannedEnd: change.plannedEnd,
  };
}

/** The change in a stored item, with the defaults of fields older records lack. */
export function changeFromItem(item: Record<string, unknown>): Change {
  return withChangeDefaults(withoutKeys<Change>(item));
}

/** The freeze window in a stored item, with the defaults of fields older records lack. */
export function freezeWindowFromItem(item: Record<string, unknown>): FreezeWindow {
  return withFreezeWindowDefaults(withoutKeys<FreezeWindow>(item));
}

/** The index a change query reads, most selective first; the other filters narrow its results. */
export function indexForChangeQuery(query: ChangeQuery): { index: IndexName; value: string } {
  if (query.requester !== undefined) return { index: 'byRequester', value: `change#${query.requester}` };
  if (query.ciId !== undefined) return { index: 'byCi', value: ciIndexValue(query.ciId) };
  if (query.status !== undefined) return { index: 'byStatus', value: `change#${query.status}` };
  if (query.type !== undefined) return { index: 'byType', value: `change#${query.type}` };
  return { index: 'byKind', value: CHANGE_KIND };
}

export function matchesChangeQuery(change: Change, query: ChangeQuery): boolean {
  return (
    (query.status === undefined || change.status === query.status) &&
    (query.type === undefined || change.type === query.type) &&
    (query.requester === undefined || change.requester.id === query.requester) &&
    (query.ciId === undefined || change.ciIds.includes(query.ciId))
  );
}
