import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** Why each action of a cancelled transaction failed, with the item it saw (when asked for). */
export interface CancellationReason {
  readonly code: string | undefined;
  readonly item: Record<string, unknown> | undefined;
}

/** Per-action reasons if this is a cancelled transaction, else undefined. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => ({
    code: reason.Code,
    item: reason.Item ? unmarshall(reason.Item as never) : undefined,
  }));
}

/** Codes that mean "someone else wrote first / at the same time": re-read and retry. */
export function isContention(code: string | undefined): boolean {
  return code === 'ConditionalCheckFailed' || code === 'TransactionConflict';
}
