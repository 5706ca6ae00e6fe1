import { describe, expect, it } from 'vitest';
import { functions, stateMachineArnVariable } from '../../lib/manifest.ts';
import { expectedVariables } from './environment.ts';
import { buildStack } from './stack.ts';

const dev = buildStack();

const functionProperties = (name: string) => {
  const properties = dev.resources[dev.logicalId(dev.stack.functions.get(name))]?.Properties;
  if (!properties) throw new Error(`No function resource for ${name}`);
  return properties as {
    Runtime: string;
    Architectures: string[];
    Handler: string;
    MemorySize: number;
    Timeout: number;
    Environment: { Variables: Record<string, unknown> };
    LoggingConfig: { LogGroup: unknown };
  };
};

describe('the functions of the manifest', () => {
  it('are all deployed, and the only other functions are the deploy-time handlers CDK adds for the buckets', () => {
    const manifest = new Set(functions.map((spec) => dev.logicalId(dev.stack.functions.get(spec.name))));
    const others = Object.keys(dev.template.findResources('AWS::Lambda::Function')).filter((id) => !manifest.has(id));
    expect(manifest.size).toBe(functions.length);
    // The bucket notification writer; in a non-prod stage also the bucket emptier run when the stack is deleted.
    expect(others.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
      'CustomS3AutoDeleteObjectsCustomResourceProviderHandler',
    ]);
    const prod = buildStack({ stage: 'prod' });
    expect(Object.keys(prod.template.findResources('AWS::Lambda::Function'))).toHaveLength(functions.length + 1);
  });

  it.each(functions.map((spec) => [spec.name, spec] as const))('%s runs handler() on Node 22 on arm64', (name, spec) => {
    const fn = functionProperties(name);
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('index.handler');
    expect(fn.MemorySize).toBe(spec.memoryMb ?? 512);
    expect(fn.Timeout).toBe(spec.timeoutSeconds ?? 10);
  });

  it.each(functions.map((spec) => [spec.name, spec] as const))('%s gets exactly the settings its access needs', (name, spec) => {
    const variables = functionProperties(name).Environment.Variables;
    const { access } = spec;
    const workflows = new Set([...(access.startWorkflows ?? []), ...(access.stopWorkflows ?? [])]);
    const expected = expectedVariables(spec);
    expect(Object.keys(variables).sort()).toEqual(expected.sort());
    if (access.table) expect(variables.TABLE_NAME).toEqual({ Ref: dev.logicalId(dev.stack.data.table) });
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe('channel-prm');
    expect(variables.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    if (access.email) expect(variables.MAIL_FROM).toBe('no-reply@example.com');
    if (access.attachments) expect(variables.ATTACHMENTS_BUCKET).toEqual({ Ref: dev.logicalId(dev.stack.storage.attachments) });
    for (const workflow of workflows) {
      expect(variables[stateMachineArnVariable(workflow)]).toEqual({ Ref: dev.logicalId(dev.stack.workflows.get(workflow)) });
    }
  });

  it('tells exactly the functions with attachments or letters access the name of the attachments bucket', () => {
    const withBucket = functions.filter((spec) => 'ATTACHMENTS_BUCKET' in functionProperties(spec.name).Environment.Variables);
    expect(withBucket.map((spec) => spec.name).sort()).toEqual(['approval-links', 'attachment-uploaded', 'loa-issue-letter', 'loa-requests', 'mdf-claims']);
  });

  it('tells the claim workflow starters and stoppers its state machine ARN', () => {
    const variable = stateMachineArnVariable('mdf-claim-review');
    expect(variable).toBe('MDF_CLAIM_REVIEW_STATE_MACHINE_ARN');
    const told = functions.filter((spec) => variable in functionProperties(spec.name).Environment.Variables);
    expect(told.map((spec) => spec.name).sort()).toEqual(['due-work', 'mdf-claims', 'mdf-requests']);
  });

  it('hands workflow starters the decision timeout from the context, 30 days unless told', () => {
    expect(functionProperties('mdf-requests').Environment.Variables.DECISION_TIMEOUT_DAYS).toBe('30');
    const custom = buildStack({ context: { decisionTimeoutDays: '7' } });
    const variables = (custom.resources[custom.logicalId(custom.stack.functions.get('due-work'))]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    }).Environment.Variables;
    expect(variables.DECISION_TIMEOUT_DAYS).toBe('7');
  });

  it('builds approval links on the API endpoint, or on publicBaseUrl when the context gives one', () => {
    expect(functionProperties('approval-links').Environment.Variables.PUBLIC_BASE_URL).toEqual({
      'Fn::GetAtt': [dev.logicalId(dev.stack.api.httpApi), 'ApiEndpoint'],
    });
    const custom = buildStack({ context: { publicBaseUrl: 'https://partners.example.com/' } });
    const variables = (custom.resources[custom.logicalId(custom.stack.functions.get('ask-approver'))]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    }).Environment.Variables;
    expect(variables.PUBLIC_BASE_URL).toBe('https://partners.example.com');
  });

  it('logs each function to its own log group with a retention period', () => {
    for (const spec of functions) {
      const logGroup = functionProperties(spec.name).LoggingConfig.LogGroup as { Ref: string };
      expect(dev.resources[logGroup.Ref]?.Type).toBe('AWS::Logs::LogGroup');
      expect(dev.resources[logGroup.Ref]?.Properties?.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('refuses a context without a sender address or with a decision timeout out of range', () => {
    expect(() => buildStack({ context: { mailFrom: '' } })).toThrow(/mailFrom/);
    expect(() => buildStack({ context: { decisionTimeoutDays: 0 } })).toThrow(/decisionTimeoutDays/);
  });
});
