import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/mdf-requests';
import { dynamoMock, emailMock, emailsSent, onlyTransaction, stepFunctionsMock, writesSent, writeProblems } from './support/aws.ts';
import { STATE_MACHINE_ARN, TABLE_NAME } from './support/environment.ts';
import { headerOf, httpEvent, jsonOf, lambdaContext, type RequestOptions } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import {
  approverAssignmentItem,
  budgetItem,
  approvalItem,
  claimsOf,
  historyItem,
  mdfRequestItem,
  NOW,
  partnerItem,
  people,
  REQUEST_ID,
  sha256Hex,
  validSubmission,
} from './support/fixtures.ts';

/** MDF requests through the API: partners submit, read and list them; the region's CMM cancels them. */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

const call = (routeKey: string, options: RequestOptions) => handler(httpEvent(routeKey, options), lambdaContext('mdf-requests'));
const submit = (body: unknown, options: RequestOptions = {}) =>
  call('POST /mdf/requests', { claims: claimsOf(people.dana), body, ...options });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
  table.seed(partnerItem(), budgetItem());
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('submitting an MDF request', () => {
  it('a valid submission is recorded with its history and starts the approval workflow', async () => {
    // Prepare: an Authorized, marketing-ready partner and an EMEA budget for 2027-Q1 (seeded above)

    // Act
    const response = await submit(validSubmission());

    // Assess: 201 with the request, where it lives, and no error document
    expect(response.statusCode).toBe(201);
    expect(headerOf(response, 'content-type')).toMatch(/^application\/json/);
    const body = jsonOf(response);
    expect(body).not.toHaveProperty('type');
    expect(body).toMatchObject({ status: 'Open', partnerId: 'ptn_acme', region: 'EMEA', quarter: '2027-Q1', flexi: false, amountRequestedCents: 500_000 });
    const id = String(body.id);
    expect(id).toMatch(/^mdf_[0-9a-z]{16}$/);
    expect(headerOf(response, 'location')).toBe(`/mdf/requests/${id}`);

    // the request and its first history event, in one transaction
    const items = onlyTransaction(ddb);
    expect(items).toHaveLength(2);
    const [requestPut, historyPut] = items;
    expect(requestPut?.Put).toMatchObject({
      TableName: TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `MDF#${id}`, sk: 'REQUEST', id, partnerId: 'ptn_acme', status: 'Open', submittedBy: { id: people.dana.id } },
    });
    expect(historyPut?.Put?.Item).toMatchObject({ pk: `MDF#${id}`, action: 'submitted', to: 'Open', by: { id: people.dana.id } });
    expect(String(historyPut?.Put?.Item?.sk)).toMatch(/^HISTORY#/);

    // the workflow is named after the request and waits 30 days per level at most
    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    const start = starts[0]!.args[0].input;
    expect(start.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(start.name).toBe(id);
    expect(JSON.parse(start.input ?? '')).toEqual({ requestId: id, flexi: false, decisionTimeoutSeconds: 2_592_000 });
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(starts[0]!)).toBe(true);
  });

  it('when the workflow cannot be started right now, the recorded request is still answered 201 and left for the sweep to start', async () => {
    // Prepare: Step Functions throttles
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const response = await submit(validSubmission());

    // Assess: the request is recorded with its start due in five minutes, and the partner is not told to retry
    // (a retry would create a second request)
    const items = onlyTransaction(ddb);
    expect(items[0]?.Put?.Item).toMatchObject({ duePk: 'mdf-workflow-start', dueAt: '2026-11-23T10:05:00.000Z' });
    expect(response.statusCode).toBe(201);
  });

  it('the partner comes from the sign-in, never from the body: a partnerId in the body is refused and nothing is written', async () => {
    // Prepare
    const body = { ...validSubmission(), partnerId: 'ptn_globex' };

    // Act
    const response = await submit(body);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    const problem = jsonOf(response);
    expect(problem).toMatchObject({ status: 400, type: 'urn:channel-prm:problem:validation' });
    expect(JSON.stringify(problem.errors)).toContain('partnerId');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'partnerId' })]));
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('a body that is not JSON is a 400 problem, not a 500', async () => {
    // Act
    const response = await submit('{"activityName": "Seminar",', { headers: { 'content-type': 'application/json' } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    expect(jsonOf(response)).toMatchObject({ status: 400, type: 'urn:channel-prm:problem:validation' });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it.each([
    { what: 'an amount in fractions of a cent', change: { amountRequestedCents: 500_000.5 }, field: 'amountRequestedCents' },
    { what: 'a country that does not exist', change: { activityCountry: 'XX' }, field: 'activityCountry' },
    { what: 'no start date', change: { startDate: undefined }, field: 'startDate' },
    { what: 'a start date that is not a calendar date', change: { startDate: '2027-02-30' }, field: 'startDate' },
  ])('$what is refused with a field error naming $field', async ({ change, field }) => {
    // Prepare
    const body = { ...validSubmission(), ...change };

    // Act
    const response = await submit(body);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    const problem = jsonOf(response);
    expect(problem.errors).toEqual([expect.objectContaining({ field })]);
    expect(problem.detail).toContain(field);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a partner user without the MDF administrator privilege is refused (403 naming mdfAdmin) and nothing is written', async () => {
    // Act
    const response = await submit(validSubmission(), { claims: claimsOf(people.pat) });

    // Assess
    expect(response.statusCode).toBe(403);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    const problem = jsonOf(response);
    expect(problem).toMatchObject({ status: 403, missing: 'mdfAdmin' });
    expect(String(problem.detail)).toContain('mdfAdmin');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('a Prospect partner may not request MDF (422 mdf.partner-authorized)', async () => {
    // Prepare
    table.seed(partnerItem({ status: 'Prospect' }));

    // Act
    const response = await submit(validSubmission());

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ status: 422, rule: 'mdf.partner-authorized', type: 'urn:channel-prm:problem:rule-refused' });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a request over half the total cost is refused (422 mdf.max-half-of-total)', async () => {
    // Prepare: $6,000.00 of a $10,000.00 activity
    const body = { ...validSubmission(), amountRequestedCents: 600_000, partnerInvestmentCents: 400_000 };

    // Act
    const response = await submit(body);

    // Assess
    expect(response.statusCode).toBe(422);
    const problem = jsonOf(response);
    expect(problem).toMatchObject({ rule: 'mdf.max-half-of-total' });
    expect(String(problem.detail)).toContain('$6,000.00');
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('a body sent as text/plain is refused as an unsupported media type (415)', async () => {
    // Act
    const response = await submit(JSON.stringify(validSubmission()), { headers: { 'content-type': 'text/plain' } });

    // Assess
    expect(response.statusCode).toBe(415);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    expect(jsonOf(response)).toMatchObject({ status: 415, type: 'urn:channel-prm:problem:unsupported-media-type' });
    expect(writesSent(ddb)).toHaveLength(0);
  });
});

describe('reading and listing MDF requests', () => {
  it("another partner's request is not found, with the very answer a missing one gets", async () => {
    // Prepare: a Globex request, asked for by an Acme user
    table.seed(mdfRequestItem({ partnerId: 'ptn_globex', partnerName: 'Globex SA' }));
    const read = () => call('GET /mdf/requests/{id}', { claims: claimsOf(people.dana), pathParameters: { id: REQUEST_ID } });

    // Act
    const otherPartners = await read();
    table.clear();
    const missing = await read();

    // Assess
    expect(otherPartners.statusCode).toBe(404);
    expect(headerOf(otherPartners, 'content-type')).toBe('application/problem+json');
    expect(otherPartners.body).toBe(missing.body);
    expect(otherPartners.body).not.toContain('Globex');
  });

  it('a partner reads their own request with its progress and history', async () => {
    // Prepare
    table.seed(mdfRequestItem());

    // Act
    const response = await call('GET /mdf/requests/{id}', { claims: claimsOf(people.dana), pathParameters: { id: REQUEST_ID } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(jsonOf(response)).toMatchObject({ id: REQUEST_ID, status: 'Open', progress: { targetDate: '2026-12-01T10:00:00.000Z' } });
    expect(jsonOf(response)).not.toHaveProperty('executionName');
  });

  it('a partner sees who decided by role, never the name of the person at the program', async () => {
    // Prepare: Sam approved level 1 from his link
    table.seed(
      mdfRequestItem({ currentLevel: 'marketing-lead' }),
      approvalItem({ status: 'Approved', extra: { decision: 'approve', decidedAt: '2026-11-21T09:00:00.000Z', decidedBy: { id: people.sam.id, name: people.sam.name } } }),
      historyItem(REQUEST_ID, '2026-11-21T09:00:00.000Z', 'level-approved', { id: people.sam.id, name: people.sam.name, kind: 'link' }, { from: 'Open', to: 'Open', details: { level: 'cmm' } }),
    );

    // Act
    const asPartner = await call('GET /mdf/requests/{id}', { claims: claimsOf(people.dana), pathParameters: { id: REQUEST_ID } });
    const asStaff = await call('GET /mdf/requests/{id}', { claims: claimsOf(people.robin), pathParameters: { id: REQUEST_ID } });

    // Assess
    expect(asPartner.statusCode).toBe(200);
    expect(asPartner.body).not.toContain('Sam Lee');
    expect(asPartner.body).not.toContain(people.sam.id);
    expect(jsonOf(asPartner).history).toEqual([expect.objectContaining({ by: 'The channel marketing manager', action: 'level-approved' })]);
    expect(asStaff.body).toContain('Sam Lee');
  });

  it('an internal user lists a partner only by naming it (400 naming query.partnerId)', async () => {
    // Act
    const response = await call('GET /mdf/requests', { claims: claimsOf(people.sam) });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(jsonOf(response).errors).toEqual([expect.objectContaining({ field: 'query.partnerId' })]);
  });

  it('a partner lists their own requests newest first, never another partner\'s', async () => {
    // Prepare
    table.seed(
      mdfRequestItem(),
      mdfRequestItem({ id: 'mdf_globex0000000001', partnerId: 'ptn_globex', partnerName: 'Globex SA' }),
    );

    // Act
    const response = await call('GET /mdf/requests', { claims: claimsOf(people.dana), query: { partnerId: 'ptn_globex' } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect((jsonOf(response).items as { id: string }[]).map((item) => item.id)).toEqual([REQUEST_ID]);
  });

  it("a cursor of another partner's list is refused as bad input naming query.cursor", async () => {
    // Prepare: the cursor Globex's own list handed out
    const cursor = Buffer.from(
      JSON.stringify({ pk: 'MDF#mdf_globex1', sk: 'REQUEST', gsi1pk: 'PARTNER#ptn_globex#MDF', gsi1sk: '2026-11-01T10:00:00.000Z#mdf_globex1' }),
    ).toString('base64url');

    // Act
    const response = await call('GET /mdf/requests', { claims: claimsOf(people.dana), query: { cursor } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(jsonOf(response).errors).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
  });
});

describe('canceling an MDF request', () => {
  const cancel = (claims: Record<string, string>, id = REQUEST_ID) =>
    call('POST /mdf/requests/{id}/cancel', { claims, pathParameters: { id }, body: { reason: 'The event venue closed.' } });

  beforeEach(() => {
    table.seed(approverAssignmentItem('cmm', 'EMEA', people.sam), approverAssignmentItem('cmm', 'AMER', people.casey));
  });

  it("a partner user asking to cancel another partner's request learns nothing: 404", async () => {
    // Prepare
    table.seed(mdfRequestItem({ partnerId: 'ptn_acme' }));

    // Act
    const response = await cancel(claimsOf(people.gil));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it("the channel marketing manager of another region may not cancel (403) and nothing changes", async () => {
    // Prepare: an EMEA request, the AMER CMM asks
    table.seed(mdfRequestItem({ status: 'Approved', approvedAmountCents: 500_000, currentLevel: undefined }));

    // Act
    const response = await cancel(claimsOf(people.casey));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(jsonOf(response)).toMatchObject({ status: 403, missing: 'cmm' });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it("the region's CMM cancels an Approved request: the amount goes back to the budget, the workflow stops, the partner is told", async () => {
    // Prepare: $5,000.00 approved and reserved
    const approved = mdfRequestItem({ status: 'Approved', approvedAmountCents: 500_000, decidedAt: '2026-11-21T10:00:00.000Z' });
    delete approved.currentLevel;
    table.seed(approved);

    // Act
    const response = await cancel(claimsOf(people.sam));

    // Assess: one transaction with the transition, the release and the history
    expect(response.statusCode).toBe(200);
    const items = onlyTransaction(ddb);
    const transition = items.find((item) => item.Update?.Key?.pk === `MDF#${REQUEST_ID}` && item.Update.Key.sk === 'REQUEST');
    expect(transition?.Update).toMatchObject({
      ConditionExpression: '#status IN (:from0)',
      ExpressionAttributeValues: { ':to': 'Canceled', ':from0': 'Approved', ':outcomeReason': 'The event venue closed.', ':dueKind': 'mdf-workflow-stop' },
    });
    const release = items.find((item) => item.Update?.Key?.pk === 'BUDGET#EMEA#2027-Q1');
    expect(release?.Update?.UpdateExpression).toContain('reservedCents = reservedCents - :amount');
    expect(release?.Update?.ExpressionAttributeValues).toMatchObject({ ':amount': 500_000, ':flexi': 0 });
    const ledger = items.find((item) => String(item.Put?.Item?.sk).startsWith('LEDGER#'));
    expect(ledger?.Put?.Item).toMatchObject({ pk: 'BUDGET#EMEA#2027-Q1', kind: 'release', amountCents: 500_000, requestId: REQUEST_ID });
    const history = items.find((item) => String(item.Put?.Item?.sk).startsWith('HISTORY#'));
    expect(history?.Put?.Item).toMatchObject({ pk: `MDF#${REQUEST_ID}`, action: 'canceled', from: 'Approved', to: 'Canceled', reason: 'The event venue closed.' });

    // then the partner is told, once, and the workflow is stopped (and leaves the due index)
    const stops = sfn.commandCalls(StopExecutionCommand);
    expect(stops).toHaveLength(1);
    expect(stops[0]!.args[0].input.executionArn).toBe(`arn:aws:states:us-east-1:123456789012:execution:mdf-request-approval:${REQUEST_ID}`);
    const emails = emailsSent(ses);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to: [people.dana.email] });
    expect(emails[0]!.subject).toContain('Canceled');
    expect(emails[0]!.text).toContain('The event venue closed.');
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(ses.commandCalls(SendEmailCommand)[0]!)).toBe(true);
    expect(ses.commandCalls(SendEmailCommand)[0]!.calledBefore(stops[0]!)).toBe(true);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    const cleared = ddb.commandCalls(UpdateCommand);
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.args[0].input).toMatchObject({
      Key: { pk: `MDF#${REQUEST_ID}`, sk: 'REQUEST' },
      UpdateExpression: 'REMOVE duePk, dueAt',
      ExpressionAttributeValues: { ':due': 'mdf-workflow-stop' },
    });
    expect(stops[0]!.calledBefore(cleared[0]!)).toBe(true);
  });

  it("the region's CMM cancels an Open request: its pending level closes and nothing goes back to the budget", async () => {
    // Prepare: waiting at level 1, one link out
    table.seed(mdfRequestItem(), approvalItem({ linkHashes: [sha256Hex('sams-link')] }));

    // Act
    const response = await cancel(claimsOf(people.sam));

    // Assess
    expect(response.statusCode).toBe(200);
    const items = onlyTransaction(ddb);
    expect(items.find((item) => item.Update?.Key?.sk === 'APPROVAL#r001#cmm')?.Update).toMatchObject({
      UpdateExpression: 'SET #status = :status, decidedAt = :at REMOVE taskToken, duePk, dueAt',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeValues: { ':status': 'Canceled' },
    });
    expect(items.find((item) => item.Update?.Key?.pk === `LINK#${sha256Hex('sams-link')}`)).toBeDefined();
    expect(items.find((item) => item.Update?.Key?.pk === 'BUDGET#EMEA#2027-Q1')).toBeUndefined();
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(1);
    expect(emailsSent(ses)).toHaveLength(1);
  });

  it('when the workflow cannot be stopped right now, the recorded cancellation still stands and the partner is still told', async () => {
    // Prepare: an Open request; Step Functions throttles the stop
    table.seed(mdfRequestItem());
    sfn.on(StopExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const response = await cancel(claimsOf(people.sam));

    // Assess: a retry would only get 409 (already Canceled), so this answer is the partner's only email
    const transition = onlyTransaction(ddb).find((item) => item.Update?.Key?.sk === 'REQUEST');
    expect(response.statusCode).toBe(200);
    expect(emailsSent(ses)).toHaveLength(1);
    // and the request stays in the due index, so the sweep stops the workflow later
    expect(transition?.Update?.UpdateExpression).toContain('duePk = :dueKind');
    expect(transition?.Update?.ExpressionAttributeValues).toMatchObject({ ':dueKind': 'mdf-workflow-stop' });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('a Denied request cannot be canceled (409) and nothing changes', async () => {
    // Prepare
    table.seed(mdfRequestItem({ status: 'Denied', decidedAt: '2026-11-21T10:00:00.000Z', outcomeReason: 'Out of scope' }));

    // Act
    const response = await cancel(claimsOf(people.sam));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(jsonOf(response)).toMatchObject({ status: 409, rule: 'mdf.cancel-only-open-or-approved' });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
