import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import {
  call,
  emailsTo,
  eventually,
  linkIn,
  moveClockTo,
  noticeOf,
  people,
  postForm,
  runSweep,
  signIn,
  uniqueName,
  waitForEmail,
} from './support.ts';

/**
 * Letters of Authorization on the running local stack, as people use them: a partner
 * user asks; ecosystem operations, legal and the PAO decide on the links in their
 * email; the partner reads the signed letter attached to an email and downloads it
 * again; the clock moves to the reminder and the expiry.
 */
const ops = 'ops.emea@channel.example';
const legal = 'legal@channel.example';
const pao = 'pao@channel.example';

const letterBody = (company: string, extra: Record<string, unknown> = {}) => ({
  legalCompanyName: company,
  address: 'Friedrichstraße 68\n10117 Berlin',
  country: 'DE',
  contactName: 'Alice Acme',
  contactEmail: 'alice@acme.example',
  customerName: 'Deutsche Beispiel AG',
  products: ['GitLab Ultimate', 'GitLab Duo Pro'],
  ...extra,
});

const ask = async (company: string, who: string = people.alice, extra: Record<string, unknown> = {}) => {
  const answer = await call('POST', '/loa-requests', { as: who, body: letterBody(company, extra), headers: { 'idempotency-key': uniqueName('loa') } });
  if (answer.status !== 201) throw new Error(`Request refused: ${answer.status} ${answer.text}`);
  return answer.body as { id: string; status: string };
};

const read = async (id: string, who: string = people.alice) => call('GET', `/loa-requests/${id}`, { as: who });

const waitForStatus = (id: string, status: string) =>
  eventually(async () => {
    const request = (await read(id)).body;
    if (request.status !== status) throw new Error(`${id} is ${request.status}, not ${status}`);
    return request;
  });

/** The reviewer's email about this company (its subject names it) and its link. */
const linkFor = async (to: string, company: string) => linkIn(await waitForEmail(to, `"${company} for`));

const approveAll = async (company: string, initials = 'LL') => {
  for (const [who, fields] of [
    [ops, { decision: 'approve' }],
    [legal, { decision: 'approve', initials }],
    [pao, { decision: 'approve' }],
  ] as const) {
    const page = await postForm(await linkFor(who, company), fields);
    if (page.status !== 200) throw new Error(`${who} could not approve: ${page.status} ${noticeOf(page.html)}`);
  }
};

const toPartner = (what: string, company: string) => `${what}: Letter of Authorization for ${company}`;

const pdfText = async (base64: string): Promise<string> => {
  const pdf = await getDocumentProxy(new Uint8Array(Buffer.from(base64, 'base64')));
  return (await extractText(pdf, { mergePages: true })).text;
};

describe('asking for a Letter of Authorization', () => {
  it('a user of a partner that is not Authorized is refused with the reason', async () => {
    // Act
    const answer = await call('POST', '/loa-requests', { as: people.uma, body: letterBody('Umbrella Resellers Ltd'), headers: { 'idempotency-key': uniqueName('loa') } });

    // Assess
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ rule: 'loa.partner-authorized' });
    expect(answer.body.detail).toContain('Prospect');
  });

  it('bad details are a 400 naming each field; a letter for neither customer nor tender is refused by rule', async () => {
    // Act
    const bad = await call('POST', '/loa-requests', {
      as: people.alice,
      body: { ...letterBody('Acme Cloud Partners GmbH'), country: 'XX', contactEmail: 'not-an-email', products: [] },
      headers: { 'idempotency-key': uniqueName('loa') },
    });
    const { customerName: _customer, ...withoutCustomer } = letterBody('Acme Cloud Partners GmbH');
    const neither = await call('POST', '/loa-requests', { as: people.alice, body: withoutCustomer, headers: { 'idempotency-key': uniqueName('loa') } });

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['contactEmail', 'country', 'products']);
    expect(neither.status).toBe(422);
    expect(neither.body).toMatchObject({ rule: 'loa.customer-or-tender' });
  });
});

describe('Idempotency-Key', () => {
  it('the same key and body answer the first request again; the same key with other details is refused', async () => {
    // Prepare
    const key = uniqueName('loa-key');
    const body = letterBody(uniqueName('Acme Once GmbH'));

    // Act
    const first = await call('POST', '/loa-requests', { as: people.alice, body, headers: { 'idempotency-key': key } });
    const again = await call('POST', '/loa-requests', { as: people.alice, body, headers: { 'idempotency-key': key } });
    const other = await call('POST', '/loa-requests', { as: people.alice, body: { ...body, customerName: 'Someone Else AG' }, headers: { 'idempotency-key': key } });
    const mine = await call('GET', '/loa-requests', { as: people.alice });

    // Assess
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(other.status).toBe(422);
    expect(mine.body.items.filter((item: { legalCompanyName: string }) => item.legalCompanyName === body.legalCompanyName)).toHaveLength(1);
  });
});

describe('the signed letter', () => {
  it('operations confirm, legal initials, the PAO signs: the partner receives the PDF, which holds the company, the signer and the validity date', async () => {
    // Prepare
    const company = uniqueName('Acme Cloud Partners GmbH');
    const request = await ask(company);
    expect(request.status).toBe('Submitted');
    expect((await waitForEmail(people.alice, toPartner('Received', company))).body.text).toContain('submit a new request');

    // Act: legal first forgets the initials (the page says so and the level stays open), then approves with them
    const opsPage = await postForm(await linkFor(ops, company), { decision: 'approve' });
    const legalLink = await linkFor(legal, company);
    const withoutInitials = await postForm(legalLink, { decision: 'approve', initials: '' });
    const legalPage = await postForm(legalLink, { decision: 'approve', initials: 'll' });
    const paoPage = await postForm(await linkFor(pao, company), { decision: 'approve' });
    const email = await waitForEmail(people.alice, toPartner('Signed', company));

    // Assess: the pages
    expect(opsPage.status).toBe(200);
    expect(withoutInitials.status).toBe(422);
    expect(noticeOf(withoutInitials.html)).toContain('two to four letters');
    expect(legalPage.status).toBe(200);
    expect(paoPage.status).toBe(200);

    // the request: Issued, dated, valid for a year
    const issued = await waitForStatus(request.id, 'Issued');
    const { letterDate, validThrough, expiresAt } = issued.letter;
    expect(issued.legalInitials).toBe('LL');
    expect(issued.letter.signedBy).toEqual({ name: 'Pat Signer', title: 'Principal Accounting Officer' });
    expect(Number(validThrough.slice(0, 4))).toBe(Number(letterDate.slice(0, 4)) + (letterDate.slice(5) === '01-01' ? 0 : 1));
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.parse(`${validThrough}T00:00:00Z`));

    // the email: one PDF attached, whose text holds the company name, the signer and the validity date
    const attachments = email.attachments ?? [];
    expect(attachments).toHaveLength(1);
    expect(attachments[0]?.contentType).toBe('application/pdf');
    const text = (await pdfText(attachments[0]?.content ?? '')).replace(/\s+/g, ' ');
    const [year, month, day] = validThrough.split('-').map(Number);
    const validThroughInWords = `${day} ${new Date(Date.UTC(year, month - 1, day)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${year}`;
    expect(text).toContain(company);
    expect(text).toContain('Pat Signer');
    expect(text).toContain('Principal Accounting Officer');
    expect(text).toContain(`through ${validThroughInWords}`);
    expect(text).toContain('Approved by legal: LL');
    expect(text).toContain('Deutsche Beispiel AG');

    // the download: a short-lived link to the same private file
    const download = await call('GET', `/loa-requests/${request.id}/letter`, { as: people.bob });
    expect(download.status).toBe(200);
    const file = await fetch(download.body.url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).toString('base64')).toBe(attachments[0]?.content);
    const listed = await call('GET', '/loa-requests', { as: people.alice });
    expect(listed.body.items.find((item: { id: string }) => item.id === request.id)).toMatchObject({ status: 'Issued', letterDate, validThrough, expiresAt });
  });

  it("another partner's user finds neither the request nor its letter; the letter is only behind a short-lived signed link", async () => {
    // Prepare
    const company = uniqueName('Acme Isolation GmbH');
    const request = await ask(company);
    await approveAll(company);
    await waitForStatus(request.id, 'Issued');
    const own = await eventually(async () => {
      const answer = await call('GET', `/loa-requests/${request.id}/letter`, { as: people.alice });
      if (answer.status !== 200) throw new Error(`letter not ready: ${answer.status}`);
      return answer;
    });

    // Act
    const detail = await call('GET', `/loa-requests/${request.id}`, { as: people.gina });
    const letter = await call('GET', `/loa-requests/${request.id}/letter`, { as: people.gina });
    const list = await call('GET', '/loa-requests', { as: people.gina });
    const signed = new URL(own.body.url);

    // Assess
    expect(detail.status).toBe(404);
    expect(letter.status).toBe(404);
    expect(list.body.items.some((item: { id: string }) => item.id === request.id)).toBe(false);
    // the partner's own link is signed and lives five minutes (the bucket itself blocks public access: test/infra)
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(signed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.pathname).toContain(`/loa/${request.id}/letter.pdf`);
  });
});

describe('refusals', () => {
  it('a refusal by legal ends the request: the partner is told why, the PAO is never asked, no letter exists', async () => {
    // Prepare
    const company = uniqueName('Acme Refused GmbH');
    const request = await ask(company);
    await postForm(await linkFor(ops, company), { decision: 'approve' });

    // Act
    const page = await postForm(await linkFor(legal, company), { decision: 'deny', reason: 'The customer is on the restricted list' });
    const told = await waitForEmail(people.alice, toPartner('Refused', company));

    // Assess
    expect(page.status).toBe(200);
    expect(told.body.text).toContain('The customer is on the restricted list');
    const refused = await waitForStatus(request.id, 'Refused');
    expect(refused.outcomeReason).toBe('The customer is on the restricted list');
    expect(refused.history.at(-1)).toMatchObject({ by: 'Legal', from: 'Legal Review', to: 'Refused', reason: 'The customer is on the restricted list' });
    expect(await emailsTo(pao, `"${company} for`)).toHaveLength(0);
    expect((await call('GET', `/loa-requests/${request.id}/letter`, { as: people.alice })).status).toBe(409);
  });

  it('reviewers can decide through the API too: operations refuse with a reason', async () => {
    // Prepare
    const company = uniqueName('Acme Api Refusal GmbH');
    const request = await ask(company);
    await linkFor(ops, company);

    // Act
    const decided = await call('POST', `/loa-requests/${request.id}/decision`, {
      headers: { authorization: `Bearer ${await signIn(ops)}` },
      body: { decision: 'deny', reason: 'Not an authorized reseller of these products' },
    });
    const partnerTries = await call('POST', `/loa-requests/${request.id}/decision`, { as: people.alice, body: { decision: 'approve' } });

    // Assess
    expect(decided.status).toBe(200);
    expect(decided.body.request.status).toBe('Refused');
    expect(partnerTries.status).toBe(404);
    expect((await waitForEmail(people.alice, toPartner('Refused', company))).body.text).toContain('Not an authorized reseller of these products');
  });
});

describe('decisions through the API', () => {
  it('operations confirm, legal must give initials, the PAO refuses with a reason: each the holder of the pending level only', async () => {
    // Prepare
    const company = uniqueName('Acme Api Path GmbH');
    const request = await ask(company);
    await linkFor(ops, company);
    const as = async (who: string, body: Record<string, unknown>) =>
      call('POST', `/loa-requests/${request.id}/decision`, { headers: { authorization: `Bearer ${await signIn(who)}` }, body });

    // Act
    const legalTooEarly = await as(legal, { decision: 'approve', initials: 'LL' });
    const confirmed = await as(ops, { decision: 'approve' });
    await linkFor(legal, company);
    const noInitials = await as(legal, { decision: 'approve' });
    const initialled = await as(legal, { decision: 'approve', initials: 'lee' });
    await linkFor(pao, company);
    const refused = await as(pao, { decision: 'deny', reason: 'The tender requires a local entity' });

    // Assess
    expect(legalTooEarly.status).toBe(404);
    expect(confirmed.body.request.status).toBe('Legal Review');
    expect(noInitials.status).toBe(422);
    expect(noInitials.body).toMatchObject({ rule: 'loa.initials' });
    expect(initialled.body.request).toMatchObject({ status: 'Awaiting Signature', legalInitials: 'LEE' });
    expect(refused.body.request).toMatchObject({ status: 'Refused', outcomeReason: 'The tender requires a local entity' });
    expect((await waitForEmail(people.alice, toPartner('Refused', company))).body.text).toContain('The tender requires a local entity');
  });
});

describe('validity: a reminder 30 days before, then Expired', () => {
  it('the partner is reminded once and told once of the expiry, however often the sweep runs; a refused request hears nothing', async () => {
    // Prepare: one letter signed, one request refused
    const company = uniqueName('Acme Yearly GmbH');
    const request = await ask(company);
    await approveAll(company);
    const issued = await waitForStatus(request.id, 'Issued');
    await waitForEmail(people.alice, toPartner('Signed', company));
    const refusedCompany = uniqueName('Acme Never GmbH');
    const refused = await ask(refusedCompany);
    await postForm(await linkFor(ops, refusedCompany), { decision: 'deny', reason: 'Duplicate request' });
    await waitForStatus(refused.id, 'Refused');
    const expiresAt = Date.parse(issued.letter.expiresAt);
    const reminderAt = expiresAt - 30 * 86_400_000;
    const reminders = () => emailsTo(people.alice, toPartner('Expires soon', company));
    const expiries = () => emailsTo(people.alice, toPartner('Expired', company));

    // Act: a day before the reminder nothing; then the reminder, swept three times
    await moveClockTo(reminderAt - 86_400_000);
    const beforeReminder = (await reminders()).length;
    await moveClockTo(reminderAt + 9 * 3_600_000);
    await runSweep();
    await runSweep();
    const afterReminder = await reminders();
    const stillIssued = (await read(request.id)).body.status;

    // then the anniversary: Expired, swept three times
    await moveClockTo(expiresAt + 60_000);
    await runSweep();
    await runSweep();
    const expired = await waitForStatus(request.id, 'Expired');

    // Assess
    expect(beforeReminder).toBe(0);
    expect(afterReminder).toHaveLength(1);
    expect(afterReminder[0]?.body.text).toContain('valid through');
    expect(stillIssued).toBe('Issued');
    expect(await expiries()).toHaveLength(1);
    expect(expired.history.map((event: { action: string }) => event.action)).toEqual(expect.arrayContaining(['expiry-reminder-sent', 'expired']));
    expect(expired.history.filter((event: { action: string }) => event.action === 'expired')).toHaveLength(1);
    expect(await emailsTo(people.alice, toPartner('Expires soon', refusedCompany))).toHaveLength(0);
    expect(await emailsTo(people.alice, toPartner('Expired', refusedCompany))).toHaveLength(0);
    expect((await read(refused.id)).body.status).toBe('Refused');
    // the expired letter is still the partner's to download
    expect((await call('GET', `/loa-requests/${request.id}/letter`, { as: people.alice })).status).toBe(200);
  });
});
