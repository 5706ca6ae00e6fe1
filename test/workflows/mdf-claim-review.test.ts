import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { eventually, THIRTY_DAYS, workflowHarness } from './support.ts';

/**
 * Every path of statemachines/mdf-claim-review.asl.json as deployed, on the local
 * endpoint, with stand-in task functions. The CMM decides as the confirm page
 * does: success with `approve` or `return` (naming the missing proof), or the
 * `Denied` error; the upload of the missing file answers the proof wait.
 */
const workflow = workflowHarness({ clock: '2027-01-13T09:00:00Z' });
const { calls, finished, passDays } = workflow;

let counter = 0;
const start = async () => {
  counter += 1;
  const claimId = `clm_workflow_${counter}`;
  const executionArn = await workflow.start('mdf-claim-review', claimId, { claimId, decisionTimeoutSeconds: THIRTY_DAYS, proofTimeoutSeconds: THIRTY_DAYS });
  return { claimId, executionArn };
};

const callsTo = (functionName: string, claimId: string) =>
  calls.filter((call) => call.functionName === functionName && (call.payload.subjectId ?? call.payload.claimId) === claimId);

/** The `n`-th (1-based) call of `functionName` for this claim, once made. */
const nthCall = (functionName: string, claimId: string, n = 1) =>
  eventually(() => {
    const call = callsTo(functionName, claimId)[n - 1];
    if (!call) throw new Error(`No call #${n} of ${functionName} yet`);
    return call.payload as { taskToken: string; kind?: string; level?: string; subject?: string };
  });

const review = async (claimId: string, output: Record<string, unknown>, round = 1) =>
  workflow.client.send(new SendTaskSuccessCommand({ taskToken: (await nthCall('ask-approver', claimId, round)).taskToken, output: JSON.stringify(output) }));

const told = (claimId: string) => callsTo('claim-tell-partner', claimId).map((call) => call.payload.outcome);

describe('MDF claim review workflow', () => {
  it('the CMM approves: the partner hears of the claim, then is asked for the invoice', async () => {
    // Prepare
    const { claimId, executionArn } = await start();

    // Act
    await review(claimId, { decision: 'approve' });

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(await nthCall('ask-approver', claimId)).toMatchObject({ subject: 'mdf-claim', level: 'cmm' });
    expect(told(claimId)).toEqual(['received', 'approved']);
  });

  it('the CMM denies: the partner is told why', async () => {
    // Prepare
    const { claimId, executionArn } = await start();

    // Act
    await workflow.client.send(new SendTaskFailureCommand({ taskToken: (await nthCall('ask-approver', claimId)).taskToken, error: 'Denied', cause: 'No proof of attendance' }));

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(told(claimId)).toEqual(['received', 'denied']);
    expect(callsTo('claim-await-proof', claimId)).toHaveLength(0);
  });

  it('a missing proof: the partner is asked for it, and once it arrives the CMM reviews again', async () => {
    // Prepare
    const { claimId, executionArn } = await start();

    // Act: the CMM marks the lead list missing; the upload answers the wait; the CMM approves the second time
    await review(claimId, { decision: 'return', reason: 'lead-list' });
    const wait = await nthCall('claim-await-proof', claimId);
    await workflow.client.send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify({ kind: 'lead-list' }) }));
    await review(claimId, { decision: 'approve' }, 2);

    // Assess
    expect(wait.kind).toBe('lead-list');
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(callsTo('ask-approver', claimId)).toHaveLength(2);
    expect(told(claimId)).toEqual(['received', 'approved']);
  });

  it('the missing-proof loop can repeat, then end in a deny', async () => {
    // Prepare
    const { claimId, executionArn } = await start();

    // Act
    for (const [round, kind] of [[1, 'lead-list'], [2, 'proof-of-performance']] as const) {
      await review(claimId, { decision: 'return', reason: kind }, round);
      const wait = await nthCall('claim-await-proof', claimId, round);
      await workflow.client.send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify({ kind }) }));
    }
    await workflow.client.send(new SendTaskFailureCommand({ taskToken: (await nthCall('ask-approver', claimId, 3)).taskToken, error: 'Denied', cause: 'Not eligible' }));

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(callsTo('claim-await-proof', claimId).map((call) => call.payload.kind)).toEqual(['lead-list', 'proof-of-performance']);
    expect(told(claimId)).toEqual(['received', 'denied']);
  });

  it('a review not decided within the hard timeout ends the claim as not decided', async () => {
    // Prepare
    const { claimId, executionArn } = await start();
    await nthCall('ask-approver', claimId);

    // Act
    await passDays(31);

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(callsTo('claim-not-decided', claimId).map((call) => call.payload.why)).toEqual(['review']);
    expect(told(claimId)).toEqual(['received']);
  });

  it('a missing proof never added within the timeout ends the claim', async () => {
    // Prepare
    const { claimId, executionArn } = await start();
    await review(claimId, { decision: 'return', reason: 'proof-of-performance' });
    await nthCall('claim-await-proof', claimId);

    // Act
    await passDays(31);

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(callsTo('claim-not-decided', claimId).map((call) => call.payload.why)).toEqual(['proof']);
    expect(callsTo('ask-approver', claimId)).toHaveLength(1);
  });
});
