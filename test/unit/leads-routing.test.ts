import { describe, expect, it } from 'vitest';
import { campaignRefusals, type Campaign } from '#domain/campaigns';
import type { LeadRow } from '#domain/lead-rows';
import { importRow, leadIdOf, recalled, type ImportContext, type Lead, type RowResult } from '#domain/leads';
import { emptyChecklist, type Partner } from '#domain/partner';

/**
 * Routing imported leads to partners, rule by rule: every lead is shared with the
 * partner of its first campaign, or held back with every reason listed.
 */
const AT = '2027-03-01T10:00:00.000Z';

const partner = (overrides: Partial<Partner> = {}): Partner => ({
  id: 'ptr_acme',
  legalName: 'Acme Cloud Partners',
  homeRegion: 'EMEA',
  track: 'Select',
  status: 'Authorized',
  global: false,
  salesTrainingsCompleted: 2,
  partnerContact: { name: 'Lena Contact', email: 'leads@acme.example' },
  marketingReady: emptyChecklist(),
  version: 1,
  createdAt: AT,
  updatedAt: AT,
  ...overrides,
});

const campaign = (overrides: Partial<Campaign> = {}): Campaign => ({
  id: 'cmp_joint',
  name: 'Joint DevOps webinar',
  type: 'Joint',
  channelPartnerName: 'Acme Cloud Partners',
  budgetHolder: 'chnl',
  status: 'In Progress',
  createdAt: AT,
  updatedAt: AT,
  version: 1,
  ...overrides,
});

const row = (overrides: Partial<LeadRow> = {}): LeadRow => ({
  line: 2,
  email: 'ada@customer.example',
  firstName: 'Ada',
  lastName: 'Lovelace',
  phone: '+44 20 7946 0000',
  company: 'Analytical Engines Ltd',
  country: 'GB',
  campaignId: 'cmp_joint',
  partnerAccountId: 'ptr_acme',
  ...overrides,
});

const context = (options: { campaigns?: Campaign[]; partners?: Partner[]; importId?: string; at?: string; phase?: '1' | '2' | 'final' } = {}): ImportContext => {
  const campaigns = new Map((options.campaigns ?? [campaign()]).map((each) => [each.id, each]));
  const partners = new Map((options.partners ?? [partner()]).map((each) => [each.id, each]));
  return {
    importId: options.importId ?? 'imp_1',
    at: options.at ?? AT,
    phase: options.phase ?? '1',
    actor: { id: 'usr_mo', name: 'Mo Ops', kind: 'internal-user' },
    campaign: (id) => campaigns.get(id),
    partner: (id) => partners.get(id),
    defaultAssignee: (each) => (each.id === 'ptr_acme' ? { id: 'usr_lena', name: 'Lena Contact' } : undefined),
  };
};

const rulesOf = (result: RowResult) => ('reasons' in result.outcome ? result.outcome.reasons.map((reason) => reason.rule) : []);
const leadOf = (result: RowResult): Lead => {
  if (!result.lead) throw new Error('no lead');
  return result.lead;
};

describe('a lead that meets every rule is shared with the partner of its campaign', () => {
  it('a Joint campaign lead arrives Pending, assigned to the Partner Contact, with shared and synced times and its recall deadline', () => {
    // Act
    const result = importRow(undefined, row(), context());

    // Assess
    expect(result.outcome).toEqual({ kind: 'shared', partnerId: 'ptr_acme', partnerName: 'Acme Cloud Partners', shareStatus: 'Pending' });
    expect(leadOf(result)).toMatchObject({
      id: leadIdOf('ada@customer.example'),
      state: 'shared',
      shareStatus: 'Pending',
      sharedAt: AT,
      syncedAt: AT,
      assignee: { id: 'usr_lena', name: 'Lena Contact' },
      recallPhase: '1',
      recallDueAt: '2027-03-31T10:00:00.000Z',
      memberships: { cmp_joint: { seq: 0, importId: 'imp_1', line: 2, outcome: 'shared' } },
    });
    expect(leadOf(result).history).toEqual([expect.objectContaining({ action: 'shared', to: 'Pending', by: expect.objectContaining({ name: 'Mo Ops' }) })]);
  });

  it('MDF campaign leads arrive Accepted (accepted time = shared time), with no recall deadline', () => {
    const result = importRow(undefined, row({ campaignId: 'cmp_mdf' }), context({ campaigns: [campaign({ id: 'cmp_mdf', type: 'MDF' })] }));
    expect(leadOf(result)).toMatchObject({ shareStatus: 'Accepted', acceptedAt: AT });
    expect(leadOf(result).recallDueAt).toBeUndefined();
  });

  it.each(['Partner Sponsored', 'Partner Managed'] as const)('%s campaign leads arrive Pending and are never given a recall deadline', (type) => {
    const result = importRow(undefined, row(), context({ campaigns: [campaign({ type })] }));
    expect(leadOf(result)).toMatchObject({ shareStatus: 'Pending' });
    expect(leadOf(result).recallDueAt).toBeUndefined();
    expect(leadOf(result).recallPhase).toBeUndefined();
  });

  it('in the final phase a Joint lead must be accepted within 5 days', () => {
    expect(leadOf(importRow(undefined, row(), context({ phase: 'final' }))).recallDueAt).toBe('2027-03-06T10:00:00.000Z');
  });

  it('a partner without a user for its Partner Contact still gets the lead, unassigned (its opportunity admins see it)', () => {
    const other = partner({ id: 'ptr_globex', legalName: 'Globex' });
    const result = importRow(undefined, row({ partnerAccountId: 'ptr_globex' }), context({ partners: [other], campaigns: [campaign({ channelPartnerName: 'Globex' })] }));
    expect(result.outcome.kind).toBe('shared');
    expect(leadOf(result).assignee).toBeUndefined();
  });
});

describe('a lead that breaks a rule is held back, with every reason', () => {
  it.each([
    ['leads.names-partner-account', 'no partner account', row({ partnerAccountId: undefined })],
    ['leads.names-partner-account', 'a partner account that does not exist', row({ partnerAccountId: 'ptr_nobody' })],
    ['leads.has-first-name', 'no first name', row({ firstName: undefined })],
    ['leads.has-last-name', 'no last name', row({ lastName: undefined })],
    ['leads.has-phone', 'no phone', row({ phone: undefined })],
    ['leads.has-country', 'no country', row({ country: undefined })],
    ['leads.not-actively-worked', 'sales actively working it', row({ activelyWorked: true })],
  ])('%s: a lead with %s', (rule, _what, input) => {
    const result = importRow(undefined, input, context());
    expect(result.outcome.kind).toBe('held-back');
    expect(rulesOf(result)).toEqual([rule]);
    expect(leadOf(result)).toMatchObject({ state: 'held-back', holdReasons: [expect.objectContaining({ rule })], heldAt: AT });
    expect(leadOf(result).partnerId).toBeUndefined();
  });

  it('leads.partner-has-contact: the partner has no Partner Contact', () => {
    const result = importRow(undefined, row(), context({ partners: [partner({ partnerContact: undefined })] }));
    expect(rulesOf(result)).toEqual(['leads.partner-has-contact']);
  });

  it('leads.partner-not-suspended (decision): a Suspended partner receives no leads', () => {
    const result = importRow(undefined, row(), context({ partners: [partner({ status: 'Suspended' })] }));
    expect(rulesOf(result)).toEqual(['leads.partner-not-suspended']);
  });

  it.each([
    ['campaigns.channel-partner-matches', campaign({ channelPartnerName: 'Acme Cloud Partners Ltd' })],
    ['campaigns.channel-partner-matches', campaign({ channelPartnerName: 'acme cloud partners' })],
    ['campaigns.budget-holder-chnl-or-ptnr', campaign({ budgetHolder: 'mktg' })],
    ['campaigns.not-aborted', campaign({ status: 'Aborted' })],
  ])('%s: the campaign cannot carry the partner’s leads', (rule, invalid) => {
    const result = importRow(undefined, row(), context({ campaigns: [invalid] }));
    expect(rulesOf(result)).toEqual([rule]);
  });

  it('a lead sales is actively working is still shared from an MDF campaign', () => {
    const result = importRow(undefined, row({ activelyWorked: true, campaignId: 'cmp_mdf' }), context({ campaigns: [campaign({ id: 'cmp_mdf', type: 'MDF' })] }));
    expect(result.outcome).toMatchObject({ kind: 'shared', shareStatus: 'Accepted' });
  });

  it('every reason is listed at once', () => {
    const result = importRow(undefined, row({ phone: undefined, country: undefined, activelyWorked: true }), context({ campaigns: [campaign({ status: 'Aborted', budgetHolder: 'mktg' })] }));
    expect(rulesOf(result)).toEqual(['campaigns.budget-holder-chnl-or-ptnr', 'campaigns.not-aborted', 'leads.has-phone', 'leads.has-country', 'leads.not-actively-worked']);
  });

  it('leads.campaign-exists: a row naming no known campaign fails (it can be no campaign’s member) and makes no lead', () => {
    const result = importRow(undefined, row({ campaignId: 'cmp_nowhere' }), context());
    expect(result).toEqual({ outcome: { kind: 'failed', reasons: [expect.objectContaining({ rule: 'leads.campaign-exists' })] }, changed: false });
  });
});

describe('identity is email + campaign membership', () => {
  it('leads.identity-email-and-campaign: importing the same row again (another import) changes nothing', () => {
    const first = leadOf(importRow(undefined, row(), context()));
    const again = importRow(first, row(), context({ importId: 'imp_2', at: '2027-03-02T10:00:00.000Z' }));
    expect(again.outcome).toMatchObject({ kind: 'already-imported', reasons: [expect.objectContaining({ rule: 'leads.identity-email-and-campaign' })] });
    expect(again.changed).toBe(false);
    expect(again.lead).toBe(first);
  });

  it('the same person in other case and spacing is the same lead', () => {
    expect(leadIdOf(' Ada@Customer.Example ')).toBe(leadIdOf('ada@customer.example'));
  });

  it('a chunk applied twice (a retry) gives each row the outcome it had the first time, writing nothing', () => {
    const first = leadOf(importRow(undefined, row(), context()));
    const retried = importRow(first, row(), context({ at: '2027-03-01T10:05:00.000Z' }));
    expect(retried.outcome).toMatchObject({ kind: 'shared', partnerId: 'ptr_acme' });
    expect(retried.changed).toBe(false);
  });

  it('a duplicate row in the same file is already imported, not shared twice', () => {
    const first = leadOf(importRow(undefined, row({ line: 2 }), context()));
    expect(importRow(first, row({ line: 7 }), context()).outcome.kind).toBe('already-imported');
  });
});

describe('leads.first-campaign-wins: a lead in several campaigns goes to the partner of the first', () => {
  const globex = partner({ id: 'ptr_globex', legalName: 'Globex Global Integrators', partnerContact: { name: 'Gus', email: 'leads@globex.example' } });
  const second = campaign({ id: 'cmp_globex', name: 'Globex roadshow', type: 'Partner Sponsored', channelPartnerName: 'Globex Global Integrators' });
  const ctx = () => context({ partners: [partner(), globex], campaigns: [campaign(), second], importId: 'imp_2' });

  it('a shared lead joining another partner’s campaign stays with the first partner, the new membership recorded', () => {
    const first = leadOf(importRow(undefined, row(), context()));
    const result = importRow(first, row({ campaignId: 'cmp_globex', partnerAccountId: 'ptr_globex', line: 3 }), ctx());
    expect(result.outcome).toMatchObject({ kind: 'joined', reasons: [expect.objectContaining({ rule: 'leads.first-campaign-wins' })] });
    expect(leadOf(result)).toMatchObject({ partnerId: 'ptr_acme', campaignId: 'cmp_joint', memberships: { cmp_globex: { seq: 1, outcome: 'joined' } } });
  });

  it('within one file, the first row decides', () => {
    const first = importRow(undefined, row({ campaignId: 'cmp_globex', partnerAccountId: 'ptr_globex' }), ctx());
    const then = importRow(leadOf(first), row({ line: 3 }), ctx());
    expect(leadOf(then)).toMatchObject({ partnerId: 'ptr_globex', campaignType: 'Partner Sponsored' });
    expect(then.outcome.kind).toBe('joined');
  });

  it('a lead held back for missing data is shared once a later file brings it, still to its first campaign’s partner', () => {
    const held = leadOf(importRow(undefined, row({ phone: undefined }), context()));
    const result = importRow(held, row({ campaignId: 'cmp_globex', partnerAccountId: 'ptr_globex', line: 9 }), ctx());
    expect(result.outcome).toMatchObject({ kind: 'shared', partnerId: 'ptr_acme' });
    expect(leadOf(result).history.map((event) => `${event.action}: ${event.from ?? ''} → ${event.to}`)).toEqual(['held-back:  → Held back', 'shared: Held back → Pending']);
  });

  it('a corrected file for the same campaign shares a lead that was held back (no duplicate membership)', () => {
    const held = leadOf(importRow(undefined, row({ phone: undefined }), context()));
    const result = importRow(held, row(), context({ importId: 'imp_2' }));
    expect(result.outcome.kind).toBe('shared');
    expect(Object.keys(leadOf(result).memberships)).toEqual(['cmp_joint']);
  });
});

describe('leads.never-reassigned-after-recall: a recalled lead is never assigned to a partner again', () => {
  it('a recalled lead joining another campaign, even an MDF one, is held back with that reason', () => {
    const shared = leadOf(importRow(undefined, row(), context()));
    const gone = recalled(shared, new Date('2027-04-01T10:00:00Z'));
    if (!gone.ok) throw new Error(gone.message);
    const mdf = campaign({ id: 'cmp_mdf', type: 'MDF' });
    const result = importRow(gone.value, row({ campaignId: 'cmp_mdf', line: 4 }), context({ campaigns: [campaign(), mdf], importId: 'imp_3' }));
    expect(rulesOf(result)).toEqual(['leads.never-reassigned-after-recall']);
    expect(leadOf(result)).toMatchObject({ state: 'recalled', memberships: { cmp_mdf: { outcome: 'held-back' } } });
  });
});

describe('what a campaign says about carrying partner leads', () => {
  it('a campaign whose channel partner name matches no partner account exactly says so', () => {
    expect(campaignRefusals(campaign({ channelPartnerName: 'Acme Cloud' }), undefined, [])).toEqual([
      expect.objectContaining({ rule: 'campaigns.channel-partner-matches' }),
    ]);
  });

  it('a campaign with a partner of that exact name, budget holder ptnr, not Aborted, can carry partner leads', () => {
    expect(campaignRefusals(campaign({ budgetHolder: 'ptnr' }), undefined, [partner()])).toEqual([]);
  });
});
