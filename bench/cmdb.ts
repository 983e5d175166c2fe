/**
 * CMDB costs against DynamoDB Local (docs/performance.md §7): a generated graph of 2,000 CIs written
 * through the DynamoDB store, then
 *
 * 1. impact walks through `analyseImpact(store.graph(), …)`: the root's 2,000-CI walk at depth 5
 *    and 10, and small walks from a leaf and a cluster member;
 * 2. one relationship add and one remove through `RelationshipService`;
 * 3. closure maintenance (`ClosureMaintainer.onEvents`) for a business service whose membership is
 *    all 2,000 CIs: a deep edge added (members unchanged), an edge removed that takes a subtree out
 *    and the same edge added back.
 *
 * Every DynamoDB call is counted on a wrapped `send` of the document client: calls by command,
 * items read (Query/BatchGet/Get items returned) and written (transaction and batch actions), and
 * sequential round trips (the longest chain of calls each started after the one before it had
 * answered; calls in flight together count once). Ticket create with CIs and the CMDB's HTTP routes
 * are rows of bench/round-trips.ts. `npm run bench` runs it (BENCH_SKIP=cmdb skips it);
 * `npx tsx bench/cmdb.ts` runs it alone. BENCH_CMDB_SAMPLES (default 5) runs per timed figure.
 *
 * The graph (seeded, so every run builds the same one): a root application with a tree of five
 * levels below it, each CI with 4–8 children until 2,000 CIs are placed (the last level is spread
 * over its parents, seeded shuffle). "Below" is what the root runs on: a parent `depends_on` or
 * `runs_on` its children, so a child's failure impacts its parent (impact flows up the tree); every
 * 16th CI of level 3 is a cluster with `redundancy` whose children are `member_of` it. A business
 * service `depends_on` the root, so its closure (its upstream set) is every CI of the tree.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { ClosureMaintainer, type ClosureOutcome } from '../functions/cmdb/closure-maintainer.js';
import { analyseImpact, type ImpactRequest } from '../functions/cmdb/impact.js';
import type { Ci, CiHistoryEntry } from '../functions/cmdb/model.js';
import { RelationshipService } from '../functions/cmdb/relationship-service.js';
import type { RelationshipType } from '../functions/cmdb/relationship-types.js';
import { DynamoCmdbRepository } from '../functions/cmdb/store/dynamodb-cmdb-store.js';
import type { Caller } from '../functions/shared/authz.js';
import { systemClock } from '../functions/shared/clock/clock.js';
import { idsOn } from '../functions/shared/clock/ids.js';
import { progress } from './progress.js';
import {
  commandsOf,
  countDynamoCalls,
  formatCommands,
  measureCalls,
  sequentialRoundTrips,
} from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';
import { writeBenchResult } from './support/results.js';
import { seededRandom } from './support/seeded-random.js';

const TOTAL_CIS = 2_000;
const DEPTH = 5;
const FAN_OUT = { min: 4, max: 8 } as const;
/** Every CLUSTER_EVERY-th CI of CLUSTER_LEVEL is a cluster (redundancy; its children are members). */
const CLUSTER_LEVEL = 3;
const CLUSTER_EVERY = 16;
/** Writes in flight while building the graph. */
const SETUP_CONCURRENCY = 8;
const SEED = 0xc3db;
const SAMPLES = Number(process.env.BENCH_CMDB_SAMPLES ?? 5);
const SERVICE = 'svc-bench';
const ROOT = 'root';
const AT = '2026-12-01T09:00:00.000Z';

/** The CI classes by level, and the relationship a parent has to a child (member_of: child → cluster). */
const CLASS_AT = ['application', 'application', 'virtual_machine', 'server', 'server', 'storage_device'];
const TYPE_BELOW: RelationshipType[] = ['depends_on', 'runs_on', 'runs_on', 'depends_on', 'depends_on'];

/** What one measured operation cost. */
export interface Cost {
  calls: number;
  sequential: number;
  byCommand: Record<string, number>;
  itemsRead: number;
  itemsWritten: number;
  /** Median over the samples where the figure says so; one run otherwise. */
  ms: number;
}

export interface WalkRow extends Cost {
  walk: string;
  direction: 'downstream' | 'upstream';
  depth: number;
  redundancy: boolean;
  /** CIs in `nodes` (the roots excluded). */
  nodes: number;
  absorbed: number;
  /** Deepest level in the result. */
  levels: number;
  /** `edges()` waves (levels expanded, the depth check included) and port calls, from `stats`. */
  waves: number;
  readerCalls: number;
  edgesRead: number;
  nodesRead: number;
  depthLimitReached: boolean;
  truncated: boolean;
  samples: number;
}

export interface WriteRow extends Cost {
  operation: string;
  /** Sequential round trips budgeted (null: none). */
  budget: number | null;
  samples: number;
}

export interface ClosureRow extends Cost {
  change: string;
  services: number;
  /** CI closures changed (one membership add or removal each). */
  changed: number;
  samples: number;
}

export interface CmdbBenchResult {
  graph: {
    cis: number;
    perLevel: number[];
    relationships: number;
    clusters: number;
    setupSeconds: { cis: number; relationships: number; total: number };
    setupTransactions: number;
    concurrency: number;
    seed: number;
  };
  walks: WalkRow[];
  writes: WriteRow[];
  closures: ClosureRow[];
}

interface GeneratedCi {
  id: string;
  level: number;
  parent: string | null;
  cluster: boolean;
}

interface Generated {
  cis: GeneratedCi[];
  byLevel: string[][];
  children: Map<string, string[]>;
}

/** The tree: level by level, parents in a seeded shuffle, 4–8 children each until TOTAL_CIS are placed. */
function generate(): Generated {
  const random = seededRandom(SEED);
  const cis: GeneratedCi[] = [{ id: ROOT, level: 0, parent: null, cluster: false }];
  const byLevel: string[][] = [[ROOT]];
  const children = new Map<string, string[]>();
  let remaining = TOTAL_CIS - 1;
  for (let level = 1; level <= DEPTH; level++) {
    const parents = [...byLevel[level - 1]!];
    for (let i = parents.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [parents[i], parents[j]] = [parents[j]!, parents[i]!];
    }
    // Keep room for the last level, so the tree is DEPTH deep whatever the draws.
    const reserve = level < DEPTH ? Math.min(remaining, 200) : 0;
    const ids: string[] = [];
    for (const parent of parents) {
      const want = FAN_OUT.min + Math.floor(random() * (FAN_OUT.max - FAN_OUT.min + 1));
      const take = Math.min(want, remaining - reserve);
      if (take <= 0) break;
      for (let k = 0; k < take; k++) {
        const id = `l${level}-${String(ids.length).padStart(4, '0')}`;
        ids.push(id);
        cis.push({
          id,
          level,
          parent,
          cluster: level === CLUSTER_LEVEL && (ids.length - 1) % CLUSTER_EVERY === 0,
        });
        children.set(parent, [...(children.get(parent) ?? []), id]);
      }
      remaining -= take;
    }
    ids.sort();
    byLevel.push(ids);
  }
  if (remaining !== 0) throw new Error(`cmdb bench: ${remaining} CIs left unplaced`);
  return { cis, byLevel, children };
}

function ciOf(generated: GeneratedCi): Ci {
  return {
    id: generated.id,
    class: generated.cluster ? 'cluster' : CLASS_AT[generated.level]!,
    name: `Bench ${generated.id}`,
    description: '',
    status: 'active',
    environment: 'production',
    criticality: generated.level === 0 ? 1 : generated.level < 3 ? 2 : 3,
    owner: null,
    ownerGroup: null,
    supportGroup: null,
    location: null,
    asset: {},
    identifiers: [],
    attributes: {},
    redundancy: generated.cluster
      ? generated.id.endsWith('0')
        ? { minUp: 50, unit: 'percent' }
        : { minUp: 1, unit: 'count' }
      : null,
    closure: { serviceIds: [], computedAt: null, truncated: false },
    version: 1,
    createdAt: AT,
    updatedAt: AT,
  };
}

function entry(recordId: string, action: CiHistoryEntry['action']): CiHistoryEntry {
  return {
    id: randomUUID(),
    recordId,
    at: AT,
    actor: { id: 'bench', name: 'Bench' },
    action,
    changes: [],
    events: [],
  };
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function benchCmdb(): Promise<CmdbBenchResult> {
  return withBenchTable('cmdb', async ({ dynamo, tableName }) => {
    const counter = countDynamoCalls(dynamo);
    const store = new DynamoCmdbRepository(dynamo, tableName);
    const newId = idsOn(systemClock);
    const relationships = new RelationshipService(store, systemClock, newId);
    const maintainer = new ClosureMaintainer(store, systemClock);
    const caller: Caller = { id: 'bench', roles: new Set(['agent'] as const), email: null, name: 'Bench' };

    /** One run of `act` with its calls counted. */
    const measure = async <T>(act: () => Promise<T>): Promise<{ value: T; cost: Cost }> => {
      const { value, log, ms } = await measureCalls(counter, act);
      const byCommand = commandsOf(log);
      return {
        value,
        cost: {
          calls: log.length,
          sequential: sequentialRoundTrips(log),
          byCommand,
          itemsRead: log.reduce((n, c) => n + c.read, 0),
          itemsWritten: log.reduce((n, c) => n + c.written, 0),
          ms: round1(ms),
        },
      };
    };

    // --- The graph, written through the store --------------------------------------------------
    const graph = generate();
    const byId = new Map(graph.cis.map((ci) => [ci.id, ci]));
    const cis = new Map(graph.cis.map((ci) => [ci.id, ciOf(ci)]));
    const setupStarted = performance.now();
    const callsBefore = counter.calls;
    progress(`CMDB: writing ${graph.cis.length.toLocaleString('en')} CIs (${SETUP_CONCURRENCY} in flight)`);
    await pool([...cis.values()], SETUP_CONCURRENCY, (ci) =>
      store.putCi({ after: ci, history: entry(ci.id, 'created') }),
    );
    const service: Ci = {
      ...ciOf({ id: SERVICE, level: 0, parent: null, cluster: false }),
      class: 'business_service',
      name: 'Bench business service',
      service: { portfolioStatus: 'live', serviceHoursCalendarId: '24x7', availabilityTarget: null },
    };
    await store.putCi({ after: service, history: entry(SERVICE, 'created') });
    cis.set(SERVICE, service);
    const cisSeconds = (performance.now() - setupStarted) / 1000;

    /** `source —type→ target` straight through the store (no rules, no closure maintenance). */
    const relate = async (source: string, type: RelationshipType, target: string, op: 'add' | 'remove') => {
      const write = {
        relationship: { source, type, target, createdAt: AT, createdBy: 'bench' },
        source: cis.get(source)!,
        target: cis.get(target)!,
        history: [
          entry(source, op === 'add' ? 'relationship_added' : 'relationship_removed'),
          entry(target, op === 'add' ? 'relationship_added' : 'relationship_removed'),
        ] as const,
      };
      const done = op === 'add' ? await store.addRelationship(write) : await store.removeRelationship(write);
      if (!done) throw new Error(`cmdb bench: ${op} ${source} ${type} ${target} changed nothing`);
    };
    /** The tree edge between a parent and its child, as stored. */
    const treeEdge = (parent: string, child: string): [string, RelationshipType, string] => {
      const level = byId.get(parent)!.level;
      return byId.get(parent)!.cluster ? [child, 'member_of', parent] : [parent, TYPE_BELOW[level]!, child];
    };
    // One worker per parent at a time: a parent's counters are written by one transaction at once
    // (children have one parent each), so no two transactions in flight touch the same CI.
    const parents = [...graph.children.keys()];
    const relationshipsTotal = graph.cis.length - 1;
    progress(`CMDB: writing ${relationshipsTotal.toLocaleString('en')} relationships`);
    const relationshipsStarted = performance.now();
    await pool(parents, SETUP_CONCURRENCY, async (parent) => {
      for (const child of graph.children.get(parent)!) await relate(...treeEdge(parent, child), 'add');
    });
    await relate(SERVICE, 'depends_on', ROOT, 'add');
    const relationshipsSeconds = (performance.now() - relationshipsStarted) / 1000;
    const setupTransactions = counter.calls - callsBefore;
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    progress(
      `CMDB: graph written in ${setupSeconds.toFixed(0)} s (${setupTransactions.toLocaleString('en')} transactions)`,
    );

    // --- 1. Impact walks -------------------------------------------------------------------------
    const ancestors = (id: string): string[] => {
      const chain: string[] = [];
      for (let at = byId.get(id)?.parent; at; at = byId.get(at)?.parent ?? undefined) chain.push(at);
      return chain;
    };
    const deepest = graph.byLevel[DEPTH]!;
    const plainLeaf = deepest.find((id) => !ancestors(id).some((a) => byId.get(a)!.cluster))!;
    const cluster = graph.byLevel[CLUSTER_LEVEL]!.find((id) => byId.get(id)!.cluster)!;
    const clusterMember = graph.children.get(cluster)![0]!;
    const walks: WalkRow[] = [];
    const walk = async (label: string, request: ImpactRequest) => {
      progress(`CMDB: ${label} (${SAMPLES} runs)`);
      const times: number[] = [];
      let last: { value: Awaited<ReturnType<typeof analyseImpact>>; cost: Cost } | undefined;
      for (let sample = 0; sample < SAMPLES; sample++) {
        last = await measure(() => analyseImpact(store.graph(), request));
        times.push(last.cost.ms);
      }
      const { value, cost } = last!;
      walks.push({
        walk: label,
        direction: request.direction,
        depth: request.depth,
        redundancy: value.result.redundancy,
        nodes: value.result.nodes.length,
        absorbed: value.result.absorbed.length,
        levels: Math.max(0, ...value.result.nodes.map((n) => n.level)),
        ...value.stats,
        depthLimitReached: value.result.depthLimitReached,
        truncated: value.result.truncated,
        ...cost,
        ms: round1(median(times)),
        samples: SAMPLES,
      });
    };
    const request = (
      roots: string[],
      direction: ImpactRequest['direction'],
      depth: number,
    ): ImpactRequest => ({ roots, direction, depth, redundancy: true, includeRetired: false });
    // Warm-up (JIT, the JVM's first queries): not reported.
    await analyseImpact(store.graph(), request([ROOT], 'upstream', DEPTH));
    await walk(
      `upstream from the root (everything below it), depth ${DEPTH}`,
      request([ROOT], 'upstream', DEPTH),
    );
    await walk('upstream from the root, depth 10', request([ROOT], 'upstream', 10));
    await walk('downstream from the root (its service), depth 5', request([ROOT], 'downstream', 5));
    await walk(`downstream from a leaf (${plainLeaf}), depth 10`, request([plainLeaf], 'downstream', 10));
    await walk(
      `downstream from a cluster member (${clusterMember}), depth 10`,
      request([clusterMember], 'downstream', 10),
    );
    await walk(
      `upstream from a leaf (${plainLeaf}: nothing below it), depth 10`,
      request([plainLeaf], 'upstream', 10),
    );

    // --- 2. Relationship writes ------------------------------------------------------------------
    const writes: WriteRow[] = [];
    // Pairs of level-4 CIs in different branches, related and then unrelated again.
    const level4 = graph.byLevel[4]!;
    const pairs = Array.from({ length: SAMPLES }, (_, i) => {
      const a = level4[i * 7]!;
      const b = level4[level4.length - 1 - i * 11]!;
      return [a, b] as const;
    });
    const writeRow = async (
      operation: string,
      budget: number | null,
      act: (a: string, b: string) => Promise<unknown>,
    ) => {
      progress(`CMDB: ${operation} (${SAMPLES} runs)`);
      const times: number[] = [];
      let last: Cost | undefined;
      for (const [a, b] of pairs) {
        last = (await measure(() => act(a, b))).cost;
        times.push(last.ms);
      }
      writes.push({ operation, budget, ...last!, ms: round1(median(times)), samples: SAMPLES });
    };
    await writeRow('RelationshipService.add (depends_on)', 2, async (a, b) => {
      const { created } = await relationships.add(caller, a, { type: 'depends_on', target: b });
      if (!created) throw new Error(`cmdb bench: ${a} depends_on ${b} existed`);
    });
    await writeRow('RelationshipService.add again (exists: answers the stored one)', null, async (a, b) => {
      const { created } = await relationships.add(caller, a, { type: 'depends_on', target: b });
      if (created) throw new Error(`cmdb bench: ${a} depends_on ${b} created twice`);
    });
    await writeRow('RelationshipService.remove (depends_on)', null, (a, b) =>
      relationships.remove(caller, a, 'depends_on', b),
    );

    // --- 3. Closure maintenance ------------------------------------------------------------------
    const closures: ClosureRow[] = [];
    const added = (source: string, type: string, target: string) => [
      { detailType: 'CI Relationship Added', detail: { source, type, target } },
    ];
    const removed = (source: string, type: string, target: string) => [
      { detailType: 'CI Relationship Removed', detail: { source, type, target } },
    ];
    const closureRow = (change: string, runs: { value: ClosureOutcome; cost: Cost }[]) => {
      const last = runs.at(-1)!;
      closures.push({
        change,
        services: last.value.services.length,
        changed: last.value.changed,
        ...last.cost,
        ms: round1(median(runs.map((r) => r.cost.ms))),
        samples: runs.length,
      });
    };
    progress('CMDB: closure of the service (every CI joins it)');
    const first = await measure(() => maintainer.onEvents(added(SERVICE, 'depends_on', ROOT)));
    if (first.value.changed !== TOTAL_CIS)
      console.warn(
        `cmdb bench: the service's first closure changed ${first.value.changed} CIs, not ${TOTAL_CIS}`,
      );
    closureRow(`${SERVICE} depends_on ${ROOT}: first closure, ${first.value.changed} members added`, [first]);

    // (b)'s edge: the root and its first child, whose subtree leaves the service when it goes.
    const cut = graph.byLevel[1]![0]!;
    const subtree = graph.cis.filter((ci) => ci.id === cut || ancestors(ci.id).includes(cut)).length;
    // (a)'s edge: the deepest CIs of two other branches (both already members).
    const branchOf = (id: string) => [id, ...ancestors(id)].find((a) => byId.get(a)!.level === 1);
    const others = deepest.filter((id) => branchOf(id) !== cut);
    const deepA = others[0]!;
    const deepB = others.find((id) => branchOf(id) !== branchOf(deepA))!;
    await relate(deepA, 'depends_on', deepB, 'add');
    progress(`CMDB: closure after a deep edge added (${SAMPLES} runs)`);
    const deepRuns = [];
    for (let sample = 0; sample < SAMPLES; sample++)
      deepRuns.push(await measure(() => maintainer.onEvents(added(deepA, 'depends_on', deepB))));
    closureRow(`deep edge added (${deepA} depends_on ${deepB}): members unchanged`, deepRuns);

    progress(`CMDB: closure after a subtree cut off and put back (${SAMPLES} runs each)`);
    const [source, type, target] = treeEdge(ROOT, cut);
    const cutRuns = [];
    const backRuns = [];
    for (let sample = 0; sample < SAMPLES; sample++) {
      await relate(source, type, target, 'remove');
      cutRuns.push(await measure(() => maintainer.onEvents(removed(source, type, target))));
      await relate(source, type, target, 'add');
      backRuns.push(await measure(() => maintainer.onEvents(added(source, type, target))));
    }
    closureRow(`edge removed (${source} ${type} ${target}): ${subtree} CIs leave the service`, cutRuns);
    closureRow(`the same edge added back: ${subtree} CIs rejoin`, backRuns);

    return {
      graph: {
        cis: graph.cis.length,
        perLevel: graph.byLevel.map((ids) => ids.length),
        relationships: relationshipsTotal + 1,
        clusters: graph.cis.filter((ci) => ci.cluster).length,
        setupSeconds: {
          cis: round1(cisSeconds),
          relationships: round1(relationshipsSeconds),
          total: round1(setupSeconds),
        },
        setupTransactions,
        concurrency: SETUP_CONCURRENCY,
        seed: SEED,
      },
      walks,
      writes,
      closures,
    };
  });
}

export function printCmdb(result: CmdbBenchResult): void {
  const g = result.graph;
  console.log(
    `\nCMDB graph (DynamoDB Local): ${g.cis.toLocaleString('en')} CIs (per level ${g.perLevel.join(' / ')}), ${g.relationships.toLocaleString('en')} relationships, ${g.clusters} clusters; written through DynamoCmdbRepository in ${g.setupSeconds.total} s (CIs ${g.setupSeconds.cis} s, relationships ${g.setupSeconds.relationships} s; ${g.setupTransactions.toLocaleString('en')} transactions, ${g.concurrency} in flight)\n`,
  );
  console.log(
    '| walk | nodes | absorbed | levels | waves | DynamoDB calls | by command | sequential round trips | per wave | items read | ms (median) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const w of result.walks) {
    console.log(
      `| ${w.walk} | ${w.nodes}${w.truncated ? ' (truncated)' : ''} | ${w.absorbed} | ${w.levels} | ${w.waves} | ${w.calls} | ${formatCommands(w.byCommand)} | ${w.sequential} | ${(w.sequential / Math.max(1, w.waves)).toFixed(1)} | ${w.itemsRead} | ${w.ms} |`,
    );
  }
  console.log('\nCMDB relationship writes (RelationshipService over the DynamoDB store)\n');
  console.log(
    '| operation | calls | sequential | budget | by command | items read | items written | ms (median) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const w of result.writes) {
    const budget = w.budget === null ? '–' : `≤ ${w.budget}${w.sequential > w.budget ? ' **over**' : ''}`;
    console.log(
      `| ${w.operation} | ${w.calls} | ${w.sequential} | ${budget} | ${formatCommands(w.byCommand)} | ${w.itemsRead} | ${w.itemsWritten} | ${w.ms} |`,
    );
  }
  console.log(
    '\nCMDB closure maintenance per relationship change (ClosureMaintainer.onEvents; one service of 2,000 members)\n',
  );
  console.log(
    '| change | services recomputed | closures changed | calls | sequential | by command | items read | items written | ms (median) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const c of result.closures) {
    console.log(
      `| ${c.change} | ${c.services} | ${c.changed} | ${c.calls} | ${c.sequential} | ${formatCommands(c.byCommand)} | ${c.itemsRead} | ${c.itemsWritten} | ${c.ms}${c.samples > 1 ? '' : ' (1 run)'} |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchCmdb();
  printCmdb(result);
  await writeBenchResult('cmdb', result);
}
