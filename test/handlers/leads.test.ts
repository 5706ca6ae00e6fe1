import { gunzipSync } from 'node:zlib';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  await import('./support/environment.ts');
  process.env.LEAD_IMPORT_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:lead-import';
});

import { handler as importHandler } from '#http/lead-imports';
import { handler as leadsHandler } from '#http/leads';
import { importRow, type Lead } from '#domain/leads';
import { emptyChecklist, type Partner } from '#domain/partner';
import { toItem } from '#store/leads';
import { dynamoMock, stepFunctionsMock, writeProblems, writesSent } from './support/aws.ts';
import { httpEvent, jsonOf, lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { claimsOf, NOW, people, type PersonFixture } from './support/fixtures.ts';

/**
 * The lead handlers with the AWS SDK mocked: what the import writes before it answers,
 * what it refuses before writing anything, who sees which lead, and the conditional
 * write every partner action makes.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const table = new FakeTable();

const mo: PersonFixture = { id: 'usr_mo', email: 'mo@channel.example', name: 'Mo Ops', roles: ['marketing-operations'] };
const bob: PersonFixture = { id: 'usr_bob', email: 'bob@acme.example', name: 'Bob', partnerId: 'ptn_acme', privileges: [] };

const HEADER = 'email,firstName,lastName,phone,country,campaignId,partnerAccountId';
const importCsv = (body: string, who: PersonFixture = mo, extra: { base64?: boolean } = {}) =>
  importHandler(
    {
      ...httpEvent('POST /leads/import', { headers: { 'content-type': 'text/csv' }, body: extra.base64 ? Buffer.from(body).toString('base64') : body, claims: claimsOf(who) }),
      isBase64Encoded: extra.base64 ?? false,
    },
    lambdaContext('lead-imports'),
  );

const acme: Partner = {
  id: 'ptn_acme',
  legalName: 'Acme Networks Ltd',
  homeRegion: 'EMEA',
  track: 'Select',
  status: 'Authorized',
  global: false,
  salesTrainingsCompleted: 3,
  partnerContact: { name: 'Pat Jones', email: 'pat@acme.example' },
  marketingReady: emptyChecklist(),
  version: 1,
  createdAt: '2026-01-05T09:00:00.000Z',
  updatedAt: '2026-01-05T09:00:00.000Z',
};

/** A Joint lead shared with Acme yesterday, assigned to `assignee`, as the import stores it. */
const sharedLead = (assignee: PersonFixture = people.pat): Lead => {
  const result = importRow(
    undefined,
    { line: 2, email: 'ada@customer.example', firstName: 'Ada', lastName: 'Lovelace', phone: '+44 20 7946 0000', country: 'GB', campaignId: 'cmp_joint', partnerAccountId: 'ptn_acme' },
    {
      importId: 'imp_1',
      at: '2026-11-22T10:00:00.000Z',
      phase: '1',
      actor: { id: mo.id, name: mo.name, kind: 'internal-user' },
      campaign: () => ({ id: 'cmp_joint', name: 'Joint webinar', type: 'Joint', channelPartnerName: 'Acme Networks Ltd', budgetHolder: 'chnl', status: 'In Progress', createdAt: '', updatedAt: '', version: 1 }),
      partner: () => acme,
      defaultAssignee: () => ({ id: assignee.id, name: assignee.name }),
    },
  );
  if (!result.lead) throw new Error('not shared');
  return result.lead;
};

const lead = sharedLead();
const callLeads = (routeKey: string, who: PersonFixture, options: { body?: unknown; query?: Record<string, string> } = {}) =>
  leadsHandler(httpEvent(routeKey, { pathParameters: { id: lead.id }, claims: claimsOf(who), ...options }), lambdaContext('leads'));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  table.clear();
  table.serve(ddb);
  table.seed(toItem(lead));
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:lead-import:x' });
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('POST /leads/import', () => {
  it('stores the file as gzipped chunks, then the job (Queued, watched by the sweep), then starts the workflow named after the job', async () => {
    // Act
    const response = await importCsv(`${HEADER}\nada@x.example,Ada,L,1,GB,cmp_1,ptn_acme\nbob@x.example,Bob,B,2,GB,cmp_1,ptn_acme\n`);

    // Assess
    expect(response.statusCode).toBe(202);
    const job = jsonOf(response);
    expect(job).toMatchObject({ status: 'Queued', format: 'csv', counts: { received: 2, processed: 0 }, progress: { chunks: 1, chunksDone: 0 } });
    expect(response.headers?.location).toBe(`/leads/imports/${job.id}`);
    const [chunk] = ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item ?? {});
    expect(chunk).toMatchObject({ pk: `LEADIMPORTFILE#${job.id}`, sk: 'CHUNK#00000', count: 2 });
    expect(JSON.parse(gunzipSync(chunk?.rows as Uint8Array).toString('utf8'))).toEqual([
      expect.objectContaining({ ok: true, row: expect.objectContaining({ line: 2, email: 'ada@x.example' }) }),
      expect.objectContaining({ ok: true, row: expect.objectContaining({ line: 3, email: 'bob@x.example' }) }),
    ]);
    const [jobPut, history] = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(jobPut?.Put?.Item).toMatchObject({ pk: `LEADIMPORT#${job.id}`, sk: 'JOB', duePk: 'lead-import-watch', dueAt: '2026-11-23T10:02:00.000Z' });
    expect(history?.Put?.Item).toMatchObject({ action: 'received', to: 'Queued' });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toMatchObject({ name: job.id, input: JSON.stringify({ importId: job.id }) });
  });

  it('a body API Gateway hands over base64-encoded is read the same', async () => {
    const response = await importCsv(`${HEADER}\nada@x.example,Ada,L,1,GB,cmp_1,ptn_acme\n`, mo, { base64: true });
    expect(response.statusCode).toBe(202);
  });

  it('still answers 202 when the workflow cannot be started: the job waits in the due index for the sweep', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const response = await importCsv(`${HEADER}\nada@x.example,Ada,L,1,GB,cmp_1,ptn_acme\n`);
    expect(response.statusCode).toBe(202);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('a bad file is refused with line and column before anything is written', async () => {
    const response = await importCsv(`${HEADER}\nada@x.example,Ada,"L"x,1,GB,cmp_1,ptn_acme\n`);
    expect(response.statusCode).toBe(400);
    expect(jsonOf(response)).toMatchObject({ type: 'urn:channel-prm:problem:bad-file', errors: [{ line: 2, column: 3, field: 'line 2, column 3 (lastName)' }] });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('more than 10,000 leads is refused (422, the rule named) before anything is written', async () => {
    const rows = Array.from({ length: 10_001 }, (_, index) => `p${index}@x.example,A,B,1,GB,cmp_1,ptn_acme`);
    const response = await importCsv([HEADER, ...rows].join('\n'));
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'leads.import-at-most-10000' });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('partner users may not import (403), and nothing is written', async () => {
    const response = await importCsv(`${HEADER}\nada@x.example,Ada,L,1,GB,cmp_1,ptn_acme\n`, people.pat);
    expect(response.statusCode).toBe(403);
    expect(writesSent(ddb)).toHaveLength(0);
  });
});

describe('the partner side of a lead', () => {
  it('the assignee reads it; a colleague without opportunityAdmin and another partner get 404', async () => {
    expect((await callLeads('GET /leads/{id}', people.pat)).statusCode).toBe(200);
    expect((await callLeads('GET /leads/{id}', bob)).statusCode).toBe(404);
    expect((await callLeads('GET /leads/{id}', people.gil)).statusCode).toBe(404);
    expect((await callLeads('POST /leads/{id}/accept', people.gil)).statusCode).toBe(404);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('accepting writes the lead once, conditional on the version read', async () => {
    // Act
    const response = await callLeads('POST /leads/{id}/accept', people.pat);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(jsonOf(response)).toMatchObject({ shareStatus: 'Accepted', acceptedAt: NOW.toISOString(), nextStatuses: ['Qualifying'] });
    const [put] = ddb.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(put).toMatchObject({ ConditionExpression: 'attribute_exists(pk) AND version = :expected', ExpressionAttributeValues: { ':expected': lead.version } });
    expect(put?.Item).toMatchObject({ shareStatus: 'Accepted', version: lead.version + 1, gsi2pk: 'LEADUSER#usr_pat' });
    // phase 1: an accepted lead leaves the recall due index
    expect(put?.Item?.duePk).toBeUndefined();
  });

  it('when the lead changed meanwhile (the sweep, a colleague) it is read again and decided on again', async () => {
    ddb.on(PutCommand).rejectsOnce(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' })).resolves({});
    const response = await callLeads('POST /leads/{id}/accept', people.pat);
    expect(response.statusCode).toBe(200);
    expect(ddb.commandCalls(GetCommand).filter((call) => call.args[0].input.ConsistentRead)).toHaveLength(2);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
  });

  it('a status out of order is refused as a conflict naming the rule, and nothing is written', async () => {
    const response = await callLeads('POST /leads/{id}/status', people.pat, { body: { status: 'Qualified' } });
    expect(response.statusCode).toBe(409);
    expect(jsonOf(response)).toMatchObject({ rule: 'leads.status-after-acceptance' });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('an opportunity admin lists the organisation’s leads; others their own assignments; filters go to DynamoDB', async () => {
    await leadsHandler(httpEvent('GET /leads', { claims: claimsOf(people.pat, { privileges: 'opportunityAdmin' }), query: { shareStatus: 'Pending' } }), lambdaContext('leads'));
    await leadsHandler(httpEvent('GET /leads', { claims: claimsOf(bob) }), lambdaContext('leads'));
    const [admin, own] = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(admin).toMatchObject({ IndexName: 'gsi1', ExpressionAttributeValues: { ':p': 'PARTNER#ptn_acme#LEADS', ':fShare': 'Pending' }, FilterExpression: '#fShare = :fShare', ScanIndexForward: false });
    expect(own).toMatchObject({ IndexName: 'gsi2', ExpressionAttributeValues: { ':p': 'LEADUSER#usr_bob' } });
    expect(own?.FilterExpression).toBeUndefined();
  });

  it('marketing operations read any lead with its memberships and internal state', async () => {
    const response = await callLeads('GET /leads/{id}', mo);
    expect(jsonOf(response)).toMatchObject({ state: 'shared', partner: { id: 'ptn_acme' }, memberships: [{ campaignId: 'cmp_joint', importId: 'imp_1', line: 2, outcome: 'shared' }] });
  });
});
