import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  await import('./support/environment.ts');
  process.env.NFR_REQUEST_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:nfr-request';
});

import { handler } from '#http/nfr';
import { licenceExpired, reviewNotStarted } from '#sweeps/nfr-work';
import { handler as notDecided, NOT_DECIDED_REASON } from '#workflow/nfr-not-decided';
import { handler as tell } from '#workflow/nfr-tell';
import { dynamoMock, emailMock, emailsSent, onlyTransaction, stepFunctionsMock, transactionCanceled, writeProblems, writesSent, type TransactItem } from './support/aws.ts';
import { headerOf, httpEvent, jsonOf, lambdaContext, type RequestOptions } from './support/events.ts';
import { FakeTable, type Item } from './support/fake-table.ts';
import { approvalItem, claimsOf, NOW, partnerItem, people, TASK_TOKEN, type PersonFixture } from './support/fixtures.ts';

/**
 * NFR licences through the API, the expiry sweep and the licence email: what each
 * writes to DynamoDB, what it answers, and whom it emails.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

const NFR_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:nfr-request';
const REQUEST_ID = 'nfr_3m8k2p9x4q7r5t6v';
const helpDesk: PersonFixture = { id: 'usr_hal', email: 'helpdesk@channel.example', name: 'Hal Help', roles: ['partner-help-desk'] };

const call = (routeKey: string, options: RequestOptions) => handler(httpEvent(routeKey, options), lambdaContext('nfr'));

const ask = (body: unknown, person: PersonFixture = people.dana) => call('POST /nfr-requests', { claims: claimsOf(person), body });

const requestBody = { contact: { name: 'Grace Hopper', email: 'Grace@Acme.example' }, users: 4 };

const seatsItem = (partnerId: string, usersInUse: number): Item => ({ pk: `NFRSEATS#${partnerId}`, sk: 'SEATS', entity: 'nfr-seats', partnerId, usersInUse });

const requestItem = (overrides: Item = {}): Item => ({
  pk: `NFR#${REQUEST_ID}`,
  sk: 'REQUEST',
  entity: 'nfr-request',
  gsi1pk: 'PARTNER#ptn_acme#NFR',
  gsi1sk: `2026-11-20T10:00:00.000Z#${REQUEST_ID}`,
  gsi2pk: 'NFRSTATUS#Pending',
  gsi2sk: `2026-11-20T10:00:00.000Z#${REQUEST_ID}`,
  id: REQUEST_ID,
  partnerId: 'ptn_acme',
  partnerName: 'Acme Networks Ltd',
  track: 'Select',
  region: 'EMEA',
  contact: { name: 'Grace Hopper', email: 'grace@acme.example' },
  users: 4,
  plan: 'Ultimate',
  renews: [],
  status: 'Pending',
  requestedBy: { id: people.dana.id, name: people.dana.name, email: people.dana.email },
  submittedAt: '2026-11-20T10:00:00.000Z',
  version: 1,
  updatedAt: '2026-11-20T10:00:00.000Z',
  ...overrides,
});

const licenceItem = (overrides: Item = {}): Item => {
  const id = String(overrides.id ?? 'nfl_first');
  const partnerId = String(overrides.partnerId ?? 'ptn_acme');
  const status = String(overrides.status ?? 'Active');
  return {
    pk: `NFRLICENCE#${id}`,
    sk: 'LICENCE',
    entity: 'nfr-licence',
    gsi1pk: `PARTNER#${partnerId}#NFRLICENCES`,
    gsi1sk: `2026-06-01T09:00:00.000Z#${id}`,
    ...(status === 'Active' ? { gsi2pk: `PARTNER#${partnerId}#NFRACTIVE`, gsi2sk: `2027-06-01#${id}`, duePk: 'nfr-licence-expiry', dueAt: '2027-05-31T23:00:00.000Z' } : {}),
    id,
    partnerId,
    partnerName: 'Acme Networks Ltd',
    requestId: 'nfr_earlier',
    contact: { name: 'Grace Hopper', email: 'grace@acme.example' },
    users: 10,
    plan: 'Ultimate',
    key: 'NFR-secret-key-of-the-first-licence',
    startsOn: '2026-06-01',
    expiresOn: '2027-06-01',
    expiresAt: '2027-05-31T23:00:00.000Z',
    status,
    renews: [],
    grantedAt: '2026-06-01T09:00:00.000Z',
    grantedBy: 'Hal Help',
    certificationEncouraged: false,
    version: 1,
    updatedAt: '2026-06-01T09:00:00.000Z',
    ...overrides,
  };
};

const pendingApproval = () => ({
  ...approvalItem({ requestId: REQUEST_ID, level: 'help-desk', role: 'partner-help-desk', approver: helpDesk as typeof people.sam }),
  pk: `NFR#${REQUEST_ID}`,
  subjectKind: 'nfr-request',
  scope: 'GLOBAL',
});

const updateOn = (items: TransactItem[], pk: string, sk?: string) => items.find((item) => item.Update?.Key?.pk === pk && (!sk || item.Update?.Key?.sk === sk))?.Update;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
  table.seed(partnerItem({ certifications: { solutionArchitect: false, professionalServicesEngineer: false } }));
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('POST /nfr-requests', () => {
  it('records the request and its history in one transaction, and starts its review named after it', async () => {
    // Prepare: Acme (Select) already uses 10 users
    table.seed(seatsItem('ptn_acme', 10));

    // Act
    const response = await ask(requestBody);

    // Assess
    expect(response.statusCode).toBe(201);
    const body = jsonOf(response);
    expect(body).toMatchObject({ status: 'Pending', users: 4, plan: 'Ultimate', renews: [], contact: { email: 'grace@acme.example' }, limit: { of: 25, remainingIfGranted: 11 } });
    expect(headerOf(response, 'location')).toBe(`/nfr-requests/${String(body.id)}`);
    const items = onlyTransaction(ddb);
    expect(items).toHaveLength(2);
    expect(items[0]?.Put?.Item).toMatchObject({ pk: `NFR#${String(body.id)}`, sk: 'REQUEST', gsi2pk: 'NFRSTATUS#Pending', duePk: 'nfr-review-start', dueAt: '2026-11-23T10:05:00.000Z' });
    expect(items[1]?.Put?.Item).toMatchObject({ action: 'requested', to: 'Pending', by: { id: people.dana.id, kind: 'partner-user' } });
    const started = sfn.commandCalls(StartExecutionCommand);
    expect(started).toHaveLength(1);
    expect(started[0]?.args[0].input).toMatchObject({ stateMachineArn: NFR_ARN, name: body.id });
    expect(JSON.parse(String(started[0]?.args[0].input.input))).toEqual({ requestId: body.id, decisionTimeoutSeconds: 30 * 86_400 });
  });

  it('over the limit: 422 naming the rule and the users that remain, nothing written, nothing started', async () => {
    // Prepare: an Open partner using 8 of its 10 users
    table.seed(partnerItem({ track: 'Open' }), seatsItem('ptn_acme', 8));

    // Act
    const response = await ask({ ...requestBody, users: 3 });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    expect(jsonOf(response)).toMatchObject({ rule: 'nfr.within-limit', remaining: 2, limit: 10, requested: 3 });
    expect(writesSent(ddb)).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('a renewal frees the renewed licence for the limit; renewing a licence of another partner is refused', async () => {
    // Prepare: Acme holds a 10-user licence and uses 25 users in all
    table.seed(seatsItem('ptn_acme', 25), licenceItem(), licenceItem({ id: 'nfl_globex', partnerId: 'ptn_globex' }));

    // Act
    const renewal = await ask({ ...requestBody, users: 10, renews: ['nfl_first'] });
    const foreign = await ask({ ...requestBody, users: 1, renews: ['nfl_globex'] });

    // Assess
    expect(renewal.statusCode).toBe(201);
    expect(jsonOf(renewal)).toMatchObject({ renews: ['nfl_first'], limit: { remainingIfGranted: 0 } });
    expect(foreign.statusCode).toBe(422);
    expect(jsonOf(foreign)).toMatchObject({ rule: 'nfr.renews-own-active-licences', licences: ['nfl_globex'] });
  });

  it('a partner that is not Authorized is refused naming the rule', async () => {
    // Prepare
    table.seed(partnerItem({ status: 'Suspended' }));

    // Act
    const response = await ask(requestBody);

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'nfr.partner-authorized', status: 422 });
    expect(writesSent(ddb)).toEqual([]);
  });

  it('bad input is a 400 naming each field; an internal user is 403; nothing is written', async () => {
    // Act
    const bad = await ask({ contact: { name: ' ', email: 'nope' }, users: 2.5, plan: 'Gold', extra: true });
    const internal = await ask(requestBody, helpDesk);

    // Assess
    expect(bad.statusCode).toBe(400);
    expect((jsonOf(bad).errors as { field: string }[]).map((error) => error.field)).toEqual(expect.arrayContaining(['contact.email', 'contact.name', 'plan', 'users']));
    expect(internal.statusCode).toBe(403);
    expect(writesSent(ddb)).toEqual([]);
  });

  it('a review that cannot start now is still accepted: the sweep starts it from the due index', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const response = await ask(requestBody);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(onlyTransaction(ddb)[0]?.Put?.Item).toMatchObject({ duePk: 'nfr-review-start' });
  });
});

describe('reading requests and licences', () => {
  it("a partner reads its own licence with its key; another partner's is a 404 that says nothing of it", async () => {
    // Prepare
    table.seed(licenceItem());

    // Act
    const own = await call('GET /nfr-licences/{id}', { claims: claimsOf(people.pat), pathParameters: { id: 'nfl_first' } });
    const other = await call('GET /nfr-licences/{id}', { claims: claimsOf(people.gil), pathParameters: { id: 'nfl_first' } });
    const otherRequest = await call('GET /nfr-requests/{id}', { claims: claimsOf(people.gil), pathParameters: { id: REQUEST_ID } });

    // Assess
    expect(own.statusCode).toBe(200);
    expect(jsonOf(own)).toMatchObject({ id: 'nfl_first', key: 'NFR-secret-key-of-the-first-licence' });
    expect(other.statusCode).toBe(404);
    expect(headerOf(other, 'content-type')).toBe('application/problem+json');
    expect(other.body).not.toContain('NFR-secret');
    expect(otherRequest.statusCode).toBe(404);
  });

  it("lists the organisation's licences with the users in use against the limit", async () => {
    // Prepare
    table.seed(licenceItem(), licenceItem({ id: 'nfl_old', status: 'Expired', users: 5 }), licenceItem({ id: 'nfl_globex', partnerId: 'ptn_globex' }), seatsItem('ptn_acme', 10));

    // Act
    const response = await call('GET /nfr-licences', { claims: claimsOf(people.dana) });

    // Assess
    expect(response.statusCode).toBe(200);
    const body = jsonOf(response);
    expect((body.items as { id: string }[]).map((licence) => licence.id).sort()).toEqual(['nfl_first', 'nfl_old']);
    expect(body).toMatchObject({ usersInUse: 10, limit: 25, remaining: 15 });
  });

  it("the help desk's queue is the Pending requests; a CMM sees none", async () => {
    // Prepare
    table.seed(requestItem(), requestItem({ pk: 'NFR#nfr_done', id: 'nfr_done', gsi2pk: 'NFRSTATUS#Granted', status: 'Granted' }));

    // Act
    const queue = await call('GET /nfr-requests', { claims: claimsOf(helpDesk) });
    const cmm = await call('GET /nfr-requests', { claims: claimsOf(people.sam) });

    // Assess
    expect(queue.statusCode).toBe(200);
    expect((jsonOf(queue).items as { id: string }[]).map((request) => request.id)).toEqual([REQUEST_ID]);
    expect(cmm.statusCode).toBe(403);
  });
});

describe('POST /nfr-requests/{id}/decision (the help desk)', () => {
  beforeEach(() => {
    table.seed(requestItem(), pendingApproval(), seatsItem('ptn_acme', 10), licenceItem());
  });

  const decide = (body: unknown, person: PersonFixture = helpDesk) =>
    call('POST /nfr-requests/{id}/decision', { claims: claimsOf(person), pathParameters: { id: REQUEST_ID }, body });

  it('approving grants the licence in the same transaction: key, co-terminous expiry, the users counted under the limit; the workflow is told', async () => {
    // Act
    const response = await decide({ decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(200);
    const items = onlyTransaction(ddb);
    const licence = items.find((item) => item.Put?.Item?.entity === 'nfr-licence')?.Put;
    expect(licence?.Item).toMatchObject({
      partnerId: 'ptn_acme',
      users: 4,
      plan: 'Ultimate',
      status: 'Active',
      startsOn: '2026-11-23',
      // the date of Acme's active licence (co-terminous), which stops counting at 00:00 London time
      expiresOn: '2027-06-01',
      expiresAt: '2027-05-31T23:00:00.000Z',
      duePk: 'nfr-licence-expiry',
      dueAt: '2027-05-31T23:00:00.000Z',
      certificationEncouraged: true,
    });
    expect(String(licence?.Item?.key)).toMatch(/^NFR-[A-Za-z0-9_-]{8}(-[A-Za-z0-9_-]{1,8})+$/);
    const seats = updateOn(items, 'NFRSEATS#ptn_acme');
    expect(seats?.ConditionExpression).toBe('attribute_not_exists(usersInUse) OR usersInUse <= :most');
    expect(seats?.ExpressionAttributeValues).toMatchObject({ ':added': 4, ':most': 21 });
    const request = updateOn(items, `NFR#${REQUEST_ID}`, 'REQUEST');
    expect(request?.ConditionExpression).toBe('#status = :pending');
    expect(request?.ExpressionAttributeValues).toMatchObject({ ':to': 'Granted', ':licenceId': licence?.Item?.id });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe(TASK_TOKEN);
    expect(JSON.stringify(jsonOf(response))).not.toContain(String(licence?.Item?.key).slice(4, 20));
  });

  it('approving over the limit is refused naming the rule and what remains; nothing is written and the level stays open', async () => {
    // Prepare: Acme's users reached 23 meanwhile
    table.change({ pk: 'NFRSEATS#ptn_acme', sk: 'SEATS' }, { usersInUse: 23 });

    // Act
    const response = await decide({ decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'nfr.within-limit', remaining: 2 });
    expect(writesSent(ddb)).toEqual([]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('a concurrent grant that took the last users fails the counter condition: the answer names the rule, not a conflict', async () => {
    // Prepare: DynamoDB refuses the counter's condition; by then the counter reads 24
    ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      table.change({ pk: 'NFRSEATS#ptn_acme', sk: 'SEATS' }, { usersInUse: 24 });
      throw transactionCanceled(...(input.TransactItems ?? []).map((item) => (item.Update?.Key?.pk === 'NFRSEATS#ptn_acme' ? 'ConditionalCheckFailed' : 'None')));
    });

    // Act
    const response = await decide({ decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'nfr.within-limit', remaining: 1 });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('a partner suspended since it asked cannot be granted: 422 naming the rule, nothing written', async () => {
    // Prepare
    table.seed(partnerItem({ status: 'Suspended' }));

    // Act
    const response = await decide({ decision: 'approve' });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response).rule).toBe('nfr.partner-authorized');
    expect(writesSent(ddb)).toEqual([]);
  });

  it('a deny needs a reason; with one, the request is Denied and nothing is counted', async () => {
    // Act
    const without = await decide({ decision: 'deny' });
    const withReason = await decide({ decision: 'deny', reason: 'Duplicate of an earlier request' });

    // Assess
    expect(without.statusCode).toBe(422);
    expect(jsonOf(without).rule).toBe('approval.deny-needs-reason');
    expect(withReason.statusCode).toBe(200);
    const items = onlyTransaction(ddb);
    expect(updateOn(items, `NFR#${REQUEST_ID}`, 'REQUEST')?.ExpressionAttributeValues).toMatchObject({ ':to': 'Denied', ':outcomeReason': 'Duplicate of an earlier request' });
    expect(updateOn(items, 'NFRSEATS#ptn_acme')).toBeUndefined();
  });

  it('a partner user, or someone without a link of the level, gets 404', async () => {
    // Act
    const partner = await decide({ decision: 'approve' }, people.dana);
    const otherDesk = await decide({ decision: 'approve' }, { ...helpDesk, id: 'usr_other' });

    // Assess
    expect(partner.statusCode).toBe(404);
    expect(otherDesk.statusCode).toBe(404);
    expect(writesSent(ddb)).toEqual([]);
  });
});

describe('the expiry sweep and the licence email', () => {
  it('an expired licence leaves the count in one transaction conditional on it being Active and still due then', async () => {
    // Prepare
    vi.setSystemTime(new Date('2027-05-31T23:15:00.000Z'));
    const due = licenceItem();

    // Act
    const outcome = await licenceExpired(due);

    // Assess
    expect(outcome).toBe('done');
    const items = onlyTransaction(ddb);
    expect(items).toHaveLength(3);
    expect(items[0]?.Update).toMatchObject({ Key: { pk: 'NFRLICENCE#nfl_first' }, ConditionExpression: '#status = :active AND dueAt = :dueAt' });
    expect(items[0]?.Update?.ExpressionAttributeValues).toMatchObject({ ':to': 'Expired', ':dueAt': '2027-05-31T23:00:00.000Z' });
    expect(items[0]?.Update?.UpdateExpression).toContain('REMOVE gsi2pk, gsi2sk, duePk, dueAt');
    expect(items[1]?.Update).toMatchObject({ Key: { pk: 'NFRSEATS#ptn_acme' }, ExpressionAttributeValues: { ':users': 10 } });
    expect(items[2]?.Put?.Item).toMatchObject({ pk: 'NFR#nfr_earlier', action: 'licence-expired' });
  });

  it('a sweep that comes second finds the licence already expired: it skips, nothing else happens', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'None', 'None'));

    // Act
    const outcome = await licenceExpired(licenceItem());

    // Assess
    expect(outcome).toBe('skipped');
    expect(emailsSent(ses)).toEqual([]);
  });

  it('a request whose review never opened: the sweep starts its workflow, named after it, and takes it out of the due index', async () => {
    // Prepare
    const due = requestItem({ duePk: 'nfr-review-start', dueAt: '2026-11-20T10:05:00.000Z' });

    // Act
    const outcome = await reviewNotStarted(due);

    // Assess
    expect(outcome).toBe('done');
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toMatchObject({ stateMachineArn: NFR_ARN, name: REQUEST_ID });
    expect(onlyTransaction(ddb)[0]?.Update).toMatchObject({ ConditionExpression: 'duePk = :due AND dueAt = :dueAt', ExpressionAttributeValues: { ':dueAt': '2026-11-20T10:05:00.000Z' } });
  });

  it('a review past its hard timeout ends the request as Denied, closes the level and tells the requester; a decision first wins', async () => {
    // Prepare
    table.seed(requestItem(), pendingApproval());

    // Act
    const first = await notDecided({ requestId: REQUEST_ID }, lambdaContext('nfr-not-decided'));
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'None', 'None'));
    const second = await notDecided({ requestId: REQUEST_ID }, lambdaContext('nfr-not-decided'));

    // Assess
    expect(first).toEqual({ changed: true, status: 'Denied' });
    expect(second).toEqual({ changed: false });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(updateOn(items, `NFR#${REQUEST_ID}`, 'REQUEST')?.ExpressionAttributeValues).toMatchObject({ ':to': 'Denied', ':outcomeReason': NOT_DECIDED_REASON });
    expect(items.some((item) => item.Update?.Key?.sk === 'APPROVAL#r001#help-desk')).toBe(true);
    const emails = emailsSent(ses);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to: [people.dana.email] });
    expect(emails[0]?.text).toContain('Not decided in time');
  });

  it('the contact receives the key with the certification nudge; the requester is told where it went, without the key', async () => {
    // Prepare
    table.seed(requestItem({ status: 'Granted', licenceId: 'nfl_new' }), licenceItem({ id: 'nfl_new', users: 4, certificationEncouraged: true, key: 'NFR-abcdefgh-ijklmnop' }));

    // Act
    await tell({ requestId: REQUEST_ID, outcome: 'licence' }, lambdaContext('nfr-tell'));
    await tell({ requestId: REQUEST_ID, outcome: 'granted' }, lambdaContext('nfr-tell'));

    // Assess
    const [licence, granted] = emailsSent(ses);
    expect(licence?.to).toEqual(['grace@acme.example']);
    expect(licence?.text).toContain('Licence key: NFR-abcdefgh-ijklmnop');
    expect(licence?.text).toContain('Solution Architect Core certification');
    expect(granted?.to).toEqual([people.dana.email]);
    expect(granted?.text).toContain('grace@acme.example');
    expect(granted?.text).not.toContain('NFR-abcdefgh-ijklmnop');
  });
});
