import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CDK_JSON = fileURLToPath(new URL('../cdk.json', import.meta.url));

/**
 * The CDK feature flags set in cdk.json. The CLI passes them to the app itself; apps built in
 * tests (lib/app.ts buildApp) read them here, so tests synthesise with the same flags as
 * `cdk synth`, and a flag changed in cdk.json shows up in the tests' templates too.
 */
export function featureFlagsFromCdkJson(path: string = CDK_JSON): Record<string, unknown> {
  const { context = {} } = JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> };
  // Feature flags are the namespaced keys (`@aws-cdk/...`); the rest is CLI settings or stack config.
  return Object.fromEntries(Object.entries(context).filter(([key]) => key.startsWith('@')));
}
