import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
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
import { rawRecordJson, toLambdaStreamRecord } from './stream-records.js';

/**
 * The local stand-in for Lambda's DynamoDB event source mapping: reads the table's stream and
 * hands batches to the stream-publisher handler, with the same at-least-once contract.
 *
 * - Starts every shard it has no checkpoint for at TRIM_HORIZON: records written before the poller
 *   started (seeding, the first start on a persisted data dir) are delivered, not skipped as
 *   LATEST would. DynamoDB Local, like DynamoDB, keeps stream records for 24 hours; older ones are
 *   trimmed. With a checkpoint store (persisted data dir) a restart resumes where it stopped.
 * - Per shard it keeps a checkpoint (the last sequence number the handler accepted) and only moves
 *   it after a successful call. A thrown error retries the batch next cycle (in halves, below);
 *   reported `batchItemFailures` retry from the earliest failed record (ReportBatchItemFailures
 *   semantics). Failing cycles back off, up to 5 s apart; `drain()` retries without pausing.
 * - Discovers new shards every cycle, reads a child shard only after its parent is finished, and
 *   forgets a closed shard once it is fully read and no longer listed.
 * - A record that can never be processed does not block its shard, as with the AWS mapping's
 *   `bisectBatchOnError`, `retryAttempts` and on-failure destination (lib/events.ts): a batch the
 *   handler throws on is split in two and each half retried (splits are free); a batch of one
 *   record that still fails, or a reported item failure, is retried `maxRetryAttempts` times, then
 *   dead-lettered: kept in `deadLetters()`, appended to `deadLetterFile` as a JSON line, and logged
 *   as an error naming its eventID and sequence number (the local stand-in for the DLQ alarm). The
 *   checkpoint moves past it and the records after it are delivered. A record the stream-record
 *   converter refuses (stream-records.ts) is dead-lettered at once: retrying cannot change that.
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
  /**
   * Longest pause after cycles that found nothing (default: pollMs, no backoff). Idle pauses double
   * up to it and drop back to pollMs once records flow: several mappings polling an idle DynamoDB
   * Local would otherwise keep it busy. drain() does not wait for the pause.
   */
  readonly maxIdleMs?: number;
  /** Records per handler call (Lambda's default batch size is 100). */
  readonly batchSize?: number;
  /** Keeps positions across restarts (persisted data dir); without it every start reads from TRIM_HORIZON. */
  readonly checkpoints?: CheckpointStore;
  /**
   * Retries of a failing record before it is dead-lettered (default 10, as the AWS mapping's
   * `retryAttempts`; 0 = dead-letter on the first failure that cannot be split further).
   */
  readonly maxRetryAttempts?: number;
  /** Split a batch the handler throws on in two and retry each half (default true, as on AWS). */
  readonly bisectBatchOnError?: boolean;
  /** Appends every dead letter to this file as one JSON line (e.g. `<dataDir>/stream-dead-letters.jsonl`). */
  readonly deadLetterFile?: string;
}

/**
 * What the poller dead-lettered, shaped after the message Lambda sends to a stream mapping's
 * on-failure destination (`DDBStreamBatchInfo`), plus the records themselves: locally there is no
 * reason to make anyone look them up again.
 */
export interface StreamDeadLetter {
  readonly timestamp: string;
  /** Retries used up, or a record the stream-record converter refused (never retried). */
  readonly condition: 'RetryAttemptsExhausted' | 'RecordNotConvertible';
  /** Handler calls that included these records and failed (0 for RecordNotConvertible). */
  readonly approximateInvokeCount: number;
  /** The last error: the thrown error's message, or the reported batch item failure. */
  readonly error: string;
  readonly DDBStreamBatchInfo: {
    readonly streamArn: string;
    readonly shardId: string;
    readonly startSequenceNumber: string | undefined;
    readonly endSequenceNumber: string | undefined;
    readonly batchSize: number;
  };
  /** Lambda-shaped records, or the raw stream records (binary as `{ $base64 }`) when not convertible. */
  readonly records: readonly unknown[];
}

export interface StreamPoller {
  /** Runs cycles until one finds nothing new (or `timeoutMs` passes): everything written so far is delivered. */
  drain(timeoutMs?: number): Promise<void>;
  /** Stops polling and waits for a cycle in progress to finish. Idempotent. */
  stop(): Promise<void>;
  /** Dead letters since start, oldest first (the last MAX_DEAD_LETTERS_KEPT). */
  deadLetters(): readonly StreamDeadLetter[];
}

interface ShardState {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  /** Last sequence number the handler accepted; undefined = nothing yet (read from TRIM_HORIZON). */
  checkpoint: string | undefined;
  iterator: string | undefined;
  /** Closed and read to the end. */
  finished: boolean;
  /**
   * Sizes of the next batches after a bisection, in order (empty: full batches). A failing batch
   * of n becomes [ceil(n/2), floor(n/2)]; delivered or dead-lettered records are taken off the front.
   */
  windows: number[];
  /** Failed handler calls counted against the retry budget for the record at the checkpoint. */
  failures: number;
}

interface CycleResult {
  /** Records delivered or dead-lettered: the checkpoint moved past them. */
  readonly consumed: number;
  readonly failed: boolean;
}

/** What one handler call did to the records at the front of a page. */
interface StepResult {
  readonly consumed: number;
  readonly failed: boolean;
}

const MAX_PAGES_PER_SHARD_PER_CYCLE = 10;
const MAX_DESCRIBE_PAGES = 100;
const MAX_BACKOFF_MS = 5_000;
const MAX_DEAD_LETTERS_KEPT = 1_000;

export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const pollMs = options.pollMs ?? 250;
  const maxIdleMs = Math.max(pollMs, options.maxIdleMs ?? pollMs);
  let idleMs = pollMs;
  const batchSize = options.batchSize ?? 100;
  const maxRetryAttempts = Math.max(0, options.maxRetryAttempts ?? 10);
  const bisect = options.bisectBatchOnError ?? true;
  const deadLetters: StreamDeadLetter[] = [];
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
          windows: [],
          failures: 0,
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

  function errorText(error: unknown): string {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  /** Marks `count` records at the front as consumed: the checkpoint moves past the last of them. */
  function advance(state: ShardState, last: string | undefined, count: number): void {
    state.checkpoint = last ?? state.checkpoint;
    state.failures = 0;
    const front = (state.windows[0] ?? 0) - count;
    if (front > 0) state.windows[0] = front;
    else state.windows.shift();
  }

  async function deadLetter(
    arn: string,
    state: ShardState,
    entry: Omit<StreamDeadLetter, 'timestamp' | 'DDBStreamBatchInfo'>,
    sequenceNumbers: (string | undefined)[],
    eventIds: (string | undefined)[],
  ): Promise<void> {
    const letter: StreamDeadLetter = {
      timestamp: new Date().toISOString(),
      ...entry,
      DDBStreamBatchInfo: {
        streamArn: arn,
        shardId: state.shardId,
        startSequenceNumber: sequenceNumbers[0],
        endSequenceNumber: sequenceNumbers.at(-1),
        batchSize: sequenceNumbers.length,
      },
    };
    deadLetters.push(letter);
    if (deadLetters.length > MAX_DEAD_LETTERS_KEPT) deadLetters.shift();
    let where = 'poller.deadLetters()';
    if (options.deadLetterFile) {
      try {
        await mkdir(dirname(options.deadLetterFile), { recursive: true });
        await appendFile(options.deadLetterFile, `${JSON.stringify(letter)}\n`);
        where = options.deadLetterFile;
      } catch (error) {
        options.log.error(`could not append to ${options.deadLetterFile}`, error);
      }
    }
    const records = sequenceNumbers
      .map((sequence, index) => `eventID ${eventIds[index] ?? '?'} (sequence number ${sequence ?? '?'})`)
      .join(', ');
    options.log.error(
      `DEAD-LETTERED stream record(s) of ${state.shardId}: ${records}; ${entry.condition} ` +
        `(${entry.approximateInvokeCount} failed call(s)): ${entry.error}. Later records continue; ` +
        `the dead letter is in ${where}`,
    );
  }

  /**
   * One handler call for the records at the front of `page` (at most the current window), or the
   * dead-lettering of the first of them. Retries and splits follow the AWS mapping (see above).
   */
  async function step(arn: string, state: ShardState, page: _Record[]): Promise<StepResult> {
    const window = Math.min(state.windows[0] ?? batchSize, batchSize);
    const batch: DynamoDBRecord[] = [];
    for (const record of page.slice(0, window)) {
      try {
        batch.push(toLambdaStreamRecord(record, arn));
      } catch (error) {
        if (batch.length > 0) break; // deliver the ones before it first
        const sequence = record.dynamodb?.SequenceNumber;
        await deadLetter(
          arn,
          state,
          {
            condition: 'RecordNotConvertible',
            approximateInvokeCount: 0,
            error: errorText(error),
            records: [rawRecordJson(record)],
          },
          [sequence],
          [record.eventID],
        );
        advance(state, sequence, 1);
        return { consumed: 1, failed: false };
      }
    }

    let response: DynamoDBBatchResponse | undefined;
    let thrown: unknown;
    try {
      response = await options.handler({ Records: batch });
    } catch (error) {
      thrown = error;
    }
    const failures = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    const firstFailed = batch.findIndex(
      (r) => r.dynamodb?.SequenceNumber !== undefined && failures.has(r.dynamodb.SequenceNumber),
    );
    if (thrown === undefined && failures.size === 0) {
      advance(state, batch.at(-1)?.dynamodb?.SequenceNumber, batch.length);
      return { consumed: batch.length, failed: false };
    }

    if (thrown !== undefined || firstFailed === -1) {
      // The whole batch failed (a thrown error, or an identifier we did not send: Lambda treats
      // that as a failure of the whole batch).
      const error =
        thrown !== undefined
          ? errorText(thrown)
          : `unknown batchItemFailures ${JSON.stringify([...failures])}`;
      if (bisect && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        state.windows.splice(0, 1, half, batch.length - half);
        options.log.error(
          `stream publisher failed on ${batch.length} record(s) of ${state.shardId}; retrying in halves`,
          thrown ?? error,
        );
        return { consumed: 0, failed: true };
      }
      state.failures += 1;
      if (state.failures <= maxRetryAttempts) {
        options.log.error(
          `stream publisher failed on ${batch.length} record(s) of ${state.shardId}; will retry ` +
            `(${state.failures}/${maxRetryAttempts})`,
          thrown ?? error,
        );
        return { consumed: 0, failed: true };
      }
      await deadLetter(
        arn,
        state,
        {
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: state.failures,
          error,
          records: batch,
        },
        batch.map((r) => r.dynamodb?.SequenceNumber),
        batch.map((r) => r.eventID),
      );
      advance(state, batch.at(-1)?.dynamodb?.SequenceNumber, batch.length);
      return { consumed: batch.length, failed: false };
    }

    // Reported item failures: the records before the first one are done; retry from it.
    if (firstFailed > 0) advance(state, batch[firstFailed - 1]?.dynamodb?.SequenceNumber, firstFailed);
    const failed = batch[firstFailed]!;
    state.failures += 1;
    if (state.failures <= maxRetryAttempts) {
      options.log.error(
        `stream publisher reported ${failures.size} failed record(s) on ${state.shardId}; will retry ` +
          `from ${failed.dynamodb?.SequenceNumber} (${state.failures}/${maxRetryAttempts})`,
      );
      return { consumed: firstFailed, failed: true };
    }
    await deadLetter(
      arn,
      state,
      {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: state.failures,
        error: `reported as a batch item failure ${state.failures} time(s)`,
        records: [failed],
      },
      [failed.dynamodb?.SequenceNumber],
      [failed.eventID],
    );
    advance(state, failed.dynamodb?.SequenceNumber, 1);
    return { consumed: firstFailed + 1, failed: false };
  }

  async function pollShard(arn: string, state: ShardState): Promise<CycleResult> {
    let consumed = 0;
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
      const records = out.Records ?? [];
      let index = 0;
      while (index < records.length) {
        if (stopped) {
          // Re-read from the checkpoint (after the last consumed record) if ever started again.
          state.iterator = undefined;
          return { consumed, failed: false };
        }
        const result = await step(arn, state, records.slice(index));
        consumed += result.consumed;
        index += result.consumed;
        if (result.failed) {
          // Re-read from the checkpoint next cycle: nothing after it is lost.
          state.iterator = undefined;
          return { consumed, failed: true };
        }
      }
      state.iterator = out.NextShardIterator;
      if (!state.iterator) {
        state.finished = true;
        break;
      }
      if (records.length === 0) break;
    }
    return { consumed, failed: false };
  }

  async function cycle(): Promise<CycleResult> {
    const arn = await resolveStreamArn();
    if (!arn) return { consumed: 0, failed: false };
    trackShards(await listShards(arn));
    let consumed = 0;
    let failed = false;
    // Parents before children: a shard that becomes ready because its parent finished in this
    // cycle is read in the next one.
    for (const state of [...shards.values()].filter(ready)) {
      if (stopped) break;
      try {
        const result = await pollShard(arn, state);
        consumed += result.consumed;
        failed ||= result.failed;
      } catch (error) {
        failed = true;
        options.log.error(`reading stream shard ${state.shardId} failed; will retry`, error);
      }
    }
    await saveCheckpoints(arn);
    return { consumed, failed };
  }

  function runCycle(): Promise<CycleResult> {
    const next = chain.then(cycle, cycle).catch((error: unknown): CycleResult => {
      options.log.error('stream poller cycle failed; will retry', error);
      return { consumed: 0, failed: true };
    });
    chain = next;
    return next;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(async () => {
      const result = await runCycle();
      consecutiveFailures = result.failed ? consecutiveFailures + 1 : 0;
      idleMs = result.consumed > 0 ? pollMs : Math.min(idleMs * 2, maxIdleMs);
      schedule(
        consecutiveFailures > 0 ? Math.min(pollMs * 2 ** consecutiveFailures, MAX_BACKOFF_MS) : idleMs,
      );
    }, delayMs);
  }

  schedule(0);

  return {
    async drain(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stopped && Date.now() < deadline) {
        const result = await runCycle();
        if (result.consumed === 0 && !result.failed) return;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain.catch(() => undefined);
    },
    deadLetters: () => [...deadLetters],
  };
}
