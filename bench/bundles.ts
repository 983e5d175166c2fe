/**
 * Cold start proxies per Lambda entry point (issue 8 §1): each Lambda entry (lib/lambda.ts LAMBDA_ENTRIES) bundled with the
 * options lib/lambda.ts gives NodejsFunction (minified ESM, AWS SDK inside, node22), then imported in
 * a fresh Node process per sample to time module initialisation. Bundles go to a temp dir, never the
 * repo. Budgets: ≤ 300 KB minified, ≤ 80 ms init (median of SAMPLES fresh processes).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_TARGET, ESM_REQUIRE_BANNER, LAMBDA_ALIASES, MAIN_FIELDS } from '../lib/bundling.js';
import { entryPath, LAMBDA_ENTRIES, type LambdaEntryName } from '../lib/lambda.js';
import { progress } from './progress.js';

export const BUNDLE_BUDGET_KB = 300;
export const INIT_BUDGET_MS = 80;
const SAMPLES = Number(process.env.BENCH_INIT_SAMPLES ?? 15);
const CHILD_TIMEOUT_MS = 15_000;

/** Dummy values for every variable an entry reads at import; nothing here reaches the network. */
const DUMMY_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'opsdesk-bench',
  CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench',
  ATTACHMENTS_BUCKET: 'bench-attachments',
  RAW_MAIL_BUCKET: 'bench-raw-mail',
  EVENT_BUS_NAME: 'bench-bus',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
  GROUPS_CLAIM: 'cognito:groups',
  CORS_ORIGINS: '',
  OPSDESK_STAGE: 'bench',
  POWERTOOLS_SERVICE_NAME: 'opsdesk',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: 'Opsdesk',
  POWERTOOLS_TRACE_ENABLED: 'false',
  EMAIL_SETTINGS: JSON.stringify({
    domain: 'opsdesk.invalid',
    addresses: [{ address: 'support@opsdesk.invalid', type: 'incident' }],
    machineSenders: [],
    allowSenders: [],
    denySenders: [],
    maxMailBytes: 10 * 1024 * 1024,
    autoRepliesPerHour: 5,
  }),
};

export interface BundleResult {
  entry: string;
  kb: number;
  initMs: number | null;
  initError?: string;
  overSize: boolean;
  overInit: boolean;
  top: { input: string; kb: number }[];
  /** Bytes in the output by package (node_modules/<pkg> or "project"). */
  packages: { name: string; kb: number }[];
}

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

function packageOf(input: string): string {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return m ? m[1]! : 'project';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One fresh Node process importing the bundle; the child prints the import time it measured. */
function initSample(file: string): Promise<number> {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log('INIT_MS=' + (performance.now() - t0));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...DUMMY_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      const m = out.match(/INIT_MS=([\d.]+)/);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`exit ${code}: ${err.trim().split('\n').slice(0, 3).join(' | ')}`));
    });
  });
}

interface Bundled {
  entry: string;
  outfile: string;
  kb: number;
  top: BundleResult['top'];
  packages: BundleResult['packages'];
}

/** One entry bundled with the deployed options, and what its bytes are made of. */
async function bundle(entry: LambdaEntryName, dir: string): Promise<Bundled> {
  const outfile = join(dir, entry, 'index.mjs');
  const out = await build({
    entryPoints: [entryPath(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    target: BUNDLE_TARGET,
    format: 'esm',
    banner: { js: ESM_REQUIRE_BANNER },
    mainFields: MAIN_FIELDS,
    alias: { ...LAMBDA_ALIASES },
    external: [], // bundleAwsSDK: true
    metafile: true,
    logLevel: 'silent',
  });
  const meta: Metafile = out.metafile;
  const output = Object.entries(meta.outputs).find(([p]) => p.endsWith('.mjs'))![1];
  const inputs = Object.entries(output.inputs).map(([input, v]) => ({ input, bytes: v.bytesInOutput }));
  const top = [...inputs]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5)
    .map((i) => ({ input: i.input.replace(/^.*node_modules\//, ''), kb: kb(i.bytes) }));
  const byPkg = new Map<string, number>();
  for (const i of inputs) byPkg.set(packageOf(i.input), (byPkg.get(packageOf(i.input)) ?? 0) + i.bytes);
  const packages = [...byPkg]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([n, b]) => ({ name: n, kb: kb(b) }));
  return { entry, outfile, kb: kb((await stat(outfile)).size), top, packages };
}

export async function benchBundles(): Promise<BundleResult[]> {
  const entries = (Object.keys(LAMBDA_ENTRIES) as LambdaEntryName[]).sort();
  const dir = await mkdtemp(join(tmpdir(), 'opsdesk-bundles-'));
  try {
    const bundles: Bundled[] = [];
    for (const file of entries) {
      progress(`bundling ${file}`);
      bundles.push(await bundle(file, dir));
    }
    // Round robin, one sample of every bundle per round: a slow spell of this shared machine then
    // lands on all functions alike instead of on whichever was being measured.
    const samples = new Map<string, number[]>(bundles.map((b) => [b.entry, []]));
    const errors = new Map<string, string>();
    for (let round = 0; round < SAMPLES; round++) {
      progress(`init time: round ${round + 1} of ${SAMPLES} (${bundles.length} fresh Node processes)`);
      for (const b of bundles) {
        if (errors.has(b.entry)) continue;
        try {
          samples.get(b.entry)!.push(await initSample(b.outfile));
        } catch (error) {
          errors.set(b.entry, (error as Error).message);
        }
      }
    }
    return bundles.map((b) => {
      const taken = samples.get(b.entry)!;
      const initMs = taken.length === SAMPLES ? Math.round(median(taken) * 10) / 10 : null;
      const initError = errors.get(b.entry);
      progress(`bundled ${b.entry}: ${b.kb} KB, init ${initMs} ms`);
      return {
        entry: b.entry,
        kb: b.kb,
        initMs,
        ...(initError ? { initError } : {}),
        overSize: b.kb > BUNDLE_BUDGET_KB,
        overInit: initMs !== null && initMs > INIT_BUDGET_MS,
        top: b.top,
        packages: b.packages,
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function printBundles(results: BundleResult[]): void {
  console.log(
    `\nLambda bundles (esbuild as lib/lambda.ts; init = median of ${SAMPLES} fresh ${process.version} processes importing the bundle, sampled round robin)\n`,
  );
  console.log(
    `| function | bundle KB (≤ ${BUNDLE_BUDGET_KB}) | init ms (≤ ${INIT_BUDGET_MS}) | largest packages (KB) |`,
  );
  console.log('|---|---|---|---|');
  for (const r of results) {
    const size = `${r.kb}${r.overSize ? ' **over**' : ''}`;
    const init = r.initMs === null ? `error: ${r.initError}` : `${r.initMs}${r.overInit ? ' **over**' : ''}`;
    const pk = r.packages.map((p) => `${p.name} ${p.kb}`).join(', ');
    console.log(`| ${r.entry} | ${size} | ${init} | ${pk} |`);
  }
  console.log('\nTop 5 inputs by bytes in the output\n');
  console.log('| function | top inputs (KB) |');
  console.log('|---|---|');
  for (const r of results)
    console.log(`| ${r.entry} | ${r.top.map((t) => `${t.input} ${t.kb}`).join('; ')} |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await benchBundles();
  printBundles(results);
  await writeFile('bench/results/bundles.json', `${JSON.stringify(results, null, 2)}\n`);
}
