import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One DynamoDB call as a benchmark sees it: when it ran, what it read and wrote, what it cost. */
export interface DynamoCall {
  /** The command's name without `Command`: Get, Query, TransactWrite, … */
  readonly command: string;
  readonly start: number;
  readonly end: number;
  /** Items read: a Query's ScannedCount (what is billed), a Get's item, a BatchGet's responses. */
  readonly read: number;
  /** Items written: a TransactWrite's actions but condition checks, a BatchWrite's requests, else 1 for a write. */
  readonly written: number;
  /** JSON length of the items returned: a size for derived read capacity. */
  readonly bytes: number;
  readonly rcu: number;
  readonly wcu: number;
  /** Whether DynamoDB returned ConsumedCapacity (else rcu and wcu are 0 and a bench derives them). */
  readonly capacityReturned: boolean;
}

/** Counts every call on a client; `log` collects calls while set (one measured act at a time). */
export interface CallCounter {
  log: DynamoCall[] | undefined;
  calls: number;
}

type SentCommand = { input?: Record<string, unknown>; constructor: { name: string } };
type Consumed = { ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number };

const WRITES = new Set(['TransactWrite', 'BatchWrite', 'Put', 'Update', 'Delete']);

function itemsReturned(output: Record<string, unknown>): unknown[] {
  if (Array.isArray(output.Items)) return output.Items;
  if (output.Item) return [output.Item];
  return Object.values((output.Responses as Record<string, unknown[]>) ?? {}).flat();
}

function itemsWritten(command: string, input: Record<string, unknown>): number {
  if (command === 'TransactWrite')
    return ((input.TransactItems as Record<string, unknown>[]) ?? []).filter((a) => !('ConditionCheck' in a))
      .length;
  if (command === 'BatchWrite')
    return Object.values((input.RequestItems as Record<string, unknown[]>) ?? {}).flat().length;
  return WRITES.has(command) ? 1 : 0;
}

/**
 * Wraps the client's `send` so a benchmark can count calls, sequential round trips, items and
 * capacity without touching the code it measures. Every call asks for ReturnConsumedCapacity
 * (INDEXES where the command takes it, so index copies count; TOTAL for BatchGet and TransactGet).
 */
export function countDynamoCalls(dynamo: DynamoDBDocumentClient): CallCounter {
  const counter: CallCounter = { log: undefined, calls: 0 };
  const target = dynamo as unknown as {
    send: (command: SentCommand, ...rest: unknown[]) => Promise<Record<string, unknown>>;
  };
  const original = target.send.bind(target);
  target.send = async (command, ...rest) => {
    counter.calls += 1;
    const log = counter.log;
    if (!log) return original(command, ...rest);
    const name = command.constructor.name.replace(/Command$/, '');
    if (command.input)
      command.input.ReturnConsumedCapacity ??=
        name === 'BatchGet' || name === 'TransactGet' ? 'TOTAL' : 'INDEXES';
    const start = performance.now();
    let output: Record<string, unknown> = {};
    try {
      output = await original(command, ...rest);
      return output;
    } finally {
      const items = itemsReturned(output);
      const consumed = ([] as Consumed[]).concat((output.ConsumedCapacity as Consumed) ?? []).filter(Boolean);
      const units = (pick: (c: Consumed) => number | undefined) =>
        consumed.reduce((n, c) => n + (pick(c) ?? c.CapacityUnits ?? 0), 0);
      const isWrite = WRITES.has(name);
      log.push({
        command: name,
        start,
        end: performance.now(),
        read: typeof output.ScannedCount === 'number' ? output.ScannedCount : items.length,
        written: itemsWritten(name, command.input ?? {}),
        bytes: items.reduce((n: number, item) => n + JSON.stringify(item).length, 0),
        rcu: isWrite ? 0 : units((c) => c.ReadCapacityUnits),
        wcu: isWrite ? units((c) => c.WriteCapacityUnits) : 0,
        capacityReturned: consumed.length > 0,
      });
    }
  };
  return counter;
}

/**
 * How many round trips ran one after another: the longest chain of calls each starting after the
 * previous one ended. Calls sent together (Promise.all) count once.
 */
export function sequentialRoundTrips(calls: readonly { start: number; end: number }[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((call, i) => {
    let deepest = 0;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= call.start) deepest = Math.max(deepest, depth[j]!);
    depth.push(deepest + 1);
  });
  return Math.max(0, ...depth);
}

/** Runs `act` with the counter's log set: the calls it made, in order, and how long it took. */
export async function measureCalls<T>(
  counter: CallCounter,
  act: () => Promise<T>,
): Promise<{ value: T; log: DynamoCall[]; ms: number }> {
  const log: DynamoCall[] = [];
  counter.log = log;
  const started = performance.now();
  try {
    const value = await act();
    return { value, log, ms: performance.now() - started };
  } finally {
    counter.log = undefined;
  }
}

/** Calls by command (`{ Get: 2, TransactWrite: 1 }`), in the order first made. */
export function commandsOf(log: readonly DynamoCall[]): Record<string, number> {
  const byCommand: Record<string, number> = {};
  for (const call of log) byCommand[call.command] = (byCommand[call.command] ?? 0) + 1;
  return byCommand;
}

/** A table cell of calls by command: `Get×2, TransactWrite×1`. */
export function formatCommands(byCommand: Readonly<Record<string, number>>): string {
  return Object.entries(byCommand)
    .map(([command, count]) => `${command}×${count}`)
    .join(', ');
}

/** One measured run of an act: its calls and time. */
export interface MeasuredRun {
  readonly log: readonly DynamoCall[];
  readonly ms: number;
}

/**
 * The figures of a benchmark row from several runs of one act: the median run's calls, commands,
 * items and time (ms to one decimal), and the most sequential round trips any run took.
 */
export function summarizeRuns<R extends MeasuredRun>(runs: readonly R[]) {
  const median = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
  return {
    median,
    calls: median.log.length,
    sequential: Math.max(...runs.map((run) => sequentialRoundTrips(run.log))),
    byCommand: commandsOf(median.log),
    itemsRead: median.log.reduce((n, call) => n + call.read, 0),
    itemsWritten: median.log.reduce((n, call) => n + call.written, 0),
    ms: Math.round(median.ms * 10) / 10,
  };
}
