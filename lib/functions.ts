import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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
import {
  type Access,
  type FunctionSpec,
  functions as manifestFunctions,
  stateMachineArnVariable,
  taskFunctions,
  type WorkflowName,
} from './manifest.ts';
import { repositoryRoot } from './paths.ts';
import { claimFilesPrefix, lettersPrefix, type Storage } from './storage.ts';
import type { Workflows } from './workflows.ts';

/** DynamoDB actions of a reader. No Scan: every read is a key or index Query. */
const tableReadActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
/** DynamoDB actions a writer adds; transactions are authorised by these same actions. */
const tableWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/**
 * S3 actions of each `attachments` access, on claim files only. `read` covers presigned
 * downloads and HeadObject (both authorised by s3:GetObject), `write` presigned POST
 * uploads (signed by the function's role, so the role needs s3:PutObject), `manage`
 * deleting a rejected upload. No s3:ListBucket: without it a missing key answers 403, not 404.
 */
const attachmentActions: Record<NonNullable<Access['attachments']>[number], string> = {
  read: 's3:GetObject',
  write: 's3:PutObject',
  manage: 's3:DeleteObject',
};

/** S3 actions of each `letters` access, on `loa/` only: `read` presigns the partner's download, `write` stores a letter. */
const letterActions: Record<NonNullable<Access['letters']>[number], string> = {
  read: 's3:GetObject',
  write: 's3:PutObject',
};

export interface FunctionsProps {
  readonly data: DataTable;
  readonly email: EmailSender;
  readonly storage: Storage;
  /** Base URL of the public API for the links in emails (approval pages). */
  readonly publicBaseUrl: string;
  /** Hard ceiling of one approval level, handed to the workflows the functions start. */
  readonly decisionTimeoutDays: number;
  /** The lead recall phase in force (`1`, `2` or `final`), for the functions that share leads. */
  readonly leadRecallPhase: string;
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

  /**
   * A function invoked asynchronously (a sweep by EventBridge, an upload function by S3)
   * and the queue that collects its invocations that failed after every retry.
   */
  sweep(name: string): { fn: NodejsFunction; deadLetterQueue: IQueue } {
    const fn = this.get(name);
    if (!fn.deadLetterQueue) throw new Error(`Function "${name}" is not invoked asynchronously: it has no dead-letter queue`);
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
      if (startWorkflows.length + stopWorkflows.length + answerWorkflows.length === 0) continue;

      const withArn = new Set<WorkflowName>([...startWorkflows, ...stopWorkflows]);
      for (const name of withArn) {
        // The variable makes the function depend on the state machine: impossible for a task of that state machine.
        const task = taskFunctions.find((candidate) => candidate.name === spec.name && candidate.workflows.includes(name));
        if (task) throw new Error(`lib/manifest.ts: ${spec.name} is a task of ${name}, so it cannot also start or stop it`);
        fn.addEnvironment(stateMachineArnVariable(name), workflows.get(name).stateMachineArn);
      }

      // A policy of its own, not the role's default policy: the function resource depends on
      // its role and default policy, and a task function answering its own workflow (the
      // state machine depends on the function) would otherwise make a dependency cycle.
      const policy = new Policy(this, `${constructId(spec.name)}Workflows`, { roles: [this.role(spec.name)] });
      for (const name of startWorkflows) {
        policy.addStatements(
          new PolicyStatement({ actions: ['states:StartExecution'], resources: [workflows.get(name).stateMachineArn] }),
        );
      }
      for (const name of stopWorkflows) {
        const executions = workflows.executionsArn(name);
        policy.addStatements(new PolicyStatement({ actions: ['states:StopExecution'], resources: [executions] }));
        acknowledgeWildcardResource(
          policy,
          executions,
          `Stopping a request's ${name} workflow means stopping its execution, whose ARN is only known at run time; ` +
            'the pattern covers the executions of that one state machine and nothing else.',
        );
      }
      for (const name of answerWorkflows) {
        // What StateMachine.grantTaskResponse grants.
        policy.addStatements(
          new PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
            resources: [workflows.get(name).stateMachineArn],
          }),
        );
      }
    }
  }

  private role(name: string): Role {
    const { role } = this.get(name);
    if (!(role instanceof Role)) throw new Error(`Function "${name}" has no role of its own`);
    return role;
  }

  private create(spec: FunctionSpec): NodejsFunction {
    const id = constructId(spec.name);
    const { access } = spec;
    const { data, email, storage, prod } = this.props;

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
      ...(access.table ? { TABLE_NAME: data.table.tableName } : {}),
      POWERTOOLS_SERVICE_NAME: 'channel-prm',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    if (access.email) environment.MAIL_FROM = email.mailFrom;
    if (access.links) environment.PUBLIC_BASE_URL = this.props.publicBaseUrl;
    if (access.startWorkflows?.length) environment.DECISION_TIMEOUT_DAYS = String(this.props.decisionTimeoutDays);
    if (access.leadRecall) environment.LEAD_RECALL_PHASE = this.props.leadRecallPhase;
    if (access.attachments || access.letters) environment.ATTACHMENTS_BUCKET = storage.attachments.bucketName;

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
      // A sweep (EventBridge) and an upload function (S3) run asynchronously: what still fails
      // after Lambda's retries lands in this queue, which is also the schedule target's
      // dead-letter queue. An upload function is idempotent, so a retry records a file once.
      ...(spec.kind === 'sweep' || spec.kind === 's3-upload'
        ? { deadLetterQueue: this.failedRunsQueue(id), retryAttempts: 2 }
        : {}),
    });

    if (access.table) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: access.table === 'readWrite' ? [...tableReadActions, ...tableWriteActions] : tableReadActions,
          resources: [data.table.tableArn],
        }),
      );
      // Indexes are only ever queried; each one is named, no `index/*`.
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: data.indexArns }));
    }
    if (access.email) email.grantSend(role);
    if (access.attachments?.length) {
      const claimFiles = storage.attachments.arnForObjects(`${claimFilesPrefix}*`);
      const actions = [...new Set(access.attachments.map((mode) => attachmentActions[mode]))].sort();
      role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [claimFiles] }));
      acknowledgeWildcardResource(
        role,
        claimFiles,
        `Claim files are keyed ${claimFilesPrefix}<claimId>/<attachmentId>, ids only known at run time; the grant is ` +
          `limited to that prefix of the attachments bucket and to the ${access.attachments.join('/')} access the manifest gives.`,
      );
    }
    if (access.letters?.length) {
      const letters = storage.attachments.arnForObjects(`${lettersPrefix}*`);
      const actions = [...new Set(access.letters.map((mode) => letterActions[mode]))].sort();
      role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [letters] }));
      acknowledgeWildcardResource(
        role,
        letters,
        `Signed letters are keyed ${lettersPrefix}<requestId>/letter.pdf, ids only known at run time; the grant is ` +
          `limited to that prefix of the attachments bucket and to the ${access.letters.join('/')} access the manifest gives.`,
      );
    }

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
