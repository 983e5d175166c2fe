/**
 * Matches a request path against API-Gateway-style route paths (`/tickets/{id}`, `{proxy+}`).
 * Like API Gateway, the most specific route wins: a literal segment beats a `{param}`, which beats
 * a greedy `{param+}`.
 */
export interface RoutePattern {
  readonly method: string;
  readonly path: string;
}

export type RouteMatch<R extends RoutePattern> =
  | { readonly kind: 'matched'; readonly route: R; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

interface CompiledRoute<R> {
  readonly route: R;
  readonly segments: readonly Segment[];
}

const SEGMENT_RANK = { literal: 0, param: 1, greedy: 2 } as const;

function compile(path: string): Segment[] {
  return path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy) return { kind: 'greedy', name: greedy[1]! };
      const param = /^\{(.+)\}$/.exec(part);
      if (param) return { kind: 'param', name: param[1]! };
      return { kind: 'literal', value: part };
    });
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // Malformed escapes reach the handler as sent, as API Gateway passes what it cannot decode.
    return value;
  }
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[segment.name] = decode(rest.join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

/** Orders candidate routes: the one whose first differing segment is more literal comes first. */
function bySpecificity<R>(a: CompiledRoute<R>, b: CompiledRoute<R>): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const rankA = a.segments[i] ? SEGMENT_RANK[a.segments[i]!.kind] : 3;
    const rankB = b.segments[i] ? SEGMENT_RANK[b.segments[i]!.kind] : 3;
    if (rankA !== rankB) return rankA - rankB;
  }
  return 0;
}

export function createRouter<R extends RoutePattern>(
  routes: readonly R[],
): (method: string, path: string) => RouteMatch<R> {
  const compiled = routes.map((route) => ({ route, segments: compile(route.path) }));
  return (method, path) => {
    const parts = path.split('/').slice(1);
    const candidates: { route: R; params: Record<string, string>; compiled: CompiledRoute<R> }[] = [];
    for (const entry of compiled) {
      const params = matchSegments(entry.segments, parts);
      if (params) candidates.push({ route: entry.route, params, compiled: entry });
    }
    if (candidates.length === 0) return { kind: 'not-found' };
    // Like API Gateway's route keys, method and path select together: the most specific path among
    // the routes of this method wins. Only when no route of this method matches is it a 405.
    const sameMethod = candidates.filter((c) => c.route.method === method.toUpperCase());
    sameMethod.sort((a, b) => bySpecificity(a.compiled, b.compiled));
    const hit = sameMethod[0];
    if (hit) return { kind: 'matched', route: hit.route, pathParameters: hit.params };
    return { kind: 'method-not-allowed', allow: [...new Set(candidates.map((c) => c.route.method))].sort() };
  };
}
