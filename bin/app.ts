import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChannelPrmStack } from '../lib/stage-stack.ts';

/**
 * The CDK app: one stack per stage (`-c stage=prod`, default `dev`). Without
 * CDK_DEFAULT_ACCOUNT/REGION (no credentials) the stack is environment-agnostic, so
 * `cdk synth` works offline.
 */
const app = new App();

const stage: unknown = app.node.tryGetContext('stage') ?? 'dev';
if (typeof stage !== 'string' || !/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
  throw new Error(`Context stage must be a short lowercase name such as dev or prod, got "${String(stage)}"`);
}

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

new ChannelPrmStack(app, `ChannelPrm-${stage}`, {
  stage,
  description: `Channel partner relationship management (${stage})`,
  ...(account || region ? { env: { account, region } } : {}),
});

// cdk-nag 3 is a validation plugin (no longer an aspect): synth fails on any unacknowledged error.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
