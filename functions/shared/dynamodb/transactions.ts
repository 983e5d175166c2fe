import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
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

/** One action of a TransactWriteItems request (document-client form). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A store's writes that join another store's transaction (a CommitCompanion of kind `dynamodb`):
 * the host appends `items` after its own and calls `carried()`; when the transaction is cancelled
 * it asks `cancelled` (with the reasons of these items, in their order) which error to throw for
 * them, after checking its own (a stale record of its own wins).
 */
export interface DynamoCompanion {
  readonly kind: 'dynamodb';
  readonly items: readonly TransactItem[];
  carried(): void;
  cancelled(reasons: readonly CancellationReason[]): Error | undefined;
}

export function isDynamoCompanion(
  companion: { readonly kind: string } | undefined,
): companion is DynamoCompanion {
  return companion?.kind === 'dynamodb';
}
