import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (lib/bundling.ts aliases it).
 * Lambda gives every function its execution role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, which is the first source the SDK's default chain
 * tries; the rest of the chain (SSO, STS web identity, INI files, IMDS, login) can never answer
 * there but costs ~75 KB of bundle and its module init. Not used by the local runtime, which runs
 * unbundled.
 */
export function defaultProvider(init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> {
  return fromEnv(init);
}
