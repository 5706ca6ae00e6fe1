import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { eventually, namedError, THIRTY_DAYS, workflowHarness } from './support.ts';

/**
 * Every path of statemachines/deal-registration.asl.json, run as deployed (the file
 * itself, with the manifest's substitutions) by aws-local-stepfunctions on the
 * local endpoint. The task functions are stand-ins that record what the workflow
 * asked for. Reviewers decide the way tellWorkflow does: SendTaskSuccess with
 * `approve` or `return` (and the comments), or SendTaskFailure with the error
 * `Denied`; the partner's resubmission answers the resubmission wait the way
 * PUT /deal-registrations/{id} does.
 */
const LEVELS = ['operations', 'esm', 'asm'] as const;
type Level = (typeof LEVELS)[number];

const workflow = workflowHarness({ clock: '2026-11-25T15:00:00Z' });
const { calls, failures, finished, statesEntered, passDays } = workflow;

let counter = 0;
const start = async (timeouts: { decisionTimeoutSeconds?: number; resubmissionTimeoutSeconds?: number } = {}) => {
  counter += 1;
  const registrationId = `dr_workflow_${counter}`;
  const executionArn = await workflow.start('deal-registration', registrationId, {
    registrationId,
    decisionTimeoutSeconds: THIRTY_DAYS,
    resubmissionTimeoutSeconds: THIRTY_DAYS,
    ...timeouts,
  });
  return { registrationId, executionArn };
};

const callsTo = (functionName: string, registrationId: string) =>
  calls.filter((call) => call.functionName === functionName && (call.payload.subjectId ?? call.payload.registrationId) === registrationId);

/** The `n`-th (1-based) call of `functionName` for this registration, once made. */
const nthCall = (functionName: string, registrationId: string, n = 1) =>
  eventually(() => {
    const call = callsTo(functionName, registrationId)[n - 1];
    if (!call) throw new Error(`No call #${n} of ${functionName} yet`);
    return call.payload as { taskToken: string; subject?: string; level?: string; timeoutSeconds?: number; registrationId?: string };
  });

/** The `n`-th ask of this registration (any level), once made; fails when it asks another level. */
const nthAsk = async (registrationId: string, n: number, level: Level) => {
  const ask = await nthCall('ask-approver', registrationId, n);
  expect(ask.level).toBe(level);
  return ask;
};

const approve = async (registrationId: string, n: number, level: Level) =>
  workflow.client.send(
    new SendTaskSuccessCommand({
      taskToken: (await nthAsk(registrationId, n, level)).taskToken,
      output: JSON.stringify({ approvalId: `${registrationId}.${level}`, decision: 'approve', decidedBy: 'u-reviewer' }),
    }),
  );

const returnToPartner = async (registrationId: string, n: number, level: Level, comments = 'Add the customer’s procurement contact') =>
  workflow.client.send(
    new SendTaskSuccessCommand({
      taskToken: (await nthAsk(registrationId, n, level)).taskToken,
      output: JSON.stringify({ approvalId: `${registrationId}.${level}`, decision: 'return', decidedBy: 'u-reviewer', reason: comments }),
    }),
  );

const deny = async (registrationId: string, n: number, level: Level, reason = 'Opportunity already sourced by GitLab') =>
  workflow.client.send(new SendTaskFailureCommand({ taskToken: (await nthAsk(registrationId, n, level)).taskToken, error: 'Denied', cause: reason }));

/** The partner resubmits after the `n`-th return. */
const resubmit = async (registrationId: string, n: number) =>
  workflow.client.send(
    new SendTaskSuccessCommand({
      taskToken: (await nthCall('dr-await-resubmission', registrationId, n)).taskToken,
      output: JSON.stringify({ resubmitted: true, round: n + 1 }),
    }),
  );

const levelsAsked = (registrationId: string) => callsTo('ask-approver', registrationId).map((call) => call.payload.level);
const partnerTold = (registrationId: string) => callsTo('dr-tell-partner', registrationId).map((call) => call.payload.outcome);
const notDecided = (registrationId: string) => callsTo('dr-not-decided', registrationId).map((call) => call.payload.why);
const resubmissionWaits = (registrationId: string) => callsTo('dr-await-resubmission', registrationId).length;

/** Approves the levels from `from` on, counting asks from `n`. */
const approveFrom = async (registrationId: string, n: number, from: Level = 'operations') => {
  for (const [i, level] of LEVELS.slice(LEVELS.indexOf(from)).entries()) await approve(registrationId, n + i, level);
};

describe('deal registration review workflow: approval', () => {
  it('operations, then the ESM, then the ASM approve: the partner hears of the submission, then of the approval', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();

    // Act
    await approveFrom(registrationId, 1);
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(registrationId)).toEqual(['operations', 'esm', 'asm']);
    expect(partnerTold(registrationId)).toEqual(['received', 'approved']);
    expect(resubmissionWaits(registrationId)).toBe(0);
    expect(notDecided(registrationId)).toEqual([]);
    expect(await statesEntered(executionArn)).toEqual([
      'TellPartnerReceived',
      'AskEcosystemOperations',
      'ReturnedByOperations',
      'AskEcosystemSalesManager',
      'ReturnedBySalesManager',
      'AskAreaSalesManager',
      'ReturnedByAreaSalesManager',
      'TellPartnerApproved',
    ]);
  });

  it('the partner is told of the submission before operations are asked, and no later level is asked before the one before it decides', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();

    // Act
    await nthAsk(registrationId, 1, 'operations');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const beforeOperationsDecide = levelsAsked(registrationId);
    const order = calls.filter((call) => call.payload.registrationId === registrationId || call.payload.subjectId === registrationId).map((call) => call.functionName);
    await approve(registrationId, 1, 'operations');
    await nthAsk(registrationId, 2, 'esm');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const beforeEsmDecides = levelsAsked(registrationId);
    await workflow.client.send(new StopExecutionCommand({ executionArn }));

    // Assess
    expect(order).toEqual(['dr-tell-partner', 'ask-approver']);
    expect(beforeOperationsDecide).toEqual(['operations']);
    expect(beforeEsmDecides).toEqual(['operations', 'esm']);
  });

  it('each level asks for the deal registration with the level, its own task token and the hard timeout', async () => {
    // Prepare
    const { registrationId } = await start({ decisionTimeoutSeconds: 7 * 86_400 });

    // Act
    await approveFrom(registrationId, 1);
    const asks = await Promise.all([1, 2, 3].map((n) => nthCall('ask-approver', registrationId, n)));

    // Assess
    expect(asks.map(({ taskToken: _token, ...ask }) => ask)).toEqual(
      LEVELS.map((level) => ({ subject: 'deal-registration', subjectId: registrationId, level, timeoutSeconds: 7 * 86_400 })),
    );
    expect(new Set(asks.map((ask) => ask.taskToken)).size).toBe(3);
    expect(asks.every((ask) => typeof ask.taskToken === 'string' && ask.taskToken.length > 0)).toBe(true);
  });
});

describe('deal registration review workflow: deny', () => {
  it.each(LEVELS)('a deny at %s ends the registration: the partner is told, no later level is asked', async (deniedAt) => {
    // Prepare
    const { registrationId, executionArn } = await start();
    const before = LEVELS.slice(0, LEVELS.indexOf(deniedAt));

    // Act
    for (const [i, level] of before.entries()) await approve(registrationId, i + 1, level);
    await deny(registrationId, before.length + 1, deniedAt);
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(registrationId)).toEqual([...before, deniedAt]);
    expect(partnerTold(registrationId)).toEqual(['received', 'denied']);
    expect(resubmissionWaits(registrationId)).toBe(0);
    expect(notDecided(registrationId)).toEqual([]);
    expect((await statesEntered(executionArn)).slice(-1)).toEqual(['TellPartnerDenied']);
  });
});

describe('deal registration review workflow: return and resubmission', () => {
  it.each(LEVELS)('a return at %s waits for the partner; the resubmission starts again at operations and can then be approved', async (returnedAt) => {
    // Prepare
    const { registrationId, executionArn } = await start();
    const before = LEVELS.slice(0, LEVELS.indexOf(returnedAt));
    for (const [i, level] of before.entries()) await approve(registrationId, i + 1, level);

    // Act: returned, the partner is waited for, then resubmits
    await returnToPartner(registrationId, before.length + 1, returnedAt);
    const wait = await nthCall('dr-await-resubmission', registrationId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const askedWhileWaiting = levelsAsked(registrationId);
    await resubmit(registrationId, 1);
    await approveFrom(registrationId, before.length + 2);
    const execution = await finished(executionArn);

    // Assess
    expect(wait).toMatchObject({ registrationId });
    expect(wait.taskToken).toBeTruthy();
    expect(askedWhileWaiting).toEqual([...before, returnedAt]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(registrationId)).toEqual([...before, returnedAt, ...LEVELS]);
    expect(partnerTold(registrationId)).toEqual(['received', 'received', 'approved']);
    expect(notDecided(registrationId)).toEqual([]);
  });

  it('the loop runs as often as reviewers return: returned by operations, then by the ASM, then approved in the third round', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();

    // Act
    await returnToPartner(registrationId, 1, 'operations', 'Name the customer’s legal entity');
    await resubmit(registrationId, 1);
    await approve(registrationId, 2, 'operations');
    await approve(registrationId, 3, 'esm');
    await returnToPartner(registrationId, 4, 'asm', 'The value looks off by a factor of ten');
    await resubmit(registrationId, 2);
    await approveFrom(registrationId, 5);
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(registrationId)).toEqual(['operations', 'operations', 'esm', 'asm', 'operations', 'esm', 'asm']);
    expect(resubmissionWaits(registrationId)).toBe(2);
    expect(partnerTold(registrationId)).toEqual(['received', 'received', 'received', 'approved']);
    expect(await statesEntered(executionArn)).toEqual([
      'TellPartnerReceived',
      'AskEcosystemOperations',
      'ReturnedByOperations',
      'AwaitResubmission',
      'TellPartnerReceived',
      'AskEcosystemOperations',
      'ReturnedByOperations',
      'AskEcosystemSalesManager',
      'ReturnedBySalesManager',
      'AskAreaSalesManager',
      'ReturnedByAreaSalesManager',
      'AwaitResubmission',
      'TellPartnerReceived',
      'AskEcosystemOperations',
      'ReturnedByOperations',
      'AskEcosystemSalesManager',
      'ReturnedBySalesManager',
      'AskAreaSalesManager',
      'ReturnedByAreaSalesManager',
      'TellPartnerApproved',
    ]);
  });

  it('returned twice by the ESM, then denied by the ESM in the third round', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();

    // Act
    await approve(registrationId, 1, 'operations');
    await returnToPartner(registrationId, 2, 'esm');
    await resubmit(registrationId, 1);
    await approve(registrationId, 3, 'operations');
    await returnToPartner(registrationId, 4, 'esm');
    await resubmit(registrationId, 2);
    await approve(registrationId, 5, 'operations');
    await deny(registrationId, 6, 'esm', 'Not a net-new opportunity');
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(registrationId)).toEqual(['operations', 'esm', 'operations', 'esm', 'operations', 'esm']);
    expect(partnerTold(registrationId)).toEqual(['received', 'received', 'received', 'denied']);
    expect(resubmissionWaits(registrationId)).toBe(2);
  });

  it('each resubmission wait has its own task token: the first one no longer resumes the workflow', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();
    await returnToPartner(registrationId, 1, 'operations');
    const firstWait = await nthCall('dr-await-resubmission', registrationId, 1);
    await resubmit(registrationId, 1);
    await returnToPartner(registrationId, 2, 'operations');
    const secondWait = await nthCall('dr-await-resubmission', registrationId, 2);

    // Act
    const stale = await workflow.client.send(new SendTaskSuccessCommand({ taskToken: firstWait.taskToken, output: '{}' })).then(
      () => undefined,
      (error: Error) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const askedAfterStale = levelsAsked(registrationId);
    await workflow.client.send(new StopExecutionCommand({ executionArn }));

    // Assess
    expect(secondWait.taskToken).not.toBe(firstWait.taskToken);
    expect(stale).toMatchObject({ name: 'TaskTimedOut' });
    expect(askedAfterStale).toEqual(['operations', 'operations']);
  });
});

describe('deal registration review workflow: timeouts', () => {
  it.each(LEVELS)('a review at %s not decided within the hard timeout ends as "not decided in time"', async (waitingAt) => {
    // Prepare
    const { registrationId, executionArn } = await start();
    const before = LEVELS.slice(0, LEVELS.indexOf(waitingAt));
    for (const [i, level] of before.entries()) await approve(registrationId, i + 1, level);
    await nthAsk(registrationId, before.length + 1, waitingAt);

    // Act: 29 days later it still waits; 31 days later the wait ends
    await passDays(29);
    const after29Days = notDecided(registrationId);
    await passDays(2);
    const execution = await finished(executionArn);

    // Assess
    expect(after29Days).toEqual([]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(notDecided(registrationId)).toEqual(['review']);
    expect(partnerTold(registrationId)).toEqual(['received']);
    expect(levelsAsked(registrationId)).toEqual([...before, waitingAt]);
    expect((await statesEntered(executionArn)).slice(-1)).toEqual(['RecordNotDecidedInTime']);
  });

  it('a returned registration never resubmitted ends when the resubmission wait times out; no level is asked again', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();
    await approve(registrationId, 1, 'operations');
    await returnToPartner(registrationId, 2, 'esm');
    await nthCall('dr-await-resubmission', registrationId);

    // Act
    await passDays(29);
    const after29Days = notDecided(registrationId);
    await passDays(2);
    const execution = await finished(executionArn);

    // Assess
    expect(after29Days).toEqual([]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(notDecided(registrationId)).toEqual(['resubmission']);
    expect(levelsAsked(registrationId)).toEqual(['operations', 'esm']);
    expect(partnerTold(registrationId)).toEqual(['received']);
    expect((await statesEntered(executionArn)).slice(-2)).toEqual(['AwaitResubmission', 'RecordNotResubmitted']);
  });

  it('the review and the resubmission waits have their own timeouts, read from the input', async () => {
    // Prepare: reviews time out after 2 days, the partner has 10 days to resubmit
    const { registrationId, executionArn } = await start({ decisionTimeoutSeconds: 2 * 86_400, resubmissionTimeoutSeconds: 10 * 86_400 });
    await returnToPartner(registrationId, 1, 'operations');
    await nthCall('dr-await-resubmission', registrationId);

    // Act: 5 days is past the review timeout but inside the resubmission one
    await passDays(5);
    const after5Days = notDecided(registrationId);
    await resubmit(registrationId, 1);
    await nthAsk(registrationId, 2, 'operations');
    await passDays(3);
    const execution = await finished(executionArn);

    // Assess: the wait for the partner survived 5 days; the second review did not survive 3
    expect(after5Days).toEqual([]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(notDecided(registrationId)).toEqual(['review']);
    expect(partnerTold(registrationId)).toEqual(['received', 'received']);
  });

  it('a resubmission after the wait timed out no longer resumes the workflow', async () => {
    // Prepare
    const { registrationId, executionArn } = await start({ resubmissionTimeoutSeconds: 86_400 });
    await returnToPartner(registrationId, 1, 'operations');
    const wait = await nthCall('dr-await-resubmission', registrationId);
    await passDays(2);
    await finished(executionArn);

    // Act
    const late = await workflow.client.send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify({ resubmitted: true, round: 2 }) })).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assess
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
    expect(notDecided(registrationId)).toEqual(['resubmission']);
    expect(levelsAsked(registrationId)).toEqual(['operations']);
  });
});

describe('deal registration review workflow: stopped and failed', () => {
  it('stopping the review (the opportunity was lost) while it waits for the partner ends it: no further level or email', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();
    await approve(registrationId, 1, 'operations');
    await returnToPartner(registrationId, 2, 'esm');
    const wait = await nthCall('dr-await-resubmission', registrationId);

    // Act
    await workflow.client.send(new StopExecutionCommand({ executionArn, error: 'ClosedLost', cause: 'The opportunity was closed lost' }));
    const late = await workflow.client.send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: '{}' })).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assess
    expect((await finished(executionArn)).status).toBe('ABORTED');
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
    expect(levelsAsked(registrationId)).toEqual(['operations', 'esm']);
    expect(partnerTold(registrationId)).toEqual(['received']);
    expect(notDecided(registrationId)).toEqual([]);
  });

  it('only the error "Denied" is a deny: another failure of a review task fails the execution, the partner is not told "denied"', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();

    // Act
    await workflow.client.send(new SendTaskFailureCommand({ taskToken: (await nthAsk(registrationId, 1, 'operations')).taskToken, error: 'Rejected', cause: 'unexpected' }));
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Rejected');
    expect(partnerTold(registrationId)).toEqual(['received']);
    expect(notDecided(registrationId)).toEqual([]);
  });

  it('no approver assigned: asking the ESM fails the execution (no Catch hides it), and nothing is sent to the partner', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();
    await nthAsk(registrationId, 1, 'operations');
    failures.set('ask-approver', [namedError('NoApproverAssigned', 'No ecosystem sales manager is assigned for AMER.')]);

    // Act
    await approve(registrationId, 1, 'operations');
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('NoApproverAssigned');
    expect(levelsAsked(registrationId)).toEqual(['operations', 'esm']);
    expect(partnerTold(registrationId)).toEqual(['received']);
    expect(notDecided(registrationId)).toEqual([]);
  });

  it('a failing confirmation email fails the execution before any reviewer is asked', async () => {
    // Prepare
    failures.set('dr-tell-partner', [namedError('Error', 'No deal registration')]);

    // Act
    const { registrationId, executionArn } = await start();
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Error');
    expect(levelsAsked(registrationId)).toEqual([]);
  });

  it('a throttled Lambda is retried: the review goes on', async () => {
    // Prepare: the first confirmation attempt is throttled
    failures.set('dr-tell-partner', [namedError('Lambda.TooManyRequestsException', 'Rate exceeded')]);

    // Act
    const { registrationId, executionArn } = await start();
    await approveFrom(registrationId, 1);
    const execution = await eventually(async () => {
      const described = await workflow.client.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status === 'RUNNING') throw new Error('still running');
      return described;
    }, 10_000);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(partnerTold(registrationId)).toEqual(['received', 'received', 'approved']);
    expect(levelsAsked(registrationId)).toEqual(['operations', 'esm', 'asm']);
  }, 15_000);

  it('a failing "not decided" record fails the execution (an alarm, not a silent end)', async () => {
    // Prepare
    const { registrationId, executionArn } = await start();
    await nthAsk(registrationId, 1, 'operations');
    failures.set('dr-not-decided', [namedError('Error', 'The table is unavailable')]);

    // Act
    await passDays(31);
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(notDecided(registrationId)).toEqual(['review']);
  });
});
