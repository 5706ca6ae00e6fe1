import { describe, expect, it } from 'vitest';
import {
  callAs,
  decideOnLink,
  emailsTo,
  linkIn,
  noticeOf,
  optionsOf,
  people,
  postForm,
  readRegistration,
  register,
  registrationBody,
  reviewAsOperations,
  reviewers,
  reviewOf,
  toPartner,
  uniqueName,
  waitForEmail,
  waitForRegistration,
  DAY_MS,
} from './support.ts';

/**
 * Deal registration on the running local stack: a partner registers an
 * opportunity through the API; ecosystem operations, the ESM and the ASM read
 * their emails and decide on the linked pages (or through the API); the partner
 * reads every step in their inbox. Each test uses its own customer. The rules
 * (who may register, one approval per opportunity, expiry, SLAs) are in
 * deal-registration-rules.test.ts.
 */
const { ops, esm, asm, opsAmer, esmAmer } = reviewers;

describe('a deal registration through emails and links', () => {
  it('submitted by a trained partner, reviewed by operations, the ESM and the ASM: Approved for 90 days, the partner told at each step', async () => {
    // Prepare
    const company = uniqueName('Umbrella Freight');

    // Act: Alice registers; each reviewer reads their email, opens the page and decides
    const submitted = await register(people.alice, company);
    const received = await waitForEmail(people.alice, toPartner('Received', company));
    const opsEmail = await waitForEmail(ops, reviewOf(company));
    const opsPage = await (await fetch(linkIn(opsEmail))).text();
    const reviewed = await reviewAsOperations(company, { account: 'new', opportunity: 'new', esm: 'usr_esm_emea' });
    const inSalesReview = await waitForEmail(people.alice, toPartner('In sales review', company));
    const esmDecided = await decideOnLink(esm, company, 'approve', 'Good fit, the customer confirmed the partner.');
    const inFinalReview = await waitForEmail(people.alice, toPartner('In final review', company));
    const asmDecided = await decideOnLink(asm, company, 'approve');
    const approvedEmail = await waitForEmail(people.alice, toPartner('Approved', company));

    // Assess
    expect(submitted.status).toBe('Submitted');
    expect(received.body.text).toContain('You will hear from us within two business days.');
    expect(opsEmail.subject).toBe(`Decision needed: deal registration "${company} (Resale)" from Acme Cloud Partners`);
    expect(optionsOf(opsPage, 'account').map((option) => option.value)).toContain('new');
    expect(optionsOf(opsPage, 'esm')).toContainEqual({ value: 'usr_esm_emea', label: 'EMEA Ecosystem Sales Manager' });
    expect(reviewed.status).toBe(200);
    expect(noticeOf(reviewed.html)).toBe('Sent to EMEA Ecosystem Sales Manager for sales review.');
    expect(inSalesReview.body.text).toContain('is with EMEA Ecosystem Sales Manager for sales review');
    expect(esmDecided.status).toBe(200);
    expect(inFinalReview.body.text).toContain('the area sales manager makes the final review');
    expect(asmDecided.status).toBe(200);

    const approved = await waitForRegistration(submitted.id, 'Approved');
    const approvedAt = Date.parse(approved.approvedAt);
    expect(approved.expiresAt).toBe(new Date(approvedAt + 90 * DAY_MS).toISOString());
    expect(approvedEmail.body.text).toContain('the opportunity is registered to you');
    expect(approved.history.map((event: { action: string }) => event.action)).toEqual([
      'submitted',
      'sent-to-approver',
      'reviewed-by-operations',
      'sent-to-approver',
      'approved-by-esm',
      'sent-to-approver',
      'approved',
    ]);
    const esmStep = approved.history.find((event: { action: string }) => event.action === 'approved-by-esm');
    expect(esmStep).toMatchObject({ by: 'EMEA Ecosystem Sales Manager', from: 'Pending Sales Review', to: 'Pending ASM Review', reason: 'Good fit, the customer confirmed the partner.' });
    expect(approved.history[0]).toMatchObject({ by: 'Alice Acme', to: 'Submitted' });
    expect(approved.history.at(-1)).toMatchObject({ by: 'EMEA Area Sales Manager', from: 'Pending ASM Review', to: 'Approved', at: approved.approvedAt });
    const opportunity = (await callAs(ops, 'GET', `/opportunities/${approved.opportunityId}`)).body;
    expect(opportunity).toMatchObject({ partnerSourced: true, source: 'PQL', sourcedByPartnerId: 'ptr_acme', accountId: approved.accountId });
    expect(opportunity.registeredTo.registrationId).toBe(submitted.id);
    const seenByPartner = await readRegistration(submitted.id, people.alice);
    expect(seenByPartner.history.at(-1).by).toBe('The area sales manager');
  });
});

describe('returned and resubmitted', () => {
  it('the ESM returns it with comments; the partner reads them, edits and resubmits; it goes through operations again to Approved', async () => {
    // Prepare
    const company = uniqueName('Stark Logistics');
    const registration = await register(people.alice, company);
    expect((await reviewAsOperations(company)).status).toBe(200);
    const comments = 'Name the customer’s procurement contact and the seat count per team.';

    // Act 1: the ESM returns it
    const returned = await decideOnLink(esm, company, 'return', comments);
    const actionNeeded = await waitForEmail(people.alice, toPartner('Action needed', company));
    const whileReturned = await waitForRegistration(registration.id, 'Returned', people.alice);

    // Act 2: the partner edits and resubmits
    const edited = { ...(await registrationBody(company)), description: 'Procurement: Paul Procure. 250 seats in platform, 150 in security.' };
    const resubmitted = await callAs(people.alice, 'PUT', `/deal-registrations/${registration.id}`, edited);
    const resubmittedEmail = await waitForEmail(people.alice, toPartner('Resubmitted', company));
    const secondAsk = await waitForEmail(ops, reviewOf(company), 2);

    // Act 3: operations link the account and opportunity created the first time; the ESM and ASM approve
    const firstRound = await readRegistration(registration.id);
    const opsPage = await (await fetch(linkIn(secondAsk))).text();
    const reviewedAgain = await reviewAsOperations(company, { account: firstRound.accountId, opportunity: firstRound.opportunityId }, 2);
    expect((await decideOnLink(esm, company, 'approve', undefined, 2)).status).toBe(200);
    expect((await decideOnLink(asm, company, 'approve')).status).toBe(200);

    // Assess
    expect(returned.status).toBe(200);
    expect(noticeOf(returned.html)).toContain('goes back to Acme Cloud Partners with your comments');
    expect(actionNeeded.body.text).toContain(`What we need: ${comments}`);
    expect(whileReturned.returnComments).toBe(comments);
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body).toMatchObject({ status: 'Submitted', round: 2, description: edited.description });
    expect(resubmitted.body.returnComments).toBeUndefined();
    expect(resubmittedEmail.subject).toBe(`Resubmitted: deal registration for ${company}`);
    expect(opsPage).toContain(`returned (Pending Sales Review → Returned) by EMEA Ecosystem Sales Manager: ${comments}`);
    expect(opsPage).toContain('<td>Possible duplicates</td><td>none found</td>');
    expect(optionsOf(opsPage, 'account').map((option) => option.value)).toContain(firstRound.accountId);
    expect(optionsOf(opsPage, 'opportunity').map((option) => option.value)).toContain(firstRound.opportunityId);
    expect(reviewedAgain.status).toBe(200);
    const approved = await waitForRegistration(registration.id, 'Approved');
    expect(approved.history.map((event: { action: string }) => event.action)).toEqual([
      'submitted',
      'sent-to-approver',
      'reviewed-by-operations',
      'sent-to-approver',
      'returned',
      'waiting-for-resubmission',
      'resubmitted',
      'sent-to-approver',
      'reviewed-by-operations',
      'sent-to-approver',
      'approved-by-esm',
      'sent-to-approver',
      'approved',
    ]);
    expect(approved.history.find((event: { action: string }) => event.action === 'returned')).toMatchObject({ by: 'EMEA Ecosystem Sales Manager', reason: comments, from: 'Pending Sales Review', to: 'Returned' });
    // The registration created the opportunity in its first round: it is still the source.
    expect((await callAs(ops, 'GET', `/opportunities/${approved.opportunityId}`)).body).toMatchObject({ partnerSourced: true, source: 'PQL' });
  });
});

describe('denied with a reason from the list', () => {
  it('the ESM’s page offers the configured reasons; a reason not in the list is refused naming the field; the partner reads the chosen reason', async () => {
    // Prepare
    const company = uniqueName('Globex Dairy');
    const registration = await register(people.alice, company);
    expect((await reviewAsOperations(company)).status).toBe(200);
    const configured = (await callAs(people.admin, 'GET', '/admin/deal-registrations/denial-reasons')).body.reasons as string[];
    const link = linkIn(await waitForEmail(esm, reviewOf(company)));

    // Act
    const page = await (await fetch(link)).text();
    const notInList = await callAs(esm, 'POST', `/deal-registrations/${registration.id}/decision`, { decision: 'deny', reason: 'I do not like the partner.' });
    const notInListOnPage = await postForm(link, { decision: 'deny', reason: 'I do not like the partner.' });
    const afterRefusals = await readRegistration(registration.id);
    const denied = await postForm(link, { decision: 'deny', reason: 'Not a net-new opportunity' });
    const told = await waitForEmail(people.alice, toPartner('Denied', company));

    // Assess
    expect(configured.length).toBeGreaterThan(1);
    expect(optionsOf(page, 'reason').map((option) => option.label)).toEqual(configured);
    expect(notInList.status).toBe(422);
    expect(notInList.headers.get('content-type')).toBe('application/problem+json');
    expect(notInList.body).toMatchObject({ rule: 'approval.deny-reason-from-list', field: 'reason' });
    expect(notInList.body.detail).toContain('Not a net-new opportunity');
    expect(notInListOnPage.status).toBe(422);
    expect(noticeOf(notInListOnPage.html)).toMatch(/^Choose one of the reasons: /);
    expect(afterRefusals.status).toBe('Pending Sales Review');
    expect(denied.status).toBe(200);
    expect(noticeOf(denied.html)).toBe('The registration is denied. Acme Cloud Partners will be told the reason.');
    expect(told.body.text).toContain('The reason given: Not a net-new opportunity');
    const final = await readRegistration(registration.id, people.alice);
    expect(final).toMatchObject({ status: 'Denied', outcomeReason: 'Not a net-new opportunity' });
    expect(final.history.at(-1)).toMatchObject({ action: 'denied', by: 'The ecosystem sales manager', from: 'Pending Sales Review', to: 'Denied', reason: 'Not a net-new opportunity' });
  });
});

describe('decisions through the API', () => {
  it('operations, the ESM and the ASM decide signed in; only the holder of the pending review may, and the emailed links then say it is decided', async () => {
    // Prepare
    const company = uniqueName('Hooli Pharma');
    const registration = await register(people.alice, company);
    const opsEmail = await waitForEmail(ops, reviewOf(company));
    const path = `/deal-registrations/${registration.id}/decision`;

    // Act
    const withoutEsm = await callAs(ops, 'POST', path, { decision: 'approve', account: 'new', opportunity: 'new' });
    const byAsmTooEarly = await callAs(asm, 'POST', path, { decision: 'approve' });
    const byPartner = await callAs(people.alice, 'POST', path, { decision: 'approve' });
    const byOps = await callAs(ops, 'POST', path, { decision: 'approve', account: 'new', opportunity: 'new', esm: 'usr_esm_emea' });
    const esmEmail = await waitForEmail(esm, reviewOf(company));
    const byEsm = await callAs(esm, 'POST', path, { decision: 'approve', reason: 'Customer confirmed by phone.' });
    await waitForEmail(asm, reviewOf(company));
    const byAsm = await callAs(asm, 'POST', path, { decision: 'approve' });
    const approvedEmail = await waitForEmail(people.alice, toPartner('Approved', company));
    const opsPageAfter = await (await fetch(linkIn(opsEmail))).text();
    const esmPost = await postForm(linkIn(esmEmail), { decision: 'deny', reason: 'Other' });

    // Assess
    expect(withoutEsm.status).toBe(422);
    expect(withoutEsm.body.rule).toBe('dr.review-esm');
    expect(byAsmTooEarly.status).toBe(404);
    expect(byPartner.status).toBe(404);
    expect(byOps.status).toBe(200);
    expect(byOps.body.outcome).toBe('Sent to EMEA Ecosystem Sales Manager for sales review.');
    expect(byOps.body.registration).toMatchObject({ status: 'Pending Sales Review', esmId: 'usr_esm_emea', esmName: 'EMEA Ecosystem Sales Manager' });
    expect(byEsm.status).toBe(200);
    expect(byEsm.body.registration.status).toBe('Pending ASM Review');
    expect(byAsm.status).toBe(200);
    expect(byAsm.body.registration.status).toBe('Approved');
    expect(approvedEmail.body.text).toContain('The protection lasts until');
    expect(opsPageAfter).toContain('Nothing left to decide');
    expect(noticeOf(opsPageAfter)).toMatch(/^This was already approved by EMEA Ecosystem Operations on /);
    expect(esmPost.status).toBe(409);
    const final = await waitForRegistration(registration.id, 'Approved');
    expect(final.reviews.map((review: { level: string; status: string; decidedBy: string }) => `${review.level}:${review.status}:${review.decidedBy}`)).toEqual([
      'operations:Approved:EMEA Ecosystem Operations',
      'esm:Approved:EMEA Ecosystem Sales Manager',
      'asm:Approved:EMEA Area Sales Manager',
    ]);
  });
});

describe('links that are used or past their step', () => {
  it('opening a link never changes anything; a used link and a link past its step say so and POSTing them changes nothing', async () => {
    // Prepare
    const company = uniqueName('Initech Textiles');
    const registration = await register(people.alice, company);
    const opsLink = linkIn(await waitForEmail(ops, reviewOf(company)));

    // Act 1: operations open the page (and a mail scanner opens it again), then decide
    const looks = [];
    for (let i = 0; i < 3; i += 1) looks.push(await fetch(opsLink, { method: i === 1 ? 'HEAD' : 'GET' }));
    const afterLooking = await readRegistration(registration.id);
    expect((await reviewAsOperations(company)).status).toBe(200);

    // Act 2: the used link is pressed again, to approve and to deny
    const reusedApprove = await postForm(opsLink, { decision: 'approve', account: 'new', opportunity: 'new', esm: 'usr_esm_emea' });
    const reusedDeny = await postForm(opsLink, { decision: 'deny', reason: 'Other' });
    const reopened = await fetch(opsLink);
    const reopenedPage = await reopened.text();

    // Act 3: the ESM decides through the API; their emailed link is now past its step
    const esmLink = linkIn(await waitForEmail(esm, reviewOf(company)));
    expect((await callAs(esm, 'POST', `/deal-registrations/${registration.id}/decision`, { decision: 'approve' })).status).toBe(200);
    await waitForEmail(asm, reviewOf(company));
    const beforeLate = await readRegistration(registration.id);
    const lateLook = await (await fetch(esmLink)).text();
    const lateReturn = await postForm(esmLink, { decision: 'return', reason: 'Please add more detail.' });

    // Assess
    expect(looks.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(afterLooking.status).toBe('Submitted');
    expect(afterLooking.history.map((event: { action: string }) => event.action)).toEqual(['submitted', 'sent-to-approver']);
    expect(reusedApprove.status).toBe(409);
    expect(noticeOf(reusedApprove.html)).toMatch(/^This was already approved by EMEA Ecosystem Operations on /);
    expect(reusedDeny.status).toBe(409);
    expect(reopened.status).toBe(200);
    expect(reopenedPage).toContain('Nothing left to decide');
    expect(reopenedPage).not.toContain('<button');
    expect(lateLook).toContain('Nothing left to decide');
    expect(lateReturn.status).toBe(409);
    const after = await readRegistration(registration.id);
    expect(after.status).toBe('Pending ASM Review');
    expect(after.history).toEqual(beforeLate.history);
    expect(after.history.filter((event: { action: string }) => event.action === 'reviewed-by-operations')).toHaveLength(1);
    expect(await emailsTo(people.alice, toPartner('Action needed', company))).toHaveLength(0);
  });
});

describe('registered by an ESM', () => {
  it('an ESM registers for the alliance partner CloudCo and the GSI BigFour; not for a reseller, and never without naming the partner', async () => {
    // Prepare
    const forAlliance = uniqueName('Alliance Customer');
    const forGsi = uniqueName('GSI Customer');

    // Act
    const alliance = await callAs(esmAmer, 'POST', '/deal-registrations', { ...(await registrationBody(forAlliance, { country: 'US' })), partnerId: 'ptr_cloudco' });
    const gsi = await callAs(esm, 'POST', '/deal-registrations', { ...(await registrationBody(forGsi, { country: 'GB' })), partnerId: 'ptr_bigfour' });
    const forReseller = await callAs(esm, 'POST', '/deal-registrations', { ...(await registrationBody(uniqueName('Reseller Customer'))), partnerId: 'ptr_acme' });
    const unnamed = await callAs(esm, 'POST', '/deal-registrations', await registrationBody(uniqueName('Nobody Customer')));
    const byAsm = await callAs(asm, 'POST', '/deal-registrations', { ...(await registrationBody(uniqueName('Asm Customer'))), partnerId: 'ptr_bigfour' });
    const amerOps = await waitForEmail(opsAmer, reviewOf(forAlliance));
    const emeaOps = await waitForEmail(ops, reviewOf(forGsi));
    const confirmation = await waitForEmail(esmAmer, toPartner('Received', forAlliance));

    // Assess
    expect(alliance.status).toBe(201);
    expect(alliance.body).toMatchObject({ partnerId: 'ptr_cloudco', partnerName: 'CloudCo Marketplace', region: 'AMER', status: 'Submitted' });
    expect(alliance.body.submittedBy).toMatchObject({ name: 'AMER Ecosystem Sales Manager', onBehalf: true });
    expect(gsi.status).toBe(201);
    expect(gsi.body).toMatchObject({ partnerId: 'ptr_bigfour', region: 'EMEA' });
    expect(amerOps.subject).toBe(`Decision needed: deal registration "${forAlliance} (Resale)" from CloudCo Marketplace`);
    expect(amerOps.body.text).toContain('CloudCo Marketplace (registered by AMER Ecosystem Sales Manager)');
    expect(emeaOps.body.text).toContain('BigFour Consulting (registered by EMEA Ecosystem Sales Manager)');
    expect(confirmation.body.text).toContain(`Your deal registration for ${forAlliance} is in.`);
    expect(forReseller.status).toBe(422);
    expect(forReseller.body.rule).toBe('dr.on-behalf-alliance-or-gsi');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors[0].field).toBe('partnerId');
    expect(byAsm.status).toBe(403);
    const read = await readRegistration(alliance.body.id, esmAmer);
    expect(read.history[0]).toMatchObject({ action: 'submitted', by: 'AMER Ecosystem Sales Manager' });
  });
});

describe('possible duplicates', () => {
  it('operations see open registrations and opportunities of the same customer name or email domain; the partner never does', async () => {
    // Prepare: Acme registers a customer; Globex the same company spelled differently; Initech another name on the same email domain
    const base = uniqueName('Duplicate Foods');
    const domain = `${base.split(' ').at(-1)}-foods.example`;
    const first = await register(people.alice, `${base} GmbH`, { domain });

    // Act
    const second = await register(people.gina, `${base.toUpperCase()}, Inc.`, { domain: `${base.split(' ').at(-1)}-other.example` });
    const third = await register(people.ivan, uniqueName('Completely Different'), { domain });
    const initrode = await register(people.alice, 'Initrode Bank AG');
    const secondForOps = await readRegistration(second.id);
    const thirdForOps = await readRegistration(third.id);
    const initrodeForOps = await readRegistration(initrode.id);
    const secondForPartner = await callAs(people.gina, 'GET', `/deal-registrations/${second.id}`);
    const opsPage = await (await fetch(linkIn(await waitForEmail(ops, reviewOf(`${base.toUpperCase()}, Inc.`))))).text();

    // Assess
    expect(first.possibleDuplicates).toBeUndefined();
    expect(secondForOps.possibleDuplicates).toEqual([{ kind: 'registration', id: first.id, matchedOn: 'customer name', label: `${base} GmbH by Acme Cloud Partners`, status: 'Submitted' }]);
    expect(thirdForOps.possibleDuplicates).toEqual([expect.objectContaining({ kind: 'registration', id: first.id, matchedOn: 'email domain' })]);
    expect(initrodeForOps.possibleDuplicates).toContainEqual(expect.objectContaining({ kind: 'opportunity', id: 'opp_initrode_ultimate', matchedOn: 'customer name' }));
    expect(secondForPartner.status).toBe(200);
    expect(secondForPartner.body.possibleDuplicates).toBeUndefined();
    expect(secondForPartner.text).not.toContain(first.id);
    expect(secondForPartner.text).not.toContain('Acme');
    expect(opsPage).toContain(`registration ${base} GmbH by Acme Cloud Partners (Submitted, same customer name)`);
    const partnerEmails = [...(await emailsTo(people.gina, `${base.toUpperCase()}, Inc.`))];
    expect(partnerEmails.length).toBeGreaterThan(0);
    expect(partnerEmails.every((email) => !(email.body.text ?? '').includes('Acme'))).toBe(true);
  });
});
