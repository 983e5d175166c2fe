import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from './log.js';
import type { CheckpointStore } from './stream-checkpoints.js';
import { toLambdaStreamRecord } from './stream-records.js';

/**
 * The local stand-in for Lambda's DynamoDB event source mapping: reads the table's stream and
 * hands batches to the stream-publisher handler, with the same at-least-once contract.
 *
 * - Starts every shard it has no checkpoint for at TRIM_HORIZON: records written before the poller
 *   started (seeding, the first start on a persisted data dir) are delivered, not skipped as
 *   LATEST would. DynamoDB Local, like DynamoDB, keeps stream records for 24 hours; older ones are
 *   trimmed. With a checkpoint store (persisted data dir) a restart resumes where it stopped.
 * - Per shard it keeps a checkpoint (the last sequence number the handler accepted) and only moves
 *   it after a successful call. A thrown error retries the whole batch next cycle; reported
 *   `batchItemFailures` retry from the earliest failed record (ReportBatchItemFailures semantics).
 * - Discovers new shards every cycle, reads a child shard only after its parent is finished, and
 *   forgets a closed shard once it is fully read and no longer listed.
 */
export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly handler: StreamHandler;
  readonly log: Logger;
  /** Pause between cycles (default 250 ms). */
  readonly pollMs?: number;
  /** Records per handler call (Lambda's default batch size is 100). */
  readonly batchSize?: number;
  /** Keeps positions across restarts (persisted data dir); without it every start reads from TRIM_HORIZON. */
  readonly checkpoints?: CheckpointStore;
}

export interface StreamPoller {
  /** Runs cycles until one finds nothing new (or `timeoutMs` passes): everything written so far is delivered. */
  drain(timeoutMs?: number): Promise<void>;
  /** Stops polling and waits for a cycle in progress to finish. Idempotent. */
  stop(): Promise<void>;
}

interface ShardState {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  /** Last sequence number the handler accepted; undefined = nothing yet (read from TRIM_HORIZON). */
  checkpoint: string | undefined;
  iterator: string | undefined;
  /** Closed and read to the end. */
  finished: boolean;
}

interface CycleResult {
  readonly delivered: number;
  readonly failed: boolean;
}

const MAX_PAGES_PER_SHARD_PER_CYCLE = 10;
const MAX_DESCRIBE_PAGES = 100;
const MAX_BACKOFF_MS = 5_000;

export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const pollMs = options.pollMs ?? 250;
  const batchSize = options.batchSize ?? 100;
  const shards = new Map<string, ShardState>();
  let streamArn: string | undefined;
  let saved: Record<string, string> = {};
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let consecutiveFailures = 0;
  // Cycles never overlap: the timer loop and drain() both queue on this chain.
  let chain: Promise<unknown> = Promise.resolve();

  async function resolveStreamArn(): Promise<string | undefined> {
    if (streamArn) return streamArn;
    const out = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
    const arn = out.Table?.LatestStreamArn;
    if (arn && options.checkpoints) saved = await options.checkpoints.load(arn);
    streamArn = arn;
    return streamArn;
  }

  /** Writes the checkpoints when they moved (once per cycle: a crash in between only means redelivery). */
  async function saveCheckpoints(arn: string): Promise<void> {
    if (!options.checkpoints) return;
    const current: Record<string, string> = {};
    for (const [id, state] of shards) if (state.checkpoint) current[id] = state.checkpoint;
    if (JSON.stringify(current) === JSON.stringify(saved)) return;
    await options.checkpoints.save(arn, current);
    saved = current;
  }

  async function listShards(arn: string): Promise<Shard[]> {
    const all: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    for (let page = 0; page < MAX_DESCRIBE_PAGES; page++) {
      const out = await options.streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      all.push(...(out.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
      if (!exclusiveStartShardId) break;
    }
    return all;
  }

  function trackShards(listed: Shard[]): void {
    const listedIds = new Set<string>();
    for (const shard of listed) {
      if (!shard.ShardId) continue;
      listedIds.add(shard.ShardId);
      if (!shards.has(shard.ShardId)) {
        shards.set(shard.ShardId, {
          shardId: shard.ShardId,
          parentShardId: shard.ParentShardId,
          checkpoint: saved[shard.ShardId],
          iterator: undefined,
          finished: false,
        });
      }
    }
    for (const [id, state] of shards) if (state.finished && !listedIds.has(id)) shards.delete(id);
  }

  function ready(state: ShardState): boolean {
    if (state.finished) return false;
    const parent = state.parentShardId ? shards.get(state.parentShardId) : undefined;
    // A parent we do not track has expired (or was read before): the child may go.
    return !parent || parent.finished;
  }

  async function iteratorFor(arn: string, state: ShardState): Promise<string | undefined> {
    const request = (checkpoint: string | undefined) =>
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: state.shardId,
        ...(checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      });
    try {
      return (await options.streams.send(request(state.checkpoint))).ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException) || !state.checkpoint) throw error;
      // The checkpoint is older than the 24-hour retention: continue from the oldest record kept.
      options.log.error(
        `stream records of ${state.shardId} after ${state.checkpoint} were trimmed (older than 24 h)`,
      );
      state.checkpoint = undefined;
      return (await options.streams.send(request(undefined))).ShardIterator;
    }
  }

  /** Delivers one batch; returns false when the handler failed (checkpoint moved to the last success). */
  async function deliver(state: ShardState, batch: DynamoDBRecord[]): Promise<boolean> {
    let response: DynamoDBBatchResponse | undefined;
    try {
      response = await options.handler({ Records: batch });
    } catch (error) {
      options.log.error(
        `stream publisher failed on ${batch.length} record(s) of ${state.shardId}; will retry`,
        error,
      );
      return false;
    }
    const failures = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    const firstFailed = batch.findIndex(
      (r) => r.dynamodb?.SequenceNumber && failures.has(r.dynamodb.SequenceNumber),
    );
    if (failures.size > 0 && firstFailed === -1) {
      // An identifier we did not send: Lambda treats that as a failure of the whole batch.
      options.log.error(
        `stream publisher reported unknown batchItemFailures on ${state.shardId}; will retry the batch`,
      );
      return false;
    }
    if (firstFailed === -1) {
      state.checkpoint = batch.at(-1)?.dynamodb?.SequenceNumber ?? state.checkpoint;
      return true;
    }
    if (firstFailed > 0)
      state.checkpoint = batch[firstFailed - 1]?.dynamodb?.SequenceNumber ?? state.checkpoint;
    options.log.error(
      `stream publisher reported ${failures.size} failed record(s) on ${state.shardId}; will retry`,
    );
    return false;
  }

  async function pollShard(arn: string, state: ShardState): Promise<CycleResult> {
    let delivered = 0;
    for (let page = 0; page < MAX_PAGES_PER_SHARD_PER_CYCLE; page++) {
      state.iterator ??= await iteratorFor(arn, state);
      if (!state.iterator) {
        state.finished = true;
        break;
      }
      let out: GetRecordsCommandOutput;
      try {
        out = await options.streams.send(
          new GetRecordsCommand({ ShardIterator: state.iterator, Limit: batchSize }),
        );
      } catch (error) {
        state.iterator = undefined;
        if (error instanceof TrimmedDataAccessException) {
          // Our checkpoint is older than the 24-hour retention: continue from the oldest record kept.
          options.log.error(
            `stream records of ${state.shardId} after ${state.checkpoint} were trimmed (older than 24 h)`,
          );
          state.checkpoint = undefined;
        }
        throw error;
      }
      const records = (out.Records ?? []).map((record) => toLambdaStreamRecord(record, arn));
      if (records.length > 0) {
        const ok = await deliver(state, records);
        if (!ok) {
          // Re-read from the checkpoint next cycle: nothing after it is lost.
          state.iterator = undefined;
          return { delivered, failed: true };
        }
        delivered += records.length;
      }
      state.iterator = out.NextShardIterator;
      if (!state.iterator) {
        state.finished = true;
        break;
      }
      if (records.length === 0) break;
    }
    return { delivered, failed: false };
  }

  async function cycle(): Promise<CycleResult> {
    const arn = await resolveStreamArn();
    if (!arn) return { delivered: 0, failed: false };
    trackShards(await listShards(arn));
    let delivered = 0;
    let failed = false;
    // Parents before children: a shard that becomes ready because its parent finished in this
    // cycle is read in the next one.
    for (const state of [...shards.values()].filter(ready)) {
      if (stopped) break;
      try {
        const result = await pollShard(arn, state);
        delivered += result.delivered;
        failed ||= result.failed;
      } catch (error) {
        failed = true;
        options.log.error(`reading stream shard ${state.shardId} failed; will retry`, error);
      }
    }
    await saveCheckpoints(arn);
    return { delivered, failed };
  }

  function runCycle(): Promise<CycleResult> {
    const next = chain.then(cycle, cycle).catch((error: unknown): CycleResult => {
      options.log.error('stream poller cycle failed; will retry', error);
      return { delivered: 0, failed: true };
    });
    chain = next;
    return next;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(async () => {
      const result = await runCycle();
      consecutiveFailures = result.failed ? consecutiveFailures + 1 : 0;
      schedule(
        consecutiveFailures > 0 ? Math.min(pollMs * 2 ** consecutiveFailures, MAX_BACKOFF_MS) : pollMs,
      );
    }, delayMs);
  }

  schedule(0);

  return {
    async drain(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stopped && Date.now() < deadline) {
        const result = await runCycle();
        if (result.delivered === 0 && !result.failed) return;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain.catch(() => undefined);
    },
  };
}
