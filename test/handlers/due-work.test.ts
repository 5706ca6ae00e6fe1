import { QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#sweeps/due-work';
import { dynamoMock, emailMock, emailsSent, onlyTransaction, stepFunctionsMock, transactionCanceled, writeProblems } from './support/aws.ts';
import { lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { approvalItem, delegationItem, mdfRequestItem, NOW, people, REQUEST_ID, sha256Hex, TASK_TOKEN, userItem } from './support/fixtures.ts';

/**
 * The scheduled sweep reads only what is due now from the sparse due index and
 * does each piece of work once.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

const runSweep = () => handler({}, lambdaContext('due-work'));

/** Sam's level-1 approval, opened Tuesday 17 November, was due Thursday 19 November and is still Pending. */
const overdue = approvalItem({
  approver: people.sam,
  openedAt: '2026-11-17T10:00:00.000Z',
  slaDueAt: '2026-11-19T10:00:00.000Z',
  linkHashes: [sha256Hex('sams-first-link')],
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
  table.seed(mdfRequestItem(), overdue, userItem(people.sam), userItem(people.robin));
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('the due-work sweep', () => {
  it('an approval past its SLA is escalated once: the approver is reminded and their manager asked as backup', async () => {
    // Act
    const report = await runSweep();

    // Assess: the escalation is claimed in one transaction
    expect(report.kinds['approval-sla']).toMatchObject({ itemsRead: 1, done: 1, skipped: 0, failed: 0 });
    const items = onlyTransaction(ddb);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: `MDF#${REQUEST_ID}`, sk: 'APPROVAL#r001#cmm' },
      ConditionExpression: '#status = :pending AND attribute_not_exists(escalatedAt)',
      ExpressionAttributeValues: { ':holders': [people.sam.id, people.robin.id] },
    });
    expect(items.filter((item) => String(item.Put?.Item?.pk).startsWith('LINK#'))).toHaveLength(2);
    expect(items.some((item) => item.Put?.Item?.action === 'escalated')).toBe(true);

    // then two emails: a reminder to Sam, a request to Robin on Sam's behalf
    const emails = emailsSent(ses);
    expect(emails).toHaveLength(2);
    expect(emails[0]).toMatchObject({ to: [people.sam.email] });
    expect(emails[0]!.subject).toMatch(/^Overdue: /);
    expect(emails[0]!.text).toContain('your backup, Robin Park');
    expect(emails[1]).toMatchObject({ to: [people.robin.email] });
    expect(emails[1]!.subject).toMatch(/^Decision needed: /);
    expect(emails[1]!.text).toContain('The decision of Sam Lee is overdue');
    expect(emails[0]!.text).not.toBe(emails[1]!.text);
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(ses.commandCalls(SendEmailCommand)[0]!)).toBe(true);
  });

  it('when another sweep escalated first (the transaction is refused), nobody is emailed again', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'None', 'None', 'None'));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['approval-sla']).toMatchObject({ done: 0, skipped: 1, failed: 0 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('reads due work only through the due index, never with a Scan', async () => {
    // Act
    await runSweep();

    // Assess
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    const dueQueries = ddb.commandCalls(QueryCommand).filter((call) => call.args[0].input.IndexName === 'due');
    expect(dueQueries.map((call) => call.args[0].input.ExpressionAttributeValues?.[':kind'])).toEqual([
      'approval-sla',
      'approval-signal',
      'mdf-workflow-start',
      'mdf-workflow-stop',
      'mdf-claim-reminder',
      'claim-review-start',
      'dr-partner-contact',
      'dr-expiry',
      'dr-review-start',
      'lead-recall',
      'lead-recall-notice',
      'lead-import-watch',
      'loa-review-start',
      'loa-validity',
      'nfr-licence-expiry',
      'nfr-review-start',
    ]);
    for (const query of dueQueries) {
      expect(query.args[0].input).toMatchObject({ KeyConditionExpression: 'duePk = :kind AND dueAt <= :now', ExpressionAttributeValues: { ':now': NOW.toISOString() } });
      expect(query.args[0].input.FilterExpression).toBeUndefined();
    }
    // every other Query reads one partition (the request's), not the table
    for (const query of ddb.commandCalls(QueryCommand)) expect(query.args[0].input.KeyConditionExpression).toMatch(/(^#p = :p)|(^duePk = :kind)/);
  });

  it('an approval not yet due is left alone', async () => {
    // Prepare: due tomorrow
    table.seed({ ...overdue, slaDueAt: '2026-11-24T10:00:00.000Z', dueAt: '2026-11-24T10:00:00.000Z' });

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['approval-sla']).toMatchObject({ itemsRead: 0, done: 0 });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('a request whose workflow never started is started, under its own name', async () => {
    // Prepare: submitted, but StartExecution failed; due five minutes after submission
    table.clear();
    table.seed({ ...mdfRequestItem({ currentLevel: undefined }), duePk: 'mdf-workflow-start', dueAt: '2026-11-20T10:05:00.000Z' });

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-workflow-start']).toMatchObject({ done: 1 });
    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.args[0].input.name).toBe(REQUEST_ID);
    expect(JSON.parse(starts[0]!.args[0].input.input ?? '')).toEqual({ requestId: REQUEST_ID, flexi: false, decisionTimeoutSeconds: 2_592_000 });
  });

  it('while a delegation is in force, the named backup is asked rather than the manager', async () => {
    // Prepare: Sam named Alex as backup for this week
    table.seed(userItem(people.alex), delegationItem(people.sam, people.alex, '2026-11-23', '2026-11-27'));

    // Act
    await runSweep();

    // Assess
    expect(onlyTransaction(ddb)[0]?.Update?.ExpressionAttributeValues).toMatchObject({ ':holders': [people.sam.id, people.alex.id] });
    expect(emailsSent(ses).map((email) => email.to)).toEqual([[people.sam.email], [people.alex.email]]);
  });

  it('a decision the workflow was never told of (it was unreachable) is told by the next sweep, then the token is forgotten', async () => {
    // Prepare: Sam denied a minute and a half ago; the workflow could not be reached then
    table.seed({
      ...overdue,
      status: 'Denied',
      decision: 'deny',
      reason: 'Outside our focus accounts.',
      decidedAt: '2026-11-23T09:58:30.000Z',
      decidedBy: { id: people.sam.id, name: people.sam.name },
      duePk: 'approval-signal',
      dueAt: '2026-11-23T09:59:30.000Z',
    });

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['approval-signal']).toMatchObject({ itemsRead: 1, done: 1 });
    expect(sfn.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: TASK_TOKEN, error: 'Denied', cause: 'Outside our focus accounts.' },
    ]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const updates = ddb.commandCalls(UpdateCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toMatchObject({
      Key: { pk: `MDF#${REQUEST_ID}`, sk: 'APPROVAL#r001#cmm' },
      UpdateExpression: 'REMOVE taskToken, duePk, dueAt',
      ConditionExpression: 'duePk = :signal',
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('one piece of work that fails stays due and does not stop the rest', async () => {
    // Prepare: the workflow cannot be started right now, and an approval is overdue too
    table.seed({ ...mdfRequestItem({ id: 'mdf_unstarted0000001', currentLevel: undefined }), duePk: 'mdf-workflow-start', dueAt: '2026-11-20T10:05:00.000Z' });
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-workflow-start']).toMatchObject({ done: 0, failed: 1 });
    expect(report.kinds['approval-sla']).toMatchObject({ done: 1 });
    expect(ddb.commandCalls(UpdateCommand).filter((call) => call.args[0].input.Key?.pk === 'MDF#mdf_unstarted0000001')).toHaveLength(0);
  });

  it('a canceled request whose workflow could not be stopped at the time is stopped now, and leaves the due index', async () => {
    // Prepare: only the canceled request is due (the overdue approval is not)
    table.clear();
    table.seed(mdfRequestItem({ status: 'Canceled', duePk: 'mdf-workflow-stop', dueAt: '2026-11-20T09:00:00.000Z' }));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['mdf-workflow-stop']).toMatchObject({ itemsRead: 1, done: 1, failed: 0 });
    const stops = sfn.commandCalls(StopExecutionCommand);
    expect(stops).toHaveLength(1);
    expect(stops[0]!.args[0].input.executionArn).toMatch(new RegExp(`:execution:mdf-request-approval:${REQUEST_ID}$`));
    const cleared = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(cleared).toEqual([expect.objectContaining({ UpdateExpression: 'REMOVE duePk, dueAt', ExpressionAttributeValues: { ':due': 'mdf-workflow-stop' } })]);
    expect(emailsSent(ses)).toHaveLength(0);
  });
});
