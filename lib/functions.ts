import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { acknowledgeWildcardResource } from './acknowledge.ts';
import { nodejsBundling } from './bundling.ts';
import type { DataTable } from './data-table.ts';
import type { EmailSender } from './email.ts';
import { type FunctionSpec, functions as manifestFunctions, stateMachineArnVariable, type WorkflowName } from './manifest.ts';
import { repositoryRoot } from './paths.ts';
import type { Workflows } from './workflows.ts';

/** DynamoDB actions of a reader. No Scan: every read is a key or index Query. */
const tableReadActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
/** DynamoDB actions a writer adds; transactions are authorised by these same actions. */
const tableWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export interface FunctionsProps {
  readonly data: DataTable;
  readonly email: EmailSender;
  /** Base URL of the public API for the links in emails (approval pages). */
  readonly publicBaseUrl: string;
  /** Hard ceiling of one approval level, handed to the workflows the functions start. */
  readonly decisionTimeoutDays: number;
  readonly prod: boolean;
}

/**
 * One Lambda function per entry of lib/manifest.ts, each with its own role, log group
 * and only the grants its `access` asks for.
 */
export class Functions extends Construct {
  /** The function of each manifest entry, by manifest name. */
  readonly byName = new Map<string, NodejsFunction>();

  constructor(scope: Construct, id: string, private readonly props: FunctionsProps) {
    super(scope, id);
    for (const spec of manifestFunctions) this.byName.set(spec.name, this.create(spec));
  }

  /** The function of a manifest entry; throws for a name the manifest does not have. */
  get(name: string): NodejsFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`No function named "${name}" in lib/manifest.ts`);
    return fn;
  }

  /** A sweep function and the queue that collects its runs that failed after every retry. */
  sweep(name: string): { fn: NodejsFunction; deadLetterQueue: IQueue } {
    const fn = this.get(name);
    if (!fn.deadLetterQueue) throw new Error(`Function "${name}" is not a sweep: it has no dead-letter queue`);
    return { fn, deadLetterQueue: fn.deadLetterQueue };
  }

  /**
   * Hands each function the state machines its `access` names: the ARN variable, and
   * start, stop or task-answer rights. Called once the workflows exist, since the
   * workflows themselves invoke some of these functions.
   */
  useWorkflows(workflows: Workflows): void {
    for (const spec of manifestFunctions) {
      const fn = this.get(spec.name);
      const { startWorkflows = [], stopWorkflows = [], answerWorkflows = [] } = spec.access;
      for (const name of new Set<WorkflowName>([...startWorkflows, ...stopWorkflows])) {
        fn.addEnvironment(stateMachineArnVariable(name), workflows.get(name).stateMachineArn);
      }
      for (const name of startWorkflows) workflows.get(name).grantStartExecution(fn);
      for (const name of stopWorkflows) {
        const executions = workflows.executionsArn(name);
        fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StopExecution'], resources: [executions] }));
        acknowledgeWildcardResource(
          fn.role ?? fn,
          executions,
          `Stopping a request's approval means stopping its ${name} execution, whose ARN is only known at run time; ` +
            'the pattern covers the executions of that one state machine and nothing else.',
        );
      }
      for (const name of answerWorkflows) workflows.get(name).grantTaskResponse(fn);
    }
  }

  private create(spec: FunctionSpec): NodejsFunction {
    const id = constructId(spec.name);
    const { access } = spec;
    const { data, email, prod } = this.props;

    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: prod ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${spec.name} function`,
    });
    logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      TABLE_NAME: data.table.tableName,
      POWERTOOLS_SERVICE_NAME: 'channel-prm',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    if (access.email) environment.MAIL_FROM = email.mailFrom;
    if (access.links) environment.PUBLIC_BASE_URL = this.props.publicBaseUrl;
    if (access.startWorkflows?.length) environment.DECISION_TIMEOUT_DAYS = String(this.props.decisionTimeoutDays);

    const fn = new NodejsFunction(this, id, {
      description: spec.description,
      entry: join(repositoryRoot, spec.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 512,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      role,
      logGroup,
      environment,
      projectRoot: repositoryRoot,
      depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
      bundling: nodejsBundling,
      // A sweep runs asynchronously (EventBridge): what still fails after Lambda's retries
      // lands in this queue, which is also the schedule target's dead-letter queue.
      ...(spec.kind === 'sweep' ? { deadLetterQueue: this.failedRunsQueue(id), retryAttempts: 2 } : {}),
    });

    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: access.table === 'readWrite' ? [...tableReadActions, ...tableWriteActions] : tableReadActions,
        resources: [data.table.tableArn],
      }),
    );
    // Indexes are only ever queried; each one is named, no `index/*`.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: data.indexArns }));
    if (access.email) email.grantSend(role);

    return fn;
  }

  private failedRunsQueue(id: string): Queue {
    return new Queue(this, `${id}FailedRuns`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
  }
}

/** `mdf-requests` → `MdfRequests`, the construct id (and logical id stem) of a manifest entry. */
export const constructId = (name: string): string =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
