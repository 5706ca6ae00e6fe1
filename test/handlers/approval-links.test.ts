import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/approval-links';
import { dynamoMock, emailMock, onlyTransaction, stepFunctionsMock, transactionCanceled, writesSent, writeProblems } from './support/aws.ts';
import { formPost, headerOf, httpEvent, lambdaContext, type HttpApiEvent } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import {
  approvalItem,
  budgetItem,
  linkItem,
  mdfRequestItem,
  newLinkToken,
  NOW,
  people,
  REQUEST_ID,
  sha256Hex,
  TASK_TOKEN,
} from './support/fixtures.ts';

/**
 * The page behind an emailed approval link: looking changes nothing, a POST from
 * the page decides once and tells the waiting workflow.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

const run = (event: HttpApiEvent) => handler(event, lambdaContext('approval-links'));
const show = (approvalId: string, token: string, method: 'GET' | 'HEAD' = 'GET') =>
  run(httpEvent(`${method} /approvals/{id}`, { pathParameters: { id: approvalId }, query: { t: token } }));
const post = (approvalId: string, form: Record<string, string>) => run(formPost('POST /approvals/{id}', { id: approvalId }, form));

/** Sam, the EMEA CMM, holds a link to decide level 1 of 3 of Acme's request. */
const samsToken = newLinkToken();
const cmmApproval = approvalItem({ level: 'cmm', approver: people.sam, linkHashes: [sha256Hex(samsToken)] });
const cmmApprovalId = String(cmmApproval.id);

/** Morgan, the program manager, holds a link to the final level (3 of 3). */
const morgansToken = newLinkToken();
const finalApproval = approvalItem({ level: 'program-manager', approver: people.morgan, linkHashes: [sha256Hex(morgansToken)] });
const finalApprovalId = String(finalApproval.id);

const isHtml = (value: string | undefined) => expect(value).toMatch(/^text\/html/);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
  table.seed(mdfRequestItem(), cmmApproval, linkItem(samsToken, cmmApproval, people.sam), budgetItem());
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('looking at an approval link changes nothing', () => {
  it('a well-formed token nobody was given gets the plain "not valid" page and no write at all', async () => {
    // Act
    const response = await show(cmmApprovalId, newLinkToken());

    // Assess
    expect(response.statusCode).toBe(404);
    isHtml(headerOf(response, 'content-type'));
    expect(response.body).toContain('This link is not valid');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a valid link shows what is asked with Approve and Deny, behind strict security headers, and writes nothing', async () => {
    // Act
    const response = await show(cmmApprovalId, samsToken);

    // Assess
    expect(response.statusCode).toBe(200);
    isHtml(headerOf(response, 'content-type'));
    const page = response.body ?? '';
    expect(page).toContain('Cloud security breakfast seminar');
    expect(page).toContain('$5,000.00');
    expect(page).toMatch(/<form method="post"[^>]*>.*name="decision" value="approve"/s);
    expect(page).toMatch(/<form method="post"[^>]*>.*name="decision" value="deny"/s);
    expect(page).toContain('>Approve</button>');
    expect(page).toContain('>Deny</button>');
    expect(page).not.toContain(TASK_TOKEN);
    expect(headerOf(response, 'referrer-policy')).toBe('no-referrer');
    expect(headerOf(response, 'cache-control')).toBe('no-store');
    expect(headerOf(response, 'content-security-policy')).toContain("default-src 'none'");
    expect(headerOf(response, 'content-security-policy')).toContain("frame-ancestors 'none'");
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('HEAD (a link preview) gets the headers and an empty body, and writes nothing', async () => {
    // Act
    const response = await show(cmmApprovalId, samsToken, 'HEAD');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body ?? '').toBe('');
    expect(headerOf(response, 'referrer-policy')).toBe('no-referrer');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a link whose token was tampered with gets the same page as an unknown one', async () => {
    // Prepare
    const tampered = `${samsToken.slice(0, -1)}${samsToken.endsWith('A') ? 'B' : 'A'}`;

    // Act
    const unknown = await show(cmmApprovalId, newLinkToken());
    const wrong = await show(cmmApprovalId, tampered);
    const otherApproval = await show(finalApprovalId, samsToken);

    // Assess
    expect([wrong.statusCode, otherApproval.statusCode]).toEqual([404, 404]);
    expect(wrong.body).toBe(unknown.body);
    expect(otherApproval.body).toBe(unknown.body);
  });
});

describe('deciding from the confirm page', () => {
  it('a deny without a reason is refused on the page (422) and nothing is written', async () => {
    // Act
    const response = await post(cmmApprovalId, { t: samsToken, decision: 'deny', reason: '   ' });

    // Assess
    expect(response.statusCode).toBe(422);
    isHtml(headerOf(response, 'content-type'));
    expect(response.body).toContain('A deny needs a reason');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('approving below the final level records the decision, tells the workflow with the stored task token, then forgets the token', async () => {
    // Act
    const response = await post(cmmApprovalId, { t: samsToken, decision: 'approve' });

    // Assess: the page says what happens next
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Approved at your level');
    expect(response.body).toContain('regional marketing lead');

    // one transaction: the approval flips from Pending, the link is spent, the request stays Open
    const items = onlyTransaction(ddb);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: `MDF#${REQUEST_ID}`, sk: 'APPROVAL#r001#cmm' },
      ConditionExpression: '#status = :pending AND expiresAt > :at AND size(linkHashes) = :links',
      ExpressionAttributeValues: { ':status': 'Approved', ':decision': 'approve', ':by': { id: people.sam.id, name: people.sam.name } },
    });
    expect(items[1]?.Update).toMatchObject({ Key: { pk: `LINK#${sha256Hex(samsToken)}`, sk: 'LINK' }, ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)' });
    expect(items.some((item) => item.Update?.Key?.sk === 'REQUEST' && item.Update.ExpressionAttributeValues?.[':open'] === 'Open')).toBe(true);
    expect(items.some((item) => item.Put?.Item?.action === 'level-approved')).toBe(true);
    expect(items.some((item) => item.Update?.Key?.pk === 'BUDGET#EMEA#2027-Q1')).toBe(false);

    // the workflow goes on with the token it is waiting on
    const successes = sfn.commandCalls(SendTaskSuccessCommand);
    expect(successes).toHaveLength(1);
    expect(successes[0]!.args[0].input.taskToken).toBe(TASK_TOKEN);
    expect(JSON.parse(successes[0]!.args[0].input.output ?? '')).toEqual({ approvalId: cmmApprovalId, decision: 'approve', decidedBy: people.sam.id });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);

    // and the token is then removed from the approval
    const updates = ddb.commandCalls(UpdateCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toMatchObject({ Key: { pk: `MDF#${REQUEST_ID}`, sk: 'APPROVAL#r001#cmm' }, UpdateExpression: 'REMOVE taskToken, duePk, dueAt' });
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(successes[0]!)).toBe(true);
    expect(successes[0]!.calledBefore(updates[0]!)).toBe(true);
  });

  it('a second approver who clicks after the first decided is told "already approved by" the first, and the workflow is not told twice', async () => {
    // Prepare: Sam's decision lands between Alex's read and Alex's write
    const alexsToken = newLinkToken();
    table.seed(
      { ...cmmApproval, linkHolders: [people.sam.id, people.alex.id], linkHashes: [sha256Hex(samsToken), sha256Hex(alexsToken)] },
      linkItem(alexsToken, cmmApproval, people.alex, people.sam),
    );
    ddb.on(TransactWriteCommand).callsFake(() => {
      table.change(
        { pk: `MDF#${REQUEST_ID}`, sk: 'APPROVAL#r001#cmm' },
        { status: 'Approved', decision: 'approve', decidedAt: '2026-11-23T09:58:00.000Z', decidedBy: { id: people.sam.id, name: people.sam.name } },
      );
      throw transactionCanceled('ConditionalCheckFailed', 'None', 'None', 'None', 'None');
    });

    // Act
    const response = await post(cmmApprovalId, { t: alexsToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(409);
    isHtml(headerOf(response, 'content-type'));
    expect(response.body).toContain('already approved by Sam Lee');
    expect(response.body).toContain('2026-11-23 09:58 UTC');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('approving the final level when the budget cannot cover it is refused with the dollars left, and nothing is written', async () => {
    // Prepare: $3,000.00 left in EMEA 2027-Q1, the request needs $5,000.00
    table.seed(
      mdfRequestItem({ currentLevel: 'program-manager' }),
      finalApproval,
      linkItem(morgansToken, finalApproval, people.morgan),
      budgetItem({ availableCents: 300_000, reservedCents: 9_700_000 }),
    );

    // Act
    const response = await post(finalApprovalId, { t: morgansToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(422);
    isHtml(headerOf(response, 'content-type'));
    expect(response.body).toContain('$3,000.00 left');
    expect(response.body).toContain('$5,000.00');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('approving the final level reserves the amount in the same transaction as the decision', async () => {
    // Prepare
    table.seed(mdfRequestItem({ currentLevel: 'program-manager' }), finalApproval, linkItem(morgansToken, finalApproval, people.morgan));

    // Act
    const response = await post(finalApprovalId, { t: morgansToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('$5,000.00 is reserved');
    const items = onlyTransaction(ddb);
    const reserve = items.find((item) => item.Update?.Key?.pk === 'BUDGET#EMEA#2027-Q1');
    expect(reserve?.Update).toMatchObject({ ConditionExpression: 'availableCents >= :amount AND flexiAvailableCents >= :flexi', ExpressionAttributeValues: { ':amount': 500_000 } });
    expect(items.find((item) => item.Update?.Key?.sk === 'REQUEST')?.Update?.ExpressionAttributeValues).toMatchObject({ ':to': 'Approved', ':approvedAmountCents': 500_000 });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.taskToken).toBe(TASK_TOKEN);
  });

  it('a deny with a reason ends the request and fails the waiting task with Denied and the reason as cause', async () => {
    // Act
    const response = await post(cmmApprovalId, { t: samsToken, decision: 'deny', reason: 'The audience is outside our focus accounts.' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Denied');
    const items = onlyTransaction(ddb);
    expect(items[0]?.Update?.ExpressionAttributeValues).toMatchObject({ ':status': 'Denied', ':reason': 'The audience is outside our focus accounts.' });
    expect(items.find((item) => item.Update?.Key?.sk === 'REQUEST')?.Update?.ExpressionAttributeValues).toMatchObject({ ':to': 'Denied' });
    const failures = sfn.commandCalls(SendTaskFailureCommand);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.args[0].input).toEqual({ taskToken: TASK_TOKEN, error: 'Denied', cause: 'The audience is outside our focus accounts.' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('a decision not sent from the page form is refused (400) and nothing is written', async () => {
    // Act
    const response = await run(
      httpEvent('POST /approvals/{id}', { pathParameters: { id: cmmApprovalId }, body: { t: samsToken, decision: 'approve' } }),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('when the workflow cannot be reached, the decision still stands and the task token is kept for the sweep to retry', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));

    // Act
    const response = await post(cmmApprovalId, { t: samsToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(200);
    const decision = onlyTransaction(ddb)[0]?.Update;
    expect(decision?.UpdateExpression).toContain('duePk = :signal, dueAt = :signalAt');
    expect(decision?.ExpressionAttributeValues).toMatchObject({ ':signal': 'approval-signal', ':signalAt': '2026-11-23T10:01:00.000Z' });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('a replayed link after the decision gets "already approved by" and decides nothing again', async () => {
    // Prepare: Sam already approved with this very link
    table.change(
      { pk: `MDF#${REQUEST_ID}`, sk: 'APPROVAL#r001#cmm' },
      { status: 'Approved', decision: 'approve', decidedAt: '2026-11-23T09:30:00.000Z', decidedBy: { id: people.sam.id, name: people.sam.name } },
    );
    table.change({ pk: `LINK#${sha256Hex(samsToken)}`, sk: 'LINK' }, { usedAt: '2026-11-23T09:30:00.000Z' });

    // Act
    const again = await post(cmmApprovalId, { t: samsToken, decision: 'approve' });
    const look = await show(cmmApprovalId, samsToken);

    // Assess
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already approved by Sam Lee on 2026-11-23 09:30 UTC');
    expect(look.statusCode).toBe(200);
    expect(look.body).toContain('already approved by Sam Lee');
    expect(look.body).not.toContain('value="approve"');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a form post that arrives base64-encoded (as API Gateway sends form bodies) decides the same', async () => {
    // Prepare
    const event = formPost('POST /approvals/{id}', { id: cmmApprovalId }, { t: samsToken, decision: 'approve' });
    event.body = Buffer.from(event.body ?? '', 'utf8').toString('base64');
    event.isBase64Encoded = true;

    // Act
    const response = await run(event);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(onlyTransaction(ddb)).not.toHaveLength(0);
  });

  it('when another approval used up the budget between the read and the write, the final approver is told what is left', async () => {
    // Prepare: the budget showed $100,000.00 when read; a concurrent approval left $3,000.00
    table.seed(mdfRequestItem({ currentLevel: 'program-manager' }), finalApproval, linkItem(morgansToken, finalApproval, people.morgan));
    ddb.on(TransactWriteCommand).callsFake((input: { TransactItems: { Update?: { Key?: { pk?: string } } }[] }) => {
      const budgetAt = input.TransactItems.findIndex((item) => item.Update?.Key?.pk === 'BUDGET#EMEA#2027-Q1');
      table.change({ pk: 'BUDGET#EMEA#2027-Q1', sk: 'BUDGET' }, { availableCents: 300_000, reservedCents: 9_700_000 });
      throw transactionCanceled(...input.TransactItems.map((_, index) => (index === budgetAt ? 'ConditionalCheckFailed' : 'None')));
    });

    // Act
    const response = await post(finalApprovalId, { t: morgansToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('$3,000.00 left');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('two approvers clicking at the same moment: the second is told who decided, even while eventually consistent reads still show the level pending', async () => {
    // Prepare: Sam's decision is written, but an eventually consistent read does not show it yet
    const alexsToken = newLinkToken();
    table.seed(
      { ...cmmApproval, linkHolders: [people.sam.id, people.alex.id], linkHashes: [sha256Hex(samsToken), sha256Hex(alexsToken)] },
      linkItem(alexsToken, cmmApproval, people.alex, people.sam),
    );
    table.freezeEventuallyConsistentReads();
    table.change(
      { pk: `MDF#${REQUEST_ID}`, sk: 'APPROVAL#r001#cmm' },
      { status: 'Approved', decision: 'approve', decidedAt: '2026-11-23T09:59:59.000Z', decidedBy: { id: people.sam.id, name: people.sam.name } },
    );
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'None', 'None', 'None', 'None'));

    // Act
    const response = await post(cmmApprovalId, { t: alexsToken, decision: 'approve' });

    // Assess: a page saying who decided, not a server error
    expect(response.statusCode).toBe(409);
    isHtml(headerOf(response, 'content-type'));
    expect(response.body).toContain('already approved by Sam Lee');
    expect(sfn.calls()).toHaveLength(0);
  });
});
