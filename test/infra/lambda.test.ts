import { existsSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { entryPath, LAMBDA_ENTRIES, type LambdaEntryName } from '../../lib/lambda.js';
import { logicalIdOf, synthOpsdesk } from './synth.js';

/** aws-cdk-lib's custom-resource framework function: its runtime and architecture are CDK's choice. */
const isProviderFramework = (fn: ReturnType<Template['findResources']>[string]): boolean =>
  String(fn.Properties.Handler).startsWith('framework.');

describe('Lambda functions', () => {
  const { template, stack } = synthOpsdesk({ stage: 'dev', logRetentionDays: 14 });
  const functions = template.findResources('AWS::Lambda::Function');
  const ours = Object.entries(functions).filter(([, fn]) => !isProviderFramework(fn));

  it('are the Opsdesk functions plus the provider framework', () => {
    const expected = [
      stack.api.functions.public,
      stack.api.functions.tickets,
      stack.api.functions.attachments,
      stack.api.functions.admin,
      stack.api.functions.changes,
      stack.api.functions.cmdb,
      stack.api.functions.alerts,
      stack.api.functions.catalog,
      stack.api.functions.problems,
      stack.problems.consumer,
      stack.api.functions.csat,
      stack.csat.consumer,
      stack.cmdb.closures,
      stack.search.indexer,
      stack.projections.fn,
      stack.changes.taskFunction,
      stack.events.publisher,
      stack.seed.handler,
      stack.sla.sweeper,
      stack.api.functions.reports,
      stack.reports.csatConsumer,
      stack.reports.jobs,
    ].map(logicalIdOf);
    expect(ours.map(([id]) => id).sort()).toEqual(expected.sort());
    expect(Object.keys(functions)).toHaveLength(expected.length + 1);
  });

  it('all run Node.js 22 on arm64 with active tracing, 1 GB and source maps', () => {
    for (const [id, fn] of ours) {
      expect({ id, ...fn.Properties }).toMatchObject({
        id,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: 1024,
        Handler: 'index.handler',
        Environment: {
          Variables: expect.objectContaining({
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'opsdesk',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          }),
        },
      });
      // The report rebuild runs in the background (never behind a request): up to Lambda's 15 minutes.
      const limit = id === logicalIdOf(stack.reports.jobs) ? 900 : 60;
      expect(fn.Properties.Timeout, id).toBeLessThanOrEqual(limit);
    }
  });

  it('keep HTTP functions below the 30 s API Gateway integration limit', () => {
    for (const fn of Object.values(stack.api.functions)) {
      expect(functions[logicalIdOf(fn)]?.Properties.Timeout).toBeLessThan(30);
    }
  });

  it('each log to an explicit log group of its own with the configured retention', () => {
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    const used = new Set<string>();
    for (const [id, fn] of ours) {
      const ref = fn.Properties.LoggingConfig?.LogGroup?.Ref as string | undefined;
      expect(ref, id).toBeDefined();
      expect(logGroups[ref as string]?.Properties.RetentionInDays, id).toBe(14);
      used.add(ref as string);
    }
    expect(used.size).toBe(ours.length);
  });

  it('have roles without AWS managed policies', () => {
    const roles = template.findResources('AWS::IAM::Role');
    for (const [id, role] of Object.entries(roles)) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('have entry files where the stack expects them', () => {
    for (const name of Object.keys(LAMBDA_ENTRIES) as LambdaEntryName[]) {
      expect(existsSync(entryPath(name)), name).toBe(true);
    }
  });
});
