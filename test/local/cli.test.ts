import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyAuthorization } from '../../bin/local/auth.js';
import { defaultStateDir, loadOrCreateSigningKey } from '../../bin/local/signing-key.js';
import { descendants, isRunning, waitForOutput } from './processes.js';

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
      expect(isRunning(java[0]!.pid)).toBe(false);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 60_000);
});
