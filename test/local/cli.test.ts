import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyAuthorization } from '../../bin/local/auth.js';
import { defaultStateDir, loadOrCreateSigningKey } from '../../bin/local/signing-key.js';

/** The two entry points as a user runs them: `npm start` and `npm run token`. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function tsx(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
}

/** Every process below `pid` (children, grandchildren, ...). */
function descendants(pid: number): { pid: number; command: string }[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3]! }));
  const found: { pid: number; command: string }[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const row of table.filter((r) => r.ppid === parent)) {
      found.push({ pid: row.pid, command: row.command });
      queue.push(row.pid);
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited before ${pattern}:\n${output}`));
    });
  });
}

describe('npm run token', () => {
  it('prints only a token the local API accepts', async () => {
    const out = tsx('bin/token.ts', [
      'alice',
      'requester',
      'agent',
      '--email',
      'alice@example.com',
      '--name',
      'Alice',
    ]);
    expect(out.status).toBe(0);
    const token = out.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const verified = await verifyAuthorization(
      `Bearer ${token}`,
      await loadOrCreateSigningKey(defaultStateDir()),
    );
    expect(verified.ok && verified.claims).toMatchObject({
      sub: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
      'cognito:groups': ['requester', 'agent'],
    });
  });

  it('exits 2 with a clear message on an unknown role', () => {
    const out = tsx('bin/token.ts', ['alice', 'root']);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('unknown role(s): root');
    expect(out.stderr).toContain('requester | agent | approver | admin');
  });
});

describe('npm start', () => {
  it('starts, prints URL, token and a sample curl, and stops on Ctrl-C without leaving Java behind', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', OPSDESK_DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so the test can send SIGINT to the whole group as Ctrl-C does.
      detached: true,
    });
    try {
      const banner = await waitForOutput(child, /Ctrl-C stops everything/, 45_000);
      const url = /export URL=(\S+)/.exec(banner)?.[1];
      const token = /export TOKEN=(\S+)/.exec(banner)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(banner).toMatch(/ready in \d+\.\d s/);
      expect(banner).toContain('curl -s -X POST $URL/tickets');
      expect(banner).toContain('npm run -s token -- alice requester --email alice@example.com');

      const clock = await fetch(`${url}/_local/clock`, { headers: { authorization: `Bearer ${token}` } });
      expect(clock.status).toBe(200);

      const java = descendants(child.pid!).filter((p) => /^\S*java\s/.test(p.command));
      expect(java).toHaveLength(1);

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      expect(isAlive(java[0]!.pid)).toBe(false);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 60_000);
});
