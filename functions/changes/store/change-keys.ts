import { INDEXES, LIST_SORT_KEY } from '../../shared/dynamodb/table-definition.js';
import type { Change } from '../model.js';
import type { CallbackKey } from './change-store.js';

/**
 * Key layout of change records in the single table (docs/architecture.md):
 *   CHANGE#<id>  CHANGE                       the change (list indexes project it)
 *   CHANGE#<id>  CI#<ciId>                    its window on a CI, in byCi under `change#<ciId>`
 *   CHANGE#<id>  APPROVAL#<stage>#<group>     an approval's task token (never returned)
 *   CHANGE#<id>  CALLBACK#<implementation|review>  the other human callbacks' tokens
 *   CHANGE#<id>  HISTORY#<at>#<ulid>          history, also the outbox of its events
 *   COUNTER#CHG  COUNTER                      the id sequence
 *   FREEZE#<id>  FREEZE                       freeze windows (byKind `FREEZE`, sorted by start)
 * Index values are prefixed `change#`, so they never share a partition with tickets'.
 */
export const changePk = (id: string) => `CHANGE#${id}`;
export const changeKey = (id: string) => ({ PK: changePk(id), SK: 'CHANGE' });
export const changeCiKey = (id: string, ciId: string) => ({ PK: changePk(id), SK: `CI#${ciId}` });
export const freezeWindowKey = (id: string) => ({ PK: `FREEZE#${id}`, SK: 'FREEZE' });

export function callbackItemKey(changeId: string, key: CallbackKey): { PK: string; SK: string } {
  const SK = key.kind === 'approval' ? `APPROVAL#${key.stage}#${key.group}` : `CALLBACK#${key.kind}`;
  return { PK: changePk(changeId), SK };
}

export const CHANGE_KIND = 'CHANGE';
export const FREEZE_KIND = 'FREEZE';
export const ciIndexValue = (ciId: string) => `change#${ciId}`;

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
