import { Match } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { taskFunctions, workflows } from '../../lib/manifest.ts';
import { actionsOf, buildStack, roleStatements } from './stack.ts';

const dev = buildStack();
const workflowNames = Object.keys(workflows) as (keyof typeof workflows)[];

const stateMachine = (name: keyof typeof workflows) => {
  const construct = dev.stack.workflows.get(name);
  const properties = dev.resources[dev.logicalId(construct)]?.Properties as {
    StateMachineType: string;
    DefinitionString: string;
    DefinitionSubstitutions: Record<string, unknown>;
    LoggingConfiguration: { Level: string; IncludeExecutionData: boolean };
    TracingConfiguration: { Enabled: boolean };
  };
  return { construct, properties };
};

describe.each(workflowNames)('the %s workflow', (name) => {
  const { construct, properties } = stateMachine(name);

  it('is a Standard state machine defined by its .asl.json file, as the workflow tests run it', () => {
    expect(properties.StateMachineType).toBe('STANDARD');
    expect(JSON.parse(properties.DefinitionString)).toEqual(
      JSON.parse(readFileSync(new URL(`../../${workflows[name].file}`, import.meta.url), 'utf8')),
    );
  });

  it('fills every ${placeholder} with the ARN of the task function that provides it', () => {
    const tasks = taskFunctions.filter((task) => task.workflows.includes(name));
    expect(properties.DefinitionSubstitutions).toEqual(
      Object.fromEntries(
        tasks.map((task) => [task.substitution, { 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(task.name)), 'Arn'] }]),
      ),
    );
    const substituted = properties.DefinitionString.replace(/\$\{(\w+)\}/g, (_, placeholder: string) =>
      placeholder in properties.DefinitionSubstitutions ? 'arn:aws:lambda:eu-west-1:123456789012:function:task' : `\${${placeholder}}`,
    );
    expect(substituted).not.toContain('${');
  });

  it('logs all events without execution data (task tokens are never logged) and is traced', () => {
    expect(properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('may invoke its task functions and no other function', () => {
    const statements = roleStatements(dev, dev.logicalId(construct.role));
    const invoke = statements.filter((s) => actionsOf([s]).includes('lambda:InvokeFunction'));
    const tasks = taskFunctions.filter((task) => task.workflows.includes(name));
    expect(invoke.flatMap((s) => s.Resource as unknown[])).toEqual(
      expect.arrayContaining(tasks.map((task) => ({ 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(task.name)), 'Arn'] }))),
    );
    expect(invoke.flatMap((s) => s.Resource as unknown[])).toHaveLength(tasks.length);
  });

  it('raises an alarm when an execution fails or times out, not when it is aborted (cancelled)', () => {
    const alarms = dev.template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { Namespace: 'AWS/States', Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: dev.logicalId(construct) } }] },
    });
    const metrics = Object.values(alarms).map((alarm) => (alarm as { Properties: { MetricName: string } }).Properties.MetricName);
    expect(metrics.sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    for (const alarm of Object.values(alarms)) {
      expect((alarm as { Properties: { AlarmActions: unknown[] } }).Properties.AlarmActions).toEqual([
        { Ref: dev.logicalId(dev.stack.alarms.topic) },
      ]);
    }
  });
});

describe('the workflows of the manifest', () => {
  it('are all deployed, each as its own state machine', () => {
    expect(workflowNames.sort()).toEqual(['deal-registration', 'lead-import', 'loa-request', 'mdf-claim-review', 'mdf-request-approval', 'nfr-request']);
    dev.template.resourceCountIs('AWS::StepFunctions::StateMachine', workflowNames.length);
  });

  it('fill the Letter of Authorization workflow with ask-approver and its four task functions', () => {
    const arnOf = (name: string) => ({ 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(name)), 'Arn'] });
    expect(stateMachine('loa-request').properties.DefinitionSubstitutions).toEqual({
      AskApproverFunctionArn: arnOf('ask-approver'),
      TellPartnerAboutLoaFunctionArn: arnOf('loa-tell-partner'),
      RecordLoaNotDecidedFunctionArn: arnOf('loa-not-decided'),
      IssueLetterFunctionArn: arnOf('loa-issue-letter'),
      RenderLetterFunctionArn: arnOf('loa-render-letter'),
    });
  });

  it('fill the claim review with its four task functions, ask-approver serving both workflows', () => {
    const { properties } = stateMachine('mdf-claim-review');
    const arnOf = (name: string) => ({ 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(name)), 'Arn'] });
    expect(properties.DefinitionSubstitutions).toEqual({
      AskApproverFunctionArn: arnOf('ask-approver'),
      TellPartnerAboutClaimFunctionArn: arnOf('claim-tell-partner'),
      AwaitProofFunctionArn: arnOf('claim-await-proof'),
      RecordClaimNotDecidedFunctionArn: arnOf('claim-not-decided'),
    });
    expect(stateMachine('mdf-request-approval').properties.DefinitionSubstitutions.AskApproverFunctionArn).toEqual(arnOf('ask-approver'));
  });

  it('fill the deal registration review with its task functions', () => {
    const arnOf = (name: string) => ({ 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(name)), 'Arn'] });
    expect(stateMachine('deal-registration').properties.DefinitionSubstitutions).toEqual({
      AskApproverFunctionArn: arnOf('ask-approver'),
      TellPartnerAboutRegistrationFunctionArn: arnOf('dr-tell-partner'),
      AwaitResubmissionFunctionArn: arnOf('dr-await-resubmission'),
      RecordRegistrationNotDecidedFunctionArn: arnOf('dr-not-decided'),
    });
  });

  it('are named after the stack, as the stop grants expect', () => {
    for (const name of workflowNames) {
      expect(dev.resources[dev.logicalId(dev.stack.workflows.get(name))]?.Properties?.StateMachineName).toBe(`Test-${name}`);
    }
  });
});

describe('workflow logs', () => {
  it('go to a log group under /aws/vendedlogs/states with a retention period', () => {
    dev.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      RetentionInDays: Match.anyValue(),
    });
  });
});
