import { type DrPostureItem, drSortKey, OUT_OF_SCOPE } from '../dr-posture.js';
import { ciPk } from './cmdb-keys.js';
import {
  DR_STATE_SK,
  DR_UNCOVERED_PARTITION,
  type DrPostureCounts,
  type StoredDrState,
} from './dr-posture-store.js';

/** Keys and item shapes of the posture's records (layout in dr-posture-store.ts), for both adapters. */
export const stateKey = (ciId: string) => ({ PK: ciPk(ciId), SK: DR_STATE_SK });
export const rowKey = (item: DrPostureItem) => ({ PK: DR_UNCOVERED_PARTITION, SK: drSortKey(item) });

export function stateFromItem(item: Record<string, unknown> | undefined): StoredDrState {
  if (!item) return { ...OUT_OF_SCOPE, revision: 0 };
  return {
    inScope: item.inScope === true,
    uncovered: (item.uncovered as DrPostureItem | null | undefined) ?? null,
    revision: Number(item.revision ?? 0),
  };
}

export function countsFromItem(item: Record<string, unknown> | undefined): DrPostureCounts {
  return {
    inScope: Number(item?.inScope ?? 0),
    uncovered: Number(item?.uncovered ?? 0),
    asOf: typeof item?.asOf === 'string' ? item.asOf : null,
  };
}

export function rowFromItem(item: Record<string, unknown>): DrPostureItem {
  return {
    id: String(item.id),
    name: String(item.name),
    class: String(item.class),
    criticality: Number(item.criticality) as DrPostureItem['criticality'],
    status: item.status as DrPostureItem['status'],
    owner: (item.owner as string | null | undefined) ?? null,
    supportGroup: (item.supportGroup as string | null | undefined) ?? null,
  };
}
