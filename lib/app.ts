import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StackConfig } from './config.js';
import { loadStackConfig } from './config-file.js';
import { featureFlagsFromCdkJson } from './feature-flags.js';
import { OpsdeskStack, stackName } from './opsdesk-stack.js';

export interface BuildAppOptions {
  /** Context values (config keys, CDK flags); merged with cdk.json/`-c` when run by the CLI. */
  readonly context?: Record<string, unknown>;
  /** Skip esbuild bundling (tests): assets are then placeholders. */
  readonly skipBundling?: boolean;
  /** aws-cdk-lib's built-in CloudFormation validation costs ~3 s per process; tests turn it off. */
  readonly builtinCloudFormationValidation?: boolean;
  readonly outdir?: string;
  /** Where `config/<stage>.json` files are looked up; unset (tests): only an explicit `configFile`. */
  readonly configDir?: string;
}

export interface OpsdeskApp {
  readonly app: App;
  readonly stack: OpsdeskStack;
  readonly config: StackConfig;
}

/**
 * Builds the app exactly as `cdk synth` does, cdk-nag included, so tests check what deploys.
 * cdk-nag findings make `app.synth()` throw; every acknowledgement carries its reason in code.
 */
export function buildApp(options: BuildAppOptions = {}): OpsdeskApp {
  // cdk.json's feature flags first: the CLI passes them anyway, and tests get the same template.
  const context: Record<string, unknown> = { ...featureFlagsFromCdkJson(), ...options.context };
  if (options.skipBundling) context['aws:cdk:bundling-stacks'] = [];
  const appProps: AppProps = {
    context,
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.builtinCloudFormationValidation === false ? { builtinCloudFormationValidation: false } : {}),
  };
  const app = new App(appProps);
  const { config } = loadStackConfig(app.node, options.configDir);

  const stack = new OpsdeskStack(app, stackName(config), {
    config,
    description: `Opsdesk ITSM backend (${config.stage})`,
    // Environment-agnostic unless the CLI knows the target; synth needs no credentials either way.
    // A configured account/region pins the stack: the CLI refuses credentials for another account.
    env: {
      account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT,
      region: config.region ?? process.env.CDK_DEFAULT_REGION,
    },
    terminationProtection: config.production,
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, config };
}
