import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/mdf-requests';
import { dynamoMock, emailMock, onlyTransaction, stepFunctionsMock, writeProblems } from './support/aws.ts';
import { httpEvent, lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import {
  approvedRequestItem,
  approverAssignmentItem,
  CLAIM_ID,
  CLAIM_TITLE,
  claimApprovalItem,
  claimBudgetItem,
  claimItem,
  claimsOf,
  linkItem,
  NOW,
  people,
  REQUEST_ID,
  sha256Hex,
} from './support/fixtures.ts';

/** Canceling an approved request whose claim is under review: the claim goes with it. */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

const cancel = () =>
  handler(
    httpEvent('POST /mdf/requests/{id}/cancel', { claims: claimsOf(people.sam), pathParameters: { id: REQUEST_ID }, body: { reason: 'The event venue closed.' } }),
    lambdaContext('mdf-requests'),
  );

/** Sam holds the link to review Dana's claim, still in his inbox. */
const review = claimApprovalItem({ approver: people.sam, linkHashes: [sha256Hex('sams-claim-link')] });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
  table.seed(
    approverAssignmentItem('cmm', 'EMEA', people.sam),
    approvedRequestItem({ openClaimId: CLAIM_ID }),
    claimBudgetItem(),
    claimItem(),
    review,
    { ...linkItem('sams-claim-link', review, people.sam), subjectTitle: CLAIM_TITLE },
  );
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('canceling a request with a claim under review', () => {
  it('denies the claim in the same transaction and stops its review workflow', async () => {
    // Act
    const response = await cancel();

    // Assess
    expect(response.statusCode).toBe(200);
    const items = onlyTransaction(ddb);
    expect(items.find((item) => item.Update?.Key?.pk === `CLAIM#${CLAIM_ID}` && item.Update.Key.sk === 'CLAIM')?.Update).toMatchObject({
      ConditionExpression: '#status = :from',
      ExpressionAttributeValues: { ':from': 'Open', ':to': 'Denied', ':outcomeReason': 'The MDF request was canceled: The event venue closed.' },
    });
    expect(items.find((item) => item.Update?.Key?.pk === 'BUDGET#EMEA#2026-Q4')?.Update?.ExpressionAttributeValues).toMatchObject({ ':amount': 500_000 });
    const stops = sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input.executionArn);
    expect(stops).toContain(`arn:aws:states:us-east-1:123456789012:execution:mdf-claim-review:${CLAIM_ID}`);
  });

  it("closes the claim's pending review level too: out of the SLA due index and out of the CMM's inbox", async () => {
    // Act
    const response = await cancel();

    // Assess: like the request's own pending levels, the claim's review level ends as Canceled in the same transaction
    expect(response.statusCode).toBe(200);
    const items = onlyTransaction(ddb);
    const level = items.find((item) => item.Update?.Key?.pk === `CLAIM#${CLAIM_ID}` && item.Update.Key.sk === 'APPROVAL#r001#cmm')?.Update;
    expect(level, "the claim's review level is left Pending: it stays in the SLA due index and in Sam's inbox").toBeDefined();
    expect(level?.UpdateExpression).toContain('REMOVE taskToken, duePk, dueAt');
    expect(level?.ExpressionAttributeValues).toMatchObject({ ':status': 'Canceled' });
    expect(items.find((item) => item.Update?.Key?.pk === `LINK#${sha256Hex('sams-claim-link')}`)?.Update?.UpdateExpression).toBe('REMOVE gsi1pk, gsi1sk');
  });
});
