import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_DIR, loadStackConfig } from '../../lib/config-file.js';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A config folder with the given files, and an app whose context holds the given values. */
function fixture(files: Record<string, unknown>, context: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-config-'));
  folders.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return { dir, context: new App({ context }).node };
}

describe('config files', () => {
  it('reads config/<stage>.json for the stage given as context', () => {
    const { dir, context } = fixture(
      { 'prod.json': { alarmEmail: 'oncall@example.com', logRetentionDays: 90 } },
      { stage: 'prod' },
    );
    const { config, file } = loadStackConfig(context, dir);
    expect(file).toBe(join(dir, 'prod.json'));
    expect(config).toMatchObject({ stage: 'prod', production: true, alarmEmail: 'oncall@example.com' });
    expect(config.logRetentionDays).toBe(90);
  });

  it('reads config/dev.json when no stage is given, since dev is the default stage', () => {
    const { dir, context } = fixture({ 'dev.json': { corsOrigins: ['http://localhost:5173'] } });
    expect(loadStackConfig(context, dir).config.corsOrigins).toEqual(['http://localhost:5173']);
  });

  it('lets context values (-c key=value) override the file', () => {
    const { dir, context } = fixture(
      { 'qa.json': { logRetentionDays: 90, alarmEmail: 'qa@example.com' } },
      { stage: 'qa', logRetentionDays: '14' },
    );
    const { config } = loadStackConfig(context, dir);
    expect(config.logRetentionDays).toBe(14);
    expect(config.alarmEmail).toBe('qa@example.com');
  });

  it('reads an explicitly named file, whatever the stage', () => {
    const { dir } = fixture({ 'acme-prod.json': { stage: 'acme-prod', production: true } });
    const context = new App({ context: { configFile: join(dir, 'acme-prod.json') } }).node;
    expect(loadStackConfig(context).config).toMatchObject({ stage: 'acme-prod', production: true });
  });

  it('reads no file without a config folder (tests) unless one is named', () => {
    const { dir, context } = fixture({ 'dev.json': { alarmEmail: 'dev@example.com' } });
    expect(loadStackConfig(context).config.alarmEmail).toBeUndefined();
    expect(loadStackConfig(context, dir).config.alarmEmail).toBe('dev@example.com');
  });

  it('hands keys other constructs read (the change workflow timers) to the app context', () => {
    const { dir, context } = fixture({ 'qa.json': { changeApprovalEscalateHours: 12 } }, { stage: 'qa' });
    loadStackConfig(context, dir);
    expect(context.tryGetContext('changeApprovalEscalateHours')).toBe(12);
  });

  it('needs no file at all', () => {
    const { dir, context } = fixture({}, { stage: 'qa' });
    expect(loadStackConfig(context, dir)).toEqual({ config: expect.objectContaining({ stage: 'qa' }) });
  });

  it.each([
    [
      { 'qa.json': { alarmEmal: 'typo@example.com' } },
      /alarmEmal: not a config key \(config file .*qa\.json\)/,
    ],
    [{ 'qa.json': { logRetentionDays: 31 } }, /logRetentionDays: one of .* \(config file .*qa\.json\)/],
    [{ 'qa.json': { stage: 'prod' } }, /stage: .*qa\.json says "prod" but was read for stage "qa"/],
    [{ 'qa.json': '{ "stage": ' }, /qa\.json is not JSON/],
    [{ 'qa.json': ['not', 'an', 'object'] }, /qa\.json must hold one JSON object/],
    [{ 'qa.json': { identity: { kind: 'oidc' } } }, /identity\.issuer: .* \(config file .*qa\.json\)/],
  ])('rejects %j naming the key and the file', (files, message) => {
    const { dir, context } = fixture(files, { stage: 'qa' });
    expect(() => loadStackConfig(context, dir)).toThrow(message);
  });

  it('rejects a named file that does not exist', () => {
    const context = new App({ context: { configFile: '/nowhere/opsdesk.json' } }).node;
    expect(() => loadStackConfig(context)).toThrow(/configFile: no such file \/nowhere\/opsdesk\.json/);
  });

  it('never looks outside the config folder for an odd stage name (the schema reports the stage)', () => {
    const { dir, context } = fixture({}, { stage: '../etc/passwd' });
    expect(() => loadStackConfig(context, dir)).toThrow(/Invalid Opsdesk stack config: stage: /);
  });

  it('ships a valid example for production', () => {
    const context = new App({ context: { configFile: join(CONFIG_DIR, 'prod.example.json') } }).node;
    expect(loadStackConfig(context).config).toMatchObject({
      stage: 'prod',
      production: true,
      account: '123456789012',
      region: 'eu-west-1',
      alarmEmail: 'oncall@example.com',
    });
  });
});
