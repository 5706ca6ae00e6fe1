import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/approval-links';
import { dynamoMock, emailMock, onlyTransaction, stepFunctionsMock, storageMock, transactionCanceled, writeProblems, writesSent } from './support/aws.ts';
import { formPost, headerOf, httpEvent, lambdaContext, type HttpApiEvent } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import {
  approvedRequestItem,
  attachmentItem,
  CLAIM_ID,
  CLAIM_TITLE,
  claimApprovalItem,
  claimBudgetItem,
  claimItem,
  LEAD_LIST_ID,
  leadListFile,
  linkItem,
  newLinkToken,
  NOW,
  people,
  PROOF_ID,
  proofFile,
  REQUEST_ID,
  sha256Hex,
  TASK_TOKEN,
} from './support/fixtures.ts';

/**
 * The CMM reviews an MDF claim from the emailed link: the page shows the claim and
 * its files, and offers Approve, Deny and "Mark proof missing".
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const s3 = storageMock();
const table = new FakeTable();

const run = (event: HttpApiEvent) => handler(event, lambdaContext('approval-links'));
const show = (token: string) => run(httpEvent('GET /approvals/{id}', { pathParameters: { id: reviewId }, query: { t: token } }));
const post = (form: Record<string, string>) => run(formPost('POST /approvals/{id}', { id: reviewId }, form));

/** Sam, the EMEA CMM, holds the link to review Dana's claim. */
const samsToken = newLinkToken();
const review = claimApprovalItem({ approver: people.sam, linkHashes: [sha256Hex(samsToken)] });
const reviewId = String(review.id);
const samsLink = { ...linkItem(samsToken, review, people.sam), subjectTitle: CLAIM_TITLE };

const isHtml = (value: string | undefined) => expect(value).toMatch(/^text\/html/);
/** The links of the page's file list, as a browser reads them. */
const downloadLinks = (page: string) =>
  [...page.matchAll(/<li><a href="([^"]+)" rel="noreferrer">([^<]+)<\/a><\/li>/g)].map(([, href = '', label = '']) => ({
    url: new URL(href.replaceAll('&amp;', '&')),
    label,
  }));

const BUDGET_KEY = { pk: 'BUDGET#EMEA#2026-Q4', sk: 'BUDGET' };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  s3.reset();
  table.clear();
  table.serve(ddb);
  // Dana's $4,500.00 claim on the $5,000.00 reserved for the seminar; the photos are in, the lead list is declared only
  table.seed(
    approvedRequestItem({ openClaimId: CLAIM_ID }),
    claimBudgetItem(),
    claimItem(),
    attachmentItem(proofFile({ status: 'Uploaded', sizeBytes: 1_800_000 })),
    attachmentItem(leadListFile()),
    review,
    samsLink,
  );
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('looking at a claim review link', () => {
  it('shows the claim, a short-lived download of each uploaded file, and a third form to mark a proof missing; writes nothing', async () => {
    // Act
    const response = await show(samsToken);

    // Assess
    expect(response.statusCode).toBe(200);
    isHtml(headerOf(response, 'content-type'));
    const page = response.body ?? '';
    expect(page).toContain(`MDF claim: ${CLAIM_TITLE}`);
    expect(page).toContain('$4,500.00');
    expect(page).toContain('$5,000.00');
    expect(page).toContain('claim review');

    // Approve, Deny, and Mark proof missing with a choice of the two kinds
    expect(page).toMatch(/<form method="post"[^>]*>.*name="decision" value="approve"/s);
    expect(page).toMatch(/<form method="post"[^>]*>.*name="decision" value="deny"/s);
    const third = /<form method="post"[^>]*>(?:(?!<\/form>).)*name="decision" value="return"(?:(?!<\/form>).)*<\/form>/s.exec(page)?.[0] ?? '';
    expect(third).toContain('>Mark proof missing</button>');
    expect(third).toContain('Which proof is missing?');
    const options = [...third.matchAll(/<option value="([^"]*)">([^<]*)<\/option>/g)].map(([, value, label]) => [value, label]);
    expect(options).toEqual([
      ['', 'Choose…'],
      ['proof-of-performance', 'proof of performance'],
      ['lead-list', 'lead list'],
    ]);
    expect(third).toMatch(/<select id="return" name="reason" required>/);

    // only the uploaded photos can be opened: a signed GET good for five minutes
    const links = downloadLinks(page);
    expect(links.map((link) => link.label)).toEqual(['proof of performance: seminar-photos.pdf']);
    const [photos] = links;
    expect(photos!.url.hostname).toContain('channel-prm-attachments-test');
    expect(photos!.url.pathname).toBe(`/claims/${CLAIM_ID}/${PROOF_ID}`);
    expect(photos!.url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(photos!.url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(page).not.toContain(LEAD_LIST_ID);

    expect(page).not.toContain(TASK_TOKEN);
    expect(headerOf(response, 'referrer-policy')).toBe('no-referrer');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('a title and a file name with markup are shown as text, never run', async () => {
    // Prepare: what a partner may type (the schema refuses only paths and control characters)
    table.seed(
      claimItem({ title: '<script>alert("title")</script>' }),
      attachmentItem(proofFile({ status: 'Uploaded', fileName: '"><img src=x onerror=alert(1)>.pdf' })),
    );

    // Act
    const response = await show(samsToken);

    // Assess
    expect(response.statusCode).toBe(200);
    const page = response.body ?? '';
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;');
    // the download keeps a harmless file name for the browser
    const [photos] = downloadLinks(page);
    expect(photos!.url.searchParams.get('response-content-disposition')).toMatch(/^attachment; filename="[\w.\- ]+\.pdf"$/);
  });
});

describe('deciding a claim from the confirm page', () => {
  it('approving while the lead list is missing is refused on the page (422, claims.proof-complete) and nothing is written', async () => {
    // Act
    const response = await post({ t: samsToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(422);
    isHtml(headerOf(response, 'content-type'));
    expect(response.body).toContain('Approve once the claim has a lead list');
    expect(response.body).toContain('Mark proof missing');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a lead list that was rejected (not what was declared) does not count: approving is still refused', async () => {
    // Prepare
    table.seed(attachmentItem(leadListFile({ status: 'Rejected' })));

    // Act
    const response = await post({ t: samsToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('a lead list');
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('marking the lead list missing records the level as returned without changing the claim, and tells the workflow what is missing', async () => {
    // Act
    const response = await post({ t: samsToken, decision: 'return', reason: 'lead-list' });

    // Assess: the page says what happens next
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Sent back to the partner');
    expect(response.body).toContain('asked to add the lead list');

    const items = onlyTransaction(ddb);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: `CLAIM#${CLAIM_ID}`, sk: 'APPROVAL#r001#cmm' },
      ExpressionAttributeValues: { ':status': 'Returned', ':decision': 'return', ':reason': 'lead-list' },
    });
    expect(items[1]?.Update?.Key).toEqual({ pk: `LINK#${sha256Hex(samsToken)}`, sk: 'LINK' });
    // the claim stays Open: only touched, refused unless still Open
    const claimUpdate = items.find((item) => item.Update?.Key?.sk === 'CLAIM')?.Update;
    expect(claimUpdate).toMatchObject({ ConditionExpression: '#status = :open', UpdateExpression: 'SET updatedAt = :at, version = version + :one' });
    expect(claimUpdate?.ExpressionAttributeValues).not.toHaveProperty(':to');
    expect(items.find((item) => item.Put?.Item?.action === 'proof-requested')?.Put?.Item).toMatchObject({
      pk: `CLAIM#${CLAIM_ID}`,
      reason: 'Missing: lead list',
      details: { kind: 'lead-list' },
    });
    // neither the request nor the budget moves
    expect(items.some((item) => item.Update?.Key?.pk === `MDF#${REQUEST_ID}`)).toBe(false);
    expect(items.some((item) => item.Update?.Key?.pk === BUDGET_KEY.pk)).toBe(false);

    // the workflow goes on to wait for the lead list
    const successes = sfn.commandCalls(SendTaskSuccessCommand);
    expect(successes).toHaveLength(1);
    expect(successes[0]!.args[0].input.taskToken).toBe(TASK_TOKEN);
    expect(JSON.parse(successes[0]!.args[0].input.output ?? '')).toEqual({ approvalId: reviewId, decision: 'return', decidedBy: people.sam.id, reason: 'lead-list' });
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(successes[0]!)).toBe(true);
    // then the token is forgotten
    const updates = ddb.commandCalls(UpdateCommand);
    expect(updates.map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ Key: { pk: `CLAIM#${CLAIM_ID}`, sk: 'APPROVAL#r001#cmm' }, UpdateExpression: 'REMOVE taskToken, duePk, dueAt' }),
    ]);
  });

  it('marking missing something that is not one of the two kinds is refused on the page and nothing is written', async () => {
    // Act
    const response = await post({ t: samsToken, decision: 'return', reason: 'invoice' });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Choose one of: proof-of-performance, lead-list');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('approving with both files in closes the request and settles the budget in the same transaction: $4,500.00 consumed, $500.00 back', async () => {
    // Prepare: the lead list arrived
    table.seed(attachmentItem(leadListFile({ status: 'Uploaded', sizeBytes: 9_000 })));

    // Act
    const response = await post({ t: samsToken, decision: 'approve' });

    // Assess: the page says what happened
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('$4,500.00 is consumed from the EMEA 2026-Q4 budget');
    expect(response.body).toContain('the unclaimed $500.00 goes back to it');

    const items = onlyTransaction(ddb);
    expect(items[0]?.Update?.ExpressionAttributeValues).toMatchObject({ ':status': 'Approved', ':decision': 'approve' });
    // the claim: Open → Approved, no longer waiting for anything
    const claimMove = items.find((item) => item.Update?.Key?.sk === 'CLAIM')?.Update;
    expect(claimMove).toMatchObject({
      Key: { pk: `CLAIM#${CLAIM_ID}`, sk: 'CLAIM' },
      ConditionExpression: '#status = :from',
      ExpressionAttributeValues: { ':from': 'Open', ':to': 'Approved', ':decidedAt': NOW.toISOString() },
    });
    expect(claimMove?.UpdateExpression).toContain('REMOVE awaitingProof, proofTaskToken, duePk, dueAt');
    // the request: Approved → Closed, leaving its open claim
    const requestMove = items.find((item) => item.Update?.Key?.pk === `MDF#${REQUEST_ID}`)?.Update;
    expect(requestMove).toMatchObject({
      Key: { pk: `MDF#${REQUEST_ID}`, sk: 'REQUEST' },
      ConditionExpression: '#status IN (:from0)',
      ExpressionAttributeValues: { ':from0': 'Approved', ':to': 'Closed', ':byStatus': 'PARTNER#ptn_acme#MDF#Closed' },
    });
    expect(requestMove?.UpdateExpression).toContain('openClaimId');
    // the budget: the reservation goes, the claim is consumed, the rest is available again
    const budget = items.find((item) => item.Update?.Key?.pk === BUDGET_KEY.pk && item.Update.Key.sk === 'BUDGET')?.Update;
    expect(budget?.Key).toEqual(BUDGET_KEY);
    expect(budget?.UpdateExpression).toContain('reservedCents = reservedCents - :reserved');
    expect(budget?.UpdateExpression).toContain('consumedCents = consumedCents + :claimed');
    expect(budget?.UpdateExpression).toContain('availableCents = availableCents + :rest');
    expect(budget?.ConditionExpression).toBe('reservedCents >= :reserved AND flexiUsedCents >= :flexiRest');
    expect(budget?.ExpressionAttributeValues).toMatchObject({ ':reserved': 500_000, ':claimed': 450_000, ':rest': 50_000, ':flexiRest': 0 });
    // and the ledger says so, consume first
    const ledger = items.filter((item) => String(item.Put?.Item?.sk).startsWith('LEDGER#')).map((item) => item.Put!.Item!);
    expect(ledger).toEqual([
      expect.objectContaining({ pk: BUDGET_KEY.pk, kind: 'consume', amountCents: 450_000, requestId: REQUEST_ID, by: people.sam.id }),
      expect.objectContaining({ pk: BUDGET_KEY.pk, kind: 'release', amountCents: 50_000, requestId: REQUEST_ID }),
    ]);
    expect(String(ledger[0]!.sk) < String(ledger[1]!.sk)).toBe(true);
    expect(String(ledger[0]!.note)).toContain(CLAIM_TITLE);
    // history on both sides
    expect(items.find((item) => item.Put?.Item?.pk === `CLAIM#${CLAIM_ID}` && item.Put.Item.action === 'approved')).toBeDefined();
    expect(items.find((item) => item.Put?.Item?.pk === `MDF#${REQUEST_ID}` && item.Put.Item.action === 'closed')?.Put?.Item).toMatchObject({ from: 'Approved', to: 'Closed' });

    // the workflow goes on (to tell the partner and ask for the invoice)
    const successes = sfn.commandCalls(SendTaskSuccessCommand);
    expect(successes).toHaveLength(1);
    expect(JSON.parse(successes[0]!.args[0].input.output ?? '')).toEqual({ approvalId: reviewId, decision: 'approve', decidedBy: people.sam.id });
  });

  it('a claim of the full approved amount consumes it all: nothing is released and no release is written to the ledger', async () => {
    // Prepare
    table.seed(claimItem({ amountCents: 500_000 }), attachmentItem(leadListFile({ status: 'Uploaded' })));

    // Act
    const response = await post({ t: samsToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('goes back');
    const items = onlyTransaction(ddb);
    expect(items.find((item) => item.Update?.Key?.sk === 'BUDGET')?.Update?.ExpressionAttributeValues).toMatchObject({ ':reserved': 500_000, ':claimed': 500_000, ':rest': 0 });
    expect(items.filter((item) => String(item.Put?.Item?.sk).startsWith('LEDGER#')).map((item) => item.Put?.Item?.kind)).toEqual(['consume']);
  });

  it('a flexi claim gives its unclaimed rest back to the flexi budget too', async () => {
    // Prepare
    table.seed(claimItem({ flexi: true }), attachmentItem(leadListFile({ status: 'Uploaded' })), claimBudgetItem({ flexiUsedCents: 500_000, flexiAvailableCents: 0 }));

    // Act
    const response = await post({ t: samsToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(200);
    const budget = onlyTransaction(ddb).find((item) => item.Update?.Key?.sk === 'BUDGET')?.Update;
    expect(budget?.ExpressionAttributeValues).toMatchObject({ ':rest': 50_000, ':flexiRest': 50_000 });
  });

  it('denying ends the claim with the reason, frees the request for another claim, and fails the waiting task', async () => {
    // Act
    const response = await post({ t: samsToken, decision: 'deny', reason: 'The photos show another event.' });

    // Assess
    expect(response.statusCode).toBe(200);
    const items = onlyTransaction(ddb);
    expect(items.find((item) => item.Update?.Key?.sk === 'CLAIM')?.Update?.ExpressionAttributeValues).toMatchObject({
      ':from': 'Open',
      ':to': 'Denied',
      ':outcomeReason': 'The photos show another event.',
    });
    expect(items.find((item) => item.Update?.Key?.pk === `MDF#${REQUEST_ID}`)?.Update).toMatchObject({
      UpdateExpression: 'SET updatedAt = :at, version = version + :one REMOVE openClaimId',
      ConditionExpression: 'openClaimId = :claim',
      ExpressionAttributeValues: { ':claim': CLAIM_ID },
    });
    expect(items.some((item) => item.Update?.Key?.pk === BUDGET_KEY.pk)).toBe(false);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: TASK_TOKEN, error: 'Denied', cause: 'The photos show another event.' },
    ]);
  });

  it('when the request was canceled (and the claim denied with it) between the read and the write, the CMM is told there is nothing left to decide', async () => {
    // Prepare: the cancellation lands first; the claim is no longer Open
    table.seed(attachmentItem(leadListFile({ status: 'Uploaded' })));
    ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      table.change({ pk: `CLAIM#${CLAIM_ID}`, sk: 'CLAIM' }, { status: 'Denied', outcomeReason: 'The MDF request was canceled: The event venue closed.' });
      table.change({ pk: `MDF#${REQUEST_ID}`, sk: 'REQUEST' }, { status: 'Canceled' });
      throw transactionCanceled(
        ...(input.TransactItems ?? []).map((item) =>
          item.Update?.Key?.sk === 'CLAIM' || item.Update?.Key?.sk === 'REQUEST' ? 'ConditionalCheckFailed' : 'None',
        ),
      );
    });

    // Act
    const response = await post({ t: samsToken, decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(409);
    isHtml(headerOf(response, 'content-type'));
    expect(response.body).toContain('no longer waiting for a decision');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(sfn.calls()).toHaveLength(0);
  });
});
