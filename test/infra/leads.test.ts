import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/manifest.ts';
import { actionsOf, buildStack, functionStatements } from './stack.ts';

/** What the stack gives the lead functions: the recall phase in force, the import workflow, its grants. */
const dev = buildStack();

const variablesOf = (built: ReturnType<typeof buildStack>, name: string) =>
  (built.resources[built.logicalId(built.stack.functions.get(name))]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;

describe('the lead functions', () => {
  it('tell exactly the functions that share leads the recall phase in force: phase 1 unless the context says otherwise', () => {
    const told = functions.filter((spec) => 'LEAD_RECALL_PHASE' in variablesOf(dev, spec.name)).map((spec) => spec.name);
    expect(told.sort()).toEqual(['lead-import-chunk', 'lead-import-finish']);
    expect(variablesOf(dev, 'lead-import-chunk').LEAD_RECALL_PHASE).toBe('1');

    const final = buildStack({ context: { leadRecallPhase: 'final' } });
    expect(variablesOf(final, 'lead-import-chunk').LEAD_RECALL_PHASE).toBe('final');
  });

  it('refuse a recall phase that is not 1, 2 or final', () => {
    expect(() => buildStack({ context: { leadRecallPhase: '3' } })).toThrow(/leadRecallPhase must be 1, 2 or final/);
  });

  it('run the import as the lead-import workflow, filled with its three task functions', () => {
    const arnOf = (name: string) => ({ 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(name)), 'Arn'] });
    const properties = dev.resources[dev.logicalId(dev.stack.workflows.get('lead-import'))]?.Properties as { DefinitionSubstitutions: Record<string, unknown> };
    expect(properties.DefinitionSubstitutions).toEqual({
      ImportLeadChunkFunctionArn: arnOf('lead-import-chunk'),
      FinishLeadImportFunctionArn: arnOf('lead-import-finish'),
      RecordLeadImportFailedFunctionArn: arnOf('lead-import-failed'),
    });
  });

  it('let the import handler and the sweep start the import workflow, and nothing else', () => {
    const starters = functions.filter((spec) => actionsOf(functionStatements(dev, spec.name)).includes('states:StartExecution'));
    const importStarters = starters.filter((spec) =>
      JSON.stringify(functionStatements(dev, spec.name)).includes(dev.logicalId(dev.stack.workflows.get('lead-import'))),
    );
    expect(importStarters.map((spec) => spec.name).sort()).toEqual(['due-work', 'lead-imports']);
  });

  it('write new leads in batches, and never scan', () => {
    const actions = actionsOf(functionStatements(dev, 'lead-import-chunk'));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query']));
    expect(actions).not.toContain('dynamodb:Scan');
  });
});
