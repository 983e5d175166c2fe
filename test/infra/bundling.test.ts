import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../functions/shared/aws/lambda-credentials.js';
import { BUNDLE_TARGET, ESM_REQUIRE_BANNER, LAMBDA_ALIASES, MAIN_FIELDS } from '../../lib/bundling.js';
import { entryPath, type LambdaEntryName } from '../../lib/lambda.js';

/** Bundles an entry as lib/lambda.ts has NodejsFunction do it, in memory; the inputs that left code in it. */
async function bundleInputs(entry: LambdaEntryName): Promise<string[]> {
  const out = await build({
    entryPoints: [entryPath(entry)],
    bundle: true,
    write: false,
    outdir: 'unused',
    platform: 'node',
    format: 'esm',
    minify: true,
    target: BUNDLE_TARGET,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    alias: { ...LAMBDA_ALIASES },
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(out.metafile.outputs).filter((o) => o.entryPoint);
  return Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

describe('Lambda bundling', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('aliases only to files that exist', () => {
    for (const target of Object.values(LAMBDA_ALIASES)) expect(existsSync(target), target).toBe(true);
  });

  it('replaces the default credential chain with the environment provider', async () => {
    const inputs = await bundleInputs('seed');
    expect(inputs.some((input) => input.includes('functions/shared/aws/lambda-credentials.ts'))).toBe(true);
    for (const chainLink of ['credential-provider-node', 'credential-provider-sso', 'nested-clients']) {
      expect(
        inputs.filter((input) => input.includes(chainLink)),
        chainLink,
      ).toEqual([]);
    }
  });

  it('keeps each client out of the functions that do not use it', async () => {
    const has = (inputs: string[], pkg: string) =>
      inputs.some((input) => input.includes(`node_modules/${pkg}/`));
    const tickets = await bundleInputs('tickets');
    expect(has(tickets, '@aws-sdk/client-s3')).toBe(false);
    expect(has(tickets, '@aws-sdk/client-sesv2')).toBe(false);
    expect(has(tickets, '@aws-sdk/client-sfn')).toBe(false);
    // zod's English messages only, not its 40-odd other locales.
    const locales = tickets.filter((input) => input.includes('zod/v4/locales/'));
    expect(locales.map((input) => input.replace(/^.*\//, ''))).toEqual(['en.js']);
    expect(has(await bundleInputs('attachments'), '@aws-sdk/client-s3')).toBe(true);
    const notifier = await bundleInputs('email-notifier');
    expect(has(notifier, '@aws-sdk/client-sesv2')).toBe(true);
    expect(has(notifier, '@aws-sdk/client-s3')).toBe(false);
    const ingest = await bundleInputs('email-ingest');
    expect(has(ingest, '@aws-sdk/client-s3')).toBe(true);
    expect(has(ingest, '@aws-sdk/client-sesv2')).toBe(false);
    expect(has(await bundleInputs('admin'), '@aws-lambda-powertools/idempotency')).toBe(false);
    const publicFn = await bundleInputs('public');
    expect(publicFn.filter((input) => input.includes('@aws-sdk/'))).toEqual([]);
    expect(has(publicFn, 'luxon')).toBe(false);
  });

  it('validates with zod/mini and its English messages, never classic zod', async () => {
    // Classic zod attaches every method to every schema, so esbuild cannot tree-shake it; zod/mini
    // installs no locale by itself (functions/shared/zod-locale.ts does), or every issue reads "Invalid input".
    for (const entry of ['tickets', 'changes', 'admin', 'attachments', 'public', 'change-tasks'] as const) {
      const inputs = await bundleInputs(entry);
      expect(
        inputs.filter((input) => input.includes('zod/v4/classic/')),
        entry,
      ).toEqual([]);
      expect(
        inputs
          .filter((input) => input.includes('zod/v4/locales/'))
          .map((input) => input.replace(/^.*\//, '')),
        entry,
      ).toEqual(['en.js']);
    }
  });

  it('reads the execution role credentials Lambda puts in the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');
    const credentials = await defaultProvider()();
    expect(credentials).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('fails clearly when the environment holds no credentials', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    await expect(defaultProvider()()).rejects.toThrow(/credentials/i);
  });
});
