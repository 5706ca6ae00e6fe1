import { describe, expect, it } from 'vitest';
import {
  call,
  decideByEmail,
  ensureBudget,
  linkIn,
  noticeOf,
  people,
  postDecision,
  quarterOf,
  readRequest,
  requestBody,
  submitRequest,
  waitForEmail,
  waitForStatus,
} from './support.ts';

/**
 * An MDF request from submission to outcome on the running local stack, driven
 * through the API and the captured emails as the partner and approvers would.
 */
describe('MDF request approval by email', () => {
  it('a request approved at all three levels is Approved, reserves the budget and the partner is told', async () => {
    // Prepare
    const body = await requestBody({ amountRequestedCents: 750_000 });
    await ensureBudget('EMEA', quarterOf(body.startDate));
    const before = (await call('GET', `/mdf/budgets?region=EMEA&quarter=${quarterOf(body.startDate)}`, { as: people.admin })).body.items[0];

    // Act: the partner submits; each approver reads the email, opens the confirm page, approves
    const submitted = await call('POST', '/mdf/requests', { as: people.alice, body });
    const received = await waitForEmail(people.alice, body.activityName);
    const pages: string[] = [];
    for (const approver of [people.cmmEmea, people.leadEmea, people.ppmEmea]) {
      const email = await waitForEmail(approver, body.activityName);
      const link = linkIn(email);
      const page = await fetch(link);
      pages.push(await page.text());
      const decided = await postDecision(link, 'approve');
      expect(decided.status).toBe(200);
    }

    // Assess
    expect(submitted.status).toBe(201);
    expect(submitted.headers.get('location')).toBe(`/mdf/requests/${submitted.body.id}`);
    expect(received.subject).toBe(`We received your MDF request "${body.activityName}"`);
    expect(pages.every((html) => html.includes('Approve') && html.includes('Deny') && html.includes(body.activityName))).toBe(true);
    const approved = await waitForStatus(submitted.body.id, 'Approved');
    expect(approved.approvedAmountCents).toBe(750_000);
    expect(approved.progress.levels.map((level: { status: string }) => level.status)).toEqual(['Approved', 'Approved', 'Approved']);
    expect(approved.history.map((event: { action: string }) => event.action)).toEqual([
      'submitted',
      'sent-to-approver',
      'level-approved',
      'sent-to-approver',
      'level-approved',
      'sent-to-approver',
      'approved',
    ]);
    const after = (await call('GET', `/mdf/budgets?region=EMEA&quarter=${quarterOf(body.startDate)}`, { as: people.admin })).body.items[0];
    expect(after.reservedCents - before.reservedCents).toBe(750_000);
    expect(before.availableCents - after.availableCents).toBe(750_000);
    const outcome = await waitForEmail(people.alice, `Approved: your MDF request "${body.activityName}"`);
    expect(outcome.body.text).toContain('$7,500.00 is reserved');
  });

  it('a deny at the second level ends the request as Denied and the partner reads the reason', async () => {
    // Prepare
    const request = await submitRequest();
    await decideByEmail(people.cmmEmea, request.activityName, 'approve');

    // Act
    const denied = await decideByEmail(people.leadEmea, request.activityName, 'deny', 'The event does not reach our target segment.');

    // Assess
    expect(denied.status).toBe(200);
    expect(noticeOf(denied.html)).toContain('denied');
    const final = await waitForStatus(request.id, 'Denied');
    expect(final.outcomeReason).toBe('The event does not reach our target segment.');
    const email = await waitForEmail(people.alice, `Denied: your MDF request "${request.activityName}"`);
    expect(email.body.text).toContain('The event does not reach our target segment.');
    expect(await call('GET', `/mdf/requests/${request.id}`, { as: people.alice }).then((r) => r.body.progress.levels[2].status)).toBe('Waiting');
  });

  it('a deny without a reason is refused on the page and changes nothing', async () => {
    // Prepare
    const request = await submitRequest();
    const link = linkIn(await waitForEmail(people.cmmEmea, request.activityName));

    // Act
    const refused = await postDecision(link, 'deny', '   ');

    // Assess
    expect(refused.status).toBe(422);
    expect(noticeOf(refused.html)).toContain('A deny needs a reason');
    const after = await readRequest(request.id);
    expect(after.status).toBe('Open');
    expect(after.progress.levels[0].status).toBe('Pending');
  });

  it('an activity outside the target markets draws on the flexi budget and also needs the global director', async () => {
    // Prepare: Kenya is in EMEA but not among its target markets
    const body = await requestBody({ country: 'KE', amountRequestedCents: 200_000 });
    await ensureBudget('EMEA', quarterOf(body.startDate));

    // Act
    const submitted = await call('POST', '/mdf/requests', { as: people.alice, body });
    for (const approver of [people.cmmEmea, people.leadEmea, people.ppmEmea]) await decideByEmail(approver, body.activityName, 'approve');
    const midway = await readRequest(submitted.body.id);
    const last = await decideByEmail(people.director, body.activityName, 'approve');

    // Assess
    expect(submitted.body.flexi).toBe(true);
    expect(submitted.body.levels).toEqual(['cmm', 'marketing-lead', 'program-manager', 'global-director']);
    expect(midway.status).toBe('Open');
    expect(last.status).toBe(200);
    await waitForStatus(submitted.body.id, 'Approved');
    const budget = (await call('GET', `/mdf/budgets?region=EMEA&quarter=${quarterOf(body.startDate)}`, { as: people.admin })).body.items[0];
    expect(budget.flexiUsedCents).toBeGreaterThanOrEqual(200_000);
  });

  it('a global partner’s event in EMEA is approved by the EMEA approvers, not its home region’s', async () => {
    // Act: Globex's home region is AMER; the activity is in France
    const request = await submitRequest(people.gina, { country: 'FR' });
    const email = await waitForEmail(people.cmmEmea, request.activityName);

    // Assess
    expect(request.region).toBe('EMEA');
    expect(email.subject).toContain('Globex Global Integrators');
    expect(await call('GET', `/approvals`, { as: people.cmmAmer }).then((r) => r.body.items.some((i: { subjectId: string }) => i.subjectId === request.id))).toBe(false);
  });

  it('an approval that would overdraw the budget is refused on the page with the remaining amount, and the request waits at that level', async () => {
    // Prepare: a quarter two years out with a budget too small for the request
    const body = await requestBody({ startInDays: 760, amountRequestedCents: 600_000, totalCostCents: 2_000_000 });
    const quarter = quarterOf(body.startDate);
    const set = await call('PUT', `/admin/budgets/EMEA/${quarter}`, { as: people.admin, body: { totalCents: 1_000_000, targetMarkets: ['DE'] } });
    expect(set.status).toBe(200);
    const first = await call('POST', '/mdf/requests', { as: people.alice, body });
    const second = await call('POST', '/mdf/requests', { as: people.alice, body: { ...body, activityName: `${body.activityName} (second)` } });
    for (const approver of [people.cmmEmea, people.leadEmea, people.ppmEmea]) await decideByEmail(approver, `"${body.activityName}"`, 'approve');
    await waitForStatus(first.body.id, 'Approved');
    for (const approver of [people.cmmEmea, people.leadEmea]) await decideByEmail(approver, `${body.activityName} (second)`, 'approve');

    // Act
    const refused = await decideByEmail(people.ppmEmea, `${body.activityName} (second)`, 'approve');

    // Assess
    expect(refused.status).toBe(422);
    expect(noticeOf(refused.html)).toBe(`The EMEA ${quarter} MDF budget has $4,000.00 left; this request needs $6,000.00.`);
    const waiting = await readRequest(second.body.id);
    expect(waiting.status).toBe('Open');
    expect(waiting.progress.currentLevel).toBe('program-manager');
    expect(waiting.progress.levels[2].status).toBe('Pending');
    const budget = (await call('GET', `/mdf/budgets?region=EMEA&quarter=${quarter}`, { as: people.admin })).body.items[0];
    expect(budget.availableCents).toBe(400_000);
  });

  it('the approver sees pending approvals with their due times, soonest first', async () => {
    // Prepare
    const request = await submitRequest();
    await waitForEmail(people.cmmEmea, request.activityName);

    // Act
    const inbox = await call('GET', '/approvals', { as: people.cmmEmea });

    // Assess
    expect(inbox.status).toBe(200);
    const entry = inbox.body.items.find((item: { subjectId: string }) => item.subjectId === request.id);
    expect(entry).toMatchObject({ subjectKind: 'mdf-request', subjectTitle: request.activityName, level: 'cmm' });
    expect(Date.parse(entry.slaDueAt)).toBeGreaterThan(Date.parse(entry.openedAt));
    const dues = inbox.body.items.map((item: { slaDueAt: string }) => item.slaDueAt);
    expect(dues).toEqual([...dues].sort());
  });
});
