import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/approval-inbox';
import { dynamoMock } from './support/aws.ts';
import { httpEvent, jsonOf, lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { approvalItem, claimsOf, linkItem, newLinkToken, people, REQUEST_ID } from './support/fixtures.ts';

/** The signed-in approver's pending approvals, soonest due first. */
const ddb = dynamoMock();
const table = new FakeTable();

const inbox = (claims: Record<string, string>, query?: Record<string, string>) =>
  handler(httpEvent('GET /approvals', { claims, ...(query ? { query } : {}) }), lambdaContext('approval-inbox'));

beforeEach(() => {
  ddb.reset();
  table.clear();
  table.serve(ddb);
});

describe("an approver's inbox", () => {
  it('lists what waits for them, soonest due first, with what they hold as backup marked', async () => {
    // Prepare: Sam's own level due Thursday, and one held for Robin due Tuesday
    const own = approvalItem({ slaDueAt: '2026-11-26T10:00:00.000Z' });
    const forRobin = approvalItem({ requestId: 'mdf_second0000000001', approver: people.robin, slaDueAt: '2026-11-24T10:00:00.000Z' });
    table.seed(linkItem(newLinkToken(), own, people.sam), linkItem(newLinkToken(), forRobin, people.sam, people.robin), linkItem(newLinkToken(), own, people.alex));

    // Act
    const response = await inbox(claimsOf(people.sam));

    // Assess
    expect(response.statusCode).toBe(200);
    const items = jsonOf(response).items as Record<string, unknown>[];
    expect(items.map((item) => item.approvalId)).toEqual(['mdf_second0000000001.cmm.1', `${REQUEST_ID}.cmm.1`]);
    expect(items[0]).toMatchObject({ slaDueAt: '2026-11-24T10:00:00.000Z', onBehalfOf: { id: people.robin.id, name: people.robin.name } });
    expect(items[1]).not.toHaveProperty('onBehalfOf');
    expect(JSON.stringify(items)).not.toMatch(/hash|LINK#/);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ IndexName: 'gsi1', ExpressionAttributeValues: { ':p': `INBOX#${people.sam.id}` } });
  });

  it('is not for partner users (403)', async () => {
    // Act
    const response = await inbox(claimsOf(people.dana));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('refuses a page size over 100 naming query.limit', async () => {
    // Act
    const response = await inbox(claimsOf(people.sam), { limit: '500' });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(jsonOf(response).errors).toEqual([expect.objectContaining({ field: 'query.limit' })]);
  });
});
