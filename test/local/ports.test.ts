import { spawn } from 'node:child_process';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort, PortInUseError } from '../../bin/local/free-port.js';
import { startLocalRuntime } from '../../bin/local/runtime.js';
import { testDynamoEndpoint, uniqueTableName } from '../support/dynamodb.js';
import { collectOutput } from './processes.js';

/**
 * The local stack binds three ports (PORT, SMTP_PORT, OBJECTS_PORT): when one is taken, the error
 * names that one, not always PORT.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const occupied: Server[] = [];
afterEach(async () => {
  await Promise.all(occupied.splice(0).map((server) => new Promise((r) => server.close(r))));
});

async function occupy(): Promise<number> {
  const server = createServer();
  occupied.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('a port already in use', () => {
  it.each([
    ['PORT', (busy: number) => ({ port: busy, smtpPort: 0, objectsPort: 0 })],
    ['SMTP_PORT', (busy: number) => ({ port: 0, smtpPort: busy })],
    ['OBJECTS_PORT', (busy: number) => ({ port: 0, objectsPort: busy })],
  ] as const)('is reported as %s when that is the one taken', async (variable, ports) => {
    const busy = await occupy();
    const error = await startLocalRuntime({
      ...ports(busy),
      dynamoEndpoint: testDynamoEndpoint(),
      tableName: uniqueTableName('ports'),
      quiet: true,
      slaSweepMs: 0,
    }).then(
      async (runtime) => {
        await runtime.stop();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({ variable, port: busy, code: 'EADDRINUSE' });
    expect((error as Error).message).toBe(
      `port ${busy} (${variable}) is in use: set ${variable} to another port, or PORT=0 for free ports throughout`,
    );
  });

  it('npm start names SMTP_PORT, not PORT, when the SMTP port is taken, and exits 1', async () => {
    const busy = await occupy();
    const [port, objectsPort] = [await findFreePort(), await findFreePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        SMTP_PORT: String(busy),
        OBJECTS_PORT: String(objectsPort),
        OPSDESK_DATA_DIR: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collectOutput(child);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output()).toBe(1);
    expect(output()).toContain(`port ${busy} (SMTP_PORT) is in use: set SMTP_PORT to another port`);
    expect(output()).not.toContain(`port ${port}`);
  }, 60_000);
});
