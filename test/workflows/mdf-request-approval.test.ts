import { SendTaskFailureCommand, SendTaskSuccessCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { eventually, THIRTY_DAYS, workflowHarness } from './support.ts';

/**
 * Every path of statemachines/mdf-request-approval.asl.json, run as deployed (the
 * file itself, with the manifest's substitutions) by aws-local-stepfunctions on
 * the local endpoint. The task functions are stand-ins that record what the
 * workflow asked for; the approver's decision is given the way the confirm page
 * gives it: SendTaskSuccess, or SendTaskFailure with the error `Denied`.
 */
const workflow = workflowHarness({ clock: '2026-11-25T09:00:00Z' });
const { calls, finished, statesEntered, passDays } = workflow;

let counter = 0;
const start = async (flexi = false) => {
  counter += 1;
  const requestId = `mdf_workflow_${counter}`;
  const executionArn = await workflow.start('mdf-request-approval', requestId, { requestId, flexi, decisionTimeoutSeconds: THIRTY_DAYS });
  return { requestId, executionArn };
};

/** The ask of `level` for this request, once the workflow has made it. */
const askOf = (requestId: string, level: string) =>
  eventually(() => {
    const ask = calls.find((call) => call.functionName === 'ask-approver' && call.payload.subjectId === requestId && call.payload.level === level);
    if (!ask) throw new Error(`No ask for ${level} yet`);
    return ask.payload as { taskToken: string; timeoutSeconds: number; subject: string };
  });

const approve = async (requestId: string, level: string) =>
  workflow.client.send(new SendTaskSuccessCommand({ taskToken: (await askOf(requestId, level)).taskToken, output: JSON.stringify({ decision: 'approve' }) }));

const deny = async (requestId: string, level: string, reason: string) =>
  workflow.client.send(new SendTaskFailureCommand({ taskToken: (await askOf(requestId, level)).taskToken, error: 'Denied', cause: reason }));

const levelsAsked = (requestId: string) =>
  calls.filter((call) => call.functionName === 'ask-approver' && call.payload.subjectId === requestId).map((call) => call.payload.level);

const partnerTold = (requestId: string) =>
  calls.filter((call) => call.functionName === 'mdf-tell-partner' && call.payload.requestId === requestId).map((call) => call.payload.outcome);

const notDecidedRecorded = (requestId: string) =>
  calls.filter((call) => call.functionName === 'mdf-not-decided' && call.payload.requestId === requestId).length;

describe('MDF request approval workflow', () => {
  it('three approvals in turn: the partner hears of the submission, then of the approval', async () => {
    // Prepare
    const { requestId, executionArn } = await start();

    // Act
    for (const level of ['cmm', 'marketing-lead', 'program-manager']) await approve(requestId, level);
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(requestId)).toEqual(['cmm', 'marketing-lead', 'program-manager']);
    expect(partnerTold(requestId)).toEqual(['received', 'approved']);
    expect(notDecidedRecorded(requestId)).toBe(0);
  });

  it('each level asks with the subject, the level, its own task token and the hard timeout', async () => {
    // Prepare
    const { requestId, executionArn } = await start();

    // Act
    const first = await askOf(requestId, 'cmm');
    await approve(requestId, 'cmm');
    const second = await askOf(requestId, 'marketing-lead');
    await workflow.client.send(new StopExecutionCommand({ executionArn }));

    // Assess
    expect(first).toMatchObject({ subject: 'mdf-request', timeoutSeconds: THIRTY_DAYS });
    expect(first.taskToken).not.toBe(second.taskToken);
  });

  it.each(['cmm', 'marketing-lead', 'program-manager'])('a deny at level %s ends the request: the partner is told, no later level is asked', async (deniedAt) => {
    // Prepare
    const { requestId, executionArn } = await start();
    const levels = ['cmm', 'marketing-lead', 'program-manager'];

    // Act
    for (const level of levels.slice(0, levels.indexOf(deniedAt))) await approve(requestId, level);
    await deny(requestId, deniedAt, 'Not in this quarter’s plan');
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(requestId)).toEqual(levels.slice(0, levels.indexOf(deniedAt) + 1));
    expect(partnerTold(requestId)).toEqual(['received', 'denied']);
  });

  it('a flexi-budget request also needs the global director, and a deny there ends it too', async () => {
    // Prepare
    const approved = await start(true);
    const denied = await start(true);

    // Act
    for (const level of ['cmm', 'marketing-lead', 'program-manager', 'global-director']) await approve(approved.requestId, level);
    for (const level of ['cmm', 'marketing-lead', 'program-manager']) await approve(denied.requestId, level);
    await deny(denied.requestId, 'global-director', 'Outside the flexi criteria');

    // Assess
    expect((await finished(approved.executionArn)).status).toBe('SUCCEEDED');
    expect(levelsAsked(approved.requestId)).toEqual(['cmm', 'marketing-lead', 'program-manager', 'global-director']);
    expect(partnerTold(approved.requestId)).toEqual(['received', 'approved']);
    expect((await finished(denied.executionArn)).status).toBe('SUCCEEDED');
    expect(partnerTold(denied.requestId)).toEqual(['received', 'denied']);
  });

  it.each(['cmm', 'marketing-lead', 'program-manager'])('a wait at level %s past the hard timeout records "not decided in time"', async (waitingAt) => {
    // Prepare
    const { requestId, executionArn } = await start();
    const levels = ['cmm', 'marketing-lead', 'program-manager'];
    for (const level of levels.slice(0, levels.indexOf(waitingAt))) await approve(requestId, level);
    await askOf(requestId, waitingAt);

    // Act: 29 days later nothing happens; 31 days later the wait ends
    await passDays(29);
    const after29Days = notDecidedRecorded(requestId);
    await passDays(2);
    const execution = await finished(executionArn);

    // Assess
    expect(after29Days).toBe(0);
    expect(execution.status).toBe('SUCCEEDED');
    expect(notDecidedRecorded(requestId)).toBe(1);
    expect(partnerTold(requestId)).toEqual(['received']);
    expect(levelsAsked(requestId)).toEqual(levels.slice(0, levels.indexOf(waitingAt) + 1));
  });

  it('canceling during approval stops the workflow: no later level, no outcome email from the workflow', async () => {
    // Prepare
    const { requestId, executionArn } = await start();
    await approve(requestId, 'cmm');
    const { taskToken } = await askOf(requestId, 'marketing-lead');

    // Act
    await workflow.client.send(new StopExecutionCommand({ executionArn, error: 'Canceled', cause: 'Canceled by the channel marketing manager' }));
    const late = await workflow.client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assess
    expect((await finished(executionArn)).status).toBe('ABORTED');
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
    expect(levelsAsked(requestId)).toEqual(['cmm', 'marketing-lead']);
    expect(partnerTold(requestId)).toEqual(['received']);
  });

  it('a three-level approval takes few state transitions (Standard workflows bill each one)', async () => {
    // Prepare
    const { requestId, executionArn } = await start();

    // Act
    for (const level of ['cmm', 'marketing-lead', 'program-manager']) await approve(requestId, level);
    await finished(executionArn);
    const entered = await statesEntered(executionArn);

    // Assess
    expect(entered).toEqual([
      'TellPartnerReceived',
      'AskChannelMarketingManager',
      'AskRegionalMarketingLead',
      'AskPartnerProgramManager',
      'NeedsGlobalDirector',
      'TellPartnerApproved',
    ]);
    expect(entered.length).toBeLessThanOrEqual(15);
  });
});
