import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  await import('./support/environment.ts');
});

import { handler } from '#http/deal-registrations';
import { importRow, type Lead } from '#domain/leads';
import type { Partner } from '#domain/partner';
import { toItem } from '#store/leads';
import { dynamoMock, stepFunctionsMock, writeProblems, writesSent } from './support/aws.ts';
import { httpEvent, jsonOf, lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { claimsOf, NOW, partnerItem, people, type PersonFixture } from './support/fixtures.ts';

/**
 * Converting a lead into a deal registration (POST /leads/{id}/convert) with the AWS
 * SDK mocked: the registration and the lead are written in one transaction, the
 * lead on the version read; what the lead or the partner does not allow is refused
 * before anything is written.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const table = new FakeTable();

/** A Joint lead shared with Acme, assigned to Pat, with the given share and lead status. */
const leadOf = (overrides: Partial<Lead> = {}): Lead => {
  const result = importRow(
    undefined,
    { line: 2, email: 'ada@engines.example', firstName: 'Ada', lastName: 'Lovelace', phone: '+44 20 7946 0000', country: 'GB', company: 'Analytical Engines Ltd', campaignId: 'cmp_joint', partnerAccountId: 'ptn_acme' },
    {
      importId: 'imp_1',
      at: '2026-11-20T10:00:00.000Z',
      phase: '1',
      actor: { id: 'usr_mo', name: 'Mo Ops', kind: 'internal-user' },
      campaign: () => ({ id: 'cmp_joint', name: 'Joint webinar', type: 'Joint', channelPartnerName: 'Acme Networks Ltd', budgetHolder: 'chnl', status: 'In Progress', createdAt: '', updatedAt: '', version: 1 }),
      partner: () => ({ ...(partnerItem() as unknown as Partner), partnerContact: { name: 'Pat Jones', email: 'pat@acme.example' } }),
      defaultAssignee: () => ({ id: people.pat.id, name: people.pat.name }),
    },
  );
  if (!result.lead) throw new Error('not shared');
  return { ...result.lead, ...overrides };
};

const qualifying = () => leadOf({ shareStatus: 'Accepted', acceptedAt: '2026-11-21T10:00:00.000Z', leadStatus: 'Qualifying', version: 3 });

const body = {
  type: 'Resale',
  products: ['GitLab Ultimate'],
  estimatedValueCents: 4_800_000,
  expectedCloseDate: '2027-02-26',
  description: 'Ada wants Ultimate for 200 engineers after the webinar.',
};

const convert = (lead: Lead, who: PersonFixture = people.pat, payload: unknown = body) =>
  handler(httpEvent('POST /leads/{id}/convert', { pathParameters: { id: lead.id }, claims: claimsOf(who), body: payload }), lambdaContext('deal-registrations'));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  table.clear();
  table.serve(ddb);
  table.seed(partnerItem());
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:deal-registration:x' });
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('POST /leads/{id}/convert', () => {
  it('opens a Submitted registration prefilled from the lead, carrying its campaign; the lead becomes Converted to DR in the same transaction', async () => {
    // Prepare
    const lead = qualifying();
    table.seed(toItem(lead));

    // Act
    const response = await convert(lead);

    // Assess
    expect(response.statusCode).toBe(201);
    const registration = jsonOf(response) as Record<string, unknown>;
    expect(registration).toMatchObject({
      status: 'Submitted',
      partnerId: 'ptn_acme',
      campaignId: 'cmp_joint',
      leadId: lead.id,
      customer: { companyName: 'Analytical Engines Ltd', contactName: 'Ada Lovelace', contactEmail: 'ada@engines.example', contactPhone: '+44 20 7946 0000', country: 'GB' },
      estimatedValueCents: 4_800_000,
    });
    expect(response.headers?.location).toBe(`/deal-registrations/${String(registration.id)}`);
    const transactions = ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
    expect(transactions).toHaveLength(1);
    const items = transactions[0] ?? [];
    const registrationPut = items.find((item) => item.Put?.Item?.entity === 'deal-registration');
    const leadPut = items.find((item) => item.Put?.Item?.entity === 'lead');
    expect(registrationPut?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(leadPut?.Put).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND version = :expected',
      ExpressionAttributeValues: { ':expected': 3 },
      Item: { leadStatus: 'Converted to DR', dealRegistrationId: registration.id, version: 4 },
    });
    expect((leadPut?.Put?.Item?.history as { action: string }[]).at(-1)).toMatchObject({ action: 'converted', to: 'Converted to DR' });
    // The review starts like any registration's, named after it.
    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual([registration.id]);
  });

  it('the partner corrects the customer; a part neither the lead nor the body has is named (400), nothing written', async () => {
    // Prepare
    const { company: _company, ...withoutCompany } = qualifying();
    const lead = withoutCompany as Lead;
    table.seed(toItem(lead));

    // Act
    const missing = await convert(lead);
    const corrected = await convert(lead, people.pat, { ...body, customer: { companyName: 'Analytical Engines', contactName: 'Ada King' } });

    // Assess
    expect(missing.statusCode).toBe(400);
    expect(jsonOf(missing)).toMatchObject({ errors: [{ field: 'customer.companyName', message: 'is required: the lead has none' }] });
    expect(corrected.statusCode).toBe(201);
    expect(jsonOf(corrected)).toMatchObject({ customer: { companyName: 'Analytical Engines', contactName: 'Ada King', contactEmail: 'ada@engines.example' } });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('the lead and campaign come from the conversion, never from the body', async () => {
    const lead = qualifying();
    table.seed(toItem(lead));
    const response = await convert(lead, people.pat, { ...body, campaignId: 'cmp_other', leadId: 'lead_other' });
    expect(response.statusCode).toBe(400);
    expect(jsonOf(response)).toMatchObject({ errors: expect.arrayContaining([{ field: 'campaignId', message: 'is not a field of this request' }]) });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a Pending lead, or one already converted, is refused as a conflict naming the rule; nothing is written or started', async () => {
    for (const [lead, rule] of [
      [leadOf(), 'leads.status-after-acceptance'],
      [leadOf({ shareStatus: 'Accepted', leadStatus: 'Converted to DR', dealRegistrationId: 'dr_first' }), 'leads.status-order'],
    ] as const) {
      table.clear();
      table.seed(partnerItem(), toItem(lead));
      const response = await convert(lead);
      expect(response.statusCode).toBe(409);
      expect(jsonOf(response)).toMatchObject({ rule });
    }
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('another partner, a colleague who may not see the lead, and internal users get 404', async () => {
    const lead = qualifying();
    table.seed(toItem(lead));
    const bob: PersonFixture = { id: 'usr_bob', email: 'bob@acme.example', name: 'Bob', partnerId: 'ptn_acme', privileges: [] };
    for (const who of [people.gil, bob, people.morgan]) expect((await convert(lead, who)).statusCode).toBe(404);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('the registrant rules hold: a partner that is no longer Authorized is refused naming the rule', async () => {
    const lead = qualifying();
    table.clear();
    table.seed(partnerItem({ status: 'Prospect' }), toItem(lead));
    const response = await convert(lead);
    expect(response.statusCode).toBe(422);
    expect(String((jsonOf(response) as { rule: string }).rule)).toMatch(/^dr\./);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('when the lead changed meanwhile (recalled, converted by a colleague) the transaction is refused: 409, the review not started', async () => {
    const lead = qualifying();
    table.seed(toItem(lead));
    ddb.on(TransactWriteCommand).rejects(
      Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] }),
    );
    const response = await convert(lead);
    expect(response.statusCode).toBe(409);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand).some((call) => call.args[0].input.ConsistentRead)).toBe(true);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
