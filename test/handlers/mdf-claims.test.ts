import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/mdf-claims';
import { dynamoMock, emailMock, onlyTransaction, stepFunctionsMock, storageMock, transactionCanceled, writeProblems, writesSent, type TransactItem } from './support/aws.ts';
import { CLAIM_REVIEW_STATE_MACHINE_ARN, TABLE_NAME } from './support/environment.ts';
import { headerOf, httpEvent, jsonOf, lambdaContext, type RequestOptions } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import {
  approvedRequestItem,
  attachmentItem,
  CLAIM_ID,
  CLAIM_TITLE,
  claimApprovalItem,
  claimBudgetItem,
  claimItem,
  claimsOf,
  claimTitleItem,
  historyItem,
  leadListFile,
  NOW,
  partnerItem,
  people,
  proofFile,
  REQUEST_ID,
  TASK_TOKEN,
  type PersonFixture,
} from './support/fixtures.ts';

/**
 * MDF claims through the API: once an approved activity has ended, the partner's
 * MDF admin claims the money back and uploads the proof straight to the bucket.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const s3 = storageMock();
const table = new FakeTable();

const BUCKET = 'channel-prm-attachments-test';

const call = (routeKey: string, options: RequestOptions) => handler(httpEvent(routeKey, options), lambdaContext('mdf-claims'));

/** What Dana sends: $4,500.00 of the $5,000.00 approved, paid on Saturday, with both files declared. */
const claimBody = (changes: Record<string, unknown> = {}) => ({
  title: '  London Breakfast   Seminar, November 2026 ',
  amountCents: 450_000,
  paidDate: '2026-11-21',
  attachments: [
    { kind: 'proof-of-performance', fileName: 'seminar-photos.pdf', contentType: 'application/pdf', sizeBytes: 2_000_000 },
    { kind: 'lead-list', fileName: 'attendees.csv', contentType: 'text/csv', sizeBytes: 10_240 },
  ],
  ...changes,
});
const NORMALISED_TITLE = 'london breakfast seminar, november 2026';

const submitClaim = (body: unknown = claimBody(), person: PersonFixture = people.dana, requestId = REQUEST_ID) =>
  call('POST /mdf/requests/{id}/claims', { claims: claimsOf(person), pathParameters: { id: requestId }, body });

const putOf = (items: TransactItem[], sk: string | RegExp) =>
  items.filter((item) => (typeof sk === 'string' ? item.Put?.Item?.sk === sk : sk.test(String(item.Put?.Item?.sk)))).map((item) => item.Put!);

/** The policy S3 holds an upload to, as the browser sends it. */
const policyOf = (fields: Record<string, string>) =>
  JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };

/** DynamoDB refuses the transaction at the items `failing` picks (a condition failed there). */
const refuseTransactionWhere = (failing: (item: TransactItem, index: number) => boolean) =>
  ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
    throw transactionCanceled(...(input.TransactItems ?? []).map((item, index) => (failing(item, index) ? 'ConditionalCheckFailed' : 'None')));
  });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  s3.reset();
  table.clear();
  table.serve(ddb);
  table.seed(partnerItem(), claimBudgetItem(), approvedRequestItem());
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('submitting a claim', () => {
  it('an accepted claim is recorded in one transaction with its title guard, its files and the request held, then its review starts', async () => {
    // Prepare: the seminar ended on Friday and $5,000.00 is approved (seeded above), reminders still pending
    table.seed(approvedRequestItem({ duePk: 'mdf-claim-reminder', dueAt: '2026-12-04T09:00:00.000Z', nextReminderAt: '2026-12-04T09:00:00.000Z', reminderStage: 1 }));

    // Act
    const response = await submitClaim();

    // Assess: 201, where the claim lives
    expect(response.statusCode).toBe(201);
    const body = jsonOf(response);
    const claimId = String(body.id);
    expect(claimId).toMatch(/^clm_[0-9a-z]+$/);
    expect(headerOf(response, 'location')).toBe(`/mdf/claims/${claimId}`);
    expect(body).toMatchObject({ requestId: REQUEST_ID, title: 'London Breakfast   Seminar, November 2026', amountCents: 450_000, status: 'Open' });

    // one transaction: the claim, the title guard, the two files, the claim's history, the request held, the request's history
    const items = onlyTransaction(ddb);
    expect(items).toHaveLength(7);
    expect(items[0]?.Put).toMatchObject({
      TableName: TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `CLAIM#${claimId}`,
        sk: 'CLAIM',
        requestId: REQUEST_ID,
        partnerId: 'ptn_acme',
        status: 'Open',
        amountCents: 450_000,
        approvedAmountCents: 500_000,
        region: 'EMEA',
        quarter: '2026-Q4',
        submittedBy: { id: people.dana.id },
        // if the review has not opened in five minutes, the sweep starts it
        duePk: 'claim-review-start',
        dueAt: '2026-11-23T10:05:00.000Z',
      },
    });
    expect(items[1]?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `CLAIMTITLE#${NORMALISED_TITLE}`, sk: 'CLAIMTITLE', claimId, partnerId: 'ptn_acme', requestId: REQUEST_ID },
    });
    const files = putOf(items, /^ATTACHMENT#/);
    expect(files.map((put) => put.Item)).toEqual([
      expect.objectContaining({ pk: `CLAIM#${claimId}`, kind: 'proof-of-performance', status: 'Pending', declaredBytes: 2_000_000, contentType: 'application/pdf' }),
      expect.objectContaining({ pk: `CLAIM#${claimId}`, kind: 'lead-list', status: 'Pending', declaredBytes: 10_240, contentType: 'text/csv' }),
    ]);
    for (const file of files) expect(file.Item?.s3Key).toBe(`claims/${claimId}/${String(file.Item?.id)}`);
    const held = items.find((item) => item.Update?.Key?.pk === `MDF#${REQUEST_ID}`)?.Update;
    expect(held).toMatchObject({
      Key: { pk: `MDF#${REQUEST_ID}`, sk: 'REQUEST' },
      ConditionExpression: '#status = :approved AND attribute_not_exists(openClaimId)',
      ExpressionAttributeValues: { ':claim': claimId, ':approved': 'Approved' },
    });
    // reminders to claim stop for good
    expect(held?.UpdateExpression).toContain('REMOVE duePk, dueAt, nextReminderAt, reminderStage');
    const histories = putOf(items, /^HISTORY#/).map((put) => put.Item);
    expect(histories).toEqual([
      expect.objectContaining({ pk: `CLAIM#${claimId}`, action: 'submitted', to: 'Open', by: expect.objectContaining({ id: people.dana.id, kind: 'partner-user' }) }),
      expect.objectContaining({ pk: `MDF#${REQUEST_ID}`, action: 'claim-submitted', details: { claimId } }),
    ]);

    // then the review workflow, named after the claim
    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.args[0].input).toMatchObject({ stateMachineArn: CLAIM_REVIEW_STATE_MACHINE_ARN, name: claimId });
    expect(JSON.parse(starts[0]!.args[0].input.input ?? '')).toEqual({ claimId, decisionTimeoutSeconds: 2_592_000, proofTimeoutSeconds: 2_592_000 });
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(starts[0]!)).toBe(true);
  });

  it('each declared file gets a presigned upload to its own key that S3 holds to the declared type and size', async () => {
    // Act
    const response = await submitClaim();

    // Assess
    expect(response.statusCode).toBe(201);
    const body = jsonOf(response);
    const claimId = String(body.id);
    const uploads = body.uploads as { attachmentId: string; kind: string; fileName: string; url: string; fields: Record<string, string>; expiresAt: string }[];
    expect(uploads.map((upload) => [upload.kind, upload.fileName])).toEqual([
      ['proof-of-performance', 'seminar-photos.pdf'],
      ['lead-list', 'attendees.csv'],
    ]);
    const [pdf, csv] = uploads;
    expect(pdf!.url).toContain(BUCKET);
    expect(pdf!.url).toMatch(/^https:\/\//);
    expect(pdf!.fields).toMatchObject({ key: `claims/${claimId}/${pdf!.attachmentId}`, 'Content-Type': 'application/pdf', 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' });
    expect(pdf!.fields.Policy).toBeTruthy();
    expect(pdf!.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(csv!.fields).toMatchObject({ key: `claims/${claimId}/${csv!.attachmentId}`, 'Content-Type': 'text/csv' });
    expect(policyOf(pdf!.fields).conditions).toEqual(
      expect.arrayContaining([['content-length-range', 1, 2_000_000], ['eq', '$Content-Type', 'application/pdf'], { key: `claims/${claimId}/${pdf!.attachmentId}` }]),
    );
    expect(policyOf(csv!.fields).conditions).toEqual(expect.arrayContaining([['content-length-range', 1, 10_240]]));
    // good for 15 minutes
    expect(Date.parse(policyOf(pdf!.fields).expiration) - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 1_000);
    // the keys are the ones recorded
    const recorded = putOf(onlyTransaction(ddb), /^ATTACHMENT#/).map((put) => put.Item?.s3Key);
    expect(recorded).toEqual([pdf!.fields.key, csv!.fields.key]);
    // presigning is local: nothing was asked of S3
    expect(s3.calls()).toHaveLength(0);
  });

  it("a request of another partner is not found, with the very answer a missing one gets, and nothing is written", async () => {
    // Prepare: Gil of Globex claims on Acme's request
    const otherPartners = await submitClaim(claimBody(), people.gil);
    table.clear();
    const missing = await submitClaim(claimBody(), people.gil);

    // Assess
    expect(otherPartners.statusCode).toBe(404);
    expect(otherPartners.body).toBe(missing.body);
    expect(otherPartners.body).not.toContain('Acme');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a partner user without the MDF administrator privilege is refused (403 naming mdfAdmin) and nothing is written', async () => {
    // Act
    const response = await submitClaim(claimBody(), people.pat);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(jsonOf(response)).toMatchObject({ status: 403, missing: 'mdfAdmin' });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('an internal user cannot claim for a partner (403)', async () => {
    // Act
    const response = await submitClaim(claimBody(), people.sam);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('before the activity has ended the claim is refused (422 claims.after-end-date) and nothing is written', async () => {
    // Prepare: the seminar ends next Monday
    table.seed(approvedRequestItem({ startDate: '2026-11-30', endDate: '2026-11-30' }));

    // Act
    const response = await submitClaim(claimBody({ paidDate: '2026-11-20' }));

    // Assess
    expect(response.statusCode).toBe(422);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    const problem = jsonOf(response);
    expect(problem).toMatchObject({ status: 422, rule: 'claims.after-end-date', type: 'urn:channel-prm:problem:rule-refused' });
    expect(String(problem.detail)).toContain('2026-11-30');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('on the end date itself the claim is accepted', async () => {
    // Prepare: the seminar ends today (Monday 23 November, London)
    table.seed(approvedRequestItem({ startDate: '2026-11-23', endDate: '2026-11-23' }));

    // Act
    const response = await submitClaim(claimBody({ paidDate: '2026-11-23' }));

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('more than the approved amount is refused (422 naming the approved $5,000.00) and nothing is written', async () => {
    // Act
    const response = await submitClaim(claimBody({ amountCents: 500_001 }));

    // Assess
    expect(response.statusCode).toBe(422);
    const problem = jsonOf(response);
    expect(problem).toMatchObject({ rule: 'claims.amount-within-approved', approvedAmountCents: 500_000 });
    expect(String(problem.detail)).toContain('$5,000.00');
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a paid date in the future is refused (422 claims.paid-date-not-future)', async () => {
    // Act
    const response = await submitClaim(claimBody({ paidDate: '2026-11-24' }));

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'claims.paid-date-not-future' });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a claim on a canceled request is rejected at once with the cancellation reason (422 claims.request-canceled), nothing written', async () => {
    // Prepare
    table.seed(approvedRequestItem({ status: 'Canceled', outcomeReason: 'The event venue closed.', decidedAt: '2026-11-18T10:00:00.000Z' }));

    // Act
    const response = await submitClaim();

    // Assess
    expect(response.statusCode).toBe(422);
    const problem = jsonOf(response);
    expect(problem).toMatchObject({ status: 422, rule: 'claims.request-canceled' });
    expect(String(problem.detail)).toContain('The event venue closed.');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a request still being approved cannot be claimed (422 claims.request-approved)', async () => {
    // Prepare
    table.seed(approvedRequestItem({ status: 'Open', currentLevel: 'cmm', approvedAmountCents: undefined }));

    // Act
    const response = await submitClaim();

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'claims.request-approved' });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it("a title already used by one of the partner's own claims is refused (409 claims.title-unique) naming that claim", async () => {
    // Prepare: Acme's earlier claim holds the title, whatever its case and spacing
    table.seed(claimTitleItem(NORMALISED_TITLE, 'clm_acmeearlier00001', 'ptn_acme'));
    refuseTransactionWhere((item) => String(item.Put?.Item?.pk).startsWith('CLAIMTITLE#') && table.get({ TableName: TABLE_NAME, Key: { pk: item.Put?.Item?.pk, sk: 'CLAIMTITLE' } }) !== undefined);

    // Act
    const response = await submitClaim();

    // Assess
    expect(response.statusCode).toBe(409);
    const problem = jsonOf(response);
    expect(problem).toMatchObject({ status: 409, rule: 'claims.title-unique', existingClaimId: 'clm_acmeearlier00001' });
    expect(String(problem.detail)).toContain('clm_acmeearlier00001');
    // the holder was read strongly consistent, by the guard's key
    const holderRead = ddb.commandCalls(GetCommand).find((read) => read.args[0].input.Key?.pk === `CLAIMTITLE#${NORMALISED_TITLE}`);
    expect(holderRead?.args[0].input.ConsistentRead).toBe(true);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('titles that differ only by Unicode form, width or case share one guard', async () => {
    // Prepare: full-width letters and a decomposed é, as some keyboards and pastes produce
    const title = 'ＬＯＮＤＯＮ  Cafe\u0301   Seminar';

    // Act
    const response = await submitClaim(claimBody({ title }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(onlyTransaction(ddb)[1]?.Put?.Item?.pk).toBe('CLAIMTITLE#london caf\u00e9 seminar');
  });

  it("a title used by another partner's claim is refused (409 claims.title-unique) without saying whose or which claim", async () => {
    // Prepare: Globex holds the title
    table.seed(claimTitleItem(NORMALISED_TITLE, 'clm_globexclaim0001', 'ptn_globex', 'mdf_globex0000000001'));
    refuseTransactionWhere((_, index) => index === 1);

    // Act
    const response = await submitClaim();

    // Assess
    expect(response.statusCode).toBe(409);
    const problem = jsonOf(response);
    expect(problem).toMatchObject({ rule: 'claims.title-unique' });
    expect(problem).not.toHaveProperty('existingClaimId');
    expect(response.body).not.toContain('clm_globexclaim0001');
    expect(response.body).not.toContain('globex');
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a request that already holds a claim under review takes no second one (409 claims.one-open-claim)', async () => {
    // Prepare: a claim is already in for the request; the request's condition refuses the new one
    table.seed(approvedRequestItem({ openClaimId: 'clm_alreadyopen0001' }));
    refuseTransactionWhere((item) => item.Update?.Key?.pk === `MDF#${REQUEST_ID}`);

    // Act
    const response = await submitClaim();

    // Assess
    expect(response.statusCode).toBe(409);
    expect(jsonOf(response)).toMatchObject({ status: 409, rule: 'claims.one-open-claim' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a claim without files is refused as one-open-claim when the request is taken (the request item moves up)', async () => {
    // Prepare: no attachments declared, so the request's update is the fourth item, not the sixth
    table.seed(approvedRequestItem({ openClaimId: 'clm_alreadyopen0001' }));
    refuseTransactionWhere((item) => item.Update?.Key?.pk === `MDF#${REQUEST_ID}`);

    // Act
    const response = await submitClaim(claimBody({ attachments: [] }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(jsonOf(response)).toMatchObject({ rule: 'claims.one-open-claim' });
  });

  it.each([
    { what: 'an executable', file: { kind: 'proof-of-performance', fileName: 'photos.exe', contentType: 'application/x-msdownload', sizeBytes: 2_000 }, rule: 'claims.attachment-type' },
    { what: 'an HTML page', file: { kind: 'lead-list', fileName: 'leads.html', contentType: 'text/html', sizeBytes: 2_000 }, rule: 'claims.attachment-type' },
    { what: 'a file over 25 MB', file: { kind: 'proof-of-performance', fileName: 'video.pdf', contentType: 'application/pdf', sizeBytes: 25 * 1024 * 1024 + 1 }, rule: 'claims.attachment-size' },
    { what: 'an empty file', file: { kind: 'lead-list', fileName: 'leads.csv', contentType: 'text/csv', sizeBytes: 0 }, rule: 'claims.attachment-size' },
  ])('$what declared with the claim is refused (422 $rule) and nothing is written', async ({ file, rule }) => {
    // Prepare
    const body = claimBody({ attachments: [claimBody().attachments[0], file] });

    // Act
    const response = await submitClaim(body);

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ status: 422, rule });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('exactly 25 MB is accepted', async () => {
    // Act
    const response = await submitClaim(
      claimBody({ attachments: [{ kind: 'proof-of-performance', fileName: 'video.pdf', contentType: 'application/pdf', sizeBytes: 25 * 1024 * 1024 }] }),
    );

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('when the review cannot be started right now, the recorded claim is still answered 201 and left for the sweep to start', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const response = await submitClaim();

    // Assess: the claim sits in the due index, and the partner gets the upload links (a retry would only meet its own title)
    expect(response.statusCode).toBe(201);
    expect(onlyTransaction(ddb)[0]?.Put?.Item).toMatchObject({ duePk: 'claim-review-start', dueAt: '2026-11-23T10:05:00.000Z' });
    expect(jsonOf(response).uploads).toHaveLength(2);
  });

  it('a title longer than 200 characters is a 400 naming the field, not a 500', async () => {
    // Act
    const response = await submitClaim(claimBody({ title: 'x'.repeat(201) }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(jsonOf(response).errors).toEqual([expect.objectContaining({ field: 'title' })]);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a file name with a path is refused (400 naming the field)', async () => {
    // Act
    const response = await submitClaim(
      claimBody({ attachments: [{ kind: 'lead-list', fileName: '../../etc/passwd', contentType: 'text/csv', sizeBytes: 100 }] }),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(jsonOf(response).errors)).toContain('fileName');
    expect(writesSent(ddb)).toHaveLength(0);
  });
});

describe('adding a file to a claim', () => {
  const addFile = (person: PersonFixture = people.dana, claimId = CLAIM_ID, body: unknown = { kind: 'lead-list', fileName: 'attendees.csv', contentType: 'text/csv', sizeBytes: 10_240 }) =>
    call('POST /mdf/claims/{id}/attachments', { claims: claimsOf(person), pathParameters: { id: claimId }, body });

  beforeEach(() => {
    table.seed(approvedRequestItem({ openClaimId: CLAIM_ID }), claimItem(), attachmentItem(proofFile({ status: 'Uploaded' })));
  });

  it('an Open claim takes another file: it is declared Pending and a presigned upload is handed out', async () => {
    // Act
    const response = await addFile();

    // Assess
    expect(response.statusCode).toBe(201);
    expect(headerOf(response, 'location')).toBe(`/mdf/claims/${CLAIM_ID}`);
    const body = jsonOf(response) as { attachment: { id: string; status: string; kind: string }; upload: { url: string; fields: Record<string, string> } };
    expect(body.attachment).toMatchObject({ kind: 'lead-list', status: 'Pending' });
    expect(body.upload.url).toContain(BUCKET);
    expect(body.upload.fields).toMatchObject({ key: `claims/${CLAIM_ID}/${body.attachment.id}`, 'Content-Type': 'text/csv' });
    expect(body.upload.fields.Policy).toBeTruthy();

    const items = onlyTransaction(ddb);
    expect(items).toHaveLength(3);
    expect(items[0]?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `CLAIM#${CLAIM_ID}`, sk: `ATTACHMENT#${body.attachment.id}`, status: 'Pending', s3Key: `claims/${CLAIM_ID}/${body.attachment.id}`, declaredBytes: 10_240 },
    });
    // refused unless the claim is still Open
    expect(items[1]?.Update).toMatchObject({ Key: { pk: `CLAIM#${CLAIM_ID}`, sk: 'CLAIM' }, ConditionExpression: '#status = :open', ExpressionAttributeValues: { ':open': 'Open' } });
    expect(items[2]?.Put?.Item).toMatchObject({ pk: `CLAIM#${CLAIM_ID}`, action: 'attachment-declared', details: { kind: 'lead-list', fileName: 'attendees.csv' } });
  });

  it('a decided claim takes no more files (422 claims.files-while-open) and nothing is written', async () => {
    // Prepare
    table.seed(claimItem({ status: 'Approved', decidedAt: '2026-11-23T09:00:00.000Z' }));

    // Act
    const response = await addFile();

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'claims.files-while-open' });
    expect(String(jsonOf(response).detail)).toContain('Approved');
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a claim decided between the read and the write: 409 claims.files-while-open and no upload link', async () => {
    // Prepare: the CMM's decision lands first
    refuseTransactionWhere((item) => item.Update?.Key?.sk === 'CLAIM');

    // Act
    const response = await addFile();

    // Assess
    expect(response.statusCode).toBe(409);
    expect(jsonOf(response)).toMatchObject({ rule: 'claims.files-while-open' });
    expect(response.body).not.toContain('Policy');
  });

  it("another partner's claim is not found (404) and nothing is written", async () => {
    // Act
    const response = await addFile(people.gil);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain(CLAIM_TITLE);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a file of a forbidden type is refused (422 claims.attachment-type) before any write', async () => {
    // Act
    const response = await addFile(people.dana, CLAIM_ID, { kind: 'lead-list', fileName: 'leads.zip', contentType: 'application/zip', sizeBytes: 10_240 });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'claims.attachment-type' });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a partner user without mdfAdmin may not add files (403)', async () => {
    // Act
    const response = await addFile(people.pat);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(writesSent(ddb)).toHaveLength(0);
  });
});

describe('reading a claim', () => {
  const readClaim = (person: PersonFixture = people.dana, claimId = CLAIM_ID) => call('GET /mdf/claims/{id}', { claims: claimsOf(person), pathParameters: { id: claimId } });

  beforeEach(() => {
    // Sam asked for the lead list; the photos are in, the lead list was declared but not uploaded yet
    table.seed(
      claimItem({ awaitingProof: { kind: 'lead-list', since: '2026-11-23T08:00:00.000Z' }, proofTaskToken: TASK_TOKEN }),
      attachmentItem(proofFile({ status: 'Uploaded', sizeBytes: 1_800_000 })),
      attachmentItem(leadListFile()),
      claimApprovalItem({
        status: 'Returned',
        extra: { decision: 'return', reason: 'lead-list', decidedAt: '2026-11-23T08:00:00.000Z', decidedBy: { id: people.sam.id, name: people.sam.name } },
      }),
      { ...historyItem(CLAIM_ID, '2026-11-22T15:00:00.000Z', 'submitted', { id: people.dana.id, name: people.dana.name, kind: 'partner-user' }, { to: 'Open' }), pk: `CLAIM#${CLAIM_ID}` },
      {
        ...historyItem(CLAIM_ID, '2026-11-23T08:00:00.000Z', 'proof-requested', { id: people.sam.id, name: people.sam.name, kind: 'link' }, { from: 'Open', to: 'Open', reason: 'Missing: lead list' }),
        pk: `CLAIM#${CLAIM_ID}`,
        sk: 'HISTORY#2026-11-23T08:00:00.000Z#0002',
      },
    );
  });

  it('the partner reads their claim: uploaded files carry a 5-minute signed download link, pending ones none', async () => {
    // Act
    const response = await readClaim();

    // Assess
    expect(response.statusCode).toBe(200);
    const body = jsonOf(response) as { attachments: { id: string; status: string; downloadUrl?: string }[]; missing: string[]; awaitingProof: unknown; status: string };
    expect(body).toMatchObject({ id: CLAIM_ID, status: 'Open', awaitingProof: { kind: 'lead-list' } });
    expect(body.missing).toEqual(['lead-list']);
    const photos = body.attachments.find((file) => file.id === 'att_p8r2o0o1f5x7y9z3');
    const leads = body.attachments.find((file) => file.id === 'att_l3e6a9d4s1t7q2w8');
    expect(photos).toMatchObject({ id: 'att_p8r2o0o1f5x7y9z3', status: 'Uploaded' });
    const url = new URL(photos!.downloadUrl ?? '');
    expect(url.hostname).toContain(BUCKET);
    expect(url.pathname).toBe(`/claims/${CLAIM_ID}/att_p8r2o0o1f5x7y9z3`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="seminar-photos.pdf"');
    expect(leads).toMatchObject({ status: 'Pending' });
    expect(leads).not.toHaveProperty('downloadUrl');
    // what only the store keeps stays there
    expect(response.body).not.toContain(TASK_TOKEN);
    expect(response.body).not.toContain('proofTaskToken');
    expect(response.body).not.toContain('s3Key');
    expect(s3.calls()).toHaveLength(0);
  });

  it('the partner sees who reviewed by role only; MDF staff see the name', async () => {
    // Act
    const asPartner = await readClaim(people.dana);
    const asStaff = await readClaim(people.sam);

    // Assess
    expect(asPartner.statusCode).toBe(200);
    expect(asStaff.statusCode).toBe(200);
    const partnerView = jsonOf(asPartner) as { reviews: Record<string, unknown>[]; history: { by: string; action: string }[] };
    expect(partnerView.reviews).toEqual([expect.objectContaining({ status: 'Returned', reason: 'lead-list' })]);
    expect(partnerView.reviews[0]).not.toHaveProperty('decidedBy');
    expect(partnerView.history.map((event) => event.by)).toEqual([people.dana.name, 'The channel marketing manager']);
    expect(asPartner.body).not.toContain('Sam Lee');
    expect(asPartner.body).not.toContain(people.sam.id);
    expect((jsonOf(asStaff) as { reviews: Record<string, unknown>[] }).reviews[0]).toMatchObject({ decidedBy: 'Sam Lee' });
    expect(asStaff.body).toContain('Sam Lee');
  });

  it("another partner's claim is not found, with the very answer a missing one gets", async () => {
    // Act
    const otherPartners = await readClaim(people.gil);
    const missing = await readClaim(people.gil, 'clm_doesnotexist0001');

    // Assess
    expect(otherPartners.statusCode).toBe(404);
    // the same document but for the path asked for
    expect(otherPartners.body).toBe(missing.body?.replace('clm_doesnotexist0001', CLAIM_ID));
    expect(otherPartners.body).not.toContain(CLAIM_TITLE);
    expect(otherPartners.body).not.toContain('X-Amz');
  });

  it('an internal user outside the MDF team gets 404', async () => {
    // Act
    const response = await call('GET /mdf/claims/{id}', { claims: claimsOf({ id: 'usr_sales', email: 'sales@channel.example', name: 'Lee Sales', roles: ['sales'] }), pathParameters: { id: CLAIM_ID } });

    // Assess
    expect(response.statusCode).toBe(404);
  });
});

describe('listing claims', () => {
  it("a partner lists their own claims, never another partner's", async () => {
    // Prepare
    table.seed(claimItem(), claimItem({ id: 'clm_globexclaim0001', partnerId: 'ptn_globex', title: 'Globex claim' }));

    // Act
    const response = await call('GET /mdf/claims', { claims: claimsOf(people.dana), query: { partnerId: 'ptn_globex' } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect((jsonOf(response).items as { id: string }[]).map((item) => item.id)).toEqual([CLAIM_ID]);
  });

  it('an internal user lists a partner only by naming it (400 naming query.partnerId)', async () => {
    // Act
    const response = await call('GET /mdf/claims', { claims: claimsOf(people.sam) });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(jsonOf(response).errors).toEqual([expect.objectContaining({ field: 'query.partnerId' })]);
  });
});
