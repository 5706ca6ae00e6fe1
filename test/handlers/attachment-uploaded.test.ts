import { DeleteObjectCommand, HeadObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { GetCommand, TransactWriteCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#storage/attachment-uploaded';
import { dynamoMock, emailMock, onlyTransaction, stepFunctionsMock, storageMock, transactionCanceled, writeProblems, writesSent } from './support/aws.ts';
import { lambdaContext, s3Event } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { attachmentItem, CLAIM_ID, claimItem, leadListFile, NOW, PROOF_ID, proofFile, TASK_TOKEN, LEAD_LIST_ID } from './support/fixtures.ts';

/**
 * A file lands in the attachments bucket: it is recorded against its claim once,
 * if it is what the partner declared; anything else is rejected and deleted. When
 * the review waits for that kind of proof, it resumes.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const s3 = storageMock();
const table = new FakeTable();

const BUCKET = 'channel-prm-attachments-test';
const proofKey = `claims/${CLAIM_ID}/${PROOF_ID}`;
const leadListKey = `claims/${CLAIM_ID}/${LEAD_LIST_ID}`;

const notify = (keys: string[], eventName?: string) => handler(s3Event(keys, eventName), lambdaContext('attachment-uploaded'));

/** What S3 says of the object: its size and the type the browser sent. */
const objectIs = (sizeBytes: number, contentType: string) => s3.on(HeadObjectCommand).resolves({ ContentLength: sizeBytes, ContentType: contentType, $metadata: {} });

const s3Error = (name: string, httpStatusCode: number) =>
  new S3ServiceException({ name, $fault: httpStatusCode < 500 ? 'client' : 'server', $metadata: { httpStatusCode }, message: name });

/** The one conditional update that ends a wait for proof, if it was sent. */
/** The conditional clear of the claim's wait, made only after the workflow was told. */
const proofArrivedUpdates = () =>
  ddb.commandCalls(UpdateCommand).filter((call) => String(call.args[0].input.ConditionExpression).includes('proofTaskToken = :token'));
/** The strongly consistent read of the claim that asks whether its review waits for a proof. */
const waitReads = () => ddb.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.sk === 'CLAIM');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  s3.reset();
  table.clear();
  table.serve(ddb);
  // Dana's claim with both files declared, none uploaded yet
  table.seed(claimItem(), attachmentItem(proofFile()), attachmentItem(leadListFile()));
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('a file arrives in the attachments bucket', () => {
  it('the file the partner declared is recorded as Uploaded with its history, once', async () => {
    // Prepare: a 1.8 MB PDF for the 2 MB declared
    objectIs(1_800_000, 'application/pdf');

    // Act
    const result = await notify([proofKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['recorded'] });
    expect(s3.commandCalls(HeadObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: BUCKET, Key: proofKey }]);
    const items = onlyTransaction(ddb);
    expect(items).toHaveLength(2);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: `CLAIM#${CLAIM_ID}`, sk: `ATTACHMENT#${PROOF_ID}` },
      UpdateExpression: 'SET #status = :uploaded, uploadedAt = :at, sizeBytes = :size',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeValues: { ':uploaded': 'Uploaded', ':pending': 'Pending', ':size': 1_800_000, ':at': NOW.toISOString() },
    });
    expect(items[1]?.Put?.Item).toMatchObject({
      pk: `CLAIM#${CLAIM_ID}`,
      action: 'attachment-added',
      by: { kind: 'system' },
      details: { attachmentId: PROOF_ID, kind: 'proof-of-performance', fileName: 'seminar-photos.pdf' },
    });
    // the attachment was read strongly consistent (the notification may come right after the declaration)
    const attachmentRead = ddb.commandCalls(GetCommand).find((call) => call.args[0].input.Key?.sk === `ATTACHMENT#${PROOF_ID}`);
    expect(attachmentRead?.args[0].input.ConsistentRead).toBe(true);
    // nobody waited for it: the claim is read (consistently), nothing resumes, nothing is cleared
    expect(waitReads().map((call) => call.args[0].input.ConsistentRead)).toEqual([true]);
    expect(proofArrivedUpdates()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('a content type with parameters (text/csv; charset=utf-8) is the declared text/csv', async () => {
    // Prepare
    objectIs(9_000, 'text/csv; charset=utf-8');

    // Act
    const result = await notify([leadListKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['recorded'] });
    expect(onlyTransaction(ddb)[0]?.Update?.ExpressionAttributeValues).toMatchObject({ ':uploaded': 'Uploaded', ':size': 9_000 });
  });

  it('when the review waits for this kind of proof, the workflow is told with the stored token, then the wait is cleared', async () => {
    // Prepare: Sam marked the lead list missing; the claim keeps the workflow's token
    table.seed(claimItem({ awaitingProof: { kind: 'lead-list', since: '2026-11-23T08:00:00.000Z' }, proofTaskToken: TASK_TOKEN }));
    objectIs(9_000, 'text/csv');

    // Act
    const result = await notify([leadListKey]);

    // Assess: recorded first
    expect(result).toEqual({ outcomes: ['recorded'] });
    expect(onlyTransaction(ddb)[0]?.Update?.Key).toEqual({ pk: `CLAIM#${CLAIM_ID}`, sk: `ATTACHMENT#${LEAD_LIST_ID}` });
    // then the workflow is told, with the token it waits on
    const successes = sfn.commandCalls(SendTaskSuccessCommand);
    expect(successes).toHaveLength(1);
    expect(successes[0]!.args[0].input).toEqual({ taskToken: TASK_TOKEN, output: JSON.stringify({ kind: 'lead-list' }) });
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(successes[0]!)).toBe(true);
    // and only then the wait ends, conditionally on that very token
    const updates = proofArrivedUpdates();
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toMatchObject({
      Key: { pk: `CLAIM#${CLAIM_ID}`, sk: 'CLAIM' },
      UpdateExpression: 'SET updatedAt = :at REMOVE awaitingProof, proofTaskToken',
      ConditionExpression: 'proofTaskToken = :token',
      ExpressionAttributeValues: { ':token': TASK_TOKEN },
    });
    expect(successes[0]!.calledBefore(updates[0]!)).toBe(true);
  });

  it('a file of another kind than the one awaited does not resume the review', async () => {
    // Prepare: the lead list is awaited, a proof of performance arrives
    table.seed(claimItem({ awaitingProof: { kind: 'lead-list', since: '2026-11-23T08:00:00.000Z' }, proofTaskToken: TASK_TOKEN }));
    objectIs(1_800_000, 'application/pdf');

    // Act
    const result = await notify([proofKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['recorded'] });
    expect(proofArrivedUpdates()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('an object bigger than declared is marked Rejected with the reason, and deleted', async () => {
    // Prepare: 3 MB for the 2 MB declared
    objectIs(3_000_000, 'application/pdf');

    // Act
    const result = await notify([proofKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['rejected'] });
    const items = onlyTransaction(ddb);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: `CLAIM#${CLAIM_ID}`, sk: `ATTACHMENT#${PROOF_ID}` },
      ConditionExpression: '#status = :pending',
      ExpressionAttributeValues: { ':rejected': 'Rejected', ':pending': 'Pending' },
    });
    expect(String(items[0]?.Update?.ExpressionAttributeValues?.[':reason'])).toContain('3000000 bytes');
    expect(items[1]?.Put?.Item).toMatchObject({ action: 'attachment-rejected' });
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: BUCKET, Key: proofKey }]);
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(s3.commandCalls(DeleteObjectCommand)[0]!)).toBe(true);
    // a rejected file resumes nothing
    expect(proofArrivedUpdates()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('an object of another type than declared (HTML for a PDF) is marked Rejected and deleted', async () => {
    // Prepare
    objectIs(1_000, 'text/html');

    // Act
    const result = await notify([proofKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['rejected'] });
    const reject = onlyTransaction(ddb)[0]?.Update;
    expect(reject?.ExpressionAttributeValues).toMatchObject({ ':rejected': 'Rejected' });
    expect(String(reject?.ExpressionAttributeValues?.[':reason'])).toContain('text/html');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });

  it('a repeated notification for an attachment already Uploaded writes nothing and deletes nothing (nobody waits)', async () => {
    // Prepare
    table.seed(attachmentItem(proofFile({ status: 'Uploaded', sizeBytes: 1_800_000 })));
    objectIs(1_800_000, 'application/pdf');

    // Act
    const result = await notify([proofKey]);

    // Assess: it only checks whether a review still waits for that proof
    expect(result).toEqual({ outcomes: ['recorded'] });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('two notifications racing: the one whose transaction is refused does nothing more', async () => {
    // Prepare: the other delivery recorded the attachment between this read and this write
    objectIs(1_800_000, 'application/pdf');
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'None'));

    // Act
    const result = await notify([proofKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['ignored'] });
    expect(proofArrivedUpdates()).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    { what: 'outside claims/', key: 'exports/ledger.csv' },
    { what: 'deeper than claim/attachment', key: `claims/${CLAIM_ID}/${PROOF_ID}/extra` },
    { what: 'with a path trick', key: `claims/../${CLAIM_ID}/${PROOF_ID}` },
  ])('a key $what is ignored: nothing read, written or deleted', async ({ key }) => {
    // Act
    const result = await notify([key]);

    // Assess
    expect(result).toEqual({ outcomes: ['ignored'] });
    expect(ddb.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('a key the claim never declared is ignored and left alone', async () => {
    // Prepare
    objectIs(1_000, 'application/pdf');

    // Act
    const result = await notify([`claims/${CLAIM_ID}/att_neverdeclared001`]);

    // Assess
    expect(result).toEqual({ outcomes: ['ignored'] });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('an object already gone (S3 answers 403 without ListBucket) is ignored without throwing', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(s3Error('Forbidden', 403));

    // Act
    const result = await notify([proofKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['ignored'] });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('an object already gone (404 NotFound) is ignored too', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));

    // Act
    const result = await notify([proofKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['ignored'] });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('S3 failing (503) fails the invocation so the notification is delivered again', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(s3Error('ServiceUnavailable', 503));

    // Act
    const notifying = notify([proofKey]);

    // Assess
    await expect(notifying).rejects.toThrow();
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a removal notification is not an upload: nothing happens', async () => {
    // Act
    const result = await notify([proofKey], 'ObjectRemoved:Delete');

    // Assess
    expect(result).toEqual({ outcomes: [] });
    expect(ddb.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('two files in one notification are each recorded', async () => {
    // Prepare
    s3.on(HeadObjectCommand, { Key: proofKey }).resolves({ ContentLength: 1_800_000, ContentType: 'application/pdf' });
    s3.on(HeadObjectCommand, { Key: leadListKey }).resolves({ ContentLength: 9_000, ContentType: 'text/csv' });

    // Act
    const result = await notify([proofKey, leadListKey]);

    // Assess
    expect(result).toEqual({ outcomes: ['recorded', 'recorded'] });
    expect(ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems?.[0]?.Update?.Key?.sk)).toEqual([
      `ATTACHMENT#${PROOF_ID}`,
      `ATTACHMENT#${LEAD_LIST_ID}`,
    ]);
  });
});

describe('when a step fails halfway, the notification is delivered again', () => {
  /** Applies an update of the simple shapes these writes use (`SET a = :v, #b = :w REMOVE c, d`) to the fake table. */
  const apply = (input: { Key?: Record<string, unknown>; UpdateExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }) => {
    const key = input.Key as { pk: string; sk: string };
    const [, sets = '', removes = ''] = /^(?:SET (.*?))?(?: ?REMOVE (.*))?$/.exec(input.UpdateExpression ?? '') ?? [];
    const changes: Record<string, unknown> = {};
    for (const assignment of sets.split(', ').filter(Boolean)) {
      const [name = '', value = ''] = assignment.split(' = ');
      const attribute = input.ExpressionAttributeNames?.[name] ?? name;
      if (value.startsWith(':')) changes[attribute] = input.ExpressionAttributeValues?.[value];
    }
    const item = table.get({ TableName: 'channel-prm-test', Key: key, ConsistentRead: true });
    if (!item) return undefined;
    const after = { ...item, ...changes };
    for (const name of removes.split(', ').filter(Boolean)) delete after[name];
    table.seed(after);
    return item;
  };

  /** DynamoDB as far as these writes go: transactions and updates change the table, a failed wait condition is refused. */
  const writesApply = () => {
    ddb.on(TransactWriteCommand).callsFake((input: { TransactItems: { Update?: Parameters<typeof apply>[0] }[] }) => {
      for (const item of input.TransactItems) if (item.Update) apply(item.Update);
      return {};
    });
    ddb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
      if (String(input.ConditionExpression).includes('awaitingProof.kind')) {
        const claim = table.get({ TableName: input.TableName, Key: input.Key, ConsistentRead: true });
        const awaiting = claim?.awaitingProof as { kind?: string } | undefined;
        if (awaiting?.kind !== input.ExpressionAttributeValues?.[':kind'] || claim?.status !== 'Open') {
          throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
        }
      }
      return { Attributes: apply(input) };
    });
  };

  it('the review waiting for the lead list still resumes when Step Functions could not be told the first time', async () => {
    // Prepare: Sam marked the lead list missing; telling the workflow fails once (throttled)
    table.seed(claimItem({ awaitingProof: { kind: 'lead-list', since: '2026-11-23T08:00:00.000Z' }, proofTaskToken: TASK_TOKEN }));
    objectIs(9_000, 'text/csv');
    writesApply();
    sfn.on(SendTaskSuccessCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({});

    // Act: the first delivery fails, so Lambda delivers the notification again
    await expect(notify([leadListKey])).rejects.toThrow();
    await notify([leadListKey]).catch(() => undefined);

    // Assess: the workflow was told in the end, or its token is still on the claim, in the due index for a retry.
    // Either way the partner's lead list must not end as "not added in time" 30 days later.
    const claimNow = table.get({ TableName: 'channel-prm-test', Key: { pk: `CLAIM#${CLAIM_ID}`, sk: 'CLAIM' }, ConsistentRead: true });
    const told = sfn.commandCalls(SendTaskSuccessCommand).filter((call) => call.args[0].input.taskToken === TASK_TOKEN).length === 2;
    const keptForRetry = claimNow?.proofTaskToken === TASK_TOKEN && typeof claimNow?.duePk === 'string';
    expect(
      told || keptForRetry,
      `the review's task token is lost: workflow told on redelivery=${told}, token on claim=${claimNow?.proofTaskToken === TASK_TOKEN}, due=${String(claimNow?.duePk)}`,
    ).toBe(true);
  });

  it('a rejected file is still deleted when the first delete failed', async () => {
    // Prepare: an HTML page arrived for the PDF declared; S3 fails the first delete
    objectIs(1_000, 'text/html');
    writesApply();
    s3.on(DeleteObjectCommand).rejectsOnce(s3Error('InternalError', 500)).resolves({});

    // Act: the first delivery fails, so Lambda delivers the notification again
    await expect(notify([proofKey])).rejects.toThrow();
    await notify([proofKey]).catch(() => undefined);

    // Assess: the attachment is Rejected, and the file that is not what was declared does not stay in the bucket
    expect(table.get({ TableName: 'channel-prm-test', Key: { pk: `CLAIM#${CLAIM_ID}`, sk: `ATTACHMENT#${PROOF_ID}` } })?.status).toBe('Rejected');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(2);
  });
});
