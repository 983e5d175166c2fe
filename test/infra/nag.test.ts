import { type App, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { actionsOf, logicalIdOf, type PolicyStatementJson, synthOpsdesk } from './synth.js';

/** Step Functions' log delivery to CloudWatch Logs (resource-less); only the change workflow logs so. */
const STATE_MACHINE_LOGGING_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

const CONFIGS = {
  dev: { stage: 'dev' },
  prod: { stage: 'prod', corsOrigins: ['https://desk.example.com'] },
  oidc: {
    stage: 'dev',
    identity: { kind: 'oidc', issuer: 'https://login.example.com', audience: ['opsdesk'] },
  },
};

/** Actions that have no resource-level permissions, so `Resource: "*"` is the only way to grant them. */
const RESOURCE_LESS_ACTIONS = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:ListStreams',
  ...STATE_MACHINE_LOGGING_ACTIONS,
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
];

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgementsIn(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** Every AwsSolutions finding, acknowledged or not, as `rule id → construct paths`. */
function rawFindings(app: App): Map<string, string[]> {
  const pack = new AwsSolutionsChecks(app);
  // Private in the typings; turning it off shows what the acknowledgements hide.
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  const report = pack.validateScope(app);
  const findings = new Map<string, string[]>();
  for (const violation of report.violations) {
    const paths = violation.violatingResources.map(
      (resource) => (resource as unknown as { constructPath: string }).constructPath,
    );
    findings.set(violation.ruleName, [...(findings.get(violation.ruleName) ?? []), ...paths]);
  }
  return findings;
}

describe('cdk-nag AwsSolutions checks', () => {
  it.each(Object.entries(CONFIGS))(
    'pass for the %s config (synth throws on any unacknowledged finding)',
    (_, context) => {
      const { app } = buildApp({ context, skipBundling: true, builtinCloudFormationValidation: false });
      expect(() => app.synth()).not.toThrow();
    },
  );

  it('are really applied: a non-compliant resource makes synth fail', () => {
    const { app, stack } = buildApp({ skipBundling: true, builtinCloudFormationValidation: false });
    new Queue(stack, 'QueueWithoutTls');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it.each(Object.entries(CONFIGS))(
    'acknowledge findings of the %s config only with a specific written reason',
    (_, context) => {
      const { app } = buildApp({ context, skipBundling: true, builtinCloudFormationValidation: false });
      const acknowledgements = acknowledgementsIn(app);
      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const { path, id, reason } of acknowledgements) {
        expect(id, path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
        expect(reason.trim().length, `${path} ${id}`).toBeGreaterThanOrEqual(80);
      }
    },
  );

  it.each(Object.entries(CONFIGS))(
    'acknowledge nothing in the %s config that is not an actual finding',
    (_, context) => {
      const { app } = buildApp({ context, skipBundling: true, builtinCloudFormationValidation: false });
      app.synth();
      const findings = rawFindings(app);
      for (const { path, id } of acknowledgementsIn(app)) {
        const paths = findings.get(id) ?? [];
        expect(
          paths.some((finding) => finding === path || finding.startsWith(`${path}/`)),
          `${id} acknowledged on ${path} but not found there`,
        ).toBe(true);
      }
    },
  );

  it('acknowledge the wildcard resource only for actions that cannot be scoped', () => {
    const { template, stack } = synthOpsdesk({ stage: 'dev' });
    // The stream's two readers: the publisher (lib/events.ts) and the projections (lib/projections.ts).
    const streamRoles = [stack.events.publisher.role!, stack.projections.fn.role!].map((role) => ({
      Ref: logicalIdOf(role),
    }));
    const changeWorkflowRole = { Ref: logicalIdOf(stack.changes.stateMachine.role) };
    for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
      const statements = policy.Properties.PolicyDocument.Statement as PolicyStatementJson[];
      for (const statement of statements.filter((s) => JSON.stringify(s.Resource).includes('"*"'))) {
        expect(statement.Resource, id).toBe('*');
        for (const action of actionsOf(statement)) {
          expect(RESOURCE_LESS_ACTIONS, `${id}: ${action} on *`).toContain(action);
          if (action === 'dynamodb:ListStreams') {
            expect(policy.Properties.Roles).toHaveLength(1);
            expect(streamRoles).toContainEqual(policy.Properties.Roles[0]);
          }
          if (STATE_MACHINE_LOGGING_ACTIONS.includes(action)) {
            expect(policy.Properties.Roles).toEqual([changeWorkflowRole]);
          }
        }
      }
    }
  });
});
