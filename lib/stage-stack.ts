import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';
import { Alarms } from './alarms.ts';
import { Api } from './api.ts';
import { DataTable } from './data-table.ts';
import { EmailSender } from './email.ts';
import { constructId, Functions } from './functions.ts';
import { Identity } from './identity.ts';
import { functions as manifestFunctions, httpFunctions, sweepFunctions, uploadFunctions } from './manifest.ts';
import { Schedules } from './schedules.ts';
import { Storage } from './storage.ts';
import { Workflows } from './workflows.ts';

export interface ChannelPrmStackProps extends StackProps {
  /** `dev`, `test`, `prod`…; `prod` keeps data and logs when resources are removed. */
  readonly stage: string;
}

/** Settings a stage takes from the CDK context (cdk.json or `-c name=value`). */
export interface StageSettings {
  readonly mailFrom: string;
  readonly senderDomain?: string;
  readonly publicBaseUrl?: string;
  readonly decisionTimeoutDays: number;
  /** The lead recall phase in force: `1` (default), `2` or `final`. Leads keep the phase they were shared under. */
  readonly leadRecallPhase: '1' | '2' | 'final';
  readonly alarmEmail?: string;
  /** Browser origins that may upload and download claim files directly (S3 CORS); `*` unless told. */
  readonly corsOrigins: readonly string[];
}

/**
 * Everything one stage of the channel program runs on: table, claim file bucket,
 * sign-in, API, functions, workflows, schedules, email and alarms.
 */
export class ChannelPrmStack extends Stack {
  readonly stage: string;
  readonly settings: StageSettings;
  readonly data: DataTable;
  readonly email: EmailSender;
  readonly storage: Storage;
  readonly identity: Identity;
  readonly api: Api;
  readonly functions: Functions;
  readonly workflows: Workflows;
  readonly schedules: Schedules;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: ChannelPrmStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    const prod = props.stage === 'prod';
    this.settings = readStageSettings(this);
    const { settings } = this;

    this.data = new DataTable(this, 'Data', { prod });
    this.email = new EmailSender(this, 'Email', settings);
    this.storage = new Storage(this, 'Storage', { prod, corsOrigins: settings.corsOrigins });
    this.identity = new Identity(this, 'Identity', { prod });
    this.api = new Api(this, 'Api', { identity: this.identity, prod });

    this.functions = new Functions(this, 'Functions', {
      data: this.data,
      email: this.email,
      storage: this.storage,
      publicBaseUrl: settings.publicBaseUrl ?? this.api.url,
      decisionTimeoutDays: settings.decisionTimeoutDays,
      leadRecallPhase: settings.leadRecallPhase,
      prod,
    });
    acknowledge(
      this.functions,
      'AwsSolutions-L1',
      'Runtime pinned to nodejs22.x on purpose: the local stack, the tests and the bundles (esbuild target node22) ' +
        'all run Node 22, so the deployed runtime is the tested one. Moving to a newer runtime is a deliberate change.',
    );
    for (const spec of httpFunctions) this.api.addRoutes(spec, this.functions.get(spec.name));
    this.identity.addPreTokenTrigger(this.functions.get(preTokenFunctionName()));
    this.storage.notifyUploads((name) => this.functions.get(name));

    this.workflows = new Workflows(this, 'Workflows', { taskFunction: (name) => this.functions.get(name), prod });
    this.functions.useWorkflows(this.workflows);

    this.schedules = new Schedules(this, 'Schedules', { sweep: (name) => this.functions.sweep(name) });

    this.alarms = new Alarms(this, 'Alarms', { alarmEmail: settings.alarmEmail, prod });
    for (const spec of manifestFunctions) {
      if (spec.kind !== 'http') this.alarms.onFunctionErrors(`${constructId(spec.name)}Errors`, this.functions.get(spec.name));
    }
    for (const spec of [...sweepFunctions, ...uploadFunctions]) {
      this.alarms.onQueueNotEmpty(`${constructId(spec.name)}DeadLetters`, this.functions.sweep(spec.name).deadLetterQueue);
    }
    for (const [name, stateMachine] of this.workflows.byName) this.alarms.onWorkflowFailures(constructId(name), stateMachine);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId, description: 'App client id, the JWT audience' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'AttachmentsBucketName', {
      value: this.storage.attachments.bucketName,
      description: 'Private bucket of claim files',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}

const preTokenFunctionName = (): string => {
  const triggers = manifestFunctions.filter((spec) => spec.kind === 'cognito-pre-token');
  if (triggers.length !== 1 || !triggers[0]) throw new Error('lib/manifest.ts must have exactly one cognito-pre-token function');
  return triggers[0].name;
};

/** Reads and checks the stage's context settings once, failing with the setting's name. */
export const readStageSettings = (scope: Construct): StageSettings => {
  const text = (name: string): string | undefined => {
    const value: unknown = scope.node.tryGetContext(name);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`Context ${name} must be a string`);
    return value.trim();
  };

  const mailFrom = text('mailFrom');
  if (!mailFrom) throw new Error('Context mailFrom is missing: the sender address of every email (cdk.json or -c mailFrom=…)');

  const rawDays: unknown = scope.node.tryGetContext('decisionTimeoutDays') ?? 30;
  const decisionTimeoutDays = Number(rawDays);
  // Up to four approval levels wait this long each, within a Standard execution's one-year limit.
  if (!Number.isInteger(decisionTimeoutDays) || decisionTimeoutDays < 1 || decisionTimeoutDays > 90) {
    throw new Error(`Context decisionTimeoutDays must be a whole number of days from 1 to 90, got "${String(rawDays)}"`);
  }

  // Recall is final (a recalled lead is never shared again), so the default is the most lenient phase, the one the program runs today.
  const rawPhase: unknown = scope.node.tryGetContext('leadRecallPhase') ?? '1';
  const leadRecallPhase = String(rawPhase).trim().toLowerCase();
  if (leadRecallPhase !== '1' && leadRecallPhase !== '2' && leadRecallPhase !== 'final') {
    throw new Error(`Context leadRecallPhase must be 1, 2 or final, got "${String(rawPhase)}"`);
  }

  const publicBaseUrl = text('publicBaseUrl')?.replace(/\/+$/, '');
  if (publicBaseUrl !== undefined && !/^https:\/\/[^\s/]+/.test(publicBaseUrl)) {
    throw new Error(`Context publicBaseUrl must be an https:// URL, got "${publicBaseUrl}"`);
  }

  return {
    mailFrom,
    senderDomain: text('senderDomain'),
    publicBaseUrl,
    decisionTimeoutDays,
    leadRecallPhase,
    alarmEmail: text('alarmEmail'),
    corsOrigins: readCorsOrigins(scope.node.tryGetContext('corsOrigins')),
  };
};

/**
 * `corsOrigins`: a list, or one comma-separated string (`-c corsOrigins=https://a.example,https://b.example`),
 * of `*` or origins such as `https://partners.example.com`; `*` when not given.
 */
const readCorsOrigins = (raw: unknown): string[] => {
  if (raw === undefined || raw === null || raw === '') return ['*'];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (!list || list.some((origin) => typeof origin !== 'string')) {
    throw new Error('Context corsOrigins must be a list of origins or a comma-separated string');
  }
  const origins = (list as string[]).map((origin) => origin.trim().replace(/\/+$/, '')).filter((origin) => origin !== '');
  const invalid = origins.filter((origin) => origin !== '*' && !/^https?:\/\/[^\s/]+$/.test(origin));
  if (origins.length === 0 || invalid.length > 0) {
    throw new Error(`Context corsOrigins must be * or origins such as https://partners.example.com, got "${String(raw)}"`);
  }
  return origins;
};
