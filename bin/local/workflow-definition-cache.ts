import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateMachineDefinition } from './workflow-definition.js';

/**
 * Where the local runtime gets the change workflow's definition. Synthesising loads the whole CDK
 * (~3 s), so it runs in a child process (the local API stays responsive meanwhile), and its result
 * is cached in `.opsdesk/cache` under a hash of every source that can shape the template: a cached
 * definition is always the one the current code synthesises. Parallel runtimes (test files)
 * synthesise once between them: one holds a lock, the others wait for the cache entry.
 */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_FILE = join(REPO_ROOT, '.opsdesk', 'cache', 'change-workflow.json');
const LOCK_FILE = `${CACHE_FILE}.lock`;
const SYNTH_SCRIPT = fileURLToPath(new URL('./workflow-synth.ts', import.meta.url));
const SYNTH_TIMEOUT_MS = 120_000;
const POLL_MS = 250;

/** Everything the template can depend on: CDK code, the code it references, config, lock file. */
const SOURCE_ROOTS = ['lib', 'functions'];
const SOURCE_FILES = [
  'cdk.json',
  'package-lock.json',
  'bin/local/workflow-synth.ts',
  'bin/local/workflow-definition.ts',
  'bin/local/workflow-definition-cache.ts',
];

let loading: { key: string; definition: Promise<StateMachineDefinition> } | undefined;

/** The definition for the current sources: from the cache, or synthesised once. */
export async function loadChangeWorkflowDefinition(): Promise<StateMachineDefinition> {
  const key = await sourceHash();
  if (loading?.key !== key) {
    const current = { key, definition: readCache(key).then((cached) => cached ?? synthesiseOnce(key)) };
    loading = current;
    current.definition.catch(() => {
      if (loading === current) loading = undefined; // a failed load is retried by the next caller
    });
  }
  return loading.definition;
}

/** Written to a private file and renamed into place, so parallel runtimes never read half a file. */
export async function writeDefinitionCache(key: string, definition: StateMachineDefinition): Promise<void> {
  await mkdir(dirname(CACHE_FILE), { recursive: true });
  const temporary = `${CACHE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify({ key, definition }));
  await rename(temporary, CACHE_FILE);
}

async function synthesiseOnce(key: string): Promise<StateMachineDefinition> {
  await mkdir(dirname(CACHE_FILE), { recursive: true });
  const deadline = Date.now() + SYNTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await tryLock()) {
      try {
        return await synthesiseInChildProcess(key);
      } finally {
        await unlink(LOCK_FILE).catch(() => undefined);
      }
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, POLL_MS));
    const cached = await readCache(key);
    if (cached) return cached;
  }
  throw new Error(`no change workflow definition within ${SYNTH_TIMEOUT_MS / 1000} s (lock: ${LOCK_FILE})`);
}

/**
 * Takes the lock (recording this process id), or clears one whose owner is gone: a process that
 * stopped mid-synthesis must not make the others wait out the timeout.
 */
async function tryLock(): Promise<boolean> {
  try {
    const file = await open(LOCK_FILE, 'wx');
    await file.writeFile(String(process.pid));
    await file.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(await readFile(LOCK_FILE, 'utf8').catch(() => ''));
    if (owner > 0 && !isAlive(owner)) await unlink(LOCK_FILE).catch(() => undefined);
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function sourceHash(): Promise<string> {
  const files = [...SOURCE_FILES];
  for (const root of SOURCE_ROOTS) files.push(...(await listFiles(join(REPO_ROOT, root))));
  const hash = createHash('sha256');
  for (const file of [...new Set(files.map((f) => relative(REPO_ROOT, resolve(REPO_ROOT, f))))].sort()) {
    hash.update(file);
    hash.update('\0');
    hash.update(await readFile(join(REPO_ROOT, file)).catch(() => Buffer.alloc(0)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

async function readCache(key: string): Promise<StateMachineDefinition | undefined> {
  try {
    const cached = JSON.parse(await readFile(CACHE_FILE, 'utf8')) as {
      key: string;
      definition: StateMachineDefinition;
    };
    return cached.key === key ? cached.definition : undefined;
  } catch {
    return undefined;
  }
}

/** Syntheses running now (stopWorkflowSynthesis). */
const synthesising = new Set<ChildProcess>();

/**
 * Kills any synthesis still running. `npm start` calls it when it stops (bin/local.ts): a stopped
 * stack leaves no process behind. Runtimes that stop in a test process do not, so that the
 * synthesis finishes the cache for the others.
 */
export function stopWorkflowSynthesis(): void {
  for (const child of synthesising) child.kill('SIGKILL');
  synthesising.clear();
}

/**
 * Runs bin/local/workflow-synth.ts on this Node (22) with tsx. The child writes the cache entry
 * itself and prints the definition. It and its pipes are unreferenced: a runtime that stops
 * meanwhile (a short test) exits at once, and the child still finishes the cache for the others.
 */
function synthesiseInChildProcess(key: string): Promise<StateMachineDefinition> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SYNTH_SCRIPT, key], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.unref();
    synthesising.add(child);
    for (const pipe of [child.stdout, child.stderr]) (pipe as unknown as { unref(): void }).unref();
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), SYNTH_TIMEOUT_MS).unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      synthesising.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      synthesising.delete(child);
      if (code !== 0) {
        const why = signal ? `was killed (${signal})` : `exited with ${code}`;
        reject(
          new Error(`synthesising the change workflow ${why}: ${Buffer.concat(stderr).toString().trim()}`),
        );
        return;
      }
      try {
        resolvePromise(JSON.parse(Buffer.concat(stdout).toString('utf8')) as StateMachineDefinition);
      } catch (error) {
        reject(new Error(`the change workflow synthesis printed no definition: ${(error as Error).message}`));
      }
    });
  });
}
