import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bin/local/free-port.js';
import { type ApiClient, api, type LocalRuntime, startTestRuntime } from '../support/runtime.js';

/**
 * A real Prometheus Alertmanager (Debian package `prometheus-alertmanager`, installed by .ci/run)
 * whose webhook receiver points at the local stack's intake with the integration's secret. Alerts
 * are pushed into Alertmanager's own API; Alertmanager groups them and delivers its native v4
 * webhook, which must open one incident per alert and resolve them when the alerts end.
 */
const BINARY = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
/**
 * .ci/run installs the package when it is missing, so CI always runs this. A developer machine
 * without it skips it, saying so, rather than failing `npm test` on a missing system package.
 */
const INSTALLED = existsSync(BINARY);
if (!INSTALLED)
  console.warn(
    `${BINARY} is missing: the real-Alertmanager test is skipped (apt-get install prometheus-alertmanager, or set ALERTMANAGER_BIN; .ci/run installs it)`,
  );

describe.skipIf(!INSTALLED)('a real Prometheus Alertmanager → alert intake', () => {
  let rt: LocalRuntime;
  let agent: ApiClient;
  let alertmanager: ChildProcess | undefined;
  let amUrl: string;
  let dir: string;
  let output = '';

  beforeAll(async () => {
    rt = await startTestRuntime();
    agent = api(rt, { token: rt.tokenFor('ann', ['agent'], { name: 'Ann' }) });
    const admin = api(rt, { token: rt.adminToken });
    const created = await admin.request('PUT', '/integrations/prometheus', {
      body: { name: 'Prometheus', kind: 'alertmanager', auth: { mode: 'bearer' } },
    });
    expect(created.status).toBe(201);
    dir = await mkdtemp(join(tmpdir(), 'opsdesk-alertmanager-'));
    const config = [
      'route:',
      '  receiver: opsdesk',
      "  group_by: ['alertname']",
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: opsdesk',
      '    webhook_configs:',
      `      - url: ${rt.url}${created.json.url}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      '            type: Bearer',
      `            credentials: ${created.json.secret}`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'alertmanager.yml'), config);
    const port = await findFreePort();
    amUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      BINARY,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    alertmanager.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    alertmanager.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await until(
      async () => (await fetch(`${amUrl}/-/ready`).catch(() => undefined))?.ok === true,
      20_000,
      () => output,
    );
  }, 60_000);

  afterAll(async () => {
    alertmanager?.kill('SIGTERM');
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const push = async (alerts: Record<string, unknown>[]) => {
    const res = await fetch(`${amUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(res.status).toBe(200);
  };

  const alertIncidents = async () => {
    const list = await agent.request('GET', '/tickets?type=incident&limit=100');
    return (
      list.json.items as {
        id: string;
        title: string;
        source: string;
        status: string;
        priority: number;
        resolution: { code: string } | null;
      }[]
    ).filter((t) => t.source === 'alert');
  };

  it('opens one incident per alert of a group, and resolves them when the alerts end', async () => {
    const startsAt = new Date().toISOString();
    const alerts = ['db-1', 'db-2'].map((host) => ({
      labels: { alertname: 'DiskFull', instance: `${host}:9100`, severity: 'critical' },
      annotations: { summary: `Disk full on ${host}`, description: 'less than 1% free' },
      startsAt,
      generatorURL: 'http://prometheus.local/graph',
    }));
    await push(alerts);
    await until(
      async () => (await alertIncidents()).length === 2,
      20_000,
      () => output,
    );
    const opened = await alertIncidents();
    expect(opened.map((t) => t.title).sort()).toEqual(['Disk full on db-1', 'Disk full on db-2']);
    expect(opened.every((t) => t.status === 'new' && t.priority === 1)).toBe(true);

    // The same alerts again: Alertmanager deduplicates them itself, or delivers a re-notification; no new incident.
    await push(alerts);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await alertIncidents()).toHaveLength(2);

    // Ended alerts: Alertmanager sends them as resolved (send_resolved), and the incidents resolve.
    const endsAt = new Date().toISOString();
    await push(alerts.map((alert) => ({ ...alert, endsAt })));
    await until(
      async () => (await alertIncidents()).every((t) => t.status === 'resolved'),
      20_000,
      () => output,
    );
    const resolved = await alertIncidents();
    expect(resolved.map((t) => t.resolution?.code)).toEqual(['alert_cleared', 'alert_cleared']);
  }, 90_000);
});

async function until(check: () => Promise<boolean>, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting; alertmanager output:\n${log()}`);
}
