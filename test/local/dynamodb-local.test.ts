import { execFileSync, spawn } from 'node:child_process';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../bin/local/aws-clients.js';
import {
  type DynamoDbLocal,
  DynamoDbLocalExitedError,
  startDynamoDbLocal,
} from '../../bin/local/dynamodb-local.js';
import { ensureTable } from '../../bin/local/table.js';
import { TABLE_DEFINITION } from '../../functions/shared/dynamodb/table-definition.js';
import { testDynamoEndpoint, uniqueTableName } from '../support/dynamodb.js';
import { eventually, isRunning, waitForOutput } from './processes.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('DynamoDB Local process', () => {
  let instance: DynamoDbLocal | undefined;
  afterAll(() => instance?.stop());

  it('starts on a free 127.0.0.1 port, answers, and leaves no JVM after stop()', async () => {
    instance = await startDynamoDbLocal();
    expect(instance.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = localDynamoClient(instance.endpoint);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    client.destroy();

    // Bound to loopback only, not to every interface.
    const listening = execFileSync('ss', ['-ltnH', `sport = :${instance.port}`], { encoding: 'utf8' });
    expect(listening).toContain('127.0.0.1');
    expect(listening).not.toMatch(/\s\*:\d+|0\.0\.0\.0:|\[::\]:/);

    const { pid } = instance;
    expect(isAlive(pid)).toBe(true);
    await Promise.all([instance.stop(), instance.stop()]);
    expect(isAlive(pid)).toBe(false);
  });
});

describe('DynamoDB Local when its parent dies abruptly', () => {
  it('is killed by its watchdog when the process that started it is SIGKILLed', async () => {
    // A process that starts DynamoDB Local and gets no chance to clean up: no exit hook, no signal
    // handler runs on SIGKILL. Only the watchdog (it reads a pipe from the parent) can end the JVM.
    const script = [
      "const { startDynamoDbLocal } = await import('./bin/local/dynamodb-local.ts');",
      'const db = await startDynamoDbLocal();',
      "console.log('JVM ' + db.pid);",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let jvm: number | undefined;
    try {
      jvm = Number(/JVM (\d+)/.exec(await waitForOutput(parent, /JVM \d+/, 45_000))?.[1]);
      expect(isRunning(jvm)).toBe(true);
      parent.kill('SIGKILL');
      expect(await eventually(() => !isRunning(jvm!), 5_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      if (jvm && isRunning(jvm)) process.kill(jvm, 'SIGKILL');
    }
  }, 60_000);
});

describe('ensureTable', () => {
  it('creates the table from TABLE_DEFINITION, idempotently', async () => {
    const client = localDynamoClient(testDynamoEndpoint());
    const tableName = uniqueTableName('ensure');
    expect(await ensureTable(client, tableName)).toBe(true);
    expect(await ensureTable(client, tableName)).toBe(false);

    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toBeTruthy();
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(
      TABLE_DEFINITION.indexes.map((i) => i.name).sort(),
    );
    for (const index of indexes) expect(index.Projection?.ProjectionType).toBe('ALL');
    expect(Table?.AttributeDefinitions?.every((a) => a.AttributeType === 'S')).toBe(true);

    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: TABLE_DEFINITION.ttlAttribute,
    });
    client.destroy();
  });
});

describe('DynamoDB Local start failures', () => {
  it('reports a JVM that exits, with its output, and leaves nothing running', async () => {
    const busy = await new Promise<Server>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
    const port = (busy.address() as AddressInfo).port;
    try {
      await expect(startDynamoDbLocal({ port })).rejects.toBeInstanceOf(DynamoDbLocalExitedError);
    } finally {
      busy.close();
    }
  });
});
