/**
 * Prints the change workflow's state machine definition, as `cdk synth` would deploy it (cdk-nag
 * included), with its tokens resolved for the local runtime; given a cache key, also stores it in
 * the cache under that key. Run by workflow-definition-cache.ts in a child process;
 * `npx tsx bin/local/workflow-synth.ts` shows it too.
 */
import { buildApp } from '../../lib/app.js';
import { type CloudFormationTemplate, definitionFromTemplate } from './workflow-definition.js';
import { writeDefinitionCache } from './workflow-definition-cache.js';

const { app, stack } = buildApp({
  // Path metadata (the CLI turns it on) names the task function for the local runtime.
  context: { 'aws:cdk:enable-path-metadata': true },
  skipBundling: true,
  builtinCloudFormationValidation: false,
});
const template = app.synth().getStackByName(stack.stackName).template as CloudFormationTemplate;
const definition = definitionFromTemplate(template);
const cacheKey = process.argv[2];
if (cacheKey) await writeDefinitionCache(cacheKey, definition);
process.stdout.write(JSON.stringify(definition));
