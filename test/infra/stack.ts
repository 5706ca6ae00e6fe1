import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import { ChannelPrmStack } from '../../lib/stage-stack.ts';

/** The context of cdk.json (feature flags, defaults), so the tests build what `cdk synth` builds. */
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface BuiltStack {
  app: App;
  stack: ChannelPrmStack;
  template: Template;
  /** The synthesized template as JSON. */
  resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;
  /** The logical id of a construct's CloudFormation resource. */
  logicalId: (construct: IConstruct) => string;
}

export interface BuildOptions {
  stage?: string;
  context?: Record<string, unknown>;
  /** Runs CDK's CloudFormation schema validation too, as `cdk synth` does (some seconds more). */
  schemaValidation?: boolean;
}

/**
 * Builds the stack as `cdk synth` would, without bundling (`aws:cdk:bundling-stacks`
 * empty) and, unless asked, without the schema validation, so it takes a second.
 */
export const buildStack = (options: BuildOptions = {}): BuiltStack => {
  const app = new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...options.context },
    builtinCloudFormationValidation: options.schemaValidation ?? false,
  });
  const stack = new ChannelPrmStack(app, 'Test', { stage: options.stage ?? 'dev' });
  const template = Template.fromStack(stack);
  const resources = (template.toJSON() as { Resources: BuiltStack['resources'] }).Resources;
  const logicalId = (construct: IConstruct): string => {
    const resource = construct.node.defaultChild;
    if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
    return stack.getLogicalId(resource as CfnElement);
  };
  return { app, stack, template, resources, logicalId };
};

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of the identity policies attached to a role. */
export const roleStatements = (built: BuiltStack, roleLogicalId: string): Statement[] =>
  Object.values(built.resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) =>
      (policy.Properties?.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })),
    )
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);

export const actionsOf = (statements: Statement[]): string[] =>
  statements.filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

/** The statements of the role of a function of the manifest. */
export const functionStatements = (built: BuiltStack, name: string): Statement[] => {
  const role = built.stack.functions.get(name).role;
  if (!role) throw new Error(`${name} has no role`);
  return roleStatements(built, built.logicalId(role));
};
