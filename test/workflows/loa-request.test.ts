import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventually, namedError, THIRTY_DAYS, workflowHarness, type Call } from './support.ts';

/**
 * Every path of statemachines/loa-request.asl.json, run as deployed by
 * aws-local-stepfunctions on the local endpoint. The task functions are stand-ins
 * that record what the workflow asked for; reviewers decide the way tellWorkflow
 * does (SendTaskSuccess with `approve`, SendTaskFailure with `Denied`).
 */
const LEVELS = ['operations', 'legal', 'pao'] as const;
type Level = (typeof LEVELS)[number];

/** Letters whose email went out already: PrepareLetter says there is nothing to send. */
let lettersSent: Set<string>;

/** What the stand-ins answer: the request to render, a rendered PDF; `{}` otherwise. */
const answerOf = ({ functionName, payload }: Call): unknown => {
  if (functionName === 'loa-issue-letter' && payload.step === 'prepare') {
    const loaId = String(payload.loaId);
    return lettersSent.has(loaId) ? { send: false, status: 'Issued' } : { send: true, request: { id: loaId, status: 'Issued' } };
  }
  if (functionName === 'loa-render-letter') return { pdf: Buffer.from('%PDF-1.7 letter').toString('base64') };
  return {};
};

const workflow = workflowHarness({ clock: '2026-11-25T15:00:00Z', answer: answerOf });
const { calls, failures, finished, statesEntered, passDays } = workflow;

beforeEach(() => {
  lettersSent = new Set();
});

let counter = 0;
const start = async (decisionTimeoutSeconds = THIRTY_DAYS) => {
  counter += 1;
  const loaId = `loa_workflow_${counter}`;
  const executionArn = await workflow.start('loa-request', loaId, { loaId, decisionTimeoutSeconds });
  return { loaId, executionArn };
};

const subjectOfCall = (call: Call) => call.payload.subjectId ?? call.payload.loaId ?? (call.payload.request as { id?: string } | undefined)?.id;
const callsTo = (functionName: string, loaId: string) => calls.filter((call) => call.functionName === functionName && subjectOfCall(call) === loaId);

const nthAsk = (loaId: string, n: number, level: Level) =>
  eventually(() => {
    const call = callsTo('ask-approver', loaId)[n - 1];
    if (!call) throw new Error(`No ask #${n} yet`);
    expect(call.payload.level).toBe(level);
    return call.payload as { taskToken: string; subject: string; level: string; timeoutSeconds: number };
  });

const approve = async (loaId: string, level: Level) =>
  workflow.client.send(
    new SendTaskSuccessCommand({
      taskToken: (await nthAsk(loaId, LEVELS.indexOf(level) + 1, level)).taskToken,
      output: JSON.stringify({ approvalId: `${loaId}.${level}`, decision: 'approve', decidedBy: 'u-reviewer' }),
    }),
  );

const deny = async (loaId: string, level: Level, reason = 'The partner’s contract ended') =>
  workflow.client.send(new SendTaskFailureCommand({ taskToken: (await nthAsk(loaId, LEVELS.indexOf(level) + 1, level)).taskToken, error: 'Denied', cause: reason }));

const levelsAsked = (loaId: string) => callsTo('ask-approver', loaId).map((call) => call.payload.level);
const partnerTold = (loaId: string) => callsTo('loa-tell-partner', loaId).map((call) => call.payload.outcome);
/** Letters sent: the SendLetter step, with the PDF rendered for this request. */
const lettersIssued = (loaId: string) => callsTo('loa-issue-letter', loaId).filter((call) => call.payload.step === 'send').length;
const notDecided = (loaId: string) => callsTo('loa-not-decided', loaId).length;

describe('Letter of Authorization workflow: signed', () => {
  it('operations confirm, legal approves, the PAO signs: the letter is issued, and the partner was told of the request first', async () => {
    // Prepare
    const { loaId, executionArn } = await start();

    // Act
    for (const level of LEVELS) await approve(loaId, level);
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(loaId)).toEqual(['operations', 'legal', 'pao']);
    expect(partnerTold(loaId)).toEqual(['received']);
    expect(lettersIssued(loaId)).toBe(1);
    expect(await statesEntered(executionArn)).toEqual(['TellPartnerReceived', 'AskEcosystemOperations', 'AskLegal', 'AskPrincipalAccountingOfficer', 'PrepareLetter', 'IsLetterToSend', 'RenderLetter', 'SendLetter']);
    // The PDF rendered for this request is what SendLetter stores and emails.
    expect(callsTo('loa-render-letter', loaId)).toEqual([{ functionName: 'loa-render-letter', payload: { request: { id: loaId, status: 'Issued' } } }]);
    expect(callsTo('loa-issue-letter', loaId).map((call) => call.payload)).toEqual([
      { step: 'prepare', loaId },
      { step: 'send', loaId, pdf: Buffer.from('%PDF-1.7 letter').toString('base64') },
    ]);
  });

  it('each level asks for the letter with its level, its own task token and the hard timeout', async () => {
    // Prepare
    const { loaId } = await start(7 * 86_400);

    // Act
    for (const level of LEVELS) await approve(loaId, level);
    const asks = await Promise.all(LEVELS.map((level, i) => nthAsk(loaId, i + 1, level)));

    // Assess
    expect(asks.map(({ taskToken: _token, ...ask }) => ask)).toEqual(LEVELS.map((level) => ({ subject: 'loa-request', subjectId: loaId, level, timeoutSeconds: 7 * 86_400 })));
    expect(new Set(asks.map((ask) => ask.taskToken)).size).toBe(3);
  });

  it('issuing the letter is retried when it fails (a storage or mail outage), and the execution then succeeds', async () => {
    // Prepare
    failures.set('loa-issue-letter#send', [namedError('Error', 'SES throttled')]);
    const { loaId, executionArn } = await start();

    // Act
    for (const level of LEVELS) await approve(loaId, level);
    const execution = await finished(executionArn, 12_000);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(lettersIssued(loaId)).toBe(2);
  }, 20_000);
  it('a letter that went out already is neither rendered nor sent again', async () => {
    // Prepare
    const { loaId, executionArn } = await start();
    lettersSent.add(loaId);

    // Act
    for (const level of LEVELS) await approve(loaId, level);
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(callsTo('loa-render-letter', loaId)).toHaveLength(0);
    expect(lettersIssued(loaId)).toBe(0);
    expect((await statesEntered(executionArn)).slice(-3)).toEqual(['PrepareLetter', 'IsLetterToSend', 'LetterAlreadySent']);
  });
});

describe('Letter of Authorization workflow: refused', () => {
  it.each(LEVELS)('a refusal at %s ends it: the partner is told why, no later level is asked and no letter is issued', async (refusedAt) => {
    // Prepare
    const { loaId, executionArn } = await start();
    const before = LEVELS.slice(0, LEVELS.indexOf(refusedAt));

    // Act
    for (const level of before) await approve(loaId, level);
    await deny(loaId, refusedAt);
    const execution = await finished(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(levelsAsked(loaId)).toEqual([...before, refusedAt]);
    expect(partnerTold(loaId)).toEqual(['received', 'refused']);
    expect(lettersIssued(loaId)).toBe(0);
    expect(notDecided(loaId)).toBe(0);
    expect((await statesEntered(executionArn)).slice(-1)).toEqual(['TellPartnerRefused']);
  });
});

describe('Letter of Authorization workflow: timeouts', () => {
  it.each(LEVELS)('a level at %s not decided within the hard timeout ends as "not decided in time"', async (waitingAt) => {
    // Prepare
    const { loaId, executionArn } = await start();
    const before = LEVELS.slice(0, LEVELS.indexOf(waitingAt));
    for (const level of before) await approve(loaId, level);
    await nthAsk(loaId, before.length + 1, waitingAt);

    // Act: 29 days later it still waits; 31 days later the wait ends
    await passDays(29);
    const after29Days = notDecided(loaId);
    await passDays(2);
    const execution = await finished(executionArn);

    // Assess
    expect(after29Days).toBe(0);
    expect(execution.status).toBe('SUCCEEDED');
    expect(notDecided(loaId)).toBe(1);
    expect(partnerTold(loaId)).toEqual(['received']);
    expect(lettersIssued(loaId)).toBe(0);
    expect((await statesEntered(executionArn)).slice(-1)).toEqual(['RecordNotDecidedInTime']);
  });
});
