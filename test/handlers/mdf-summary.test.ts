import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/mdf-summary';
import { dynamoMock, emailMock, stepFunctionsMock, writeProblems, writesSent } from './support/aws.ts';
import { httpEvent, jsonOf, lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { approvedRequestItem, claimItem, claimsOf, mdfRequestItem, NOW, people, type PersonFixture } from './support/fixtures.ts';

/** The partner's MDF dashboard: requests by status, approved / claimed / paid totals, what waits for them. */
const ddb = dynamoMock();
stepFunctionsMock();
emailMock();
const table = new FakeTable();

const summary = (person: PersonFixture = people.dana) => handler(httpEvent('GET /mdf/summary', { claims: claimsOf(person) }), lambdaContext('mdf-summary'));

/** A request of Acme's, submitted at its own instant so lists keep an order. */
const acmeRequest = (id: string, minute: number, overrides: Record<string, unknown>) =>
  approvedRequestItem({ id, gsi1sk: `2026-10-01T10:${String(minute).padStart(2, '0')}:00.000Z#${id}`, ...overrides });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  table.clear();
  table.serve(ddb);
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('the MDF dashboard', () => {
  it("adds up the partner's own requests and claims, and lists what waits for them", async () => {
    // Prepare: seven Acme requests in every status, three Acme claims, and Globex's figures that must not count
    table.seed(
      mdfRequestItem({ id: 'mdf_open000000000001', gsi1sk: '2026-10-01T10:01:00.000Z#mdf_open000000000001' }),
      acmeRequest('mdf_approved00000001', 2, { approvedAmountCents: 500_000, duePk: 'mdf-claim-reminder', nextReminderAt: '2026-12-04T09:00:00.000Z', reminderStage: 1 }),
      acmeRequest('mdf_claimed000000001', 3, { approvedAmountCents: 300_000, openClaimId: 'clm_open000000000001' }),
      acmeRequest('mdf_approved00000002', 4, { approvedAmountCents: 200_000, nextReminderAt: '2026-11-25T09:00:00.000Z', reminderStage: 0 }),
      acmeRequest('mdf_closed0000000001', 5, { status: 'Closed', approvedAmountCents: 250_000 }),
      acmeRequest('mdf_denied0000000001', 6, { status: 'Denied', approvedAmountCents: undefined, outcomeReason: 'Out of scope' }),
      acmeRequest('mdf_canceled00000001', 7, { status: 'Canceled', approvedAmountCents: 100_000, outcomeReason: 'The event venue closed.' }),
      approvedRequestItem({ id: 'mdf_globex0000000001', partnerId: 'ptn_globex', partnerName: 'Globex SA', approvedAmountCents: 900_000, nextReminderAt: '2026-11-24T09:00:00.000Z' }),
      claimItem({ id: 'clm_open000000000001', requestId: 'mdf_claimed000000001', title: 'Booth at Cloud Expo', amountCents: 280_000, approvedAmountCents: 300_000, awaitingProof: { kind: 'lead-list', since: '2026-11-23T08:00:00.000Z' }, submittedAt: '2026-11-22T10:00:00.000Z' }),
      claimItem({ id: 'clm_paid000000000001', requestId: 'mdf_closed0000000001', title: 'Partner day', amountCents: 240_000, approvedAmountCents: 250_000, status: 'Approved', submittedAt: '2026-11-01T10:00:00.000Z' }),
      claimItem({ id: 'clm_denied0000000001', requestId: 'mdf_claimed000000001', title: 'Booth at Cloud Expo (first try)', amountCents: 300_000, approvedAmountCents: 300_000, status: 'Denied', submittedAt: '2026-11-15T10:00:00.000Z' }),
      claimItem({ id: 'clm_globex0000000001', partnerId: 'ptn_globex', title: 'Globex claim', amountCents: 700_000, status: 'Approved' }),
    );

    // Act
    const response = await summary();

    // Assess
    expect(response.statusCode).toBe(200);
    const body = jsonOf(response);
    expect(body.requestsByStatus).toEqual({ Open: 1, Approved: 3, Denied: 1, Closed: 1, Canceled: 1 });
    // approved: the three Approved and the Closed one; never the canceled amount
    expect(body.approvedCents).toBe(500_000 + 300_000 + 200_000 + 250_000);
    // claimed: every claim not denied; paid: the approved ones
    expect(body.claimedCents).toBe(280_000 + 240_000);
    expect(body.paidCents).toBe(240_000);
    expect(body.claimsAwaitingAction).toEqual([
      { claimId: 'clm_open000000000001', title: 'Booth at Cloud Expo', requestId: 'mdf_claimed000000001', missing: 'lead-list', since: '2026-11-23T08:00:00.000Z' },
    ]);
    // the next reminders, soonest first; none for the request whose claim is in
    expect(body.nextReminders).toEqual([
      { requestId: 'mdf_approved00000002', activityName: 'Cloud security breakfast seminar', endDate: '2026-11-20', nextReminderAt: '2026-11-25T09:00:00.000Z' },
      { requestId: 'mdf_approved00000001', activityName: 'Cloud security breakfast seminar', endDate: '2026-11-20', nextReminderAt: '2026-12-04T09:00:00.000Z' },
    ]);
    expect(response.body).not.toContain('globex');
    expect(response.body).not.toContain('Globex');
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a partner without any MDF sees zeros and empty lists', async () => {
    // Act
    const response = await summary();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(jsonOf(response)).toEqual({
      requestsByStatus: { Open: 0, Approved: 0, Denied: 0, Closed: 0, Canceled: 0 },
      approvedCents: 0,
      claimedCents: 0,
      paidCents: 0,
      claimsAwaitingAction: [],
      nextReminders: [],
    });
  });

  it('counts every request, beyond the first page of 100', async () => {
    // Prepare: 230 approved requests of $1,000.00
    for (let index = 0; index < 230; index += 1) {
      const id = `mdf_bulk${String(index).padStart(12, '0')}`;
      table.seed(approvedRequestItem({ id, gsi1sk: `2026-10-01T10:00:00.000Z#${id}`, approvedAmountCents: 100_000 }));
    }

    // Act
    const response = await summary();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(jsonOf(response)).toMatchObject({ requestsByStatus: { Approved: 230 }, approvedCents: 23_000_000 });
  });

  it('a user of the program is refused: the dashboard is for partner users (403)', async () => {
    // Act
    const response = await summary(people.sam);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(jsonOf(response)).toMatchObject({ status: 403, type: 'urn:channel-prm:problem:forbidden' });
  });
});
