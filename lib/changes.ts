import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  type IChainable,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  type RetryProps,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, type LambdaInvokeProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { ApprovalStage } from '../functions/changes/model.js';
import { CHANGE_TASKS_ENVIRONMENT } from '../functions/changes/workflow/tasks.function.js';
import {
  type ChangeTaskAction,
  WAIT_FOR_WINDOW_STATE,
  WORKFLOW_ERRORS,
} from '../functions/changes/workflow/workflow-contract.js';
import { type ChangeWorkflowConfig, changeWorkflowConfig } from './changes-config.js';
import { CHANGE_STATE_MACHINE_ID, CHANGE_TASK_FUNCTION_ID } from './changes-ids.js';
import type { StackConfig } from './config.js';
import type { DataConstruct } from './data.js';
import { createOpsdeskFunction, environmentFor } from './lambda.js';

export interface ChangesConstructProps {
  readonly config: StackConfig;
  readonly data: DataConstruct;
  /** The HTTP function serving /changes: it starts executions and completes their task tokens. */
  readonly apiFunction: NodejsFunction;
}

/** Lambda errors worth retrying whatever the step (the service, not our code, failed). */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Transient failures: exponential backoff with full jitter, 1 s, 2 s, 4 s, 8 s, 16 s. */
const BACKOFF: Omit<RetryProps, 'errors'> = {
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxAttempts: 5,
  maxDelay: Duration.seconds(30),
  jitterStrategy: JitterType.FULL,
};

/**
 * Change management on Step Functions (docs/changes.md): a Standard workflow in JSONPath whose task states
 * invoke one task function (functions/changes/workflow/tasks-handler.ts), with `.waitForTaskToken` stages
 * for the people involved. The local runtime runs this very definition (bin/local/workflow.ts).
 *
 *   Submit → Assess → [blocked by a freeze | CAB approvals → change-manager approvals] → Schedule
 *   → WaitForWindow ⇄ BeginImplementation → AwaitImplementation → RecordImplementation
 *   → AwaitReview → Close
 *
 * Each pending approval escalates after `escalateAfterHours` and expires as a rejection after
 * `expireAfterHours`; the implementation result is due by plannedEnd + 4 h, else the change fails.
 */
export class ChangesConstruct extends Construct {
  readonly taskFunction: NodejsFunction;
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  readonly settings: ChangeWorkflowConfig;

  constructor(scope: Construct, id: string, props: ChangesConstructProps) {
    super(scope, id);
    const { config, data, apiFunction } = props;
    this.settings = changeWorkflowConfig((key) => this.node.tryGetContext(key));

    this.taskFunction = createOpsdeskFunction(this, CHANGE_TASK_FUNCTION_ID, {
      entryName: 'change-tasks',
      description:
        'Opsdesk change workflow steps (assessment, approvals, scheduling, implementation, review)',
      config,
      environment: environmentFor(CHANGE_TASKS_ENVIRONMENT, { TABLE_NAME: data.table.tableName }),
      timeout: Duration.seconds(30),
    });
    data.grantRequestPathAccess(this.taskFunction);

    this.logGroup = new LogGroup(this, 'Logs', {
      // The vended-logs prefix keeps CloudWatch's resource policy small however many machines log.
      logGroupName: `/aws/vendedlogs/states/opsdesk-${config.stage}-changes`,
      retention: config.logRetentionDays,
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // A fixed name: operators find `opsdesk-<stage>-changes` in the console, and executions (named
    // after the change id) have ARNs the API can derive and IAM can scope.
    const machineName = `opsdesk-${config.stage}-changes`;
    this.stateMachine = new StateMachine(this, CHANGE_STATE_MACHINE_ID, {
      stateMachineName: machineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(this.definition()),
      comment: 'Opsdesk change: assessment, CAB approvals, scheduling, implementation, review',
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.acknowledgeRoleWildcards();

    apiFunction.addEnvironment('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    this.stateMachine.grantStartExecution(apiFunction);
    // Only what the API does with a token: complete it (no heartbeats are sent).
    apiFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [this.stateMachine.stateMachineArn],
      }),
    );
    // StopExecution is granted on execution ARNs, which are known only by pattern: the executions
    // of this one state machine (named after changes). Pseudo-parameter tokens keep the pattern,
    // and so its cdk-nag acknowledgement, the same whether or not the stack has a fixed env.
    const executions = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${machineName}:*`;
    apiFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['states:StopExecution'], resources: [executions] }),
    );
    Validations.of(apiFunction.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}:*]`,
      reason:
        'Cancelling a change stops its execution (states:StopExecution), which IAM scopes to execution ARNs: ' +
        'the wildcard is the execution name under this one state machine (executions are named after changes).',
    });
  }

  private definition(): IChainable {
    const { escalateAfterHours, expireAfterHours, reviewTimeoutDays } = this.settings;
    const closed = new Succeed(this, 'ChangeClosed');
    const failed = new Succeed(this, 'ImplementationFailed', {
      comment: 'a business outcome, not a workflow error',
    });

    const reject = this.task('Reject', 'reject', { error: JsonPath.objectAt('$.rejection') }).next(
      new Succeed(this, 'ChangeRejected'),
    );
    const approvals = (id: string, stage: ApprovalStage, itemsPath: string) =>
      new MapState(this, id, {
        comment: `one iteration per group of the ${stage} stage; any rejection or expiry ends the stage`,
        itemsPath,
        itemSelector: {
          changeId: JsonPath.stringAt('$.changeId'),
          group: JsonPath.stringAt('$$.Map.Item.Value'),
        },
        maxConcurrency: 0,
        resultPath: JsonPath.DISCARD,
      })
        .itemProcessor(this.approvalIteration(id, stage, escalateAfterHours, expireAfterHours))
        .addCatch(reject, {
          errors: [WORKFLOW_ERRORS.rejected, WORKFLOW_ERRORS.approvalExpired],
          resultPath: '$.rejection',
        });

    const close = this.task('Close', 'close', {}).next(closed);
    const awaitReview = this.waitingTask(
      'AwaitReview',
      'awaitReview',
      { changeId: JsonPath.stringAt('$.changeId') },
      { taskTimeout: Timeout.duration(Duration.days(reviewTimeoutDays)) },
    )
      .addCatch(
        this.task('CloseUnreviewed', 'close', { unreviewedAfterDays: reviewTimeoutDays }).next(closed),
        { errors: [Errors.TIMEOUT], resultPath: '$.timeout' },
      )
      .next(close);

    const recordImplementation = this.task(
      'RecordImplementation',
      'recordImplementation',
      {},
      { resultSelector: { 'next.$': '$.Payload.next' }, resultPath: '$.recorded' },
    ).next(
      new Choice(this, 'Implemented')
        .when(Condition.stringEquals('$.recorded.next', 'failed'), failed)
        .otherwise(awaitReview),
    );

    // TimeoutSecondsPath is read from the task's input: with InputPath selecting `$.implementation`
    // (BeginImplementation's `{Payload}`), `$.Payload.timeoutSeconds` is the same value whether an
    // engine reads it before Parameters (Step Functions) or after (aws-local-stepfunctions).
    const awaitImplementation = this.waitingTask(
      'AwaitImplementation',
      'awaitImplementation',
      {
        changeId: JsonPath.stringAt('$.Payload.changeId'),
        timeoutSeconds: JsonPath.numberAt('$.Payload.timeoutSeconds'),
      },
      {
        inputPath: '$.implementation',
        taskTimeout: Timeout.at('$.Payload.timeoutSeconds'),
        resultPath: '$.implementationResult',
      },
    )
      .addCatch(this.task('ImplementationTimedOut', 'implementationTimedOut', {}).next(failed), {
        errors: [Errors.TIMEOUT],
        resultPath: '$.timeout',
      })
      .next(recordImplementation);

    const waitForWindow = new Wait(this, WAIT_FOR_WINDOW_STATE, {
      comment: 'until plannedStart; BeginImplementation re-checks and loops back if it has not come',
      time: WaitTime.timestampPath('$.schedule.plannedStart'),
    });
    waitForWindow.next(
      this.task(
        'BeginImplementation',
        'beginImplementation',
        {},
        { resultSelector: { 'Payload.$': '$.Payload' }, resultPath: '$.implementation' },
      ).next(
        new Choice(this, 'WindowOpen')
          .when(Condition.stringEquals('$.implementation.Payload.outcome', 'started'), awaitImplementation)
          .when(
            Condition.stringEquals('$.implementation.Payload.outcome', 'cancelled'),
            new Succeed(this, 'ChangeCancelled'),
          )
          .otherwise(waitForWindow),
      ),
    );

    const schedule = this.task(
      'Schedule',
      'schedule',
      {},
      { resultSelector: { 'plannedStart.$': '$.Payload.plannedStart' }, resultPath: '$.schedule' },
    ).next(waitForWindow);

    const cab = approvals('CabApproval', 'cab', '$.assessment.cab');
    const changeManager = approvals('ChangeManagerApproval', 'change_manager', '$.assessment.changeManager');
    cab.next(changeManager);
    changeManager.next(schedule);

    return this.task('Submit', 'submit', {})
      .next(
        this.task(
          'Assess',
          'assess',
          {},
          {
            resultSelector: {
              'route.$': '$.Payload.route',
              'cab.$': '$.Payload.cab',
              'changeManager.$': '$.Payload.changeManager',
            },
            resultPath: '$.assessment',
          },
        ),
      )
      .next(
        new Choice(this, 'AssessmentRoute')
          .when(
            Condition.stringEquals('$.assessment.route', 'blocked'),
            new Succeed(this, 'ChangeBlockedByFreeze'),
          )
          .when(Condition.stringEquals('$.assessment.route', 'approval'), cab)
          .otherwise(schedule),
      );
  }

  /**
   * One group's approval: wait for a decision; after the escalation delay escalate and wait again
   * with a fresh token (the first one timed out); after the expiry delay expire, which fails the
   * stage. A rejection arrives as SendTaskFailure(`Change.Rejected`) and fails the stage too.
   */
  private approvalIteration(
    prefix: string,
    stage: ApprovalStage,
    escalateAfter: number,
    expireAfter: number,
  ): IChainable {
    const request = (id: string, timeoutHours: number) =>
      this.waitingTask(
        id,
        'requestApproval',
        { changeId: JsonPath.stringAt('$.changeId'), group: JsonPath.stringAt('$.group'), stage },
        { taskTimeout: Timeout.duration(Duration.hours(timeoutHours)), resultPath: '$.decision' },
      );
    const approvalTask = {
      changeId: JsonPath.stringAt('$.changeId'),
      group: JsonPath.stringAt('$.group'),
      stage,
    };
    const expire = this.task(`${prefix}Expire`, 'expireApproval', approvalTask).next(
      new Fail(this, `${prefix}Expired`, {
        error: WORKFLOW_ERRORS.approvalExpired,
        cause: `the approval expired without a decision after ${expireAfter} h`,
      }),
    );
    const afterEscalation = request(`${prefix}AwaitAfterEscalation`, expireAfter - escalateAfter).addCatch(
      expire,
      {
        errors: [Errors.TIMEOUT],
        resultPath: '$.timeout',
      },
    );
    const escalate = this.task(`${prefix}Escalate`, 'escalateApproval', approvalTask).next(afterEscalation);
    return request(`${prefix}RequestApproval`, escalateAfter).addCatch(escalate, {
      errors: [Errors.TIMEOUT],
      resultPath: '$.timeout',
    });
  }

  /** A step of the task function; its result is discarded unless `props` says where to put it. */
  private task(
    id: string,
    action: ChangeTaskAction,
    fields: Record<string, unknown>,
    props: Partial<LambdaInvokeProps> = {},
  ): LambdaInvoke {
    const task = new LambdaInvoke(this, id, {
      lambdaFunction: this.taskFunction,
      payload: TaskInput.fromObject({ action, changeId: JsonPath.stringAt('$.changeId'), ...fields }),
      retryOnServiceExceptions: false,
      resultPath: JsonPath.DISCARD,
      ...props,
    });
    // A step that does not apply (e.g. the change was cancelled) ends the execution at once;
    // everything else (throttling, contention, the Lambda service) is retried with backoff.
    task.addRetry({ errors: [WORKFLOW_ERRORS.stepNotApplicable], maxAttempts: 0 });
    task.addRetry({ errors: [Errors.ALL], ...BACKOFF });
    return task;
  }

  /**
   * A `.waitForTaskToken` step: the task function stores the token (on the change's approval or
   * callback item), and the state waits until the API completes it or the timeout passes. Never
   * retried on `States.Timeout`: that is the escalation and expiry path.
   */
  private waitingTask(
    id: string,
    action: ChangeTaskAction,
    fields: Record<string, unknown>,
    props: Partial<LambdaInvokeProps> & Pick<LambdaInvokeProps, 'taskTimeout'>,
  ): LambdaInvoke {
    const task = new LambdaInvoke(this, id, {
      lambdaFunction: this.taskFunction,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ action, taskToken: JsonPath.taskToken, ...fields }),
      retryOnServiceExceptions: false,
      resultPath: JsonPath.DISCARD,
      ...props,
    });
    task.addRetry({ errors: [WORKFLOW_ERRORS.busy, ...LAMBDA_SERVICE_ERRORS], ...BACKOFF });
    return task;
  }

  private acknowledgeRoleWildcards(): void {
    const role = this.stateMachine.role;
    const functionId = Stack.of(this).getLogicalId(this.taskFunction.node.defaultChild as CfnFunction);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Logging to CloudWatch Logs (logs:CreateLogDelivery and the other log-delivery actions) and X-Ray ' +
        'tracing (xray:PutTraceSegments, GetSamplingRules...) support no resource-level permissions; ' +
        'test/infra/changes.test.ts pins the "*" statements of this role to exactly those actions.',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      reason:
        'The state machine may invoke the change task function and its versions or aliases (`<arn>:*`): ' +
        'the wildcard is a qualifier of this one function, added by the LambdaInvoke task.',
    });
  }
}
