import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/manifest.ts';
import { actionsOf, buildStack, functionStatements } from './stack.ts';

/** What the stack gives NFR licences: the nfr-request workflow, its task functions, and who may start and answer it. */
const dev = buildStack();

interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Next?: string;
  End?: boolean;
}
const asl = JSON.parse(readFileSync(new URL('../../statemachines/nfr-request.asl.json', import.meta.url), 'utf8')) as { StartAt: string; States: Record<string, State> };

const arnOf = (name: string) => ({ 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(name)), 'Arn'] });
const workflowId = dev.logicalId(dev.stack.workflows.get('nfr-request'));
const touchesWorkflow = (name: string) => JSON.stringify(functionStatements(dev, name)).includes(workflowId);

describe('the NFR request workflow', () => {
  it('is filled with ask-approver and its two task functions', () => {
    const properties = dev.resources[workflowId]?.Properties as { DefinitionSubstitutions: Record<string, unknown> };
    expect(properties.DefinitionSubstitutions).toEqual({
      AskApproverFunctionArn: arnOf('ask-approver'),
      TellAboutNfrFunctionArn: arnOf('nfr-tell'),
      RecordNfrNotDecidedFunctionArn: arnOf('nfr-not-decided'),
    });
  });

  it('bounds the help desk wait by the decision timeout and routes Denied and the timeout by name', () => {
    const waits = Object.entries(asl.States).filter(([, state]) => state.Resource?.endsWith('.waitForTaskToken'));
    expect(waits.map(([name]) => name)).toEqual(['AskPartnerHelpDesk']);
    const [, ask] = waits[0]!;
    expect(ask.TimeoutSecondsPath).toBe('$.decisionTimeoutSeconds');
    expect(ask.Catch?.map((handler) => [handler.ErrorEquals, handler.Next])).toEqual([
      [['Denied'], 'TellRequesterDenied'],
      [['States.Timeout'], 'RecordNotDecidedInTime'],
    ]);
    expect(ask.Next).toBe('SendLicenceToContact');
    expect(asl.States.SendLicenceToContact?.Next).toBe('TellRequesterGranted');
  });

  it('retries every task on Lambda service errors', () => {
    for (const [name, state] of Object.entries(asl.States).filter(([, candidate]) => candidate.Type === 'Task')) {
      expect(state.Retry?.[0]?.ErrorEquals, name).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']));
    }
  });

  it('is started only by the NFR API and the sweep, and answered only by the link pages, the NFR API and the sweep', () => {
    const can = (action: string) =>
      functions.filter((spec) => actionsOf(functionStatements(dev, spec.name)).includes(action) && touchesWorkflow(spec.name)).map((spec) => spec.name).sort();
    expect(can('states:StartExecution')).toEqual(['due-work', 'nfr']);
    expect(can('states:SendTaskSuccess')).toEqual(['approval-links', 'due-work', 'nfr']);
  });
});
