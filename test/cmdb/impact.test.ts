import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode, GraphReader, ImpactDirection } from '../../functions/cmdb/graph.js';
import { analyseImpact, type ImpactRequest, thresholdOf } from '../../functions/cmdb/impact.js';

/**
 * An in-memory GraphReader over an edge list, recording each call. `impactInDegree` is the number of
 * listed edges into a node unless given; ids named in `missing` have no node (dangling edges).
 */
class EdgeListGraph implements GraphReader {
  readonly calls: { method: 'edges' | 'nodes'; ids: string[]; direction?: ImpactDirection }[] = [];
  private readonly byId = new Map<string, GraphNode>();

  constructor(
    readonly edgeList: readonly GraphEdge[],
    overrides: Record<string, Partial<GraphNode>> = {},
    missing: readonly string[] = [],
  ) {
    const ids = new Set([...edgeList.flatMap((e) => [e.from, e.to]), ...Object.keys(overrides)]);
    for (const id of ids) {
      if (missing.includes(id)) continue;
      this.byId.set(id, {
        id,
        class: 'server',
        name: id.toUpperCase(),
        criticality: 3,
        status: 'active',
        redundancy: null,
        impactInDegree: edgeList.filter((e) => e.to === id).length,
        serviceFamily: false,
        ...overrides[id],
      });
    }
  }

  async edges(ids: readonly string[], direction: ImpactDirection): Promise<Map<string, GraphEdge[]>> {
    this.calls.push({ method: 'edges', ids: [...ids], direction });
    const found = new Map<string, GraphEdge[]>();
    for (const id of ids) {
      const list = this.edgeList.filter((e) => (direction === 'downstream' ? e.from : e.to) === id);
      if (list.length > 0)
        found.set(
          id,
          list.map((e) => ({ ...e })),
        );
    }
    return found;
  }

  async nodes(ids: readonly string[]): Promise<Map<string, GraphNode>> {
    this.calls.push({ method: 'nodes', ids: [...ids] });
    const found = new Map<string, GraphNode>();
    for (const id of ids) {
      const node = this.byId.get(id);
      if (node) found.set(id, structuredClone(node));
    }
    return found;
  }
}

/** Edges written `a>b` (type depends_on) or `a>b:runs_on`, whitespace-separated. */
function edges(spec: string): GraphEdge[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((token) => {
      const [pair, type = 'depends_on'] = token.split(':');
      const [from, to] = pair!.split('>');
      return { from: from!, to: to!, type };
    });
}

const graph = (spec: string, overrides?: Record<string, Partial<GraphNode>>, missing?: string[]) =>
  new EdgeListGraph(edges(spec), overrides, missing);

const down = (roots: string[], extra: Partial<ImpactRequest> = {}): ImpactRequest => ({
  roots,
  direction: 'downstream',
  depth: 10,
  redundancy: true,
  includeRetired: false,
  ...extra,
});
const up = (roots: string[], extra: Partial<ImpactRequest> = {}): ImpactRequest =>
  down(roots, { direction: 'upstream', redundancy: false, ...extra });

const levels = (result: { nodes: { id: string; level: number }[] }) =>
  Object.fromEntries(result.nodes.map((n) => [n.id, n.level]));
const vias = (result: { nodes: { id: string; via: string }[] }) =>
  Object.fromEntries(result.nodes.map((n) => [n.id, n.via]));

/** A cluster `c` of three members m1..m3, each hosting nothing but impacting the cluster; app runs on it. */
const cluster = (redundancy: GraphNode['redundancy']) =>
  graph('m1>c:member_of m2>c:member_of m3>c:member_of c>app:hosted_on', {
    c: { redundancy, class: 'cluster' },
  });

describe('analyseImpact downstream', () => {
  it('walks breadth-first: level is the hop count, via the CI it was reached from, roots excluded', async () => {
    const g = graph('db>app app>svc db>backup:runs_on', {
      svc: { class: 'business_service', serviceFamily: true },
    });
    const { result } = await analyseImpact(g, down(['db']));
    expect(result).toEqual({
      direction: 'downstream',
      roots: ['db'],
      depth: 10,
      redundancy: true,
      nodes: [
        { id: 'app', class: 'server', name: 'APP', criticality: 3, status: 'active', level: 1, via: 'db' },
        {
          id: 'backup',
          class: 'server',
          name: 'BACKUP',
          criticality: 3,
          status: 'active',
          level: 1,
          via: 'db',
        },
        {
          id: 'svc',
          class: 'business_service',
          name: 'SVC',
          criticality: 3,
          status: 'active',
          level: 2,
          via: 'app',
        },
      ],
      absorbed: [],
      services: [{ id: 'svc', name: 'SVC', criticality: 3, level: 2 }],
      edges: [
        { from: 'app', to: 'svc', type: 'depends_on' },
        { from: 'db', to: 'app', type: 'depends_on' },
        { from: 'db', to: 'backup', type: 'runs_on' },
      ],
      depthLimitReached: false,
      truncated: false,
    });
  });

  it('reports the shortest level and the smallest-id via of that level (diamond and shortcut)', async () => {
    // r→x→z, r→y→z, r→a→b→c→z: z is at level 2, via x (x < y).
    const { result } = await analyseImpact(graph('r>y r>x y>z x>z r>a a>b b>c c>z'), down(['r']));
    expect(levels(result)).toEqual({ a: 1, x: 1, y: 1, b: 2, z: 2, c: 3 });
    expect(vias(result).z).toBe('x');
    expect(result.nodes.map((n) => n.id)).toEqual(['a', 'x', 'y', 'b', 'z', 'c']);
  });

  it('takes several roots as one failed set: levels are shortest from any root, roots never in nodes', async () => {
    const { result } = await analyseImpact(graph('a>b b>c c>d e>d a>e b>e'), down(['e', 'a', 'a']));
    expect(result.roots).toEqual(['a', 'e']);
    expect(levels(result)).toEqual({ b: 1, d: 1, c: 2 });
    expect(vias(result)).toEqual({ b: 'a', d: 'e', c: 'b' });
    // a>e and b>e end at a root: traversed, and listed (roots are endpoints); c>d too.
    expect(result.edges).toEqual(edges('a>b a>e b>c b>e c>d e>d'));
  });

  it('terminates on cycles', async () => {
    const { result, stats } = await analyseImpact(graph('a>b b>a b>c c>b c>c'), down(['a']));
    expect(levels(result)).toEqual({ b: 1, c: 2 });
    expect(result.edges).toEqual(edges('a>b b>a b>c c>b c>c'));
    expect(result.depthLimitReached).toBe(false);
    expect(stats.waves).toBe(3);
  });

  it('skips missing CIs: a missing root, a dangling edge', async () => {
    const g = graph('a>b b>ghost', {}, ['ghost']);
    const { result } = await analyseImpact(g, down(['a', 'nowhere']));
    expect(result.roots).toEqual(['a']);
    expect(levels(result)).toEqual({ b: 1 });
    expect(result.edges).toEqual(edges('a>b'));
    const nothing = await analyseImpact(g, down(['nowhere']));
    expect(nothing.result.nodes).toEqual([]);
    expect(nothing.stats).toEqual({ waves: 0, readerCalls: 1, edgesRead: 0, nodesRead: 0 });
  });

  describe('redundancy', () => {
    it('absorbs one member down of a 3-cluster with minUp 2 (count)', async () => {
      const { result } = await analyseImpact(cluster({ minUp: 2, unit: 'count' }), down(['m1']));
      expect(result.nodes).toEqual([]);
      expect(result.absorbed).toEqual([{ id: 'c', impactedArrivals: 1, threshold: 1 }]);
      expect(result.edges).toEqual([]);
    });

    it('impacts the cluster, and what it hosts, with two members down', async () => {
      const { result } = await analyseImpact(cluster({ minUp: 2, unit: 'count' }), down(['m1', 'm2']));
      expect(levels(result)).toEqual({ c: 1, app: 2 });
      expect(vias(result)).toEqual({ c: 'm1', app: 'c' });
      expect(result.absorbed).toEqual([]);
      expect(result.edges).toEqual(edges('c>app:hosted_on m1>c:member_of m2>c:member_of'));
    });

    it('takes percent of k unrounded: 50 % of 3 is a threshold of 1.5', async () => {
      const g = cluster({ minUp: 50, unit: 'percent' });
      expect((await analyseImpact(g, down(['m1']))).result.absorbed).toEqual([
        { id: 'c', impactedArrivals: 1, threshold: 1.5 },
      ]);
      const two = (await analyseImpact(g, down(['m1', 'm3']))).result;
      expect(levels(two)).toEqual({ c: 1, app: 2 });
      expect(two.absorbed).toEqual([]);
    });

    it('computes the threshold as max(0, k − minUp)', () => {
      expect(thresholdOf(3, { minUp: 2, unit: 'count' })).toBe(1);
      expect(thresholdOf(3, { minUp: 5, unit: 'count' })).toBe(0);
      expect(thresholdOf(3, { minUp: 50, unit: 'percent' })).toBe(1.5);
      expect(thresholdOf(10, { minUp: 70, unit: 'percent' })).toBe(3);
      expect(thresholdOf(4, { minUp: 100, unit: 'percent' })).toBe(0);
      expect(thresholdOf(0, { minUp: 0, unit: 'count' })).toBe(0);
    });

    it('impacts a redundant CI at the first arrival when minUp ≥ k (threshold 0)', async () => {
      const { result } = await analyseImpact(cluster({ minUp: 3, unit: 'count' }), down(['m1']));
      expect(levels(result)).toEqual({ c: 1, app: 2 });
    });

    it('ignores redundancy with redundancy=false (rule 2 everywhere)', async () => {
      const { result } = await analyseImpact(
        cluster({ minUp: 2, unit: 'count' }),
        down(['m1'], { redundancy: false }),
      );
      expect(result.redundancy).toBe(false);
      expect(levels(result)).toEqual({ c: 1, app: 2 });
      expect(result.absorbed).toEqual([]);
    });

    it('accumulates arrivals across waves; crossing later enqueues at that wave, via the first arrival', async () => {
      // r→m1→c directly at level 1, and r→x→m2→c at level 2... c's threshold 1 is crossed in wave 3.
      const g = graph('r>c r>x x>y y>c c>app', { c: { redundancy: { minUp: 1, unit: 'count' } } });
      const { result } = await analyseImpact(g, down(['r']));
      expect(levels(result)).toEqual({ x: 1, y: 2, c: 3, app: 4 });
      // via: the first impacted CI that reached c (r, at level 0), not y whose arrival crossed the threshold.
      expect(vias(result)).toEqual({ x: 'r', y: 'x', c: 'r', app: 'c' });
      expect(result.absorbed).toEqual([]);
      expect(result.edges).toEqual(edges('c>app r>c r>x x>y y>c'));
    });

    it('counts only arrivals from impacted CIs: a path through an absorbed CI does not arrive', async () => {
      // m1 down; c absorbed (threshold 1); c>d would be a second arrival at d but c is not impacted.
      const g = graph('m1>c m2>c m3>c m1>d c>d', {
        c: { redundancy: { minUp: 2, unit: 'count' } },
        d: { redundancy: { minUp: 1, unit: 'count' } },
      });
      const { result } = await analyseImpact(g, down(['m1']));
      expect(result.nodes).toEqual([]);
      expect(result.absorbed).toEqual([
        { id: 'c', impactedArrivals: 1, threshold: 1 },
        { id: 'd', impactedArrivals: 1, threshold: 1 },
      ]);
    });

    it('counts each impact edge as an arrival (k counts edges), duplicates from the reader once', async () => {
      const g = new EdgeListGraph(
        [...edges('a>c:runs_on a>c:depends_on b>c'), { from: 'a', to: 'c', type: 'runs_on' }],
        { c: { redundancy: { minUp: 2, unit: 'count' }, impactInDegree: 3 } },
      );
      const { result } = await analyseImpact(g, down(['a']));
      expect(levels(result)).toEqual({ c: 1 });
      expect(result.edges).toEqual(edges('a>c:depends_on a>c:runs_on'));
      // A duplicate alone does not cross: k = 2, threshold 1, one distinct arrival (listed twice).
      const twice = new EdgeListGraph([...edges('a>c b>c'), { from: 'a', to: 'c', type: 'depends_on' }], {
        c: { redundancy: { minUp: 1, unit: 'count' }, impactInDegree: 2 },
      });
      expect((await analyseImpact(twice, down(['a']))).result).toMatchObject({
        nodes: [],
        absorbed: [{ id: 'c', impactedArrivals: 1, threshold: 1 }],
      });
    });
  });

  describe('depth', () => {
    const chain = graph('a>b b>c c>d');

    it('includes CIs at level = depth without expanding them; depthLimitReached when more lies beyond', async () => {
      const { result, stats } = await analyseImpact(chain, down(['a'], { depth: 2 }));
      expect(levels(result)).toEqual({ b: 1, c: 2 });
      expect(result.edges).toEqual(edges('a>b b>c'));
      expect(result.depthLimitReached).toBe(true);
      expect(stats.waves).toBe(3);
    });

    it('is not reached when the CIs at level = depth have no outgoing impact edges', async () => {
      const { result, stats } = await analyseImpact(chain, down(['a'], { depth: 3 }));
      expect(levels(result)).toEqual({ b: 1, c: 2, d: 3 });
      expect(result.depthLimitReached).toBe(false);
      expect(stats.waves).toBe(4);
    });

    it('depth 0 reports no CIs, only whether the roots impact anything', async () => {
      expect((await analyseImpact(chain, down(['a'], { depth: 0 }))).result).toMatchObject({
        nodes: [],
        edges: [],
        depthLimitReached: true,
      });
      expect((await analyseImpact(chain, down(['d'], { depth: 0 }))).result.depthLimitReached).toBe(false);
    });

    it('does not count edges back into the result, to retired or missing CIs, or absorbed arrivals', async () => {
      const g = graph(
        'a>b b>a b>old b>ghost b>c m2>c m3>c',
        {
          old: { status: 'retired' },
          c: { redundancy: { minUp: 2, unit: 'count' } },
        },
        ['ghost'],
      );
      const { result } = await analyseImpact(g, down(['a'], { depth: 1 }));
      expect(levels(result)).toEqual({ b: 1 });
      expect(result.depthLimitReached).toBe(false);
      // With old followed, or redundancy off (c impacted by one arrival), there is more beyond.
      expect(
        (await analyseImpact(g, down(['a'], { depth: 1, includeRetired: true }))).result.depthLimitReached,
      ).toBe(true);
      expect(
        (await analyseImpact(g, down(['a'], { depth: 1, redundancy: false }))).result.depthLimitReached,
      ).toBe(true);
    });

    it('counts pending arrivals in the depth check: one more arrival that crosses a threshold is more', async () => {
      // r→c at level 1 (absorbed so far, threshold 1); x (level 1) → y (level 2 = depth) → c would cross.
      const g = graph('r>c r>x x>y y>c c>app', { c: { redundancy: { minUp: 1, unit: 'count' } } });
      const { result } = await analyseImpact(g, down(['r'], { depth: 2 }));
      expect(levels(result)).toEqual({ x: 1, y: 2 });
      expect(result.absorbed).toEqual([{ id: 'c', impactedArrivals: 1, threshold: 1 }]);
      expect(result.depthLimitReached).toBe(true);
    });

    it('rejects a negative or fractional depth', async () => {
      await expect(analyseImpact(chain, down(['a'], { depth: -1 }))).rejects.toThrow(RangeError);
      await expect(analyseImpact(chain, down(['a'], { depth: 1.5 }))).rejects.toThrow(RangeError);
    });
  });

  describe('node cap', () => {
    const star = graph('r>e r>d r>c r>b r>a a>x');

    it('keeps the smallest ids up to the cap, sets truncated and stops', async () => {
      const { result, stats } = await analyseImpact(star, down(['r'], { nodeCap: 3 }));
      expect(levels(result)).toEqual({ a: 1, b: 1, c: 1 });
      expect(result.truncated).toBe(true);
      expect(result.depthLimitReached).toBe(false);
      expect(result.edges).toEqual(edges('r>a r>b r>c'));
      expect(stats.waves).toBe(1);
    });

    it('is not truncated when the result fits the cap exactly', async () => {
      const { result } = await analyseImpact(star, down(['r'], { nodeCap: 6 }));
      expect(result.nodes).toHaveLength(6);
      expect(result.truncated).toBe(false);
      expect((await analyseImpact(star, down(['r'], { nodeCap: 5 }))).result).toMatchObject({
        truncated: true,
        nodes: expect.toSatisfy((nodes: unknown[]) => nodes.length === 5),
      });
    });

    it('defaults to 2,000', async () => {
      const big = new EdgeListGraph(
        Array.from({ length: 2_001 }, (_, i) => ({
          from: 'r',
          to: `n${String(i).padStart(4, '0')}`,
          type: 'runs_on',
        })),
      );
      const { result } = await analyseImpact(big, down(['r']));
      expect(result.nodes).toHaveLength(2_000);
      expect(result.truncated).toBe(true);
      expect(result.nodes.at(-1)!.id).toBe('n1999');
    });
  });

  describe('retired CIs', () => {
    const g = graph('a>old old>b a>c', { old: { status: 'retired' } });

    it('are not followed: not impacted, not in nodes, nothing beyond them', async () => {
      const { result } = await analyseImpact(g, down(['a']));
      expect(levels(result)).toEqual({ c: 1 });
      expect(result.edges).toEqual(edges('a>c'));
    });

    it('are followed with includeRetired', async () => {
      const { result } = await analyseImpact(g, down(['a'], { includeRetired: true }));
      expect(levels(result)).toEqual({ c: 1, old: 1, b: 2 });
      expect(result.nodes.find((n) => n.id === 'old')!.status).toBe('retired');
    });

    it('are not walked from as roots unless includeRetired', async () => {
      expect((await analyseImpact(g, down(['old']))).result).toMatchObject({ roots: [], nodes: [] });
      expect(levels((await analyseImpact(g, down(['old'], { includeRetired: true }))).result)).toEqual({
        b: 1,
      });
    });
  });
});

describe('analyseImpact upstream', () => {
  // Impact flows db → app → svc, host → app, rack → host; cache (redundant) → app.
  const g = graph('db>app host>app:runs_on rack>host:contains app>svc cache>app other>db', {
    app: { redundancy: { minUp: 1, unit: 'count' } },
    svc: { serviceFamily: true },
    other: { status: 'retired' },
  });

  it('walks the reverse edges: every CI whose failure could impact the root, no redundancy', async () => {
    const { result } = await analyseImpact(g, up(['svc'], { redundancy: true }));
    expect(result.direction).toBe('upstream');
    expect(result.redundancy).toBe(false);
    expect(levels(result)).toEqual({ app: 1, cache: 2, db: 2, host: 2, rack: 3 });
    expect(vias(result)).toEqual({ app: 'svc', cache: 'app', db: 'app', host: 'app', rack: 'host' });
    expect(result.absorbed).toEqual([]);
    // Edges keep their stored from/to.
    expect(result.edges).toEqual(edges('app>svc cache>app db>app host>app:runs_on rack>host:contains'));
    expect(result.services).toEqual([]);
  });

  it('reports the service-family CIs it reaches upstream and honours depth and includeRetired', async () => {
    const { result } = await analyseImpact(g, up(['db'], { includeRetired: true }));
    expect(levels(result)).toEqual({ other: 1 });
    const shallow = (await analyseImpact(g, up(['svc'], { depth: 1 }))).result;
    expect(levels(shallow)).toEqual({ app: 1 });
    expect(shallow.depthLimitReached).toBe(true);
    const fromApp = (
      await analyseImpact(
        graph('s1>s2 s2>app', { s1: { serviceFamily: true, name: 'Payments' } }),
        up(['app']),
      )
    ).result;
    expect(fromApp.services).toEqual([{ id: 's1', name: 'Payments', criticality: 3, level: 2 }]);
  });
});

describe('analyseImpact reader calls', () => {
  it('reads the roots, then per wave one edges() for the frontier and one nodes() for newly seen ids', async () => {
    const g = graph('a>b a>c b>d c>d d>e');
    const { stats } = await analyseImpact(g, down(['a'], { depth: 2 }));
    expect(g.calls).toEqual([
      { method: 'nodes', ids: ['a'] },
      { method: 'edges', ids: ['a'], direction: 'downstream' },
      { method: 'nodes', ids: ['b', 'c'] },
      { method: 'edges', ids: ['b', 'c'], direction: 'downstream' },
      { method: 'nodes', ids: ['d'] },
      { method: 'edges', ids: ['d'], direction: 'downstream' }, // the depth check
      { method: 'nodes', ids: ['e'] },
    ]);
    expect(stats).toEqual({ waves: 3, readerCalls: 7, edgesRead: 5, nodesRead: 5 });
  });

  it('never reads a node twice (an absorbed CI reached in several waves)', async () => {
    const g = graph('r>c r>x x>y y>c', { c: { redundancy: { minUp: 1, unit: 'count' }, impactInDegree: 3 } });
    await analyseImpact(g, down(['r']));
    const read = g.calls.filter((c) => c.method === 'nodes').flatMap((c) => c.ids);
    expect(read.sort()).toEqual(['c', 'r', 'x', 'y']);
  });
});

// ---- properties -------------------------------------------------------------------------------------------

const IDS = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];

interface RandomGraph {
  edges: GraphEdge[];
  retired: string[];
  missing: string[];
  redundant: Record<string, NonNullable<GraphNode['redundancy']>>;
}

const randomGraph: fc.Arbitrary<RandomGraph> = fc.record({
  edges: fc.uniqueArray(
    fc.record({
      from: fc.constantFrom(...IDS),
      to: fc.constantFrom(...IDS),
      type: fc.constantFrom('depends_on', 'runs_on'),
    }),
    { maxLength: 24, selector: (e) => `${e.from}>${e.to}:${e.type}` },
  ),
  retired: fc.subarray(IDS, { maxLength: 2 }),
  missing: fc.subarray(IDS, { maxLength: 1 }),
  redundant: fc.dictionary(
    fc.constantFrom(...IDS),
    fc.oneof(
      fc.record({ minUp: fc.integer({ min: 0, max: 4 }), unit: fc.constant('count' as const) }),
      fc.record({ minUp: fc.integer({ min: 0, max: 100 }), unit: fc.constant('percent' as const) }),
    ),
    { maxKeys: 4 },
  ),
});

const readerOf = (g: RandomGraph) =>
  new EdgeListGraph(
    g.edges,
    Object.fromEntries([
      ...IDS.map((id) => [id, {}] as const),
      ...Object.entries(g.redundant).map(([id, redundancy]) => [id, { redundancy }] as const),
      ...g.retired.map(
        (id) =>
          [id, { status: 'retired', ...(g.redundant[id] ? { redundancy: g.redundant[id] } : {}) }] as const,
      ),
    ]),
    g.missing,
  );

/** Naive BFS with a visited set: id → shortest hop count, roots excluded, up to `depth`. */
function naiveReach(
  g: RandomGraph,
  roots: string[],
  direction: ImpactDirection,
  depth: number,
  includeRetired: boolean,
) {
  const ok = (id: string) => !g.missing.includes(id) && (includeRetired || !g.retired.includes(id));
  const start = roots.filter(ok);
  const level = new Map<string, number>(start.map((id) => [id, 0]));
  let frontier = start;
  for (let l = 1; l <= depth && frontier.length > 0; l++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of g.edges) {
        const [near, far] = direction === 'downstream' ? [e.from, e.to] : [e.to, e.from];
        if (near === id && ok(far) && !level.has(far)) {
          level.set(far, l);
          next.push(far);
        }
      }
    }
    frontier = next;
  }
  for (const id of start) level.delete(id);
  return level;
}

const request = fc.record({
  roots: fc.uniqueArray(fc.constantFrom(...IDS, 'absent'), { minLength: 1, maxLength: 3 }),
  direction: fc.constantFrom<ImpactDirection>('downstream', 'upstream'),
  depth: fc.integer({ min: 0, max: 6 }),
  includeRetired: fc.boolean(),
});

describe('analyseImpact properties', () => {
  it('without redundancy: nodes = naive reachability within depth, levels shortest, via one level up', async () => {
    await fc.assert(
      fc.asyncProperty(randomGraph, request, async (g, req) => {
        const reader = readerOf(g);
        const { result, stats } = await analyseImpact(reader, { ...req, redundancy: false });
        const expected = naiveReach(g, req.roots, req.direction, req.depth, req.includeRetired);
        expect(levels(result)).toEqual(Object.fromEntries(expected));
        // depthLimitReached ⇔ one more level would add CIs.
        const deeper = naiveReach(g, req.roots, req.direction, req.depth + 1, req.includeRetired);
        expect(result.depthLimitReached).toBe(deeper.size > expected.size);
        const levelOf = new Map<string, number>([...result.roots.map((r) => [r, 0] as const), ...expected]);
        for (const node of result.nodes) {
          expect(levelOf.get(node.via)).toBe(node.level - 1);
          const [from, to] = req.direction === 'downstream' ? [node.via, node.id] : [node.id, node.via];
          expect(g.edges.some((e) => e.from === from && e.to === to)).toBe(true);
        }
        // edges: exactly the edges between result CIs whose near end was expanded (level < depth).
        const near = (e: GraphEdge) => (req.direction === 'downstream' ? e.from : e.to);
        const wanted = g.edges
          .filter((e) => levelOf.has(e.from) && levelOf.has(e.to) && levelOf.get(near(e))! < req.depth)
          .map((e) => `${e.from}>${e.to}:${e.type}`)
          .sort();
        expect(result.edges.map((e) => `${e.from}>${e.to}:${e.type}`)).toEqual(wanted);
        expect(stats.waves).toBeLessThanOrEqual(req.depth + 1);
        expect(stats.readerCalls).toBeLessThanOrEqual(2 * stats.waves + 1);
        expect(result.absorbed).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('with redundancy: a fixpoint — impacted CIs crossed their threshold, the rest did not', async () => {
    await fc.assert(
      fc.asyncProperty(randomGraph, request, async (g, req) => {
        const reader = readerOf(g);
        const depth = 8; // beyond any path in 8 CIs: the walk ends by itself
        const { result, stats } = await analyseImpact(reader, {
          ...req,
          direction: 'downstream',
          depth,
          redundancy: true,
        });
        expect(result.depthLimitReached).toBe(false);
        expect(stats.waves).toBeLessThanOrEqual(depth + 1);
        expect(stats.readerCalls).toBeLessThanOrEqual(2 * stats.waves + 1);
        const level = new Map<string, number>([
          ...result.roots.map((r) => [r, 0] as const),
          ...result.nodes.map((n) => [n.id, n.level] as const),
        ]);
        const ok = (id: string) => !g.missing.includes(id) && (req.includeRetired || !g.retired.includes(id));
        const k = (id: string) => g.edges.filter((e) => e.to === id).length;
        const threshold = (id: string) => (g.redundant[id] ? thresholdOf(k(id), g.redundant[id]) : 0);
        const absorbed = new Map(result.absorbed.map((a) => [a.id, a]));
        for (const id of IDS) {
          if (!ok(id) || result.roots.includes(id)) continue;
          const arrivals = g.edges.filter((e) => e.to === id && level.has(e.from));
          const lvl = level.get(id);
          if (lvl === undefined) {
            expect(arrivals.length).toBeLessThanOrEqual(threshold(id));
            if (arrivals.length > 0)
              expect(absorbed.get(id)).toEqual({
                id,
                impactedArrivals: arrivals.length,
                threshold: threshold(id),
              });
            else expect(absorbed.has(id)).toBe(false);
          } else {
            // crossed with arrivals from CIs of lower levels; the first of them (by level) is the shortest hop.
            const earlier = arrivals.filter((e) => level.get(e.from)! < lvl);
            expect(earlier.length).toBeGreaterThan(threshold(id));
            expect(earlier.filter((e) => level.get(e.from)! < lvl - 1).length).toBeLessThanOrEqual(
              threshold(id),
            );
            const via = result.nodes.find((n) => n.id === id)!.via;
            const firstLevel = Math.min(...arrivals.map((e) => level.get(e.from)!));
            expect(level.get(via)).toBe(firstLevel);
            expect(absorbed.has(id)).toBe(false);
          }
        }
        // Redundancy only removes CIs: the result is within the plain reachability.
        const plain = naiveReach(g, req.roots, 'downstream', depth, req.includeRetired);
        for (const node of result.nodes) expect(plain.get(node.id)).toBeLessThanOrEqual(node.level);
      }),
      { numRuns: 300 },
    );
  });
});
