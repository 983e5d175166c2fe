import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { type CloudFormationTemplate, definitionFromTemplate } from '../../bin/local/workflow-definition.js';
import { changeWorkflowConfig } from '../../lib/changes-config.js';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

type State = Record<string, unknown>;

/** asl-validator ships no type declarations; this is the part of its API the test uses. */
const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options: { checkArn: boolean; checkPaths: boolean },
) => { isValid: boolean; errorsText: (separator: string) => string };

/** Every state, including those inside Map iterations. */
function statesOf(definition: { States: Record<string, State> }): Record<string, State> {
  const all: Record<string, State> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    all[name] = state;
    if (state.ItemProcessor)
      Object.assign(all, statesOf(state.ItemProcessor as { States: Record<string, State> }));
  }
  return all;
}

/** Path metadata (on with the CDK CLI) is what the local runtime names the task function by. */
const PATH_METADATA = { 'aws:cdk:enable-path-metadata': true };

describe('change workflow infrastructure', () => {
  const { template, stack } = synthOpsdesk({ stage: 'dev', logRetentionDays: 14, ...PATH_METADATA });
  const machineId = logicalIdOf(stack.changes.stateMachine);
  const machine = template.findResources('AWS::StepFunctions::StateMachine')[machineId]!;
  const definition = definitionFromTemplate(template.toJSON() as CloudFormationTemplate);
  const states = statesOf(definition);

  it('is one Standard state machine with tracing and ALL logging to its own log group', () => {
    expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toEqual([machineId]);
    expect(machine.Properties).toMatchObject({
      StateMachineName: 'opsdesk-dev-changes',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [logicalIdOf(stack.changes.logGroup), 'Arn'] },
            },
          },
        ],
      },
    });
    const logGroup = template.findResources('AWS::Logs::LogGroup')[logicalIdOf(stack.changes.logGroup)];
    expect(logGroup?.Properties).toMatchObject({
      LogGroupName: '/aws/vendedlogs/states/opsdesk-dev-changes',
      RetentionInDays: 14,
    });
  });

  it('has a valid JSONPath definition (asl-validator), the one the local runtime runs', () => {
    const { isValid, errorsText } = aslValidator(definition, {
      checkArn: true,
      checkPaths: true,
    });
    expect(isValid, errorsText('\n')).toBe(true);
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(definition.StartAt).toBe('Submit');
  });

  it('waits for approvals with task tokens that escalate after 24 h and expire after 72 h', () => {
    for (const prefix of ['CabApproval', 'ChangeManagerApproval']) {
      const request = states[`${prefix}RequestApproval`]!;
      const again = states[`${prefix}AwaitAfterEscalation`]!;
      expect(request).toMatchObject({
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSeconds: 24 * 3600,
        Parameters: { Payload: { 'taskToken.$': '$$.Task.Token', action: 'requestApproval' } },
        Catch: [{ ErrorEquals: ['States.Timeout'], Next: `${prefix}Escalate` }],
      });
      expect(again).toMatchObject({ TimeoutSeconds: 48 * 3600, Catch: [{ Next: `${prefix}Expire` }] });
      expect(states[`${prefix}Expired`]).toMatchObject({ Type: 'Fail', Error: 'Change.ApprovalExpired' });
      expect(definition.States[prefix]).toMatchObject({
        Type: 'Map',
        Catch: [{ ErrorEquals: ['Change.Rejected', 'Change.ApprovalExpired'], Next: 'Reject' }],
      });
    }
  });

  it('waits until plannedStart, then for the implementation result until plannedEnd + 4 h', () => {
    expect(states.WaitForWindow).toMatchObject({ Type: 'Wait', TimestampPath: '$.schedule.plannedStart' });
    expect(states.AwaitImplementation).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      InputPath: '$.implementation',
      TimeoutSecondsPath: '$.Payload.timeoutSeconds',
      Parameters: { Payload: { 'timeoutSeconds.$': '$.Payload.timeoutSeconds' } },
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'ImplementationTimedOut' }],
    });
    expect(states.AwaitReview).toMatchObject({ TimeoutSeconds: 14 * 86400 });
  });

  it('retries every task with exponential backoff, never a step that does not apply, never a timeout', () => {
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(15);
    for (const [name, state] of tasks) {
      const retry = state.Retry as { ErrorEquals: string[]; MaxAttempts: number; BackoffRate?: number }[];
      const backoff = retry.find((r) => r.MaxAttempts > 0)!;
      expect(backoff, name).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL', IntervalSeconds: 1 });
      const retried = retry.filter((r) => r.MaxAttempts > 0).flatMap((r) => r.ErrorEquals);
      expect(retried, name).not.toContain('States.Timeout');
      expect(retried, name).not.toContain('Change.StepNotApplicable');
      if (String(state.Resource).endsWith('.waitForTaskToken'))
        expect(retried, name).not.toContain('States.ALL');
    }
  });

  it('invokes only the change task function', () => {
    const functionArn = { 'Fn::GetAtt': [logicalIdOf(stack.changes.taskFunction), 'Arn'] };
    const text = JSON.stringify(machine.Properties.DefinitionString);
    expect(text).toContain(JSON.stringify(functionArn));
    const referenced = new Set([...text.matchAll(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g)].map((m) => m[1]));
    expect([...referenced]).toEqual([logicalIdOf(stack.changes.taskFunction)]);
  });

  it("gives the state machine's role least privilege: invoke the task function, deliver logs, trace", () => {
    const statements = statementsOfRole(template, logicalIdOf(stack.changes.stateMachine.role));
    const functionArn = { 'Fn::GetAtt': [logicalIdOf(stack.changes.taskFunction), 'Arn'] };
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: [functionArn, { 'Fn::Join': ['', [functionArn, ':*']] }],
    });
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([
      'lambda:InvokeFunction',
    ]);
    expect(actions.some((a) => a.startsWith('dynamodb:') || a.endsWith('*'))).toBe(false);
  });

  it('lets the changes API start, complete and stop executions of this machine only', () => {
    const statements = statementsOfRole(template, logicalIdOf(stack.api.functions.changes.role!));
    const machineArn = { Ref: machineId };
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: machineArn,
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      Resource: machineArn,
    });
    const stop = statements.find((s) => actionsOf(s).includes('states:StopExecution'))!;
    expect(JSON.stringify(stop.Resource)).toContain(':execution:opsdesk-dev-changes:*');
    const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.api.functions.changes)];
    expect(fn?.Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual(machineArn);
    const other = statementsOfRole(template, logicalIdOf(stack.api.functions.tickets.role!)).flatMap(
      actionsOf,
    );
    expect(other.filter((a) => a.startsWith('states:'))).toEqual([]);
  });

  it('lets the task function use the table, and nothing of Step Functions', () => {
    const actions = statementsOfRole(template, logicalIdOf(stack.changes.taskFunction.role!)).flatMap(
      actionsOf,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']),
    );
    expect(actions.filter((a) => a.startsWith('states:'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('gives the task function no ses:* permission and no MAIL_FROM, even with the mail path', () => {
    // Approval requests, escalations and expiries are events the email notifier mails.
    const withMail = synthOpsdesk({ stage: 'dev', emailDomain: 'desk.example.com' });
    const task = withMail.stack.changes.taskFunction;
    const actions = statementsOfRole(withMail.template, logicalIdOf(task.role!)).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
    const fn = withMail.template.findResources('AWS::Lambda::Function')[logicalIdOf(task)]!;
    expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('MAIL_FROM');
  });

  it('takes the escalation, expiry and review delays from context', () => {
    const custom = synthOpsdesk({
      ...PATH_METADATA,
      stage: 'dev',
      changeApprovalEscalateHours: '8',
      changeApprovalExpireHours: 24,
      changeReviewTimeoutDays: 3,
    });
    const customStates = statesOf(definitionFromTemplate(custom.template.toJSON() as CloudFormationTemplate));
    expect(customStates.CabApprovalRequestApproval?.TimeoutSeconds).toBe(8 * 3600);
    expect(customStates.CabApprovalAwaitAfterEscalation?.TimeoutSeconds).toBe(16 * 3600);
    expect(customStates.AwaitReview?.TimeoutSeconds).toBe(3 * 86400);
  });

  it.each([
    [{ changeApprovalEscalateHours: 72, changeApprovalExpireHours: 24 }, 'changeApprovalExpireHours'],
    [{ changeApprovalEscalateHours: 0 }, 'changeApprovalEscalateHours'],
    [{ changeApprovalExpireHours: 30 * 24 }, 'changeApprovalExpireHours'],
    [{ changeReviewTimeoutDays: 'soon' }, 'changeReviewTimeoutDays'],
  ])('refuses %j naming %s', (context, key) => {
    expect(() => changeWorkflowConfig((name) => (context as Record<string, unknown>)[name])).toThrow(
      new RegExp(`Invalid Opsdesk change workflow config: ${key}`),
    );
  });
});
