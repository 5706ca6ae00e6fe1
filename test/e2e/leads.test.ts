import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  allEmails,
  call,
  eventually,
  people,
  registrationBody,
  reviewers,
  reviewOf,
  runSweep,
  uniqueName,
  waitForEmail,
  waitForRegistration,
  type CapturedEmail,
} from './support.ts';

/**
 * Leads on the running local stack, as marketing operations and the partner work
 * them: a CSV import routed by the rules, the Partner Contact's email, acceptance and
 * status, then thirty days later the recall of a Joint lead nobody acted on (a
 * Partner Sponsored lead of the same age stays), told to the partner once, however
 * often the sweep runs.
 */
const csvHeaders = { 'content-type': 'text/csv; charset=utf-8' };

const newCampaign = async (type: string, channelPartnerName = 'Acme Cloud Partners', extra: Record<string, unknown> = {}) => {
  const response = await call('POST', '/campaigns', {
    as: people.marketingOps,
    body: { name: uniqueName(`${type} campaign`), type, channelPartnerName, budgetHolder: 'chnl', status: 'In Progress', ...extra },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; name: string; carriesPartnerLeads: boolean; whyNot: { rule: string }[] };
};

const importCsv = async (csv: string) => {
  const response = await call('POST', '/leads/import?fileName=leads.csv', { as: people.marketingOps, headers: csvHeaders, rawBody: csv });
  expect(response.status, response.text).toBe(202);
  expect(response.headers.get('location')).toBe(`/leads/imports/${response.body.id}`);
  return response.body as { id: string; status: string };
};

const finishedImport = (id: string) =>
  eventually(async () => {
    const job = (await call('GET', `/leads/imports/${id}`, { as: people.marketingOps })).body;
    if (job.status !== 'Completed' && job.status !== 'Failed') throw new Error(`Import ${id} is ${job.status}`);
    return job;
  }, 30_000);

const emailsMentioning = async (to: string, subject: RegExp, text: string): Promise<CapturedEmail[]> =>
  (await allEmails()).filter((email) => email.destination.to.includes(to) && subject.test(email.subject) && (email.body.text ?? '').includes(text));

describe('leads shared with partners, from import to recall', () => {
  it('a CSV is routed by the rules, the Partner Contact is told once, the partner accepts; 30 days on the idle Joint lead is recalled, the Partner Sponsored one kept', async () => {
    // Prepare: campaigns of three types for Acme, and a file with a lead for each, one held back, one broken row
    const joint = await newCampaign('Joint');
    const sponsored = await newCampaign('Partner Sponsored');
    const mdf = await newCampaign('MDF');
    const run = randomUUID().slice(0, 8);
    const email = (who: string) => `${who}.${run}@customer.example`;
    const csv = [
      'Email,First Name,Last Name,Phone,Company,Country,Campaign ID,Partner Account ID,Actively Worked',
      `${email('joan')},Joan,Clarke,+44 1908 640404,"Hut 8, Ltd",GB,${joint.id},ptr_acme,no`,
      `${email('idle')},Ida,Idle,+44 1908 640405,Slow Co,GB,${joint.id},ptr_acme,no`,
      `${email('spon')},Sam,Sponsor,+44 1908 640406,Booth Visitors,GB,${sponsored.id},ptr_acme,`,
      `${email('mdf')},Mia,Funded,+44 1908 640407,Roadshow Inc,DE,${mdf.id},ptr_acme,yes`,
      `${email('nophone')},Nat,Nophone,,Quiet Ltd,GB,${joint.id},ptr_acme,no`,
      `,No,Email,+1,Nowhere,GB,${joint.id},ptr_acme,no`,
    ].join('\r\n');

    // Act 1: marketing operations import it and follow the job
    const received = await importCsv(csv);
    expect(received.status).toBe('Queued');
    const job = await finishedImport(received.id);

    // Assess 1: routed, held back with the reason, failed with its line; the Partner Contact told once, listing the new leads
    expect(job).toMatchObject({
      status: 'Completed',
      counts: { received: 6, processed: 6, shared: 4, heldBack: 1, failed: 1, alreadyImported: 0 },
      partnersNotified: 1,
      progress: { percent: 100 },
    });
    expect(job.rows.items).toEqual([
      expect.objectContaining({ line: 6, email: email('nophone'), outcome: 'held-back', reasons: [expect.objectContaining({ rule: 'leads.has-phone' })] }),
      expect.objectContaining({ line: 7, outcome: 'failed', reasons: [expect.objectContaining({ rule: 'leads.row.email' })] }),
    ]);
    const told = await eventually(async () => {
      const found = await emailsMentioning(people.lena, /new leads for Acme Cloud Partners/, received.id);
      if (found.length === 0) throw new Error('no email to the Partner Contact yet');
      return found;
    });
    expect(told).toHaveLength(1);
    expect(told[0]?.subject).toBe('4 new leads for Acme Cloud Partners');
    for (const name of ['Joan Clarke, Hut 8, Ltd', 'Ida Idle', 'Sam Sponsor', 'Mia Funded']) expect(told[0]?.body.text).toContain(name);

    // Act 2: the Partner Contact (opportunity admin) sees them; accepts one Joint lead and moves it on
    const listed = await call('GET', `/leads?campaignId=${joint.id}`, { as: people.lena });
    expect(listed.status).toBe(200);
    const byEmail = new Map<string, { id: string; shareStatus: string; assignee?: { id: string } }>(listed.body.items.map((lead: { email: string }) => [lead.email, lead]));
    const joan = byEmail.get(email('joan'));
    const idle = byEmail.get(email('idle'));
    if (!joan || !idle) throw new Error('the Joint leads are not listed');
    expect(joan).toMatchObject({ shareStatus: 'Pending', assignee: { id: 'usr_lena' } });
    const mdfLead = (await call('GET', `/leads?campaignId=${mdf.id}`, { as: people.lena })).body.items[0];
    expect(mdfLead).toMatchObject({ email: email('mdf'), shareStatus: 'Accepted' });
    const sponsoredLead = (await call('GET', `/leads?campaignId=${sponsored.id}`, { as: people.lena })).body.items[0];

    expect((await call('POST', `/leads/${joan.id}/accept`, { as: people.lena })).body).toMatchObject({ shareStatus: 'Accepted', nextStatuses: ['Qualifying'] });
    expect((await call('POST', `/leads/${joan.id}/status`, { as: people.lena, body: { status: 'Qualified' } })).status).toBe(409);
    expect((await call('POST', `/leads/${joan.id}/status`, { as: people.lena, body: { status: 'Qualifying' } })).body).toMatchObject({ leadStatus: 'Qualifying' });
    expect((await call('POST', `/leads/${mdfLead.id}/reject`, { as: people.lena, body: { reason: 'Too late' } })).status).toBe(409);

    // Act 3: thirty days pass (phase 1); the sweep runs three times
    const sweeps = [(await advanceClock('P30D')).sweep, await runSweep(), await runSweep()];

    // Assess 3: the idle Joint lead was recalled once, the Partner Sponsored lead of the same age and the accepted one kept
    expect(sweeps.map((report) => report.kinds['lead-recall'].done).reduce((a: number, b: number) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(sweeps[1].kinds['lead-recall'].done + sweeps[2].kinds['lead-recall'].done).toBe(0);
    expect((await call('GET', `/leads/${idle.id}`, { as: people.lena })).status).toBe(404);
    const recalledView = (await call('GET', `/leads/${idle.id}`, { as: people.marketingOps })).body;
    expect(recalledView).toMatchObject({ state: 'recalled', recallRule: 'recall.phase-1-pending-30-days' });
    expect(recalledView.history.at(-1)).toMatchObject({ action: 'recalled', from: 'Pending', to: 'Recalled' });
    expect((await call('GET', `/leads/${sponsoredLead.id}`, { as: people.lena })).body).toMatchObject({ shareStatus: 'Pending' });
    expect((await call('GET', `/leads/${joan.id}`, { as: people.lena })).body).toMatchObject({ shareStatus: 'Accepted', leadStatus: 'Qualifying' });
    const recallEmails = await emailsMentioning(people.lena, /recalled from Acme Cloud Partners/, 'Ida Idle');
    expect(recallEmails).toHaveLength(1);
    expect(recallEmails[0]?.body.text).toContain('Still Pending 30 days after sharing');
    expect(recallEmails[0]?.body.text).not.toContain('Sam Sponsor');

    // Assess 4: marketing operations see the recall counted, and the held-back lead with its reason
    const counts = (await call('GET', '/leads/recalls?partnerId=ptr_acme', { as: people.marketingOps })).body.items;
    expect(counts).toContainEqual(expect.objectContaining({ partnerId: 'ptr_acme', campaignId: joint.id, recalled: 1 }));
    const held = (await call('GET', `/leads/held-back?campaignId=${joint.id}`, { as: people.marketingOps })).body.items;
    expect(held).toContainEqual(expect.objectContaining({ email: email('nophone'), holdReasons: [expect.objectContaining({ rule: 'leads.has-phone' })] }));

    // Act 5: the same file again
    const again = await finishedImport((await importCsv(csv)).id);

    // Assess 5: no duplicates, nothing new to tell
    expect(again.counts).toMatchObject({ received: 6, shared: 0, alreadyImported: 5, failed: 1 });
    expect(again.partnersNotified).toBe(0);
    expect((await call('GET', `/leads?campaignId=${joint.id}`, { as: people.lena })).body.items).toHaveLength(1);
  });

  it('an accepted lead is converted into a deal registration prefilled from it: the lead is Converted to DR, operations are asked to review', async () => {
    // Prepare: a Joint lead shared with Acme, accepted and qualifying
    const joint = await newCampaign('Joint');
    const company = uniqueName('Difference Engines');
    const address = `charles.${randomUUID().slice(0, 8)}@difference-engines.example`;
    const csv = ['Email,First Name,Last Name,Phone,Company,Country,Campaign ID,Partner Account ID', `${address},Charles,Babbage,+44 20 7946 0101,${company},GB,${joint.id},ptr_acme`].join('\n');
    await finishedImport((await importCsv(csv)).id);
    const lead = (await call('GET', `/leads?campaignId=${joint.id}`, { as: people.lena })).body.items[0];
    await call('POST', `/leads/${lead.id}/accept`, { as: people.lena });
    await call('POST', `/leads/${lead.id}/status`, { as: people.lena, body: { status: 'Qualifying' } });
    const rest = await registrationBody(company);
    const { customer: _customer, ...registration } = rest;

    // Act: Lena converts it, says what the deal is; a second click changes nothing
    const converted = await call('POST', `/leads/${lead.id}/convert`, { as: people.lena, body: registration });
    const again = await call('POST', `/leads/${lead.id}/convert`, { as: people.lena, body: registration });

    // Assess: one Submitted registration with the lead's customer, campaign and lead; the lead points at it
    expect(converted.status, converted.text).toBe(201);
    expect(converted.body).toMatchObject({
      status: 'Submitted',
      campaignId: joint.id,
      leadId: lead.id,
      customer: { companyName: company, contactName: 'Charles Babbage', contactEmail: address, contactPhone: '+44 20 7946 0101', country: 'GB' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ rule: 'leads.status-order' });
    const after = (await call('GET', `/leads/${lead.id}`, { as: people.lena })).body;
    expect(after).toMatchObject({ leadStatus: 'Converted to DR', dealRegistrationId: converted.body.id });
    expect(after.history.at(-1)).toMatchObject({ action: 'converted', from: 'Qualifying', to: 'Converted to DR' });
    const opsEmail = await waitForEmail(reviewers.ops, reviewOf(company));
    expect(opsEmail.subject).toContain('from Acme Cloud Partners');
    // Operations see where it came from
    expect(await waitForRegistration(converted.body.id, 'Submitted')).toMatchObject({ campaignId: joint.id, leadId: lead.id, partnerId: 'ptr_acme' });
  });

  it('partners see only their own leads: another partner and a user the lead is not assigned to get 404; staff views are refused to partners', async () => {
    // Prepare
    const joint = await newCampaign('Joint');
    const run = randomUUID().slice(0, 8);
    const job = await finishedImport(
      (await importCsv(`email,firstName,lastName,phone,country,campaignId,partnerAccountId\nisolated.${run}@customer.example,Iso,Lated,+1 555 0100,US,${joint.id},ptr_acme\n`)).id,
    );
    expect(job.counts.shared).toBe(1);
    const [lead] = (await call('GET', `/leads?campaignId=${joint.id}`, { as: people.lena })).body.items;

    // Act + Assess
    expect((await call('GET', `/leads/${lead.id}`, { as: people.gina })).status).toBe(404);
    expect((await call('POST', `/leads/${lead.id}/accept`, { as: people.gina })).status).toBe(404);
    expect((await call('GET', `/leads/${lead.id}`, { as: people.bob })).status).toBe(404);
    expect((await call('GET', '/leads', { as: people.bob })).body.items.map((each: { id: string }) => each.id)).not.toContain(lead.id);
    expect((await call('POST', `/leads/${lead.id}/assign`, { as: people.lena, body: { userId: 'usr_bob' } })).body).toMatchObject({ assignee: { id: 'usr_bob' } });
    expect((await call('GET', `/leads/${lead.id}`, { as: people.bob })).status).toBe(200);
    expect((await call('POST', `/leads/${lead.id}/assign`, { as: people.lena, body: { userId: 'usr_gina' } })).status).toBe(404);
    expect((await call('GET', '/leads/held-back', { as: people.alice })).status).toBe(403);
    expect((await call('POST', '/leads/import', { as: people.alice, headers: csvHeaders, rawBody: 'email\n' })).status).toBe(403);
  });

  it('campaigns say why they cannot carry partner leads', async () => {
    const misnamed = await newCampaign('Joint', 'Acme Cloud Partner', { budgetHolder: 'mktg', status: 'Aborted' });
    expect(misnamed.carriesPartnerLeads).toBe(false);
    expect(misnamed.whyNot.map((reason) => reason.rule)).toEqual(['campaigns.channel-partner-matches', 'campaigns.budget-holder-chnl-or-ptnr', 'campaigns.not-aborted']);
    expect((await newCampaign('Partner Managed')).carriesPartnerLeads).toBe(true);
    expect((await call('GET', '/campaigns', { as: people.lena })).status).toBe(403);
  });

  it('a bad file is refused naming line and column, a file over 10,000 leads before any work; neither leaves a job', async () => {
    const before = (await call('GET', '/leads/imports?limit=100', { as: people.marketingOps })).body.items.length;

    const bad = await call('POST', '/leads/import', {
      as: people.marketingOps,
      headers: csvHeaders,
      rawBody: 'email,campaignId,phone\nok@x.example,cmp_1,"+1 555"\nbad@x.example,cmp_1,+1 "555"\n',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body).toMatchObject({ type: 'urn:channel-prm:problem:bad-file', errors: [{ line: 3, column: 3, field: 'line 3, column 3 (phone)' }] });

    const rows = Array.from({ length: 10_001 }, (_, index) => `p${index}@x.example,cmp_1`);
    const tooMany = await call('POST', '/leads/import', { as: people.marketingOps, headers: csvHeaders, rawBody: ['email,campaignId', ...rows].join('\n') });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ rule: 'leads.import-at-most-10000' });

    expect((await call('GET', '/leads/imports?limit=100', { as: people.marketingOps })).body.items.length).toBe(before);
  });
});
