import { describe, expect, it } from 'vitest';
import {
  addDays,
  call,
  decideByEmail,
  emailsTo,
  isoDay,
  linkIn,
  noticeOf,
  now,
  people,
  postDecision,
  quarterOf,
  readRequest,
  runSweep,
  submitRequest,
  waitForEmail,
  waitForStatus,
  eventually,
} from './support.ts';

/**
 * MDF claims on the running local stack: the money comes back once the activity
 * has ended, with proof uploaded straight to storage, reviewed by the CMM from an
 * emailed link. The partner, the CMM and the budget owner act as people do.
 */
interface Upload {
  attachmentId: string;
  url: string;
  fields: Record<string, string>;
}

/** The three approvers approve from their emails; the request ends Approved. */
const approved = async (options: Parameters<typeof submitRequest>[1] = {}) => {
  const request = await submitRequest(people.alice, { startInDays: 1, ...options });
  for (const approver of [people.cmmEmea, people.leadEmea, people.ppmEmea]) await decideByEmail(approver, `"${request.activityName}"`, 'approve');
  await waitForStatus(request.id, 'Approved');
  return readRequest(request.id);
};

/** The browser's part of a presigned upload: the form fields, then the file. */
const upload = async (target: Upload, content: string, contentType: string, fileName: string) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  form.append('file', new Blob([content], { type: contentType }), fileName);
  const response = await fetch(target.url, { method: 'POST', body: form });
  expect(response.status).toBeLessThan(300);
};

const readClaim = async (id: string, who: string = people.alice) => (await call('GET', `/mdf/claims/${id}`, { as: who })).body;

const moveClockTo = (instant: string) => call('POST', '/_local/clock', { body: { to: instant } });

const budgetOf = async (region: string, quarter: string) =>
  (await call('GET', `/mdf/budgets?region=${region}&quarter=${quarter}`, { as: people.admin })).body.items[0] as {
    totalCents: number;
    reservedCents: number;
    consumedCents: number;
    availableCents: number;
  };

describe('an MDF claim from reminder to invoice', () => {
  it('reminded after the end date, claimed with one file, told the lead list is missing, uploaded, approved: request Closed, budget consumed, invoice asked', async () => {
    // Prepare: an approved request whose activity ends tomorrow
    const request = await approved({ amountRequestedCents: 600_000 });
    const quarter = String(request.quarter);
    const budgetBefore = await budgetOf('EMEA', quarter);

    // Act 1: two days after the end date the partner is reminded
    const firstReminder = new Date(Date.parse(`${request.endDate}T09:00:00Z`) + 2 * 86_400_000 + 3_600_000).toISOString();
    await moveClockTo(firstReminder);
    const reminder = await waitForEmail(people.alice, `Reminder: claim your MDF for "${request.activityName}"`);

    // Act 2: the claim with only the proof of performance
    const today = isoDay(await now());
    const title = `Claim for ${request.activityName}`;
    const submitted = await call('POST', `/mdf/requests/${request.id}/claims`, {
      as: people.alice,
      body: { title, amountCents: 550_000, paidDate: today, attachments: [{ kind: 'proof-of-performance', fileName: 'photos.pdf', contentType: 'application/pdf', sizeBytes: 2048 }] },
    });
    const confirmation = await waitForEmail(people.alice, `We received your claim "${title}"`);
    await upload(submitted.body.uploads[0], '%PDF-1.4 booth photos', 'application/pdf', 'photos.pdf');
    await eventually(async () => expect((await readClaim(submitted.body.id)).attachments[0].status).toBe('Uploaded'));

    // Act 3: the CMM opens the review, sees the file, and marks the lead list missing
    const reviewEmail = await waitForEmail(people.cmmEmea, `"${title}"`);
    const page = await (await fetch(linkIn(reviewEmail))).text();
    const approveTooEarly = await postDecision(linkIn(reviewEmail), 'approve');
    const returned = await postDecision(linkIn(reviewEmail), 'return', 'lead-list');
    const askForProof = await waitForEmail(people.alice, `add the lead list to your claim "${title}"`);

    // Act 4: the partner adds the lead list; the review comes back to the CMM, who approves
    const added = await call('POST', `/mdf/claims/${submitted.body.id}/attachments`, {
      as: people.alice,
      body: { kind: 'lead-list', fileName: 'leads.csv', contentType: 'text/csv', sizeBytes: 1024 },
    });
    await upload(added.body.upload, 'email,name\nada@example.com,Ada\n', 'text/csv', 'leads.csv');
    const secondReview = await waitForEmail(people.cmmEmea, `"${title}"`, 2);
    const approvedPage = await postDecision(linkIn(secondReview), 'approve');

    // Assess
    expect(reminder.body.text).toContain('2 days ago');
    expect(submitted.status).toBe(201);
    expect(submitted.body.uploads).toHaveLength(1);
    expect(Date.parse(submitted.body.uploads[0].expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    expect(confirmation.body.text).toContain('Still missing: lead list');
    expect(page).toContain('proof of performance: photos.pdf');
    expect(page).toContain('Mark proof missing');
    expect(approveTooEarly.status).toBe(422);
    expect(noticeOf(approveTooEarly.html)).toContain('a lead list');
    expect(returned.status).toBe(200);
    expect(askForProof.body.text).toContain('needs the lead list');
    expect(added.status).toBe(201);
    expect(approvedPage.status).toBe(200);
    expect(noticeOf(approvedPage.html)).toContain('$5,500.00 is consumed');

    const claim = await eventually(async () => {
      const read = await readClaim(submitted.body.id);
      expect(read.status).toBe('Approved');
      return read;
    });
    expect(claim.attachments.map((file: { kind: string; status: string }) => `${file.kind}:${file.status}`)).toEqual(['proof-of-performance:Uploaded', 'lead-list:Uploaded']);
    expect(claim.attachments[0].downloadUrl).toMatch(/X-Amz-Signature=/);
    expect((await readRequest(request.id)).status).toBe('Closed');
    const budgetAfter = await budgetOf('EMEA', quarter);
    expect(budgetAfter.consumedCents - budgetBefore.consumedCents).toBe(550_000);
    expect(budgetBefore.reservedCents - budgetAfter.reservedCents).toBe(600_000);
    expect(budgetAfter.availableCents - budgetBefore.availableCents).toBe(50_000);
    const ledger = (await call('GET', `/mdf/budgets/EMEA/${quarter}/ledger?limit=500`, { as: people.admin })).body.items as { kind: string; amountCents: number; requestId?: string }[];
    expect(ledger.filter((entry) => entry.requestId === request.id).map((entry) => `${entry.kind}:${entry.amountCents}`)).toEqual([
      'reserve:600000',
      'consume:550000',
      'release:50000',
    ]);
    const invoice = await waitForEmail(people.alice, `Approved: your claim "${title}" — please send your invoice`);
    expect(invoice.body.text).toContain('Please send your invoice for $5,500.00');

    // And no more reminders, however often the sweep runs
    await moveClockTo(new Date(Date.parse(firstReminder) + 30 * 86_400_000).toISOString());
    await runSweep();
    await runSweep();
    expect(await emailsTo(people.alice, `Reminder: claim your MDF for "${request.activityName}"`)).toHaveLength(1);
  });
});

describe('claims: rules and races', () => {
  it('fifty concurrent claims with the same title create exactly one; the others are told the title is taken', async () => {
    // Prepare: five approved requests, all ended
    const requests: Awaited<ReturnType<typeof approved>>[] = [];
    for (let i = 0; i < 5; i += 1) requests.push(await approved());
    const lastEnd = requests.map((r) => String(r.endDate)).sort().at(-1) ?? '';
    const clock = await now();
    if (isoDay(clock) <= lastEnd) await moveClockTo(`${isoDay(addDays(new Date(`${lastEnd}T00:00:00Z`), 1))}T12:00:00Z`);
    const today = isoDay(await now());
    const title = `Same title ${requests[0]?.activityName}`;

    // Act: ten claims on each request, all at once, all with the same title (different case)
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call('POST', `/mdf/requests/${requests[i % 5]?.id}/claims`, {
          as: people.alice,
          body: { title: i % 2 ? title.toUpperCase() : title, amountCents: 100_000, paidDate: today },
        }),
      ),
    );

    // Assess
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(49);
    const titleRefusals = answers.filter((answer) => answer.body.rule === 'claims.title-unique');
    expect(titleRefusals.length).toBeGreaterThanOrEqual(40);
    const winner = answers.find((answer) => answer.status === 201)?.body.id;
    expect(titleRefusals[0]?.body.existingClaimId).toBe(winner);
    const claims = (await call('GET', '/mdf/claims?limit=100', { as: people.alice })).body.items as { title: string }[];
    expect(claims.filter((claim) => claim.title.toLowerCase() === title.toLowerCase())).toHaveLength(1);
  });

  it('a file of the wrong type or size is refused before any upload link is given', async () => {
    // Prepare
    const request = await approved();
    await moveClockTo(`${isoDay(addDays(new Date(`${request.endDate}T00:00:00Z`), 1))}T12:00:00Z`);
    const today = isoDay(await now());
    const claim = await call('POST', `/mdf/requests/${request.id}/claims`, { as: people.alice, body: { title: `Files ${request.activityName}`, amountCents: 100_000, paidDate: today } });

    // Act
    const wrongType = await call('POST', `/mdf/claims/${claim.body.id}/attachments`, {
      as: people.alice,
      body: { kind: 'proof-of-performance', fileName: 'run.exe', contentType: 'application/x-msdownload', sizeBytes: 100 },
    });
    const tooBig = await call('POST', `/mdf/claims/${claim.body.id}/attachments`, {
      as: people.alice,
      body: { kind: 'lead-list', fileName: 'leads.csv', contentType: 'text/csv', sizeBytes: 26 * 1024 * 1024 },
    });
    const otherPartner = await call('POST', `/mdf/claims/${claim.body.id}/attachments`, {
      as: people.gina,
      body: { kind: 'lead-list', fileName: 'leads.csv', contentType: 'text/csv', sizeBytes: 10 },
    });

    // Assess
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.rule).toBe('claims.attachment-type');
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.rule).toBe('claims.attachment-size');
    expect(otherPartner.status).toBe(404);
    expect((await readClaim(claim.body.id)).attachments).toEqual([]);
    expect((await call('GET', `/mdf/claims/${claim.body.id}`, { as: people.gina })).status).toBe(404);
  });

  it('a claim on a canceled request is rejected as it comes in: the answer names the rule and the cancellation’s reason', async () => {
    // Prepare
    const request = await approved();
    await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.cmmEmea, body: { reason: 'The venue closed.' } });
    await moveClockTo(`${isoDay(addDays(new Date(`${request.endDate}T00:00:00Z`), 1))}T12:00:00Z`);

    // Act
    const title = `Too late ${request.activityName}`;
    const answer = await call('POST', `/mdf/requests/${request.id}/claims`, { as: people.alice, body: { title, amountCents: 100_000, paidDate: isoDay(await now()) } });

    // Assess
    expect(answer.status).toBe(422);
    expect(answer.body.rule).toBe('claims.request-canceled');
    expect(answer.body.detail).toContain('The venue closed.');
    expect((await call('GET', '/mdf/claims?limit=100', { as: people.alice })).body.items.some((claim: { title: string }) => claim.title === title)).toBe(false);
  });

  it('fifty concurrent final approvals against a budget that fits ten reserve exactly ten; available never goes below zero', async () => {
    // Prepare: a quarter three years out with a budget of exactly ten requests; fifty requests at the final level
    const clock = await now();
    const start = isoDay(addDays(clock, 3 * 365));
    const quarter = quarterOf(start);
    const startInDays = Math.round((Date.parse(`${start}T00:00:00Z`) - clock.getTime()) / 86_400_000) + 1;
    const setBudget = await call('PUT', `/admin/budgets/EMEA/${quarter}`, { as: people.admin, body: { totalCents: 10 * 200_000, targetMarkets: ['DE'] } });
    expect(setBudget.status).toBe(200);
    const requests = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call('POST', '/mdf/requests', {
          as: people.alice,
          body: {
            activityName: `Budget race ${quarter} #${i}`,
            activityType: 'webinar',
            delivery: 'virtual',
            description: 'A webinar',
            startDate: isoDay(addDays(clock, startInDays)),
            endDate: isoDay(addDays(clock, startInDays)),
            totalCostCents: 400_000,
            targetContacts: 50,
            estimatedPipelineCents: 1_000_000,
            partnerInvestmentCents: 200_000,
            amountRequestedCents: 200_000,
            verticalIndustry: 'Retail',
            segment: 'SMB',
            activityCountry: 'DE',
          },
        }),
      ),
    );
    expect(requests.every((answer) => answer.status === 201)).toBe(true);
    for (const approver of [people.cmmEmea, people.leadEmea]) {
      await Promise.all(requests.map((_, i) => decideByEmail(approver, `"Budget race ${quarter} #${i}"`, 'approve')));
    }
    const finalLinks = await Promise.all(requests.map(async (_, i) => linkIn(await waitForEmail(people.ppmEmea, `"Budget race ${quarter} #${i}"`))));

    // Act
    const decisions = await Promise.all(finalLinks.map((link) => postDecision(link, 'approve')));

    // Assess
    expect(decisions.filter((decision) => decision.status === 200)).toHaveLength(10);
    expect(decisions.filter((decision) => decision.status === 422)).toHaveLength(40);
    expect(noticeOf(decisions.find((decision) => decision.status === 422)?.html ?? '')).toMatch(/has \$0\.00 left; this request needs \$2,000\.00\./);
    const budget = await budgetOf('EMEA', quarter);
    expect(budget).toMatchObject({ reservedCents: 2_000_000, availableCents: 0, consumedCents: 0 });
    const ledger = (await call('GET', `/mdf/budgets/EMEA/${quarter}/ledger?limit=500`, { as: people.admin })).body.items as { kind: string }[];
    expect(ledger.filter((entry) => entry.kind === 'reserve')).toHaveLength(10);
    const statuses = await Promise.all(requests.map(async (answer) => (await readRequest(answer.body.id)).status));
    expect(statuses.filter((status) => status === 'Approved')).toHaveLength(10);
    expect(statuses.filter((status) => status === 'Open')).toHaveLength(40);
  });
});

describe('reminders to claim', () => {
  it('the sweep run three times sends each reminder (day 2, 14, 28) exactly once, and nothing after', async () => {
    // Prepare
    const request = await approved();
    const about = `Reminder: claim your MDF for "${request.activityName}"`;
    const dayAt = (days: number) => new Date(Date.parse(`${request.endDate}T12:00:00Z`) + days * 86_400_000).toISOString();

    // Act & Assess: at each reminder day, three sweeps
    for (const [day, expected] of [[2, 1], [14, 2], [28, 3], [40, 3]] as const) {
      await moveClockTo(dayAt(day));
      await runSweep();
      await runSweep();
      await runSweep();
      expect((await emailsTo(people.alice, about)).length).toBe(expected);
    }
    const texts = (await emailsTo(people.alice, about)).map((email) => email.body.text ?? '');
    expect(texts[0]).toContain('2 days ago');
    expect(texts[1]).toContain('14 days ago');
    expect(texts[2]).toContain('28 days ago');
    expect(texts[2]).toContain('This is the last reminder.');
  });

  it('the partner’s dashboard shows requests by status, totals, claims awaiting proof and the next reminders', async () => {
    // Prepare: one approved request waiting for its claim, one claim waiting for a proof
    const waiting = await approved();
    const claimed = await approved();
    await moveClockTo(`${isoDay(addDays(new Date(`${claimed.endDate}T00:00:00Z`), 1))}T12:00:00Z`);
    const title = `Dashboard ${claimed.activityName}`;
    const claim = await call('POST', `/mdf/requests/${claimed.id}/claims`, { as: people.alice, body: { title, amountCents: 300_000, paidDate: isoDay(await now()) } });
    await decideByEmail(people.cmmEmea, `"${title}"`, 'return', 'proof-of-performance');
    await waitForEmail(people.alice, `add the proof of performance to your claim "${title}"`);

    // Act
    const summary = (await call('GET', '/mdf/summary', { as: people.alice })).body;

    // Assess
    expect(summary.requestsByStatus.Approved).toBeGreaterThanOrEqual(2);
    expect(summary.approvedCents).toBeGreaterThanOrEqual(1_000_000);
    expect(summary.claimedCents).toBeGreaterThanOrEqual(300_000);
    expect(summary.claimsAwaitingAction).toContainEqual(expect.objectContaining({ claimId: claim.body.id, missing: 'proof-of-performance' }));
    expect(summary.nextReminders.map((reminder: { requestId: string }) => reminder.requestId)).toContain(waiting.id);
    expect(summary.nextReminders.map((reminder: { requestId: string }) => reminder.requestId)).not.toContain(claimed.id);
    expect((await call('GET', '/mdf/summary', { as: people.cmmEmea })).status).toBe(403);
  });

  it('the budget owner downloads a quarter’s ledger as CSV', async () => {
    // Prepare
    const request = await approved({ amountRequestedCents: 250_000 });

    // Act
    const response = await fetch(`${(await import('./support.ts')).apiUrl()}/mdf/budgets/EMEA/${request.quarter}/ledger`, {
      headers: { authorization: `Bearer ${(await import('./support.ts')).tokenOf(people.leadEmea)}`, accept: 'text/csv' },
    });
    const csv = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('at,kind,amountCents,amountUsd,flexi,requestId,by,note');
    expect(lines.some((line) => line.includes(`,reserve,250000,2500.00,false,${request.id},`))).toBe(true);
  });
});
