import { describe, expect, it } from 'vitest';
import { createRouter } from '../../bin/local/router.js';
import { ROUTES } from '../../functions/shared/http/routes.js';

describe('createRouter', () => {
  const route = createRouter([
    { method: 'GET', path: '/tickets' },
    { method: 'POST', path: '/tickets' },
    { method: 'GET', path: '/tickets/{id}' },
    { method: 'GET', path: '/tickets/search' },
    { method: 'PATCH', path: '/tickets/{id}' },
    { method: 'GET', path: '/tickets/{id}/comments' },
    { method: 'GET', path: '/files/{key+}' },
  ]);

  it('matches literal paths and extracts decoded path parameters', () => {
    expect(route('GET', '/tickets')).toMatchObject({
      kind: 'matched',
      route: { method: 'GET', path: '/tickets' },
    });
    expect(route('GET', '/tickets/INC%2D000001')).toEqual({
      kind: 'matched',
      route: { method: 'GET', path: '/tickets/{id}' },
      pathParameters: { id: 'INC-000001' },
    });
  });

  it('prefers a literal segment over a parameter', () => {
    expect(route('GET', '/tickets/search')).toMatchObject({
      route: { path: '/tickets/search' },
      pathParameters: {},
    });
  });

  it('matches greedy parameters over several segments', () => {
    expect(route('GET', '/files/a/b/c.txt')).toMatchObject({ pathParameters: { key: 'a/b/c.txt' } });
  });

  it('answers method-not-allowed with the methods the path has', () => {
    expect(route('DELETE', '/tickets/INC-1')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'PATCH'],
    });
  });

  it('does not match empty parameters, extra segments or unknown paths', () => {
    expect(route('GET', '/tickets/')).toEqual({ kind: 'not-found' });
    expect(route('GET', '/tickets/INC-1/comments/2')).toEqual({ kind: 'not-found' });
    expect(route('GET', '/nope')).toEqual({ kind: 'not-found' });
  });

  it('routes every entry of ROUTES to itself', () => {
    const routes = createRouter(ROUTES);
    for (const r of ROUTES) {
      const path = r.path.replace(/\{[^}]+\}/g, 'X-1');
      expect(routes(r.method, path)).toMatchObject({ kind: 'matched', route: r });
    }
  });
});
