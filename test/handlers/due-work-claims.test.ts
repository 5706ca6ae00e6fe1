import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#sweeps/due-work';
import { dynamoMock, emailMock, emailsSent, stepFunctionsMock, writeProblems, writesSent } from './support/aws.ts';
import { CLAIM_REVIEW_STATE_MACHINE_ARN } from './support/environment.ts';
import { lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { approvedRequestItem, CLAIM_ID, claimApprovalItem, claimItem, NOW, people, REQUEST_ID, sha256Hex, userItem } from './support/fixtures.ts';

/**
 * The sweep's claim work: reminders to claim on day 2, 14 and 28 after an approved
 * activity ends, and claim reviews whose workflow never started.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

const runSweep = () => handler({}, lambdaContext('due-work'));

/** The seminar ended on Friday 20 November (London): reminder 0 was due on Sunday 22 November, 09:00. */
const dueForFirstReminder = () =>
  approvedRequestItem({
    duePk: 'mdf-claim-reminder',
    dueAt: '2026-11-22T09:00:00.000Z',
    nextReminderAt: '2026-11-22T09:00:00.000Z',
    reminderStage: 0,
  });

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });

const updatesOf = (pk: string) => ddb.commandCalls(UpdateCommand).filter((call) => call.args[0].input.Key?.pk === pk);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('reminders to claim', () => {
  it('the first reminder is claimed by a conditional move to the day-14 reminder, then the partner is emailed once', async () => {
    // Prepare
    table.seed(dueForFirstReminder());

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-claim-reminder']).toMatchObject({ itemsRead: 1, done: 1, skipped: 0, failed: 0 });
    const updates = updatesOf(`MDF#${REQUEST_ID}`);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toMatchObject({
      Key: { pk: `MDF#${REQUEST_ID}`, sk: 'REQUEST' },
      UpdateExpression: 'SET dueAt = :nextAt, nextReminderAt = :nextAt, reminderStage = :nextStage, updatedAt = :at',
      ConditionExpression: 'duePk = :due AND dueAt = :dueAt AND reminderStage = :stage AND #status = :approved AND attribute_not_exists(openClaimId)',
      ExpressionAttributeValues: {
        ':due': 'mdf-claim-reminder',
        ':dueAt': '2026-11-22T09:00:00.000Z',
        ':stage': 0,
        ':approved': 'Approved',
        // Friday 4 December, 09:00 in London: day 14
        ':nextAt': '2026-12-04T09:00:00.000Z',
        ':nextStage': 1,
      },
    });
    const emails = emailsSent(ses);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.to).toEqual([people.dana.email]);
    expect(emails[0]!.subject).toBe('Reminder: claim your MDF for "Cloud security breakfast seminar"');
    // the day count is the real one: the sweep runs on 23 November, three days after the end date
    expect(emails[0]!.text).toContain('ended on 2026-11-20, 3 days ago');
    expect(emails[0]!.text).toContain('$5,000.00');
    expect(emails[0]!.text).not.toContain('last reminder');
    expect(updates[0]!.calledBefore(ses.commandCalls(SendEmailCommand)[0]!)).toBe(true);
  });

  it('when another sweep sent it first (the conditional move is refused), nobody is emailed again', async () => {
    // Prepare
    table.seed(dueForFirstReminder());
    ddb.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-claim-reminder']).toMatchObject({ done: 0, skipped: 1, failed: 0 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(updatesOf(`MDF#${REQUEST_ID}`)).toHaveLength(1);
  });

  it('when the email cannot be sent, the stage is given back for the next sweep and the work counts as failed', async () => {
    // Prepare
    table.seed(dueForFirstReminder());
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded'), { name: 'Throttling' }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-claim-reminder']).toMatchObject({ done: 0, skipped: 0, failed: 1 });
    const updates = updatesOf(`MDF#${REQUEST_ID}`).map((call) => call.args[0].input);
    expect(updates).toHaveLength(2);
    expect(updates[1]).toMatchObject({
      Key: { pk: `MDF#${REQUEST_ID}`, sk: 'REQUEST' },
      UpdateExpression: 'SET duePk = :due, dueAt = :dueAt, nextReminderAt = :dueAt, reminderStage = :stage',
      // only if nothing else moved it on meanwhile
      ConditionExpression: 'reminderStage = :nextStage AND #status = :approved AND attribute_not_exists(openClaimId)',
      ExpressionAttributeValues: { ':due': 'mdf-claim-reminder', ':dueAt': '2026-11-22T09:00:00.000Z', ':stage': 0, ':nextStage': 1 },
    });
  });

  it('the last reminder (day 28) says so, and the request leaves the due index', async () => {
    // Prepare: Friday 18 December, 10:00; reminder 2 was due at 09:00
    vi.setSystemTime(new Date('2026-12-18T10:00:00.000Z'));
    table.seed(approvedRequestItem({ duePk: 'mdf-claim-reminder', dueAt: '2026-12-18T09:00:00.000Z', nextReminderAt: '2026-12-18T09:00:00.000Z', reminderStage: 2 }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-claim-reminder']).toMatchObject({ done: 1 });
    const [update] = updatesOf(`MDF#${REQUEST_ID}`).map((call) => call.args[0].input);
    expect(update).toMatchObject({
      UpdateExpression: 'SET updatedAt = :at REMOVE duePk, dueAt, nextReminderAt, reminderStage',
      ExpressionAttributeValues: { ':stage': 2, ':dueAt': '2026-12-18T09:00:00.000Z' },
    });
    const emails = emailsSent(ses);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text).toContain('28 days ago');
    expect(emails[0]!.text).toContain('This is the last reminder.');
  });

  it('when the last reminder cannot be sent, it is put back as it was (reminderStage absent again is the condition)', async () => {
    // Prepare
    vi.setSystemTime(new Date('2026-12-18T10:00:00.000Z'));
    table.seed(approvedRequestItem({ duePk: 'mdf-claim-reminder', dueAt: '2026-12-18T09:00:00.000Z', nextReminderAt: '2026-12-18T09:00:00.000Z', reminderStage: 2 }));
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-claim-reminder']).toMatchObject({ failed: 1 });
    const updates = updatesOf(`MDF#${REQUEST_ID}`).map((call) => call.args[0].input);
    expect(updates[1]).toMatchObject({
      ConditionExpression: 'attribute_not_exists(reminderStage) AND #status = :approved AND attribute_not_exists(openClaimId)',
      ExpressionAttributeValues: { ':dueAt': '2026-12-18T09:00:00.000Z', ':stage': 2 },
    });
  });

  it('a reminder not yet due is left alone', async () => {
    // Prepare: reminder 1 is due on 4 December
    table.seed(approvedRequestItem({ duePk: 'mdf-claim-reminder', dueAt: '2026-12-04T09:00:00.000Z', nextReminderAt: '2026-12-04T09:00:00.000Z', reminderStage: 1 }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-claim-reminder']).toMatchObject({ itemsRead: 0, done: 0 });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

describe('claim reviews whose workflow never started', () => {
  it('an Open claim still in the due index gets its review started under its own name, then leaves the index', async () => {
    // Prepare: submitted yesterday, StartExecution failed then
    table.seed(claimItem({ duePk: 'claim-review-start', dueAt: '2026-11-22T15:05:00.000Z' }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['claim-review-start']).toMatchObject({ itemsRead: 1, done: 1, failed: 0 });
    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.args[0].input).toMatchObject({ stateMachineArn: CLAIM_REVIEW_STATE_MACHINE_ARN, name: CLAIM_ID });
    expect(JSON.parse(starts[0]!.args[0].input.input ?? '')).toEqual({ claimId: CLAIM_ID, decisionTimeoutSeconds: 2_592_000, proofTimeoutSeconds: 2_592_000 });
    const cleared = updatesOf(`CLAIM#${CLAIM_ID}`).map((call) => call.args[0].input);
    expect(cleared).toEqual([
      expect.objectContaining({
        Key: { pk: `CLAIM#${CLAIM_ID}`, sk: 'CLAIM' },
        UpdateExpression: 'REMOVE duePk, dueAt',
        ConditionExpression: 'duePk = :due',
        ExpressionAttributeValues: { ':due': 'claim-review-start' },
      }),
    ]);
    expect(starts[0]!.calledBefore(ddb.commandCalls(UpdateCommand)[0]!)).toBe(true);
  });

  it('a review that already runs (ExecutionAlreadyExists) counts as started', async () => {
    // Prepare
    table.seed(claimItem({ duePk: 'claim-review-start', dueAt: '2026-11-22T15:05:00.000Z' }));
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Execution already exists'), { name: 'ExecutionAlreadyExists' }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['claim-review-start']).toMatchObject({ done: 1, failed: 0 });
    expect(updatesOf(`CLAIM#${CLAIM_ID}`)).toHaveLength(1);
  });

  it('a claim decided meanwhile gets no review, and leaves the index', async () => {
    // Prepare
    table.seed(claimItem({ status: 'Denied', decidedAt: '2026-11-22T16:00:00.000Z', duePk: 'claim-review-start', dueAt: '2026-11-22T15:05:00.000Z' }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['claim-review-start']).toMatchObject({ done: 0, skipped: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(updatesOf(`CLAIM#${CLAIM_ID}`)).toHaveLength(1);
  });

  it('when Step Functions throttles, the claim stays due for the next sweep', async () => {
    // Prepare
    table.seed(claimItem({ duePk: 'claim-review-start', dueAt: '2026-11-22T15:05:00.000Z' }));
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['claim-review-start']).toMatchObject({ done: 0, failed: 1 });
    expect(updatesOf(`CLAIM#${CLAIM_ID}`)).toHaveLength(0);
  });
});

describe('claim review levels past their SLA', () => {
  it('an overdue claim review is escalated like any level: Sam reminded, Robin asked as backup', async () => {
    // Prepare: the review opened Tuesday 17 November, due Thursday 19
    table.seed(
      claimItem(),
      claimApprovalItem({ approver: people.sam, openedAt: '2026-11-17T10:00:00.000Z', slaDueAt: '2026-11-19T10:00:00.000Z', linkHashes: [sha256Hex('sams-claim-link')] }),
      userItem(people.sam),
      userItem(people.robin),
    );

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['approval-sla']).toMatchObject({ itemsRead: 1, done: 1 });
    expect(emailsSent(ses).map((email) => email.to)).toEqual([[people.sam.email], [people.robin.email]]);
    expect(emailsSent(ses)[1]!.subject).toContain('London breakfast seminar, November 2026');
  });

  it('a review level whose claim is no longer Open (denied with its canceled request) leaves the due index instead of being read by every sweep', async () => {
    // Prepare: the request was canceled, which denied the claim; its review level was left Pending
    table.seed(
      claimItem({ status: 'Denied', decidedAt: '2026-11-21T10:00:00.000Z', outcomeReason: 'The MDF request was canceled: The event venue closed.' }),
      claimApprovalItem({ approver: people.sam, openedAt: '2026-11-17T10:00:00.000Z', slaDueAt: '2026-11-19T10:00:00.000Z', linkHashes: [sha256Hex('sams-claim-link')] }),
      userItem(people.sam),
      userItem(people.robin),
    );

    // Act
    const report = await runSweep();

    // Assess: nobody is asked to decide a claim that is over…
    expect(report.kinds['approval-sla']).toMatchObject({ itemsRead: 1, done: 0 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    // …and the level does not stay in the SLA index, where every sweep from now on would read it again
    const approvalWrites: { Key?: Record<string, unknown>; UpdateExpression?: string }[] = [
      ...ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input),
      ...ddb.commandCalls(TransactWriteCommand).flatMap((call) => (call.args[0].input.TransactItems ?? []).flatMap((item) => (item.Update ? [item.Update] : []))),
    ].filter((input) => input.Key?.pk === `CLAIM#${CLAIM_ID}` && input.Key?.sk === 'APPROVAL#r001#cmm');
    expect(approvalWrites.some((input) => String(input.UpdateExpression).includes('REMOVE') && String(input.UpdateExpression).includes('duePk'))).toBe(true);
  });
});
