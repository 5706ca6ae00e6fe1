import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { call, callAs, eventually, linkIn, noticeOf, people, postDecision, runSweep, uniqueName, waitForEmail, type CapturedEmail } from './support.ts';

/**
 * NFR licences on the running local stack, as people use them: a partner user
 * asks, the help desk follows the emailed link, the contact reads the licence key
 * in their email, the requester is told. Each test works with a partner of its own
 * (created through the admin API), so the limit's count starts at zero.
 */
const helpDesk = 'helpdesk@channel.example';

const newPartner = async (track: 'Select' | 'Open', certifications?: { solutionArchitect: boolean; professionalServicesEngineer: boolean }) => {
  const partner = await callAs(people.admin, 'POST', '/admin/partners', {
    legalName: uniqueName(`NFR ${track} Partners`),
    homeRegion: 'EMEA',
    track,
    status: 'Authorized',
    ...(certifications ? { certifications } : {}),
  });
  expect(partner.status).toBe(201);
  const user = await callAs(people.admin, 'POST', '/admin/users', { email: `nfr-${partner.body.id}@partner.example`, name: 'Nora Requester', partnerId: partner.body.id });
  expect(user.status).toBe(201);
  return { id: partner.body.id as string, name: partner.body.legalName as string, requester: user.body.email as string };
};

const contact = () => ({ name: 'Casey Contact', email: `casey-${randomUUID().slice(0, 8)}@partner.example` });

const ask = (requester: string, body: Record<string, unknown>) => callAs(requester, 'POST', '/nfr-requests', body);

const textOf = (email: CapturedEmail) => email.body.text ?? '';

describe('an NFR licence, from request to key', () => {
  it('request → the help desk approves from the emailed link → the contact reads the key (and the certification nudge) → the requester is told', async () => {
    // Prepare: an Open partner without any certification
    const partner = await newPartner('Open', { solutionArchitect: false, professionalServicesEngineer: false });
    const licenceContact = contact();

    // Act: ask (plan defaults to Ultimate), then decide as the help desk would, from the email
    const asked = await ask(partner.requester, { contact: licenceContact, users: 4 });
    const askEmail = await waitForEmail(helpDesk, partner.name);
    const page = await fetch(linkIn(askEmail));
    const decided = await postDecision(linkIn(askEmail), 'approve');
    const licenceEmail = await waitForEmail(licenceContact.email, 'NFR licence key');
    const told = await waitForEmail(partner.requester, 'Granted: NFR licence');

    // Assess: the request
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'Pending', users: 4, plan: 'Ultimate', contact: licenceContact, limit: { of: 10, remainingIfGranted: 6 } });
    expect(askEmail.subject).toContain('NFR licence request');
    expect(page.status).toBe(200);
    const shown = await page.text();
    expect(shown).toContain('Licence contact');
    expect(shown).toContain(licenceContact.email);
    expect(shown).toContain('at most 10 NFR licence users');
    expect(decided.status).toBe(200);
    expect(noticeOf(decided.html) ?? decided.html).toContain('granted');
    // the contact's email holds the key and encourages the certification
    const key = /Licence key: (NFR-[A-Za-z0-9_-]+)/.exec(textOf(licenceEmail))?.[1];
    expect(key).toMatch(/^NFR-[A-Za-z0-9_-]{32,}$/);
    expect(textOf(licenceEmail)).toContain('Solution Architect Core certification');
    expect(licenceEmail.destination.to).toEqual([licenceContact.email]);
    // the requester is told where the key went, never the key itself
    expect(textOf(told)).toContain(licenceContact.email);
    expect(textOf(told)).not.toContain(key);
    // the partner sees the licence with the same key, one year long, and the request with its history
    const licences = await callAs(partner.requester, 'GET', '/nfr-licences');
    expect(licences.body).toMatchObject({ usersInUse: 4, limit: 10, remaining: 6 });
    expect(licences.body.items).toHaveLength(1);
    const licence = licences.body.items[0];
    expect(licence).toMatchObject({ key, users: 4, plan: 'Ultimate', status: 'Active', certificationEncouraged: true });
    expect(licence.expiresOn).toBe(`${Number(licence.startsOn.slice(0, 4)) + 1}${licence.startsOn.slice(4)}`.replace(/-02-29$/, '-02-28'));
    const request = await callAs(partner.requester, 'GET', `/nfr-requests/${asked.body.id}`);
    expect(request.body).toMatchObject({ status: 'Granted', licenceId: licence.id });
    expect(request.body.history.map((event: { action: string }) => event.action)).toEqual(['requested', 'sent-to-approver', 'granted']);
    expect(request.body.history.at(-1).by).toBe('The partner help desk');
  });

  it('a certified partner gets its key without the nudge; its second licence expires with the first (co-terminous)', async () => {
    // Prepare: a Select partner with a Solution Architect, holding one licence
    const partner = await newPartner('Select', { solutionArchitect: true, professionalServicesEngineer: false });
    const first = await ask(partner.requester, { contact: contact(), users: 5 });
    await waitForEmail(helpDesk, partner.name);
    const firstDecision = await callAs(helpDesk, 'POST', `/nfr-requests/${first.body.id}/decision`, { decision: 'approve' });
    const secondContact = contact();

    // Act: a second request, granted through the API
    const second = await ask(partner.requester, { contact: secondContact, users: 3, plan: 'Premium' });
    await waitForEmail(helpDesk, partner.name, 2);
    const secondDecision = await callAs(helpDesk, 'POST', `/nfr-requests/${second.body.id}/decision`, { decision: 'approve' });
    const licenceEmail = await waitForEmail(secondContact.email, 'NFR licence key');

    // Assess
    expect(firstDecision.status).toBe(200);
    expect(secondDecision.status).toBe(200);
    expect(textOf(licenceEmail)).not.toContain('Solution Architect Core certification');
    const licences = (await callAs(partner.requester, 'GET', '/nfr-licences')).body;
    expect(licences).toMatchObject({ usersInUse: 8, limit: 25, remaining: 17 });
    const [newer, older] = licences.items;
    expect(newer).toMatchObject({ users: 3, plan: 'Premium', certificationEncouraged: false });
    expect(newer.expiresOn).toBe(older.expiresOn);
  });

  it('the help desk denies with a reason: the requester is told why, no licence exists', async () => {
    // Prepare
    const partner = await newPartner('Select');
    const asked = await ask(partner.requester, { contact: contact(), users: 2 });

    // Act
    const decided = await postDecision(linkIn(await waitForEmail(helpDesk, partner.name)), 'deny', 'Please ask through your channel account manager first');
    const told = await waitForEmail(partner.requester, 'Denied: NFR licence request');

    // Assess
    expect(decided.status).toBe(200);
    expect(textOf(told)).toContain('Please ask through your channel account manager first');
    expect((await callAs(partner.requester, 'GET', `/nfr-requests/${asked.body.id}`)).body).toMatchObject({ status: 'Denied', outcomeReason: 'Please ask through your channel account manager first' });
    expect((await callAs(partner.requester, 'GET', '/nfr-licences')).body).toMatchObject({ items: [], usersInUse: 0 });
  });
});

describe('the limit: users of active licences (Select 25, Open 10)', () => {
  it('a request over the limit is refused naming the users that remain', async () => {
    // Prepare: an Open partner holding a 7-user licence
    const partner = await newPartner('Open');
    const first = await ask(partner.requester, { contact: contact(), users: 7 });
    await waitForEmail(helpDesk, partner.name);
    await callAs(helpDesk, 'POST', `/nfr-requests/${first.body.id}/decision`, { decision: 'approve' });

    // Act
    const over = await ask(partner.requester, { contact: contact(), users: 4 });
    const fits = await ask(partner.requester, { contact: contact(), users: 3 });

    // Assess
    expect(over.status).toBe(422);
    expect(over.headers.get('content-type')).toBe('application/problem+json');
    expect(over.body).toMatchObject({ rule: 'nfr.within-limit', remaining: 3, limit: 10, requested: 4 });
    expect(over.body.detail).toContain('3 remain');
    expect(fits.status).toBe(201);
  });

  it('over the limit at the decision, the page refuses the approval naming the rule; the level stays open and the help desk denies', async () => {
    // Prepare: two 6-user requests of an Open partner, both fine when asked
    const partner = await newPartner('Open');
    const a = await ask(partner.requester, { contact: contact(), users: 6 });
    const b = await ask(partner.requester, { contact: contact(), users: 6 });
    const emails = [await waitForEmail(helpDesk, partner.name, 1), await waitForEmail(helpDesk, partner.name, 2)];
    const linkOf = async (requestId: string) => {
      for (const email of emails) {
        const link = linkIn(email);
        if (link.pathname.includes(requestId)) return link;
      }
      throw new Error(`No link for ${requestId}`);
    };

    // Act
    const approvedA = await postDecision(await linkOf(a.body.id), 'approve');
    const refusedB = await postDecision(await linkOf(b.body.id), 'approve');
    const deniedB = await postDecision(await linkOf(b.body.id), 'deny', 'Over the NFR limit: 4 users remain');

    // Assess
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(approvedA.status).toBe(200);
    expect(refusedB.status).toBe(422);
    expect(noticeOf(refusedB.html)).toContain('4 remain');
    expect(deniedB.status).toBe(200);
    expect((await callAs(partner.requester, 'GET', `/nfr-requests/${b.body.id}`)).body.status).toBe('Denied');
    expect((await callAs(partner.requester, 'GET', '/nfr-licences')).body).toMatchObject({ usersInUse: 6, remaining: 4 });
  });

  it('concurrent grants never pass the limit: of five 3-user grants for an Open partner at once, exactly three are granted', async () => {
    // Prepare: five requests, each within the limit on its own (nothing active yet)
    const partner = await newPartner('Open');
    const asked = [];
    for (let index = 0; index < 5; index += 1) asked.push(await ask(partner.requester, { contact: contact(), users: 3 }));
    await waitForEmail(helpDesk, partner.name, 5);

    // Act: the help desk approves all five at the same moment
    const decisions = await Promise.all(asked.map((request) => callAs(helpDesk, 'POST', `/nfr-requests/${request.body.id}/decision`, { decision: 'approve' })));

    // Assess
    expect(asked.map((request) => request.status)).toEqual([201, 201, 201, 201, 201]);
    const statuses = decisions.map((decision) => decision.status).sort();
    expect(statuses).toEqual([200, 200, 200, 422, 422]);
    for (const refused of decisions.filter((decision) => decision.status === 422)) expect(refused.body).toMatchObject({ rule: 'nfr.within-limit', remaining: 1 });
    const licences = (await callAs(partner.requester, 'GET', '/nfr-licences')).body;
    expect(licences.items).toHaveLength(3);
    expect(licences).toMatchObject({ usersInUse: 9, remaining: 1 });
  });
});

describe('renewal and expiry', () => {
  const grantNow = async (partner: { name: string; requester: string }, body: Record<string, unknown>, nth: number) => {
    const asked = await ask(partner.requester, body);
    expect(asked.status).toBe(201);
    await waitForEmail(helpDesk, partner.name, nth);
    const decided = await callAs(helpDesk, 'POST', `/nfr-requests/${asked.body.id}/decision`, { decision: 'approve' });
    expect(decided.status).toBe(200);
    return asked.body.id as string;
  };

  it('a renewal of the licences at the limit is accepted, starts a new year, and the renewed licence stops counting', async () => {
    // Prepare: an Open partner at its limit (one 10-user licence)
    const partner = await newPartner('Open');
    await grantNow(partner, { contact: contact(), users: 10 }, 1);
    const [old] = (await callAs(partner.requester, 'GET', '/nfr-licences')).body.items;
    const overWithoutRenewing = await ask(partner.requester, { contact: contact(), users: 10 });

    // Act
    await grantNow(partner, { contact: contact(), users: 10, renews: [old.id] }, 2);

    // Assess
    expect(overWithoutRenewing.status).toBe(422);
    expect(overWithoutRenewing.body.remaining).toBe(0);
    const licences = (await callAs(partner.requester, 'GET', '/nfr-licences')).body;
    expect(licences).toMatchObject({ usersInUse: 10, remaining: 0 });
    const [renewal, renewed] = licences.items;
    expect(renewed).toMatchObject({ id: old.id, status: 'Renewed' });
    expect(renewal).toMatchObject({ status: 'Active', renews: [old.id] });
    expect(renewal.expiresOn).toBe(`${Number(renewal.startsOn.slice(0, 4)) + 1}${renewal.startsOn.slice(4)}`.replace(/-02-29$/, '-02-28'));
  });

  it('at its expiry date a licence is Expired and its users are free again, once, however often the sweep runs', async () => {
    // Prepare: a Select partner with a 25-user licence (at its limit)
    const partner = await newPartner('Select');
    const requestId = await grantNow(partner, { contact: contact(), users: 25 }, 1);
    const [licence] = (await callAs(partner.requester, 'GET', '/nfr-licences')).body.items;

    // Act: the clock reaches 00:00 of the expiry date in the partner's region (the sweep runs), then the sweep runs twice more
    const moved = await call('POST', '/_local/clock', { body: { to: new Date(Date.parse(licence.expiresAt) + 60_000).toISOString() } });
    const sweeps = [moved.body.sweep, await runSweep(), await runSweep()];

    // Assess
    expect(moved.status).toBe(200);
    // (the first sweep also expires other tests' licences granted the same day)
    expect(sweeps[0].kinds['nfr-licence-expiry'].done).toBeGreaterThanOrEqual(1);
    expect(sweeps.slice(1).map((sweep) => sweep.kinds['nfr-licence-expiry'].done)).toEqual([0, 0]);
    expect(sweeps.map((sweep) => sweep.kinds['nfr-licence-expiry'].failed)).toEqual([0, 0, 0]);
    expect((await callAs(partner.requester, 'GET', `/nfr-licences/${licence.id}`)).body.status).toBe('Expired');
    expect((await callAs(partner.requester, 'GET', '/nfr-licences')).body).toMatchObject({ usersInUse: 0, remaining: 25 });
    const history = (await callAs(partner.requester, 'GET', `/nfr-requests/${requestId}`)).body.history;
    expect(history.filter((event: { action: string }) => event.action === 'licence-expired')).toHaveLength(1);
    // a new licence after expiry starts its own year (no active licence to share a date with)
    const fresh = await ask(partner.requester, { contact: contact(), users: 25 });
    expect(fresh.status).toBe(201);
  });
});

describe('who may ask and see', () => {
  it('another partner gets 404 for a licence and a request that are not its own, and does not list them', async () => {
    // Prepare: a licence of a new partner
    const partner = await newPartner('Select');
    const asked = await ask(partner.requester, { contact: contact(), users: 1 });
    await waitForEmail(helpDesk, partner.name);
    await callAs(helpDesk, 'POST', `/nfr-requests/${asked.body.id}/decision`, { decision: 'approve' });
    const licence = (await callAs(partner.requester, 'GET', '/nfr-licences')).body.items[0];

    // Act: Alice of Acme looks
    const licenceAsOther = await call('GET', `/nfr-licences/${licence.id}`, { as: people.alice });
    const requestAsOther = await call('GET', `/nfr-requests/${asked.body.id}`, { as: people.alice });
    const decisionAsPartner = await call('POST', `/nfr-requests/${asked.body.id}/decision`, { as: people.alice, body: { decision: 'approve' } });
    const listAsOther = await call('GET', '/nfr-licences', { as: people.alice });
    const own = await callAs(partner.requester, 'GET', `/nfr-licences/${licence.id}`);

    // Assess
    expect(licenceAsOther.status).toBe(404);
    expect(licenceAsOther.headers.get('content-type')).toBe('application/problem+json');
    expect(licenceAsOther.text).not.toContain(licence.key);
    expect(requestAsOther.status).toBe(404);
    expect(decisionAsPartner.status).toBe(404);
    expect(listAsOther.body.items.map((item: { id: string }) => item.id)).not.toContain(licence.id);
    expect(own.status).toBe(200);
    expect(own.body.key).toBe(licence.key);
  });

  it('bad input is a 400 naming each field; a Prospect partner is refused naming the rule; internal users do not ask', async () => {
    // Act
    const bad = await call('POST', '/nfr-requests', { as: people.alice, body: { contact: { name: '', email: 'not-an-email' }, users: 0, plan: 'Gold' } });
    const notJson = await call('POST', '/nfr-requests', { as: people.alice, rawBody: '{"users":' });
    const prospect = await call('POST', '/nfr-requests', { as: people.uma, body: { contact: contact(), users: 1 } });
    const internal = await call('POST', '/nfr-requests', { as: people.cmmEmea, body: { contact: contact(), users: 1 } });
    const anonymous = await call('POST', '/nfr-requests', { body: { contact: contact(), users: 1 } });

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['contact.email', 'contact.name', 'plan', 'users']);
    expect(notJson.status).toBe(400);
    expect(prospect.status).toBe(422);
    expect(prospect.body).toMatchObject({ rule: 'nfr.partner-authorized', status: 422 });
    expect(internal.status).toBe(403);
    expect(anonymous.status).toBe(401);
  });

  it('the same Idempotency-Key and body answer with the first request; another body is refused', async () => {
    // Prepare
    const partner = await newPartner('Select');
    const body = { contact: contact(), users: 2 };
    const key = randomUUID();

    // Act
    const first = await callAs(partner.requester, 'POST', '/nfr-requests', body);
    const headers = { 'idempotency-key': key };
    const once = await call('POST', '/nfr-requests', { headers: { ...headers, authorization: `Bearer ${await signInToken(partner.requester)}` }, body });
    const again = await call('POST', '/nfr-requests', { headers: { ...headers, authorization: `Bearer ${await signInToken(partner.requester)}` }, body });
    const other = await call('POST', '/nfr-requests', { headers: { ...headers, authorization: `Bearer ${await signInToken(partner.requester)}` }, body: { ...body, users: 3 } });

    // Assess
    expect(first.status).toBe(201);
    expect(once.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(once.body.id);
    expect(other.status).toBe(422);
    const listed = await eventually(async () => (await callAs(partner.requester, 'GET', '/nfr-requests')).body.items);
    expect(listed).toHaveLength(2);
  });
});

describe('certifications and bad input', () => {
  it('certifications are set through the admin partners API; a change keeps the other one', async () => {
    // Prepare
    const partner = await newPartner('Select', { solutionArchitect: true, professionalServicesEngineer: false });

    // Act
    const patched = await callAs(people.admin, 'PATCH', `/admin/partners/${partner.id}`, { certifications: { professionalServicesEngineer: true } });
    const byPartner = await call('PATCH', `/admin/partners/${partner.id}`, { as: people.alice, body: { certifications: { solutionArchitect: true } } });

    // Assess
    expect(patched.status).toBe(200);
    expect((await callAs(people.admin, 'GET', `/admin/partners/${partner.id}`)).body.certifications).toEqual({ solutionArchitect: true, professionalServicesEngineer: true });
    expect(byPartner.status).toBe(403);
  });

  it('whatever a partner sends to POST /nfr-requests, the answer is a 4xx problem, never a 5xx, and nothing is granted', async () => {
    // Prepare
    const partner = await newPartner('Open');
    const token = await signInToken(partner.requester);
    const valid = { contact: contact(), users: 1, plan: 'Ultimate', renews: [] as string[] };
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({ field: fc.constantFrom('contact', 'users', 'plan', 'renews'), value: fc.jsonValue() }).map(({ field, value }) => ({ ...valid, [field]: value })),
      fc.constantFrom('users', 'renews', 'nope').map((field) => ({ ...valid, users: field === 'users' ? 11 : 1, renews: field === 'renews' ? ['nfl_not_mine'] : [], ...(field === 'nope' ? { partnerId: 'ptr_acme' } : {}) })),
    );

    // Act / Assess
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const answer = await call('POST', '/nfr-requests', { headers: { authorization: `Bearer ${token}` }, rawBody: JSON.stringify(sent) });
        if (answer.status === 201) return;
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
      }),
      { numRuns: 60 },
    );
    expect((await callAs(partner.requester, 'GET', '/nfr-licences')).body.items).toEqual([]);
  });
});

const signInToken = async (email: string): Promise<string> => {
  const answer = await call<{ token: string }>('POST', '/_local/token', { body: { email } });
  return answer.body.token;
};
