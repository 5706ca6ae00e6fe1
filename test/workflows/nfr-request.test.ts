import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { eventually, namedError, THIRTY_DAYS, workflowHarness } from './support.ts';

/**
 * Every path of statemachines/nfr-request.asl.json as deployed, on the local
 * endpoint, with stand-in task functions. The help desk decides as the confirm
 * page does: success with `approve` (the page has granted the licence), or the
 * `Denied` error. A refusal on the page (over the limit at decision time) answers
 * nothing: the workflow keeps waiting for a decision.
 */
const workflow = workflowHarness({ clock: '2027-03-01T09:00:00Z' });
const { calls, failures, start: startExecution, finished, passDays } = workflow;

let counter = 0;
const start = async () => {
  counter += 1;
  const requestId = `nfr_workflow_${counter}`;
  const executionArn = await startExecution('nfr-request', requestId, { requestId, decisionTimeoutSeconds: THIRTY_DAYS });
  return { requestId, executionArn };
};

const callsTo = (functionName: string, requestId: string) =>
  calls.filter((call) => call.functionName === functionName && (call.payload.subjectId ?? call.payload.requestId) === requestId);

const ask = (requestId: string) =>
  eventually(() => {
    const call = callsTo('ask-approver', requestId)[0];
    if (!call) throw new Error('The help desk was not asked yet');
    return call.payload as { taskToken: string; subject: string; level: string; timeoutSeconds: number };
  });

const told = (requestId: string) => callsTo('nfr-tell', requestId).map((call) => call.payload.outcome);
const notDecided = (requestId: string) => callsTo('nfr-not-decided', requestId);

describe('NFR request workflow', () => {
  it('the help desk approves: the contact receives the licence, then the requester is told', async () => {
    // Prepare
    const { requestId, executionArn } = await start();

    // Act
    await workflow.client.send(new SendTaskSuccessCommand({ taskToken: (await ask(requestId)).taskToken, output: JSON.stringify({ decision: 'approve' }) }));

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(await ask(requestId)).toMatchObject({ subject: 'nfr-request', level: 'help-desk', timeoutSeconds: THIRTY_DAYS });
    expect(told(requestId)).toEqual(['licence', 'granted']);
    expect(notDecided(requestId)).toEqual([]);
  });

  it('the help desk denies with a reason: the requester is told why, no licence is sent', async () => {
    // Prepare
    const { requestId, executionArn } = await start();

    // Act
    await workflow.client.send(new SendTaskFailureCommand({ taskToken: (await ask(requestId)).taskToken, error: 'Denied', cause: 'Not an Authorized partner any more' }));

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(told(requestId)).toEqual(['denied']);
  });

  it('an approval refused on the page (over the limit) answers nothing: the request waits, and the help desk can still deny', async () => {
    // Prepare: the page refused the approve; nothing reached the workflow
    const { requestId, executionArn } = await start();
    const { taskToken } = await ask(requestId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = await workflow.client.send(new DescribeExecutionCommand({ executionArn }));

    // Act
    await workflow.client.send(new SendTaskFailureCommand({ taskToken, error: 'Denied', cause: 'Over the NFR limit' }));

    // Assess
    expect(waiting.status).toBe('RUNNING');
    expect(told(requestId)).toEqual(['denied']);
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(callsTo('ask-approver', requestId)).toHaveLength(1);
  });

  it('a review not decided within the hard timeout ends the request as not decided; nobody is told a licence', async () => {
    // Prepare
    const { requestId, executionArn } = await start();
    await ask(requestId);

    // Act
    await passDays(31);

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(notDecided(requestId)).toHaveLength(1);
    expect(told(requestId)).toEqual([]);
  });

  it('a throttled Lambda is retried: the licence still goes out', async () => {
    // Prepare: the first attempt to send the licence is throttled
    failures.set('nfr-tell', [namedError('Lambda.TooManyRequestsException', 'Rate exceeded')]);
    const { requestId, executionArn } = await start();

    // Act
    await workflow.client.send(new SendTaskSuccessCommand({ taskToken: (await ask(requestId)).taskToken, output: JSON.stringify({ decision: 'approve' }) }));

    // Assess
    expect((await finished(executionArn, 10_000)).status).toBe('SUCCEEDED');
    expect(told(requestId)).toEqual(['licence', 'licence', 'granted']);
  }, 15_000);

  it('a licence email that fails for good fails the execution (an alarm), and the requester is not told it was sent', async () => {
    // Prepare
    failures.set('nfr-tell', [namedError('Error', 'NFR request has no licence')]);
    const { requestId, executionArn } = await start();

    // Act
    await workflow.client.send(new SendTaskSuccessCommand({ taskToken: (await ask(requestId)).taskToken, output: JSON.stringify({ decision: 'approve' }) }));
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(told(requestId)).toEqual(['licence']);
  });
});
