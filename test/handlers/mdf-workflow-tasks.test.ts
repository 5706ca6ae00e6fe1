import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler as recordNotDecided } from '#workflow/mdf-not-decided';
import { handler as tellPartner } from '#workflow/mdf-tell-partner';
import { dynamoMock, emailMock, emailsSent, onlyTransaction, stepFunctionsMock, transactionCanceled, writeProblems, writesSent } from './support/aws.ts';
import { lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { approvalItem, mdfRequestItem, NOW, people, REQUEST_ID, sha256Hex, TASK_TOKEN } from './support/fixtures.ts';

/** The MDF workflow's plain tasks: telling the partner, and ending a request nobody decided in time. */
const ddb = dynamoMock();
stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('telling the partner', () => {
  it.each([
    { outcome: 'received', status: 'Open', subject: 'We received your MDF request', says: 'starting with the EMEA channel marketing manager' },
    { outcome: 'approved', status: 'Approved', subject: 'Approved: your MDF request', says: '$5,000.00 is reserved' },
    { outcome: 'denied', status: 'Denied', subject: 'Denied: your MDF request', says: 'The reason given: Outside our focus accounts.' },
  ] as const)('the partner who submitted is emailed when the request is $outcome', async ({ outcome, status, subject, says }) => {
    // Prepare
    table.seed(mdfRequestItem({ status, approvedAmountCents: status === 'Approved' ? 500_000 : undefined, outcomeReason: 'Outside our focus accounts.' }));

    // Act
    const result = await tellPartner({ requestId: REQUEST_ID, outcome }, lambdaContext('mdf-tell-partner'));

    // Assess
    expect(result).toEqual({ told: outcome });
    const emails = emailsSent(ses);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.to).toEqual([people.dana.email]);
    expect(emails[0]!.subject).toContain(subject);
    expect(emails[0]!.text).toContain(says);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a payload the workflow should never send fails the task loudly', async () => {
    // Act
    const telling = tellPartner({ requestId: REQUEST_ID, outcome: 'maybe' }, lambdaContext('mdf-tell-partner'));

    // Assess
    await expect(telling).rejects.toThrow();
    expect(emailsSent(ses)).toHaveLength(0);
  });
});

describe('a level nobody decided before the hard timeout', () => {
  const pendingCmm = approvalItem({ level: 'cmm', linkHashes: [sha256Hex('sams-link')] });

  it('ends the request as Denied, closes the level as Expired, and tells the partner', async () => {
    // Prepare
    table.seed(mdfRequestItem(), pendingCmm);

    // Act
    const result = await recordNotDecided({ requestId: REQUEST_ID }, lambdaContext('mdf-not-decided'));

    // Assess
    expect(result).toEqual({ changed: true, status: 'Denied' });
    const items = onlyTransaction(ddb);
    expect(items.find((item) => item.Update?.Key?.sk === 'REQUEST')?.Update?.ExpressionAttributeValues).toMatchObject({ ':to': 'Denied', ':from0': 'Open' });
    expect(items.find((item) => item.Update?.Key?.sk === 'APPROVAL#r001#cmm')?.Update).toMatchObject({
      UpdateExpression: 'SET #status = :status, decidedAt = :at REMOVE taskToken, duePk, dueAt',
      ExpressionAttributeValues: { ':status': 'Expired' },
    });
    expect(items.find((item) => item.Update?.Key?.pk === `LINK#${sha256Hex('sams-link')}`)?.Update?.UpdateExpression).toBe('REMOVE gsi1pk, gsi1sk');
    expect(items.find((item) => item.Put?.Item?.action === 'not-decided-in-time')).toBeDefined();
    expect(JSON.stringify(items)).not.toContain(TASK_TOKEN);
    const emails = emailsSent(ses);
    expect(emails.map((email) => email.to)).toEqual([[people.dana.email]]);
    expect(emails[0]!.subject).toContain('Not decided in time');
  });

  it('changes nothing when a decision or a cancellation got there first', async () => {
    // Prepare: the request was still Open when read, but Sam's decision landed first
    table.seed(mdfRequestItem(), pendingCmm);
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None', 'None'));

    // Act
    const result = await recordNotDecided({ requestId: REQUEST_ID }, lambdaContext('mdf-not-decided'));

    // Assess
    expect(result).toEqual({ changed: false });
    expect(emailsSent(ses)).toHaveLength(0);
  });

  it('leaves a request that is no longer Open alone', async () => {
    // Prepare
    table.seed(mdfRequestItem({ status: 'Canceled' }));

    // Act
    const result = await recordNotDecided({ requestId: REQUEST_ID }, lambdaContext('mdf-not-decided'));

    // Assess
    expect(result).toEqual({ changed: false, status: 'Canceled' });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(emailsSent(ses)).toHaveLength(0);
  });
});
