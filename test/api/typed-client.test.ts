import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

const ROOT = join(import.meta.dirname, '../..');
/** Imported only dynamically: its `opsdesk-openapi` types exist only once this test generated them. */
const CLIENT = join(ROOT, 'test/client/tour-client.ts');

/** What test/client/tour-client.ts exports, as this test uses it (a static import would need its types). */
interface TourClient {
  runTour(
    baseUrl: string,
    tokens: { agent: string; alice: string; bob: string },
  ): Promise<{
    created: { id: string; status: string; priority: number };
    listedIds: string[];
    statuses: string[];
    commentVisibility: string;
    refused: { status: number; code: string; allowed?: string[] };
    resolvedAt: string | null;
    bobSees: number;
    historyEntries: number;
    replayed: string | null;
  }>;
}

/**
 * docs/api.md#typed-clients: types generated with openapi-typescript from the served document
 * compile with a real client (openapi-fetch) that runs the README tour, so the document is precise
 * enough to program against, and a change to it that would break such a client fails here.
 */
describe('a typed client generated from GET /openapi.json', () => {
  let rt: LocalRuntime;
  let dir: string;

  beforeAll(async () => {
    rt = await startTestRuntime();
    dir = mkdtempSync(join(tmpdir(), 'opsdesk-client-'));
  });
  afterAll(async () => {
    await rt?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('compiles: the tour client type-checks against the generated types, with the repo settings', async () => {
    const document = (await api(rt).request('GET', '/openapi.json')).json;
    // A .ts file, not .d.ts: skipLibCheck would skip a declaration file, and this one must be checked.
    const generated = join(dir, 'openapi.ts');
    writeFileSync(generated, astToString(await openapiTS(document)));

    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const program = ts.createProgram([CLIENT], {
      ...options,
      noEmit: true,
      noUnusedLocals: true,
      typeRoots: [join(ROOT, 'node_modules/@types')],
      paths: { 'opsdesk-openapi': [generated] },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => !diagnostic.file?.fileName.includes('/node_modules/'))
      .map((diagnostic) =>
        ts.formatDiagnostic(diagnostic, {
          getCanonicalFileName: (name) => name,
          getCurrentDirectory: () => ROOT,
          getNewLine: () => '\n',
        }),
      );
    expect(problems).toEqual([]);
    expect(program.getSourceFiles().map((file) => file.fileName)).toContain(generated);
  }, 120_000);

  it('runs: the README tour through it against the local runtime, with typed answers', async () => {
    const { runTour } = (await import(CLIENT)) as TourClient;
    const tour = await runTour(rt.url, {
      agent: rt.tokenFor('ann', ['agent'], { email: 'ann@example.com', name: 'Ann Agent' }),
      alice: rt.tokenFor('alice', ['requester'], { email: 'alice@example.com', name: 'Alice' }),
      bob: rt.tokenFor('bob', ['requester']),
    });
    expect(tour.created).toMatchObject({
      id: expect.stringMatching(/^INC-\d{6,}$/),
      status: 'new',
      priority: 2,
    });
    expect(tour.listedIds).toContain(tour.created.id);
    expect(tour.statuses).toEqual(['in_progress', 'on_hold', 'in_progress', 'resolved']);
    expect(tour.commentVisibility).toBe('public');
    expect(tour.refused).toEqual({ status: 409, code: 'invalid_transition', allowed: expect.any(Array) });
    expect(tour.refused.allowed).toContain('resolved');
    expect(tour.resolvedAt).toEqual(expect.any(String));
    expect(tour.bobSees).toBe(404);
    expect(tour.historyEntries).toBeGreaterThan(3);
    expect(tour.replayed).toBe('true');
  });
});
