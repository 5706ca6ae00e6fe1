import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler as api } from '#http/loa-requests';
import { handler as issueLetter } from '#workflow/loa-issue-letter';
import { handler as renderLetterTask } from '#workflow/loa-render-letter';
import { handler as sweepHandler } from '#sweeps/due-work';
import { dynamoMock, emailMock, onlyTransaction, stepFunctionsMock, storageMock, transactionCanceled, writeProblems, writesSent } from './support/aws.ts';
import { httpEvent, jsonOf, lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { claimsOf, NOW, partnerItem, people } from './support/fixtures.ts';

/**
 * Letters of Authorization, handler by handler: the request (who may ask, what is
 * written), partner isolation, the letter's download, the task that issues the
 * letter once, and the sweep's reminder and expiry, each once.
 */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const s3 = storageMock();
const table = new FakeTable();

const LOA_ID = 'loa_3x8k2m7q9w4e';
const letterBody = {
  legalCompanyName: 'Acme Networks GmbH',
  address: 'Friedrichstraße 68\n10117 Berlin',
  country: 'de',
  contactName: 'Dana Fox',
  contactEmail: 'Dana@Acme.example',
  customerName: 'Deutsche Beispiel AG',
  products: ['GitLab Ultimate'],
};

/** Signed on 23 November 2026 (EMEA, London): valid through 22 November 2027. */
const validity = {
  letterDate: '2026-11-23',
  validThrough: '2027-11-22',
  expiresOn: '2027-11-23',
  expiresAt: '2027-11-23T00:00:00.000Z',
  reminderAt: '2027-10-24T08:00:00.000Z',
};

const loaItem = (overrides: Record<string, unknown> = {}) => {
  const status = String(overrides.status ?? 'Issued');
  return {
    pk: `LOA#${LOA_ID}`,
    sk: 'LOA',
    entity: 'loa-request',
    gsi1pk: 'PARTNER#ptn_acme#LOA',
    gsi1sk: `2026-11-20T09:00:00.000Z#${LOA_ID}`,
    gsi2pk: `LOASTATUS#${status}`,
    gsi2sk: `2026-11-20T09:00:00.000Z#${LOA_ID}`,
    id: LOA_ID,
    partnerId: 'ptn_acme',
    partnerName: 'Acme Networks Ltd',
    region: 'EMEA',
    timeZone: 'Europe/London',
    submittedBy: { id: people.dana.id, name: people.dana.name, email: people.dana.email },
    details: { ...letterBody, country: 'DE', contactEmail: 'dana@acme.example' },
    status,
    submittedAt: '2026-11-20T09:00:00.000Z',
    legalInitials: 'LL',
    signedBy: { id: 'usr_pao', name: 'Pat Signer', title: 'Principal Accounting Officer' },
    signedAt: '2026-11-23T10:00:00.000Z',
    validity,
    version: 4,
    updatedAt: '2026-11-23T10:00:00.000Z',
    ...overrides,
  };
};

const dueItem = (step: 'remind' | 'expire', dueAt: string) => ({
  pk: `LOA#${LOA_ID}`,
  sk: 'DUE#loa-validity',
  entity: 'loa-due',
  duePk: 'loa-validity',
  dueAt,
  loaId: LOA_ID,
  step,
  expiresAt: validity.expiresAt,
});

const rawEmails = () =>
  ses.commandCalls(SendRawEmailCommand).map((call) => Buffer.from(call.args[0].input.RawMessage?.Data ?? new Uint8Array()).toString('utf8'));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  s3.reset();
  table.clear();
  table.serve(ddb);
  table.seed(partnerItem(), partnerItem({ id: 'ptn_umbrella', legalName: 'Umbrella Resellers', status: 'Prospect' }));
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('POST /loa-requests', () => {
  it('records the request as entered, its first history event and the review-start watch in one transaction, then starts the workflow', async () => {
    // Act
    const response = await api(httpEvent('POST /loa-requests', { claims: claimsOf(people.dana), body: letterBody }), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(201);
    const items = onlyTransaction(ddb);
    expect(items).toHaveLength(3);
    const request = items[0]?.Put?.Item as Record<string, unknown>;
    expect(request).toMatchObject({
      sk: 'LOA',
      gsi1pk: 'PARTNER#ptn_acme#LOA',
      gsi2pk: 'LOASTATUS#Submitted',
      status: 'Submitted',
      region: 'EMEA',
      details: { ...letterBody, country: 'DE', contactEmail: 'dana@acme.example' },
      submittedBy: { id: people.dana.id, email: people.dana.email },
    });
    expect(items[0]?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(items[1]?.Put?.Item).toMatchObject({ action: 'submitted', to: 'Submitted' });
    expect(items[2]?.Put?.Item).toMatchObject({ duePk: 'loa-review-start', dueAt: new Date(NOW.getTime() + 5 * 60_000).toISOString() });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(request.id);
    expect(JSON.parse(start?.input ?? '{}')).toEqual({ loaId: request.id, decisionTimeoutSeconds: 30 * 86_400 });
  });

  it('a user of a Prospect partner is refused with the rule, and nothing is written', async () => {
    // Act
    const response = await api(
      httpEvent('POST /loa-requests', { claims: claimsOf({ ...people.gil, partnerId: 'ptn_umbrella' }), body: letterBody }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(422);
    expect(jsonOf(response)).toMatchObject({ rule: 'loa.partner-authorized' });
    expect(writesSent(ddb)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('an internal user cannot ask for a letter (403); an unknown field is bad input (400)', async () => {
    const internal = await api(httpEvent('POST /loa-requests', { claims: claimsOf(people.sam), body: letterBody }), lambdaContext());
    const extra = await api(httpEvent('POST /loa-requests', { claims: claimsOf(people.dana), body: { ...letterBody, signedBy: 'me' } }), lambdaContext());
    expect(internal.statusCode).toBe(403);
    expect(extra.statusCode).toBe(400);
    expect(writesSent(ddb)).toHaveLength(0);
  });
});

describe('reading requests and letters', () => {
  beforeEach(() => {
    table.seed(loaItem({ letterKey: `loa/${LOA_ID}/letter.pdf`, letterSentAt: '2026-11-23T10:00:05.000Z' }));
  });

  it("another partner's user gets 404 for the request and its letter, and no link is signed", async () => {
    const detail = await api(httpEvent('GET /loa-requests/{id}', { pathParameters: { id: LOA_ID }, claims: claimsOf(people.gil) }), lambdaContext());
    const letter = await api(httpEvent('GET /loa-requests/{id}/letter', { pathParameters: { id: LOA_ID }, claims: claimsOf(people.gil) }), lambdaContext());
    const internal = await api(httpEvent('GET /loa-requests/{id}/letter', { pathParameters: { id: LOA_ID }, claims: claimsOf(people.sam) }), lambdaContext());
    expect(detail.statusCode).toBe(404);
    expect(letter.statusCode).toBe(404);
    expect(internal.statusCode).toBe(404);
  });

  it('any user of the partner reads it with its letter date and expiry, and gets a five-minute link to the private letter', async () => {
    // Act
    const detail = await api(httpEvent('GET /loa-requests/{id}', { pathParameters: { id: LOA_ID }, claims: claimsOf(people.pat) }), lambdaContext());
    const letter = await api(httpEvent('GET /loa-requests/{id}/letter', { pathParameters: { id: LOA_ID }, claims: claimsOf(people.pat) }), lambdaContext());

    // Assess
    expect(jsonOf(detail)).toMatchObject({ status: 'Issued', letter: { letterDate: '2026-11-23', validThrough: '2027-11-22', expiresAt: validity.expiresAt, available: true } });
    const url = new URL(String(jsonOf(letter).url));
    expect(url.pathname).toContain(`/loa/${LOA_ID}/letter.pdf`);
    expect(url.hostname).toContain('channel-prm-attachments-test');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('a request not signed yet has no letter: 409', async () => {
    table.seed(loaItem({ status: 'Legal Review', validity: undefined, signedBy: undefined }));
    const letter = await api(httpEvent('GET /loa-requests/{id}/letter', { pathParameters: { id: LOA_ID }, claims: claimsOf(people.dana) }), lambdaContext());
    expect(letter.statusCode).toBe(409);
    expect(jsonOf(letter)).toMatchObject({ rule: 'loa.letter-issued' });
  });
});

/** The letter as RenderLetter hands it to SendLetter. */
const rendered = async (): Promise<string> => {
  const { pdf } = await renderLetterTask({ request: loaItem() }, lambdaContext('loa-render-letter'));
  return pdf;
};
const sendLetter = async () => issueLetter({ step: 'send', loaId: LOA_ID, pdf: await rendered() }, lambdaContext('loa-issue-letter'));

describe('the tasks that issue the letter', () => {
  it('prepare: a signed letter not sent yet is handed to rendering with the request as approved; otherwise nothing is to send', async () => {
    table.seed(loaItem());
    const due = await issueLetter({ step: 'prepare', loaId: LOA_ID }, lambdaContext('loa-issue-letter'));
    expect(due).toMatchObject({ send: true, request: { id: LOA_ID, status: 'Issued', legalInitials: expect.any(String) } });

    table.clear();
    table.seed(partnerItem(), loaItem({ letterSentAt: '2026-11-23T10:00:05.000Z' }));
    expect(await issueLetter({ step: 'prepare', loaId: LOA_ID }, lambdaContext('loa-issue-letter'))).toEqual({ send: false, status: 'Issued' });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('render: the PDF comes back base64-encoded, touching no AWS service', async () => {
    const pdf = Buffer.from(await rendered(), 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(ddb.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('send: something that is not a PDF is refused before anything is stored or sent', async () => {
    table.seed(loaItem());
    await expect(issueLetter({ step: 'send', loaId: LOA_ID, pdf: Buffer.from('<html>').toString('base64') }, lambdaContext('loa-issue-letter'))).rejects.toThrow('not a PDF');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(rawEmails()).toHaveLength(0);
  });

  it('stores the PDF under its own key, marks the letter sent, then emails it attached, once', async () => {
    // Prepare
    table.seed(loaItem());

    // Act
    const result = await sendLetter();

    // Assess
    expect(result).toEqual({ sent: true, letterKey: `loa/${LOA_ID}/letter.pdf` });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Bucket: 'channel-prm-attachments-test', Key: `loa/${LOA_ID}/letter.pdf`, ContentType: 'application/pdf' });
    expect(Buffer.from(put?.Body as Uint8Array).subarray(0, 5).toString()).toBe('%PDF-');
    const mark = onlyTransaction(ddb)[0]?.Update;
    expect(mark?.ConditionExpression).toBe('#status = :issued AND attribute_not_exists(letterSentAt)');
    const [raw] = rawEmails();
    expect(rawEmails()).toHaveLength(1);
    expect(raw).toContain('To: dana@acme.example');
    expect(raw).toContain('Subject: Signed: Letter of Authorization for Acme Networks GmbH');
    expect(raw).toContain(`Content-Type: application/pdf; name="letter-of-authorization-${LOA_ID}.pdf"`);
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.calledBefore(ses.commandCalls(SendRawEmailCommand)[0]!)).toBe(true);
  });

  it('a retry after the letter went sends nothing again', async () => {
    // Prepare: the first run marked it sent
    table.seed(loaItem({ letterKey: `loa/${LOA_ID}/letter.pdf`, letterSentAt: '2026-11-23T10:00:05.000Z' }));

    // Act
    const result = await sendLetter();

    // Assess
    expect(result).toMatchObject({ sent: false });
    expect(rawEmails()).toHaveLength(0);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('when another run marked it first (the conditional write is refused), no email goes out', async () => {
    table.seed(loaItem());
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'None'));
    const result = await sendLetter();
    expect(result).toEqual({ sent: false });
    expect(rawEmails()).toHaveLength(0);
  });

  it('when the email fails, the mark is given back and the task fails, so that its retry sends it', async () => {
    // Prepare
    table.seed(loaItem());
    ses.on(SendRawEmailCommand).rejects(Object.assign(new Error('Throttling'), { name: 'Throttling' }));

    // Act
    const run = sendLetter();

    // Assess
    await expect(run).rejects.toThrow('Throttling');
    const giveBack = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(giveBack).toMatchObject({ UpdateExpression: 'REMOVE letterSentAt', ConditionExpression: 'letterSentAt = :at', ExpressionAttributeValues: { ':at': NOW.toISOString() } });
  });
});

describe('the validity sweep', () => {
  const runSweep = () => sweepHandler({}, lambdaContext('due-work'));

  it('30 days before, the partner is reminded once: the due work moves to the expiry first', async () => {
    // Prepare
    vi.setSystemTime(new Date('2027-10-24T08:00:00.000Z'));
    table.seed(loaItem(), dueItem('remind', validity.reminderAt));

    // Act
    const report = await runSweep();

    // Assess
    expect(report.kinds['loa-validity']).toMatchObject({ done: 1, skipped: 0, failed: 0 });
    const items = onlyTransaction(ddb);
    expect(items[0]?.Put).toMatchObject({ Item: { dueAt: validity.expiresAt, step: 'expire' }, ConditionExpression: 'dueAt = :from', ExpressionAttributeValues: { ':from': validity.reminderAt } });
    expect(items[1]?.Put?.Item).toMatchObject({ action: 'expiry-reminder-sent' });
    const sent = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input.Message?.Subject?.Data);
    expect(sent).toEqual(['Expires soon: Letter of Authorization for Acme Networks GmbH']);
    expect(rawEmails()).toHaveLength(0);
  });

  it('a sweep that finds the reminder already moved (refused) sends nothing', async () => {
    vi.setSystemTime(new Date('2027-10-24T08:00:00.000Z'));
    table.seed(loaItem(), dueItem('remind', validity.reminderAt));
    ddb.on(TransactWriteCommand).rejects(transactionCanceled('ConditionalCheckFailed', 'None'));
    const report = await runSweep();
    expect(report.kinds['loa-validity']).toMatchObject({ done: 0, skipped: 1 });
    expect(ses.calls()).toHaveLength(0);
  });

  it('at 00:00 of the anniversary the letter is Expired and the partner told, in one conditional transaction', async () => {
    // Prepare
    vi.setSystemTime(new Date(validity.expiresAt));
    table.seed(loaItem(), dueItem('expire', validity.expiresAt));

    // Act
    await runSweep();

    // Assess
    const items = onlyTransaction(ddb);
    expect(items[0]?.Update).toMatchObject({ ConditionExpression: '#status = :from', ExpressionAttributeValues: { ':from': 'Issued', ':to': 'Expired', ':queue': 'LOASTATUS#Expired' } });
    expect(items[1]?.Delete).toMatchObject({ ConditionExpression: 'dueAt = :dueAt' });
    expect(items[2]?.Put?.Item).toMatchObject({ action: 'expired', from: 'Issued', to: 'Expired' });
    expect(ses.calls()).toHaveLength(1);
  });

  it('a request that is not an issued letter (refused meanwhile) only leaves the due index: no email', async () => {
    vi.setSystemTime(new Date(validity.expiresAt));
    table.seed(loaItem({ status: 'Refused' }), dueItem('expire', validity.expiresAt));
    const report = await runSweep();
    expect(report.kinds['loa-validity']).toMatchObject({ skipped: 1 });
    expect(onlyTransaction(ddb)).toEqual([expect.objectContaining({ Delete: expect.objectContaining({ Key: { pk: `LOA#${LOA_ID}`, sk: 'DUE#loa-validity' } }) })]);
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('a review that did not open', () => {
  const reviewStart = { pk: `LOA#${LOA_ID}`, sk: 'DUE#loa-review-start', entity: 'loa-due', duePk: 'loa-review-start', dueAt: '2026-11-23T09:05:00.000Z', loaId: LOA_ID };

  it('the sweep starts the workflow of a request still Submitted (named after it) and clears the watch', async () => {
    // Prepare
    table.seed(loaItem({ status: 'Submitted', validity: undefined, signedBy: undefined, signedAt: undefined, legalInitials: undefined }), reviewStart);

    // Act
    const report = await sweepHandler({}, lambdaContext('due-work'));

    // Assess
    expect(report.kinds['loa-review-start']).toMatchObject({ done: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toMatchObject({ name: LOA_ID, stateMachineArn: expect.stringContaining('loa-request') });
    expect(onlyTransaction(ddb)[0]?.Delete).toMatchObject({ Key: { pk: `LOA#${LOA_ID}`, sk: 'DUE#loa-review-start' }, ConditionExpression: 'dueAt = :dueAt' });
  });

  it('a request already decided is not started again; the watch is only cleared', async () => {
    table.seed(loaItem({ status: 'Refused' }), reviewStart);
    const report = await sweepHandler({}, lambdaContext('due-work'));
    expect(report.kinds['loa-review-start']).toMatchObject({ done: 0, skipped: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
