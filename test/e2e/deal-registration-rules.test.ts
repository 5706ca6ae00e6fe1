import { describe, expect, it } from 'vitest';
import {
  addDays,
  approveRegistration,
  call,
  callAs,
  emailsTo,
  eventually,
  isoDay,
  linkFor,
  linkIn,
  moveClockTo,
  now,
  people,
  postForm,
  readRegistration,
  register,
  registrationBody,
  reviewAsOperations,
  reviewers,
  reviewOf,
  runSweep,
  toPartner,
  uniqueName,
  waitForEmail,
  waitForRegistration,
  DAY_MS,
} from './support.ts';

/**
 * Deal registration rules on the running local stack: who may register and who
 * sees what, one approved registration per opportunity under concurrent
 * approvals, expiry and extension, a lost opportunity, and the SLAs. Time moves
 * only forward (the program team's clock), so each test works from the stack's
 * own "now" and its own customer.
 */
const { ops, esm, asm, opsAmer } = reviewers;

describe('who may register and see registrations', () => {
  it('a partner that is not Authorized, or has no completed sales training, is refused naming the rule', async () => {
    // Prepare: an Authorized reseller whose sellers have no sales training yet
    const untrained = await callAs(people.admin, 'POST', '/admin/partners', { legalName: uniqueName('Untrained Resellers'), homeRegion: 'EMEA', track: 'Open', status: 'Authorized' });
    const seller = await callAs(people.admin, 'POST', '/admin/users', { email: `${untrained.body.id}@untrained.example`, name: 'Una Untrained', partnerId: untrained.body.id });
    const body = await registrationBody(uniqueName('Refused Co'));

    // Act
    const prospect = await callAs(people.uma, 'POST', '/deal-registrations', body);
    const suspended = await callAs('hank@hooli.example', 'POST', '/deal-registrations', body);
    const noTraining = await callAs(seller.body.email, 'POST', '/deal-registrations', body);

    // Assess
    expect(untrained.status).toBe(201);
    expect(seller.status).toBe(201);
    expect(prospect.status).toBe(422);
    expect(prospect.headers.get('content-type')).toBe('application/problem+json');
    expect(prospect.body.rule).toBe('dr.partner-authorized');
    expect(prospect.body.violations.map((violation: { rule: string }) => violation.rule)).toEqual(['dr.partner-authorized', 'dr.sales-training']);
    expect(suspended.status).toBe(422);
    expect(suspended.body).toMatchObject({ rule: 'dr.partner-authorized', partnerStatus: 'Suspended' });
    expect(noTraining.status).toBe(422);
    expect(noTraining.body.rule).toBe('dr.sales-training');
    expect(noTraining.body.detail).toContain('no completed sales training');
    expect((await callAs(ops, 'GET', `/deal-registrations?partnerId=${untrained.body.id}`)).body.items).toEqual([]);
  });

  it('invalid fields are refused naming each field; a close date in the past names the rule', async () => {
    // Prepare
    const valid = await registrationBody(uniqueName('Invalid Co'));
    const yesterday = isoDay(addDays(await now(), -2));

    // Act
    const answers = await Promise.all([
      callAs(people.alice, 'POST', '/deal-registrations', { ...valid, customer: { ...valid.customer, contactEmail: 'not-an-email' } }),
      callAs(people.alice, 'POST', '/deal-registrations', { ...valid, products: [] }),
      callAs(people.alice, 'POST', '/deal-registrations', { ...valid, type: 'Lease' }),
      callAs(people.alice, 'POST', '/deal-registrations', { ...valid, estimatedValueCents: 0 }),
      callAs(people.alice, 'POST', '/deal-registrations', { ...valid, customer: { ...valid.customer, country: 'XX' } }),
      callAs(people.alice, 'POST', '/deal-registrations', { ...valid, partnerId: 'ptr_globex' }),
    ]);
    const pastClose = await callAs(people.alice, 'POST', '/deal-registrations', { ...valid, expectedCloseDate: yesterday });

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(answers.every((answer) => answer.headers.get('content-type') === 'application/problem+json')).toBe(true);
    expect(answers.map((answer) => answer.body.errors[0].field)).toEqual(['customer.contactEmail', 'products', 'type', 'estimatedValueCents', 'customer.country', 'partnerId']);
    expect(pastClose.status).toBe(422);
    expect(pastClose.body.rule).toBe('dr.close-date-not-past');
    const mine = (await callAs(people.alice, 'GET', '/deal-registrations?limit=100')).body.items as { customer: { companyName: string } }[];
    expect(mine.some((item) => item.customer.companyName === valid.customer.companyName)).toBe(false);
  });

  it('another partner never sees a registration; an opportunityAdmin sees the organisation’s, another user only their own', async () => {
    // Prepare: Alice (opportunityAdmin) and Bob (not) of Acme each register one
    const byAlice = await register(people.alice, uniqueName('Visibility Alpha'));
    const byBob = await register(people.bob, uniqueName('Visibility Beta'));

    // Act
    const ginaReads = await callAs(people.gina, 'GET', `/deal-registrations/${byAlice.id}`);
    const ginaList = (await callAs(people.gina, 'GET', '/deal-registrations?limit=100')).body.items as { id: string }[];
    const bobReadsAlice = await callAs(people.bob, 'GET', `/deal-registrations/${byAlice.id}`);
    const aliceReadsBob = await callAs(people.alice, 'GET', `/deal-registrations/${byBob.id}`);
    const aliceList = (await callAs(people.alice, 'GET', '/deal-registrations?limit=100')).body.items as { id: string }[];
    const bobList = (await callAs(people.bob, 'GET', '/deal-registrations?limit=100')).body.items as { id: string }[];
    const ginaResubmits = await callAs(people.gina, 'PUT', `/deal-registrations/${byAlice.id}`, await registrationBody('Anything'));

    // Assess
    expect(ginaReads.status).toBe(404);
    expect(ginaReads.headers.get('content-type')).toBe('application/problem+json');
    expect(ginaList.map((item) => item.id)).not.toContain(byAlice.id);
    expect(bobReadsAlice.status).toBe(404);
    expect(aliceReadsBob.status).toBe(200);
    expect(aliceReadsBob.body.submittedBy.name).toBe('Bob Acme');
    expect(aliceList.map((item) => item.id)).toEqual(expect.arrayContaining([byAlice.id, byBob.id]));
    expect(bobList.map((item) => item.id)).toContain(byBob.id);
    expect(bobList.map((item) => item.id)).not.toContain(byAlice.id);
    expect(ginaResubmits.status).toBe(404);
  });
});

describe('one approved registration per opportunity', () => {
  it('twenty registrations of one customer linked to one opportunity: of twenty concurrent ASM approvals exactly one wins, the others are told which registration holds it', async () => {
    // Prepare: Acme, Globex and Initech register the same customer twenty times; operations link all to one opportunity; the ESM approves each
    const company = uniqueName('Contested Bank');
    const registrants = [people.alice, people.bob, people.gina, people.ivan];
    const first = await register(people.alice, company);
    expect((await reviewAsOperations(company)).status).toBe(200);
    const { accountId, opportunityId } = await readRegistration(first.id);
    const others = await Promise.all(Array.from({ length: 19 }, (_, i) => register(registrants[(i + 1) % registrants.length] ?? people.alice, company)));
    const all = [first, ...others];
    await Promise.all(
      others.map(async (registration) => {
        const reviewed = await postForm(await linkFor(ops, registration.id, 'operations'), { decision: 'approve', account: accountId, opportunity: opportunityId, esm: 'usr_esm_emea' });
        expect(reviewed.status).toBe(200);
      }),
    );
    await Promise.all(
      all.map(async (registration) => {
        await linkFor(esm, registration.id, 'esm');
        expect((await callAs(esm, 'POST', `/deal-registrations/${registration.id}/decision`, { decision: 'approve' })).status).toBe(200);
      }),
    );
    await Promise.all(all.map((registration) => waitForRegistration(registration.id, 'Pending ASM Review')));
    await eventually(async () => expect((await emailsTo(asm, reviewOf(company))).length).toBe(20));

    // Act
    const answers = await Promise.all(all.map((registration) => callAs(asm, 'POST', `/deal-registrations/${registration.id}/decision`, { decision: 'approve' })));

    // Assess
    const winners = answers.filter((answer) => answer.status === 200);
    expect(winners).toHaveLength(1);
    const winnerId = winners[0]?.body.registration.id as string;
    const refused = answers.filter((answer) => answer.status === 409);
    expect(refused).toHaveLength(19);
    for (const answer of refused) {
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body).toMatchObject({ rule: 'dr.one-approved-per-opportunity', holdingRegistrationId: winnerId });
      expect(answer.body.detail).toContain(`registration ${winnerId}`);
    }
    const statuses = await Promise.all(all.map(async (registration) => (await readRegistration(registration.id)).status));
    expect(statuses.filter((status) => status === 'Approved')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'Pending ASM Review')).toHaveLength(19);
    const opportunity = (await callAs(ops, 'GET', `/opportunities/${opportunityId}`)).body;
    expect(opportunity.registeredTo.registrationId).toBe(winnerId);
    expect(opportunity.registrations).toHaveLength(20);
    expect(opportunity.accountId).toBe(accountId);
  });
});

describe('expiry and extension', () => {
  it('an approved registration is reminded once 14 days before, expires at approval + 90 days with one email; an extended one lasts until + 120 days', async () => {
    // Prepare: two approved registrations
    const plain = await approveRegistration(await register(people.alice, uniqueName('Expiring Plain')));
    const extendedOne = await approveRegistration(await register(people.alice, uniqueName('Expiring Extended')));
    const plainName = plain.customer.companyName as string;
    const extendedName = extendedOne.customer.companyName as string;
    const approvedAt = Date.parse(plain.approvedAt);
    const extendedApprovedAt = Date.parse(extendedOne.approvedAt);

    // Act 1: the ESM grants the standard extension, then tries again; the partner cannot
    const extended = await callAs(esm, 'POST', `/deal-registrations/${extendedOne.id}/extension`, { kind: 'standard' });
    const again = await callAs(esm, 'POST', `/deal-registrations/${extendedOne.id}/extension`, { kind: 'standard' });
    const byPartner = await callAs(people.alice, 'POST', `/deal-registrations/${extendedOne.id}/extension`, { kind: 'standard' });

    // Act 2: 76 days after approval (14 before expiry), the sweep runs three times
    await moveClockTo(approvedAt + 76 * DAY_MS + 60_000);
    await runSweep();
    await runSweep();
    const remindersAt76 = await emailsTo(people.alice, toPartner('Expires soon', plainName));

    // Act 3: a minute before the 90 days end
    await moveClockTo(approvedAt + 90 * DAY_MS - 60_000);
    await runSweep();
    const justBefore = await readRegistration(plain.id);

    // Act 4: the 90 days are over; the sweep runs three times
    await moveClockTo(Math.max(approvedAt, extendedApprovedAt) + 90 * DAY_MS + 1_000);
    await runSweep();
    await runSweep();
    const expired = await readRegistration(plain.id);
    const extendedAt90 = await readRegistration(extendedOne.id);

    // Act 5: 14 days before the extended expiry, then 120 days after the second approval
    await moveClockTo(extendedApprovedAt + 106 * DAY_MS + 60_000);
    await runSweep();
    await moveClockTo(extendedApprovedAt + 120 * DAY_MS + 1_000);
    await runSweep();
    const extendedAt120 = await readRegistration(extendedOne.id);

    // Assess
    expect(plain.expiresAt).toBe(new Date(approvedAt + 90 * DAY_MS).toISOString());
    expect(extended.status).toBe(200);
    expect(extended.body.expiresAt).toBe(new Date(extendedApprovedAt + 120 * DAY_MS).toISOString());
    expect(extended.body.history.at(-1)).toMatchObject({ action: 'extended', by: 'EMEA Ecosystem Sales Manager', from: 'Approved', to: 'Approved' });
    expect(again.status).toBe(422);
    expect(again.body.rule).toBe('dr.standard-extension-once');
    expect(byPartner.status).toBe(404);
    expect(remindersAt76).toHaveLength(1);
    expect(remindersAt76[0]?.body.text).toContain(`expires on ${isoDay(new Date(approvedAt + 90 * DAY_MS))}`);
    expect(justBefore.status).toBe('Approved');
    expect(expired.status).toBe('Expired');
    expect(expired.history.at(-1)).toMatchObject({ action: 'expired', by: 'expiry sweep', from: 'Approved', to: 'Expired' });
    expect(await emailsTo(people.alice, toPartner('Expires soon', plainName))).toHaveLength(1);
    expect(await emailsTo(people.alice, toPartner('Expired', plainName))).toHaveLength(1);
    expect((await emailsTo(people.alice, toPartner('Expired', plainName)))[0]?.body.text).toContain('the opportunity is no longer registered to you');
    expect((await callAs(ops, 'GET', `/opportunities/${plain.opportunityId}`)).body.registeredTo).toBeUndefined();
    expect(extendedAt90.status).toBe('Approved');
    expect(extendedAt120.status).toBe('Expired');
    expect(await emailsTo(people.alice, toPartner('Expires soon', extendedName))).toHaveLength(1);
    expect(await emailsTo(people.alice, toPartner('Expired', extendedName))).toHaveLength(1);
    const lateExtension = await callAs(esm, 'POST', `/deal-registrations/${plain.id}/extension`, { kind: 'standard' });
    expect(lateExtension.status).toBe(409);
    expect(lateExtension.body.rule).toBe('dr.extend-only-approved');
  });
});

describe('the opportunity is lost', () => {
  it('closing the opportunity as lost closes the approved registration and one still in review; both partners are told', async () => {
    // Prepare: Acme's registration approved on a new opportunity; Globex's registration of the same customer linked to it, still with the ESM
    const company = uniqueName('Lost Deal Corp');
    const approved = await approveRegistration(await register(people.alice, company));
    const inReview = await register(people.gina, company);
    const link = await linkFor(ops, inReview.id, 'operations');
    expect((await postForm(link, { decision: 'approve', account: approved.accountId, opportunity: approved.opportunityId, esm: 'usr_esm_emea' })).status).toBe(200);
    const esmLink = await linkFor(esm, inReview.id, 'esm');

    // Act
    const byPartner = await callAs(people.alice, 'POST', `/opportunities/${approved.opportunityId}/closed-lost`, { reason: 'x' });
    const closed = await callAs(ops, 'POST', `/opportunities/${approved.opportunityId}/closed-lost`, { reason: 'The customer chose a competitor.' });
    const twice = await callAs(ops, 'POST', `/opportunities/${approved.opportunityId}/closed-lost`, {});
    const toAcme = await waitForEmail(people.alice, toPartner('Closed lost', company));
    const toGlobex = await waitForEmail(people.gina, toPartner('Closed lost', company));
    const esmPage = await postForm(esmLink, { decision: 'approve' });

    // Assess
    expect(byPartner.status).toBe(404);
    expect(closed.status).toBe(200);
    expect(closed.body.stage).toBe('Closed Lost');
    expect([...closed.body.registrationsClosed].sort()).toEqual([approved.id, inReview.id].sort());
    expect(twice.status).toBe(409);
    expect(toAcme.body.text).toContain('was closed as lost, and the registration is closed with it');
    expect(toGlobex.destination.to).toEqual([people.gina]);
    const acme = await readRegistration(approved.id, people.alice);
    expect(acme).toMatchObject({ status: 'Closed Lost', outcomeReason: 'The customer chose a competitor.' });
    expect(acme.history.at(-1)).toMatchObject({ action: 'closed-lost', from: 'Approved', to: 'Closed Lost', reason: 'The customer chose a competitor.' });
    expect((await readRegistration(inReview.id)).status).toBe('Closed Lost');
    expect(esmPage.status).toBe(409);
    const opportunity = (await callAs(ops, 'GET', `/opportunities/${approved.opportunityId}`)).body;
    expect(opportunity.stage).toBe('Closed Lost');
    expect(opportunity.registeredTo).toBeUndefined();
    await eventually(async () => {
      const executions = (await call('GET', '/_local/executions')).body as { name: string; status: string }[];
      expect(executions.find((execution) => execution.name === inReview.id)?.status).toBe('ABORTED');
    });
  });
});

describe('SLAs', () => {
  it('operations idle for two business hours are reminded and their delegate gets a link, once; the missed partner-contact deadline is recorded once', async () => {
    // Prepare: a registration waiting for operations; EMEA operations then name AMER operations as their delegate
    const company = uniqueName('Slow Review AG');
    const registration = await register(people.alice, company);
    await waitForEmail(ops, reviewOf(company));
    const today = await now();
    const delegation = await callAs(people.admin, 'POST', '/delegations', {
      approverId: 'usr_ops_emea',
      backupId: 'usr_ops_amer',
      from: isoDay(addDays(today, -1)),
      to: isoDay(addDays(today, 30)),
    });
    expect(delegation.status).toBe(201);
    try {
      const pending = await readRegistration(registration.id);
      const forPartner = await readRegistration(registration.id, people.alice);
      const overdue = `Overdue: deal registration "${company} (`;

      // Act 1: the two business hours pass (the move runs the sweep); the sweep runs twice more
      await moveClockTo(Date.parse(pending.sla.dueAt) + 60_000);
      await runSweep();
      await runSweep();
      const reminder = await waitForEmail(ops, overdue);
      const delegateAsk = await waitForEmail(opsAmer, reviewOf(company));

      // Act 2: nobody acts until the partner should have heard from GitLab; the sweep runs twice more
      await moveClockTo(Date.parse(pending.sla.partnerHearsBy) + 60_000);
      await runSweep();
      await runSweep();
      const afterDeadline = await readRegistration(registration.id);

      // Act 3: the delegate reviews from their link
      const reviewed = await postForm(linkIn(delegateAsk), { decision: 'approve', account: 'new', opportunity: 'new', esm: 'usr_esm_emea' });
      const inSalesReview = await waitForEmail(people.alice, toPartner('In sales review', company));

      // Assess
      expect(pending.sla).toMatchObject({ level: 'operations', approver: 'EMEA Ecosystem Operations' });
      expect(Date.parse(pending.sla.dueAt) - Date.parse(pending.submittedAt)).toBeGreaterThanOrEqual(2 * 3_600_000);
      expect(Date.parse(pending.sla.partnerHearsBy) - Date.parse(pending.submittedAt)).toBeGreaterThanOrEqual(2 * DAY_MS);
      expect(forPartner.sla.partnerHearsBy).toBe(pending.sla.partnerHearsBy);
      expect(forPartner.sla.approver).toBeUndefined();
      expect(reminder.body.text).toContain('It has also gone to your backup, AMER Ecosystem Operations');
      expect(delegateAsk.body.text).toContain('The decision of EMEA Ecosystem Operations is overdue; as their backup you can decide in their place.');
      expect(await emailsTo(ops, overdue)).toHaveLength(1);
      expect(await emailsTo(opsAmer, reviewOf(company))).toHaveLength(1);
      expect(afterDeadline.status).toBe('Submitted');
      expect(afterDeadline.history.filter((event: { action: string }) => event.action === 'escalated')).toHaveLength(1);
      expect(afterDeadline.history.filter((event: { action: string }) => event.action === 'partner-contact-overdue')).toEqual([
        expect.objectContaining({ by: 'SLA sweep', reason: 'The partner had not heard from GitLab within two business days.' }),
      ]);
      expect(afterDeadline.sla.escalatedAt).toBeDefined();
      expect(reviewed.status).toBe(200);
      expect(inSalesReview.body.text).toContain('is with EMEA Ecosystem Sales Manager for sales review');
      const after = await readRegistration(registration.id);
      expect(after.history.find((event: { action: string }) => event.action === 'reviewed-by-operations').by).toBe('AMER Ecosystem Operations (for EMEA Ecosystem Operations)');
      expect(after.sla.partnerHearsBy).toBeUndefined();
    } finally {
      await callAs(people.admin, 'DELETE', `/delegations/${delegation.body.id}`);
    }
  });
});
