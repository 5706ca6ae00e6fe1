import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/manifest.ts';
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

  it('only mdf-requests and due-work start workflows, on the state machine only', () => {
    expect(grantedTo('states:StartExecution').sort()).toEqual(['due-work', 'mdf-requests']);
    const stateMachine = { Ref: dev.logicalId(dev.stack.workflows.get('mdf-request-approval')) };
    expect(resourcesOf(functionStatements(dev, 'mdf-requests'), 'states:StartExecution')).toEqual([stateMachine]);
  });

  it('only mdf-requests stops executions, and only those of its state machine', () => {
    expect(grantedTo('states:StopExecution')).toEqual(['mdf-requests']);
    const [executions] = resourcesOf(functionStatements(dev, 'mdf-requests'), 'states:StopExecution');
    expect(JSON.stringify(executions)).toContain(':execution:Test-mdf-request-approval:*');
  });

  it('only the functions that answer approvals may send task results', () => {
    expect(grantedTo('states:SendTaskSuccess').sort()).toEqual(
      functions.filter((spec) => spec.access.answerWorkflows?.length).map((spec) => spec.name).sort(),
    );
    expect(grantedTo('states:SendTaskFailure').sort()).toEqual(['approval-links', 'due-work']);
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
