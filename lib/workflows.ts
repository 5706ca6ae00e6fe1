import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acknowledge } from './acknowledge.ts';
import { taskFunctions, type WorkflowName, workflows as manifestWorkflows } from './manifest.ts';
import { repositoryRoot } from './paths.ts';

export interface WorkflowsProps {
  /** The function of a task entry of the manifest, by manifest name. */
  readonly taskFunction: (name: string) => IFunction;
  readonly prod: boolean;
}

/**
 * One Standard state machine per workflow of lib/manifest.ts, defined by its
 * statemachines/*.asl.json file: the very file the workflow tests run.
 */
export class Workflows extends Construct {
  readonly byName = new Map<WorkflowName, StateMachine>();

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    for (const [name, workflow] of Object.entries(manifestWorkflows) as [WorkflowName, (typeof manifestWorkflows)[WorkflowName]][]) {
      this.byName.set(name, this.create(name, workflow.file, props));
    }
  }

  /** ARN pattern of every execution of a workflow (executions are named at start, so only a pattern fits). */
  executionsArn(name: WorkflowName): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachineName(name)}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private stateMachineName(name: WorkflowName): string {
    return `${Stack.of(this).stackName}-${name}`;
  }

  get(name: WorkflowName): StateMachine {
    const stateMachine = this.byName.get(name);
    if (!stateMachine) throw new Error(`No workflow named "${name}"`);
    return stateMachine;
  }

  private create(name: WorkflowName, file: string, props: WorkflowsProps): StateMachine {
    const tasks = taskFunctions
      .filter((task) => task.workflows.includes(name))
      .map((task) => ({ substitution: task.substitution, fn: props.taskFunction(task.name) }));

    const definition = readFileSync(join(repositoryRoot, file), 'utf8');
    const placeholders = new Set([...definition.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
    const missing = [...placeholders].filter((placeholder) => !tasks.some((task) => task.substitution === placeholder));
    if (missing.length > 0) {
      throw new Error(`${file} uses \${${missing.join('}, ${')}} but no task function of lib/manifest.ts provides it`);
    }

    const logGroup = new LogGroup(this, `${name}-logs`, {
      // The vendedlogs prefix keeps the log resource policy small however many state machines log.
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName(name)}`,
      retention: props.prod ? RetentionDays.ONE_YEAR : RetentionDays.TWO_WEEKS,
      removalPolicy: props.prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // Inline (not an S3 asset), so the template shows the definition CloudFormation deploys.
    const stateMachine = new StateMachine(this, name, {
      stateMachineName: this.stateMachineName(name),
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: Object.fromEntries(tasks.map((task) => [task.substitution, task.fn.functionArn])),
      // Execution data holds task tokens (the credential to decide a step): never logged.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });

    // The ASL invokes the unqualified function ARNs only: no `:*` for versions.
    stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: tasks.map((task) => task.fn.functionArn) }),
    );
    acknowledge(
      stateMachine.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray tracing (xray:PutTraceSegments and ' +
        'related) do not support resource-level permissions; CDK grants exactly these actions on "*".',
    );

    return stateMachine;
  }
}
