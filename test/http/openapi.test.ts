import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/http/openapi.js';
import { ROUTES } from '../../functions/http/routes.js';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument() as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          security?: unknown[];
          requestBody?: unknown;
          responses: Record<string, unknown>;
          parameters: { name: string; in: string }[];
        }
      >
    >;
    components: {
      schemas: Record<string, { additionalProperties?: unknown; properties?: Record<string, unknown> }>;
    };
  };

  it('is OpenAPI 3.1 with every route of the route table', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      expect(doc.paths[route.path]?.[route.method.toLowerCase()]?.operationId).toBe(route.operationId);
    }
  });

  it('marks exactly the unauthenticated routes as needing no security', () => {
    for (const route of ROUTES) {
      const op = doc.paths[route.path]![route.method.toLowerCase()]!;
      expect(op.security === undefined).toBe(route.authenticated);
    }
  });

  it('request bodies are strict (unknown fields are errors) and name their fields', () => {
    expect(doc.components.schemas.CreateTicket!.additionalProperties).toBe(false);
    expect(Object.keys(doc.components.schemas.CreateTicket!.properties!)).toContain('urgency');
  });

  it('list filters appear as query parameters', () => {
    const names = doc.paths['/tickets']!.get!.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'type',
        'status',
        'priority',
        'assignee',
        'group',
        'requester',
        'ciId',
        'limit',
        'cursor',
      ]),
    );
  });

  it('errors are problem+json', () => {
    const responses = doc.paths['/tickets/{id}']!.patch!.responses as Record<
      string,
      { content: Record<string, unknown> }
    >;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '412']));
    expect(responses['409']!.content['application/problem+json']).toBeDefined();
  });
});
