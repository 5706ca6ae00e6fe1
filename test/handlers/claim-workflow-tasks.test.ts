import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { TransactWriteCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler as awaitProof } from '#workflow/claim-await-proof';
import { handler as recordNotDecided } from '#workflow/claim-not-decided';
import { handler as tellPartner } from '#workflow/claim-tell-partner';
import { dynamoMock, emailMock, emailsSent, onlyTransaction, stepFunctionsMock, transactionCanceled, writeProblems, writesSent } from './support/aws.ts';
import { lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import {
  approvedRequestItem,
  attachmentItem,
  CLAIM_ID,
  claimApprovalItem,
  claimItem,
  leadListFile,
  NOW,
  people,
  proofFile,
  REQUEST_ID,
  sha256Hex,
  TASK_TOKEN,
} from './support/fixtures.ts';

/** The claim review workflow's plain tasks: waiting for a missing proof, ending an undecided claim, telling the partner. */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

/** The token of the wait for a missing proof (another task than the review's). */
const PROOF_TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAAXdhaXQtZm9yLXByb29m${'y'.repeat(200)}`;

/** Sam marked the lead list missing at 08:00 today. */
const returnedReview = claimApprovalItem({
  approver: people.sam,
  status: 'Returned',
  extra: { decision: 'return', reason: 'lead-list', decidedAt: '2026-11-23T08:00:00.000Z', decidedBy: { id: people.sam.id, name: people.sam.name } },
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
  table.seed(approvedRequestItem({ openClaimId: CLAIM_ID }), claimItem(), attachmentItem(proofFile({ status: 'Uploaded' })));
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('waiting for a missing proof', () => {
  it('keeps the wait token on the claim (refused unless Open) and asks the partner for the lead list', async () => {
    // Prepare
    table.seed(returnedReview);

    // Act
    const result = await awaitProof({ claimId: CLAIM_ID, kind: 'lead-list', taskToken: PROOF_TOKEN }, lambdaContext('claim-await-proof'));

    // Assess
    expect(result).toEqual({ waiting: true });
    const items = onlyTransaction(ddb);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: `CLAIM#${CLAIM_ID}`, sk: 'CLAIM' },
      UpdateExpression: 'SET awaitingProof = :awaiting, proofTaskToken = :token, updatedAt = :at',
      ConditionExpression: '#status = :open',
      ExpressionAttributeValues: { ':awaiting': { kind: 'lead-list', since: NOW.toISOString() }, ':token': PROOF_TOKEN },
    });
    expect(items[1]?.Put?.Item).toMatchObject({ pk: `CLAIM#${CLAIM_ID}`, action: 'waiting-for-proof' });
    const emails = emailsSent(ses);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.to).toEqual([people.dana.email]);
    expect(emails[0]!.subject).toBe('Action needed: add the lead list to your claim "London breakfast seminar, November 2026"');
    expect(emails[0]!.text).toContain('needs the lead list');
    expect(emails[0]!.text).not.toContain(PROOF_TOKEN);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a lead list that arrived after the CMM asked (a fast partner) ends the wait at once, without an email', async () => {
    // Prepare: uploaded at 09:30, after Sam's request at 08:00
    table.seed(returnedReview, attachmentItem(leadListFile({ status: 'Uploaded', uploadedAt: '2026-11-23T09:30:00.000Z' })));
    // (the fake table does not apply writes: the claim is seeded as the wait's transaction leaves it)
    table.seed(claimItem({ awaitingProof: { kind: 'lead-list', since: NOW.toISOString() }, proofTaskToken: PROOF_TOKEN }));

    // Act
    const result = await awaitProof({ claimId: CLAIM_ID, kind: 'lead-list', taskToken: PROOF_TOKEN }, lambdaContext('claim-await-proof'));

    // Assess
    expect(result).toEqual({ waiting: false });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input)).toEqual([{ taskToken: PROOF_TOKEN, output: JSON.stringify({ kind: 'lead-list' }) }]);
    expect(emailsSent(ses)).toHaveLength(0);
  });

  it('a lead list uploaded before the CMM asked does not count: the partner is asked for a new one', async () => {
    // Prepare: uploaded yesterday; Sam found it lacking
    table.seed(returnedReview, attachmentItem(leadListFile({ status: 'Uploaded', uploadedAt: '2026-11-22T15:03:00.000Z' })));

    // Act
    const result = await awaitProof({ claimId: CLAIM_ID, kind: 'lead-list', taskToken: PROOF_TOKEN }, lambdaContext('claim-await-proof'));

    // Assess
    expect(result).toEqual({ waiting: true });
    expect(sfn.calls()).toHaveLength(0);
    expect(emailsSent(ses)).toHaveLength(1);
  });
});

describe('a claim nobody decided in time', () => {
  const pendingReview = claimApprovalItem({ approver: people.sam, linkHashes: [sha256Hex('sams-claim-link')] });

  it('the review timed out: the claim ends Denied, the request may take a new claim, the level expires, the partner is told', async () => {
    // Prepare
    table.seed(pendingReview);

    // Act
    const result = await recordNotDecided({ claimId: CLAIM_ID, why: 'review' }, lambdaContext('claim-not-decided'));

    // Assess
    expect(result).toEqual({ changed: true });
    const items = onlyTransaction(ddb);
    expect(items.find((item) => item.Update?.Key?.sk === 'CLAIM')?.Update?.ExpressionAttributeValues).toMatchObject({
      ':from': 'Open',
      ':to': 'Denied',
      ':outcomeReason': 'Not decided in time: the review passed its deadline without a decision.',
    });
    expect(items.find((item) => item.Update?.Key?.pk === `MDF#${REQUEST_ID}`)?.Update).toMatchObject({
      UpdateExpression: 'SET updatedAt = :at, version = version + :one REMOVE openClaimId',
      ExpressionAttributeValues: { ':claim': CLAIM_ID },
    });
    expect(items.find((item) => item.Update?.Key?.sk === 'APPROVAL#r001#cmm')?.Update).toMatchObject({
      UpdateExpression: 'SET #status = :status, decidedAt = :at REMOVE taskToken, duePk, dueAt',
      ExpressionAttributeValues: { ':status': 'Expired' },
    });
    expect(items.find((item) => item.Update?.Key?.pk === `LINK#${sha256Hex('sams-claim-link')}`)?.Update?.UpdateExpression).toBe('REMOVE gsi1pk, gsi1sk');
    expect(items.find((item) => item.Put?.Item?.action === 'not-decided-in-time')).toBeDefined();
    expect(JSON.stringify(items)).not.toContain(TASK_TOKEN);
    const emails = emailsSent(ses);
    expect(emails.map((email) => email.to)).toEqual([[people.dana.email]]);
    expect(emails[0]!.subject).toContain('Closed: your claim');
    expect(emails[0]!.text).toContain('Not decided in time');
  });

  it('the missing proof never came: the claim ends Denied saying so', async () => {
    // Prepare
    table.seed(returnedReview, claimItem({ awaitingProof: { kind: 'lead-list', since: '2026-11-23T08:00:00.000Z' }, proofTaskToken: PROOF_TOKEN }));

    // Act
    const result = await recordNotDecided({ claimId: CLAIM_ID, why: 'proof' }, lambdaContext('claim-not-decided'));

    // Assess
    expect(result).toEqual({ changed: true });
    const items = onlyTransaction(ddb);
    const claimMove = items.find((item) => item.Update?.Key?.sk === 'CLAIM')?.Update;
    expect(claimMove?.ExpressionAttributeValues).toMatchObject({ ':to': 'Denied', ':outcomeReason': 'The missing proof was not added in time.' });
    expect(claimMove?.UpdateExpression).toContain('REMOVE awaitingProof, proofTaskToken');
    expect(items.find((item) => item.Put?.Item?.action === 'proof-not-added')).toBeDefined();
    expect(emailsSent(ses)[0]!.text).toContain('The missing proof was not added in time.');
  });

  it('changes nothing when a decision got there first', async () => {
    // Prepare
    table.seed(pendingReview);
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'None', 'None', 'None', 'None'));

    // Act
    const result = await recordNotDecided({ claimId: CLAIM_ID, why: 'review' }, lambdaContext('claim-not-decided'));

    // Assess
    expect(result).toEqual({ changed: false });
    expect(emailsSent(ses)).toHaveLength(0);
  });

  it('leaves a claim that is no longer Open alone', async () => {
    // Prepare
    table.seed(claimItem({ status: 'Approved', decidedAt: '2026-11-23T09:00:00.000Z' }));

    // Act
    const result = await recordNotDecided({ claimId: CLAIM_ID, why: 'review' }, lambdaContext('claim-not-decided'));

    // Assess
    expect(result).toEqual({ changed: false, status: 'Approved' });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(emailsSent(ses)).toHaveLength(0);
  });
});

describe('telling the partner about a claim', () => {
  it('received: the confirmation names the proof still missing', async () => {
    // Act
    const result = await tellPartner({ claimId: CLAIM_ID, outcome: 'received' }, lambdaContext('claim-tell-partner'));

    // Assess
    expect(result).toEqual({ told: 'received' });
    const [email] = emailsSent(ses);
    expect(email!.to).toEqual([people.dana.email]);
    expect(email!.subject).toBe('We received your claim "London breakfast seminar, November 2026"');
    expect(email!.text).toContain('Still missing: lead list');
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('approved: the partner is asked for the invoice, quoting the claim', async () => {
    // Prepare
    table.seed(claimItem({ status: 'Approved', decidedAt: '2026-11-23T09:00:00.000Z' }));

    // Act
    await tellPartner({ claimId: CLAIM_ID, outcome: 'approved' }, lambdaContext('claim-tell-partner'));

    // Assess
    const [email] = emailsSent(ses);
    expect(email!.subject).toContain('please send your invoice');
    expect(email!.text).toContain('$4,500.00');
    expect(email!.text).toContain(CLAIM_ID);
  });

  it('denied: the partner reads the reason', async () => {
    // Prepare
    table.seed(claimItem({ status: 'Denied', outcomeReason: 'The photos show another event.' }));

    // Act
    await tellPartner({ claimId: CLAIM_ID, outcome: 'denied' }, lambdaContext('claim-tell-partner'));

    // Assess
    expect(emailsSent(ses)[0]!.text).toContain('The reason given: The photos show another event.');
  });

  it('a payload the workflow should never send fails the task loudly', async () => {
    // Act
    const telling = tellPartner({ claimId: CLAIM_ID, outcome: 'paid' }, lambdaContext('claim-tell-partner'));

    // Assess
    await expect(telling).rejects.toThrow();
    expect(emailsSent(ses)).toHaveLength(0);
  });
});
