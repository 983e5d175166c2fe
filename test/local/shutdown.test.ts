import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { answers, collectOutput, descendants, eventually, isRunning, waitForOutput } from './processes.js';

/**
 * `npm start` stops completely whoever stops it: a process manager, `timeout`, or an IDE's stop
 * button signals npm's pid, not its process group, and a killed npm must not leave the stack
 * behind either. Each case starts the real thing (npm → node → DynamoDB Local's JVM, ...), signals
 * npm's pid only, and expects every process that was running below it gone and every port closed
 * within 10 s.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STOP_WITHIN_MS = 10_000;

describe('stopping npm start', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL'] as const)(
    '%s to the npm process alone stops everything within 10 s',
    async (signal) => {
      const npm = spawn('npm', ['start'], {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', OPSDESK_DATA_DIR: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
        // A process group of its own, only so that the test can clean up after a failure: the
        // signal under test goes to npm's pid alone.
        detached: true,
      });
      const output = collectOutput(npm);
      try {
        const banner = await waitForOutput(npm, /Ctrl-C stops everything/, 60_000);
        const url = /export URL=(\S+)/.exec(banner)?.[1];
        const smtpPort = Number(/mail \(SMTP\)\s+127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
        const objectsPort = Number(/files at http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
        expect((await fetch(`${url}/health`)).status).toBe(200);
        const ports = [Number(new URL(url!).port), smtpPort, objectsPort];
        for (const port of ports) expect(await answers(port)).toBe(true);

        const tree = descendants(npm.pid!);
        expect(tree.filter((p) => /^\S*java\s/.test(p.command))).toHaveLength(1);

        process.kill(npm.pid!, signal);
        const stopped = await eventually(async () => {
          if ([npm.pid!, ...tree.map((p) => p.pid)].some(isRunning)) return false;
          for (const port of ports) if (await answers(port)) return false;
          return true;
        }, STOP_WITHIN_MS);
        const left = tree.filter((p) => isRunning(p.pid));
        const open = [];
        for (const port of ports) if (await answers(port)) open.push(port);
        expect({ stopped, left, open }, `after ${signal} to npm (pid ${npm.pid}):\n${output()}`).toEqual({
          stopped: true,
          left: [],
          open: [],
        });
      } finally {
        try {
          process.kill(-npm.pid!, 'SIGKILL');
        } catch {
          // the group is gone
        }
      }
    },
    90_000,
  );
});
