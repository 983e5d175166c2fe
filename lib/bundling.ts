import { fileURLToPath } from 'node:url';

/**
 * The esbuild settings of every Lambda bundle, in one place: lib/lambda.ts hands them to
 * NodejsFunction and bench/bundles.ts builds with the very same ones, so the measured bundle is
 * the deployed bundle.
 */

/**
 * esbuild emits `__require` shims for CommonJS dependencies inside an ESM bundle; they need a real
 * `require`, which ESM modules do not have.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Modules replaced in Lambda bundles only. The SDK's default credential chain becomes the
 * environment provider, the only link of the chain that can answer on Lambda (see
 * functions/shared/aws/lambda-credentials.ts); it halves a DynamoDB-only bundle.
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(
    new URL('../functions/shared/aws/lambda-credentials.ts', import.meta.url),
  ),
  // The quantile sketch library's serialisation, never called (functions/reports/no-protobuf.ts).
  'protobufjs/minimal': fileURLToPath(new URL('../functions/reports/no-protobuf.ts', import.meta.url)),
};

export const BUNDLE_TARGET = 'node22';

/** Prefer ESM builds of dependencies so esbuild can tree-shake them. */
export const MAIN_FIELDS = ['module', 'main'];

/** The aliases as esbuild command-line flags (NodejsFunction passes `esbuildArgs` through). */
export function aliasArgs(
  aliases: Readonly<Record<string, string>> = LAMBDA_ALIASES,
): Record<string, string> {
  return Object.fromEntries(Object.entries(aliases).map(([from, to]) => [`--alias:${from}`, to]));
}
