import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#workflow/ask-approver';
import { dynamoMock, emailMock, emailsSent, onlyTransaction, stepFunctionsMock, writesSent, writeProblems } from './support/aws.ts';
import { PUBLIC_BASE_URL } from './support/environment.ts';
import { lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import {
  approvalItem,
  approverAssignmentItem,
  delegationItem,
  mdfRequestItem,
  NOW,
  people,
  REQUEST_ID,
  sha256Hex,
  TASK_TOKEN,
  userItem,
} from './support/fixtures.ts';

/**
 * The workflow's `waitForTaskToken` task: opens an approval level, keeps the task
 * token in the table only, and emails each holder a link of their own.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();

const APPROVAL_ID = `${REQUEST_ID}.cmm.1`;
const askCmm = () =>
  handler(
    { subject: 'mdf-request', subjectId: REQUEST_ID, level: 'cmm', timeoutSeconds: 2_592_000, taskToken: TASK_TOKEN },
    lambdaContext('ask-approver'),
  );

/** `${PUBLIC_BASE_URL}/approvals/<id>?t=<43-character token>`, as it appears in an email. */
const linkPattern = new RegExp(`${PUBLIC_BASE_URL.replaceAll('.', '\\.')}/approvals/([^?\\s"]+)\\?t=([A-Za-z0-9_-]+)`);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  table.clear();
  table.serve(ddb);
  table.seed(mdfRequestItem({ currentLevel: undefined }), userItem(people.sam), userItem(people.alex), userItem(people.robin));
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('asking the approver of a level', () => {
  it('while the approver is on leave, the approver and the named backup each get a link of their own; only the hash of each is stored', async () => {
    // Prepare: Sam is the EMEA CMM and named Alex as backup from 20 to 27 November
    table.seed(approverAssignmentItem('cmm', 'EMEA', people.sam), delegationItem(people.sam, people.alex, '2026-11-20', '2026-11-27'));

    // Act
    const result = await askCmm();

    // Assess: the level is open for both
    expect(result).toEqual({ opened: true, approvalId: APPROVAL_ID, linkHolders: [people.sam.id, people.alex.id] });

    // one transaction: the approval keeps the task token, one link per holder, the request's level and history
    const items = onlyTransaction(ddb);
    const approval = items.find((item) => item.Update?.Key?.sk === 'APPROVAL#r001#cmm');
    expect(approval?.Update?.Key).toEqual({ pk: `MDF#${REQUEST_ID}`, sk: 'APPROVAL#r001#cmm' });
    expect(approval?.Update?.ExpressionAttributeValues).toMatchObject({
      ':token': TASK_TOKEN,
      ':approverId': people.sam.id,
      ':pending': 'Pending',
      ':due': 'approval-sla',
      ':holders': [people.sam.id, people.alex.id],
      ':expiresAt': '2026-12-23T10:00:00.000Z',
      ':slaDueAt': '2026-11-25T10:00:00.000Z',
    });
    const linkPuts = items.filter((item) => String(item.Put?.Item?.pk).startsWith('LINK#'));
    expect(linkPuts).toHaveLength(2);
    expect(items.some((item) => item.Update?.Key?.sk === 'REQUEST' && item.Update.ExpressionAttributeValues?.[':level'] === 'cmm')).toBe(true);
    expect(items.some((item) => item.Put?.Item?.action === 'sent-to-approver')).toBe(true);

    // one email per holder, each with a link to the confirm page
    const emails = emailsSent(ses);
    expect(emails.map((email) => email.to)).toEqual([[people.sam.email], [people.alex.email]]);
    for (const email of emails) {
      const match = linkPattern.exec(email.text);
      expect(match, `a link in the email to ${email.to[0]}`).not.toBeNull();
      const [url, approvalId, token] = match as unknown as [string, string, string];
      expect(decodeURIComponent(approvalId)).toBe(APPROVAL_ID);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(email.html).toContain(url.replaceAll('&', '&amp;'));

      // the stored link is keyed by the SHA-256 of the token, never the token itself
      const stored = linkPuts.find((put) => put.Put?.Item?.pk === `LINK#${sha256Hex(token)}`)?.Put?.Item;
      expect(stored).toMatchObject({ sk: 'LINK', approvalId: APPROVAL_ID, holderEmail: email.to[0], hash: sha256Hex(token) });
      expect(JSON.stringify(items)).not.toContain(token);
    }
    expect(linkPuts.find((put) => put.Put?.Item?.holderId === people.alex.id)?.Put?.Item?.onBehalfOf).toEqual({ id: people.sam.id, name: people.sam.name });
    expect(emails[1]!.text).toContain('backup for Sam Lee');
  });

  it('the emails never carry the workflow task token', async () => {
    // Prepare
    table.seed(approverAssignmentItem('cmm', 'EMEA', people.sam), delegationItem(people.sam, people.alex, '2026-11-20', '2026-11-27'));

    // Act
    await askCmm();

    // Assess
    const emails = emailsSent(ses);
    expect(emails).toHaveLength(2);
    for (const email of emails) {
      expect(email.text).not.toContain(TASK_TOKEN);
      expect(email.html).not.toContain(TASK_TOKEN);
      expect(email.subject).not.toContain(TASK_TOKEN);
      expect(email.text).not.toContain(TASK_TOKEN.slice(0, 40));
    }
  });

  it('with no delegation in force, only the approver is asked', async () => {
    // Prepare: Alex's cover ended last week
    table.seed(approverAssignmentItem('cmm', 'EMEA', people.sam), delegationItem(people.sam, people.alex, '2026-11-09', '2026-11-13'));

    // Act
    const result = await askCmm();

    // Assess
    expect(result).toMatchObject({ opened: true, linkHolders: [people.sam.id] });
    expect(emailsSent(ses).map((email) => email.to)).toEqual([[people.sam.email]]);
    expect(onlyTransaction(ddb).filter((item) => String(item.Put?.Item?.pk).startsWith('LINK#'))).toHaveLength(1);
  });

  it('a retried task keeps the level as first opened and stores the new task token', async () => {
    // Prepare: the level was opened an hour ago, then the task was retried
    table.seed(
      approverAssignmentItem('cmm', 'EMEA', people.sam),
      approvalItem({ openedAt: '2026-11-23T09:00:00.000Z', slaDueAt: '2026-11-25T09:00:00.000Z', linkHashes: [sha256Hex('first-link')], extra: { taskToken: 'the-first-task-token' } }),
    );

    // Act
    const result = await askCmm();

    // Assess
    expect(result).toMatchObject({ opened: true, approvalId: APPROVAL_ID });
    const items = onlyTransaction(ddb);
    expect(items.find((item) => item.Update?.Key?.sk === 'APPROVAL#r001#cmm')?.Update?.ExpressionAttributeValues).toMatchObject({
      ':token': TASK_TOKEN,
      ':openedAt': '2026-11-23T09:00:00.000Z',
      ':slaDueAt': '2026-11-25T09:00:00.000Z',
    });
    expect(items.find((item) => item.Put?.Item?.entity === 'history')?.Put?.Item?.action).toBe('level-reopened');
  });

  it('with no approver assigned for the role and region, the task fails with NoApproverAssigned and nothing is written or sent', async () => {
    // Prepare: no EMEA CMM assignment

    // Act
    const asking = askCmm();

    // Assess
    await expect(asking).rejects.toMatchObject({ name: 'NoApproverAssigned' });
    await expect(asking).rejects.toThrow(/channel marketing manager.*EMEA/);
    expect(writesSent(ddb)).toHaveLength(0);
    expect(emailsSent(ses)).toHaveLength(0);
  });

  it('a request that is no longer Open is not asked about', async () => {
    // Prepare
    table.seed(approverAssignmentItem('cmm', 'EMEA', people.sam), mdfRequestItem({ status: 'Canceled', currentLevel: undefined }));

    // Act
    const result = await askCmm();

    // Assess
    expect(result).toMatchObject({ opened: false });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(emailsSent(ses)).toHaveLength(0);
  });
});
