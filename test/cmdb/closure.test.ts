import { describe, expect, it } from 'vitest';
import { diffMembership, serviceMembers } from '../../functions/cmdb/closure.js';
import type { GraphEdge, GraphNode, GraphReader, ImpactDirection } from '../../functions/cmdb/graph.js';

/** A GraphReader over an edge list `a>b …` (impact flows a → b); `nodes` overrides node fields. */
function graph(
  spec: string,
  nodes: Record<string, Partial<GraphNode>> = {},
): GraphReader & { edgeCalls: number } {
  const list: GraphEdge[] = spec
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => {
      const [from, to] = token.split('>');
      return { from: from!, to: to!, type: 'depends_on' };
    });
  const ids = new Set([...list.flatMap((e) => [e.from, e.to]), ...Object.keys(nodes)]);
  const byId = new Map<string, GraphNode>(
    [...ids].map((id) => [
      id,
      {
        id,
        class: 'server',
        name: id,
        criticality: 3,
        status: 'active',
        redundancy: null,
        impactInDegree: list.filter((e) => e.to === id).length,
        serviceFamily: false,
        ...nodes[id],
      },
    ]),
  );
  const reader = {
    edgeCalls: 0,
    async edges(requested: readonly string[], direction: ImpactDirection) {
      reader.edgeCalls += 1;
      return new Map(
        requested.map((id) => [id, list.filter((e) => (direction === 'downstream' ? e.from : e.to) === id)]),
      );
    },
    async nodes(requested: readonly string[]) {
      return new Map(requested.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : [])));
    },
  };
  return reader;
}

describe('serviceMembers', () => {
  it('is the upstream set of the service, sorted, the service excluded', async () => {
    const g = graph('db>app vm>app host>vm app>svc lb>svc other>unrelated svc>consumer', {
      svc: { serviceFamily: true, class: 'business_service' },
    });
    expect(await serviceMembers(g, 'svc')).toEqual({
      members: ['app', 'db', 'host', 'lb', 'vm'],
      truncated: false,
    });
  });

  it('ignores redundancy: a clustered member still belongs to the service', async () => {
    const g = graph('m1>c m2>c m3>c c>svc', { c: { redundancy: { minUp: 2, unit: 'count' } } });
    expect((await serviceMembers(g, 'svc')).members).toEqual(['c', 'm1', 'm2', 'm3']);
  });

  it('does not follow retired CIs', async () => {
    const g = graph('old>svc deep>old new>svc', { old: { status: 'retired' } });
    expect(await serviceMembers(g, 'svc')).toEqual({ members: ['new'], truncated: false });
  });

  it('terminates on cycles', async () => {
    const g = graph('a>svc b>a a>b svc>b');
    expect(await serviceMembers(g, 'svc')).toEqual({ members: ['a', 'b'], truncated: false });
  });

  it('stops at depth 10 and says so', async () => {
    const chain = Array.from({ length: 12 }, (_, i) => `c${i + 1}>c${i}`).join(' ');
    const g = graph(chain);
    const { members, truncated } = await serviceMembers(g, 'c0');
    expect(members).toHaveLength(10);
    expect(members).not.toContain('c11');
    expect(truncated).toBe(true);
    expect(g.edgeCalls).toBe(11);
    expect(await serviceMembers(graph(chain.split(' ').slice(0, 10).join(' ')), 'c0')).toMatchObject({
      truncated: false,
    });
  });

  it('stops at 2,000 CIs and says so', async () => {
    const fan = Array.from({ length: 2_001 }, (_, i) => `n${String(i).padStart(4, '0')}>svc`).join(' ');
    const { members, truncated } = await serviceMembers(graph(fan), 'svc');
    expect(members).toHaveLength(2_000);
    expect(truncated).toBe(true);
  });

  it('has no members when the service is missing', async () => {
    expect(await serviceMembers(graph('a>b'), 'nope')).toEqual({ members: [], truncated: false });
  });
});

describe('diffMembership', () => {
  it('lists added and removed ids, sorted', () => {
    expect(diffMembership(new Set(['c', 'a', 'b']), new Set(['d', 'b', 'e', 'a']))).toEqual({
      added: ['d', 'e'],
      removed: ['c'],
    });
  });

  it('is empty for equal sets, and total for disjoint ones', () => {
    expect(diffMembership(new Set(['a']), new Set(['a']))).toEqual({ added: [], removed: [] });
    expect(diffMembership(new Set(), new Set(['b', 'a']))).toEqual({ added: ['a', 'b'], removed: [] });
    expect(diffMembership(new Set(['b', 'a']), new Set())).toEqual({ added: [], removed: ['a', 'b'] });
  });
});
