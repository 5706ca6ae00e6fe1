import { describe, expect, it } from 'vitest';
import { functions , type WorkflowName } from '../../lib/manifest.ts';
import { actionsOf, buildStack, functionStatements, type Statement } from './stack.ts';

const dev = buildStack();
const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

const grantedTo = (action: string): string[] =>
  functions.filter((spec) => actionsOf(functionStatements(dev, spec.name)).includes(action)).map((spec) => spec.name);

const resourcesOf = (statements: Statement[], action: string): unknown[] =>
  statements
    .filter((s) => s.Effect === 'Allow' && actionsOf([s]).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));

describe('least privilege', () => {
  it.each(functions.filter((spec) => spec.access.table === 'read').map((spec) => spec.name))(
    '%s only reads the table',
    (name) => {
      const actions = actionsOf(functionStatements(dev, name));
      expect(actions).toContain('dynamodb:Query');
      for (const action of writeActions) expect(actions).not.toContain(action);
    },
  );

  it('the read-only budget function cannot put an item', () => {
    expect(actionsOf(functionStatements(dev, 'mdf-budgets'))).not.toContain('dynamodb:PutItem');
  });

  it.each(functions.filter((spec) => spec.access.table === 'readWrite').map((spec) => spec.name))(
    '%s reads and writes the table',
    (name) => {
      expect(actionsOf(functionStatements(dev, name))).toEqual(expect.arrayContaining(['dynamodb:Query', ...writeActions]));
    },
  );

  it('the function that renders letters touches no AWS service: it may only write its own logs', () => {
    expect(functions.filter((spec) => !spec.access.table).map((spec) => spec.name)).toEqual(['loa-render-letter']);
    expect(actionsOf(functionStatements(dev, 'loa-render-letter')).every((action) => action.startsWith('logs:'))).toBe(true);
  });

  it('no function may scan the table, and indexes are granted one by one (no index/*)', () => {
    for (const spec of functions) {
      const statements = functionStatements(dev, spec.name);
      expect(actionsOf(statements)).not.toContain('dynamodb:Scan');
      expect(JSON.stringify(statements)).not.toContain('index/*');
      expect(actionsOf(statements).some((action) => action.includes('*'))).toBe(false);
    }
  });

  it('only the functions that send email may send email, and only as the sender identity', () => {
    expect(grantedTo('ses:SendEmail').sort()).toEqual(functions.filter((spec) => spec.access.email).map((spec) => spec.name).sort());
    const identity = dev.logicalId(dev.stack.email.identity);
    for (const name of grantedTo('ses:SendEmail')) {
      const resources = resourcesOf(functionStatements(dev, name), 'ses:SendEmail');
      expect(resources).toHaveLength(1);
      expect(JSON.stringify(resources[0])).toContain(`:identity/`);
      expect(JSON.stringify(resources[0])).toContain(`"Ref":"${identity}"`);
    }
  });

  const workflowRef = (name: WorkflowName) => ({ Ref: dev.logicalId(dev.stack.workflows.get(name)) });

  it('only the functions the manifest names start workflows, each on its state machines only', () => {
    const starters = functions.filter((spec) => spec.access.startWorkflows?.length);
    expect(grantedTo('states:StartExecution').sort()).toEqual(starters.map((spec) => spec.name).sort());
    expect(starters.map((spec) => spec.name).sort()).toEqual(['deal-registrations', 'due-work', 'lead-imports', 'loa-requests', 'mdf-claims', 'mdf-requests', 'nfr']);
    for (const spec of starters) {
      const resources = resourcesOf(functionStatements(dev, spec.name), 'states:StartExecution');
      expect(resources).toHaveLength(spec.access.startWorkflows?.length ?? 0);
      expect(resources).toEqual(expect.arrayContaining((spec.access.startWorkflows ?? []).map(workflowRef)));
    }
    expect(resourcesOf(functionStatements(dev, 'mdf-claims'), 'states:StartExecution')).toEqual([workflowRef('mdf-claim-review')]);
  });

  it('only mdf-requests, opportunities and due-work stop executions, and only those of the state machines they name', () => {
    expect(grantedTo('states:StopExecution').sort()).toEqual(['due-work', 'mdf-requests', 'opportunities']);
    const executions = (name: string) =>
      resourcesOf(functionStatements(dev, name), 'states:StopExecution').map((resource) => JSON.stringify(resource));
    const requests = executions('mdf-requests');
    expect(requests).toHaveLength(2);
    expect(requests.join()).toContain(':execution:Test-mdf-request-approval:*');
    expect(requests.join()).toContain(':execution:Test-mdf-claim-review:*');
    const sweep = executions('due-work');
    expect(sweep).toHaveLength(1);
    expect(sweep[0]).toContain(':execution:Test-mdf-request-approval:*');
    const lost = executions('opportunities');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toContain(':execution:Test-deal-registration:*');
  });

  it('only the functions that answer workflows may send task results, on the state machines they name', () => {
    const answerers = functions.filter((spec) => spec.access.answerWorkflows?.length);
    expect(answerers.map((spec) => spec.name).sort()).toEqual([
      'approval-links',
      'attachment-uploaded',
      'claim-await-proof',
      'deal-registrations',
      'dr-await-resubmission',
      'due-work',
      'loa-requests',
      'nfr',
    ]);
    for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure']) {
      expect(grantedTo(action).sort()).toEqual(answerers.map((spec) => spec.name).sort());
    }
    for (const spec of answerers) {
      const resources = resourcesOf(functionStatements(dev, spec.name), 'states:SendTaskSuccess');
      expect(resources).toHaveLength(spec.access.answerWorkflows?.length ?? 0);
      expect(resources).toEqual(expect.arrayContaining((spec.access.answerWorkflows ?? []).map(workflowRef)));
    }
    expect(resourcesOf(functionStatements(dev, 'attachment-uploaded'), 'states:SendTaskSuccess')).toEqual([workflowRef('mdf-claim-review')]);
  });

  describe('on the attachments bucket', () => {
    const s3Actions = (name: string) => actionsOf(functionStatements(dev, name)).filter((action) => action.startsWith('s3:')).sort();
    const claimFiles = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [dev.logicalId(dev.stack.storage.attachments), 'Arn'] }, '/claims/*']] };

    it('only the functions with attachments access have any S3 right', () => {
      const withS3 = functions.filter((spec) => s3Actions(spec.name).length > 0).map((spec) => spec.name);
      expect(withS3.sort()).toEqual(functions.filter((spec) => spec.access.attachments || spec.access.letters).map((spec) => spec.name).sort());
    });

    it.each([
      ['mdf-claims', ['s3:GetObject', 's3:PutObject']],
      ['attachment-uploaded', ['s3:DeleteObject', 's3:GetObject']],
      ['approval-links', ['s3:GetObject']],
    ])('%s may only %j', (name, actions) => {
      expect(s3Actions(name)).toEqual(actions);
    });

    it('mdf-claims presigns uploads and downloads but cannot delete a file', () => {
      expect(s3Actions('mdf-claims')).not.toContain('s3:DeleteObject');
    });

    it('grants only on claim files (claims/*), never the bucket itself or other keys', () => {
      for (const spec of functions.filter((candidate) => candidate.access.attachments && !candidate.access.letters)) {
        const statements = functionStatements(dev, spec.name).filter((s) => actionsOf([s]).some((action) => action.startsWith('s3:')));
        expect(statements).toHaveLength(1);
        expect(statements[0]?.Resource).toEqual(claimFiles);
      }
    });

    const letters = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [dev.logicalId(dev.stack.storage.attachments), 'Arn'] }, '/loa/*']] };
    it.each([
      ['loa-issue-letter', ['s3:PutObject']],
      ['loa-requests', ['s3:GetObject']],
    ])('signed letters: %s may only %j, and only on loa/*', (name, actions) => {
      const statements = functionStatements(dev, name).filter((s) => actionsOf([s]).some((action) => action.startsWith('s3:')));
      expect(statements).toHaveLength(1);
      expect(statements[0]?.Resource).toEqual(letters);
      expect(s3Actions(name)).toEqual(actions);
    });

    it('no other function can read or write a signed letter', () => {
      const withLetters = functions.filter((spec) => functionStatements(dev, spec.name).some((s) => JSON.stringify(s.Resource ?? '').includes('/loa/'))).map((spec) => spec.name);
      expect(withLetters.sort()).toEqual(['loa-issue-letter', 'loa-requests']);
    });
  });

  it('no function role uses an AWS managed policy', () => {
    for (const spec of functions) {
      const role = dev.stack.functions.get(spec.name).role;
      if (!role) throw new Error(`${spec.name} has no role`);
      expect(dev.resources[dev.logicalId(role)]?.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('each function writes only to its own log group', () => {
    for (const spec of functions) {
      const fn = dev.resources[dev.logicalId(dev.stack.functions.get(spec.name))]?.Properties as {
        LoggingConfig: { LogGroup: { Ref: string } };
      };
      expect(resourcesOf(functionStatements(dev, spec.name), 'logs:PutLogEvents')).toEqual([
        { 'Fn::GetAtt': [fn.LoggingConfig.LogGroup.Ref, 'Arn'] },
      ]);
    }
  });
});
