import { describe, expect, it } from 'vitest';
import {
  accepted,
  assigned,
  checkConvertible,
  converted,
  leadStatuses,
  partnerMaySee,
  registrationCustomer,
  rejected,
  statusChanged,
  type Lead,
  type LeadActor,
  type LeadStatus,
} from '#domain/leads';

/** What partner users may see and do with their leads, rule by rule. */
const SHARED_AT = '2027-03-01T10:00:00.000Z';
const NOW = '2027-03-02T09:00:00.000Z';
const lena: LeadActor = { id: 'usr_lena', name: 'Lena Contact', kind: 'partner-user' };

const lead = (overrides: Partial<Lead> = {}): Lead => ({
  id: 'lead_1',
  email: 'ada@customer.example',
  firstName: 'Ada',
  lastName: 'Lovelace',
  phone: '+44 20 7946 0000',
  company: 'Analytical Engines Ltd',
  title: 'CTO',
  country: 'GB',
  activelyWorked: false,
  campaignId: 'cmp_joint',
  campaignName: 'Joint DevOps webinar',
  campaignType: 'Joint',
  partnerAccountId: 'ptr_acme',
  memberships: {},
  state: 'shared',
  partnerId: 'ptr_acme',
  partnerName: 'Acme Cloud Partners',
  shareStatus: 'Pending',
  sharedAt: SHARED_AT,
  syncedAt: SHARED_AT,
  assignee: { id: 'usr_bob', name: 'Bob' },
  recallPhase: 'final',
  recallDueAt: '2027-03-06T10:00:00.000Z',
  history: [],
  version: 1,
  createdAt: SHARED_AT,
  updatedAt: SHARED_AT,
  ...overrides,
});

const valueOf = <T>(verdict: { ok: true; value: T } | { ok: false; rule: string; message: string }): T => {
  if (!verdict.ok) throw new Error(`${verdict.rule}: ${verdict.message}`);
  return verdict.value;
};
const ruleOf = (verdict: { ok: boolean; rule?: string }) => (verdict.ok ? 'accepted' : verdict.rule);

describe('who sees a lead', () => {
  const acme = (userId: string, admin: boolean) => ({ userId, partnerId: 'ptr_acme', privileges: admin ? (['opportunityAdmin'] as const) : ([] as const) });

  it('an opportunity admin sees every lead of the organisation', () => {
    expect(partnerMaySee(lead(), acme('usr_olga', true))).toBe(true);
  });

  it('a user without opportunityAdmin sees only the leads assigned to them', () => {
    expect(partnerMaySee(lead(), acme('usr_bob', false))).toBe(true);
    expect(partnerMaySee(lead(), acme('usr_alice', false))).toBe(false);
  });

  it('another partner sees nothing of it, whatever its privileges', () => {
    expect(partnerMaySee(lead(), { userId: 'usr_bob', partnerId: 'ptr_globex', privileges: ['opportunityAdmin'] })).toBe(false);
  });

  it('nobody at the partner sees a lead held back or recalled', () => {
    expect(partnerMaySee(lead({ state: 'recalled' }), acme('usr_olga', true))).toBe(false);
    expect(partnerMaySee(lead({ state: 'held-back' }), acme('usr_olga', true))).toBe(false);
  });
});

describe('accepting and rejecting', () => {
  it('a Pending lead is accepted: accepted time kept, history says who, and (final phase) its status is due within 10 days', () => {
    const after = valueOf(accepted(lead(), lena, NOW));
    expect(after).toMatchObject({ shareStatus: 'Accepted', acceptedAt: NOW, recallDueAt: '2027-03-12T09:00:00.000Z', version: 2, updatedAt: NOW });
    expect(after.history).toEqual([{ at: NOW, by: lena, action: 'accepted', from: 'Pending', to: 'Accepted' }]);
  });

  it('a Pending lead of phase 1 accepted has no recall deadline any more', () => {
    expect(valueOf(accepted(lead({ recallPhase: '1' }), lena, NOW)).recallDueAt).toBeUndefined();
  });

  it('a Pending lead is rejected with the reason, and is never recalled', () => {
    const after = valueOf(rejected(lead(), lena, NOW, 'Outside our territory'));
    expect(after).toMatchObject({ shareStatus: 'Rejected', rejectedAt: NOW, rejectReason: 'Outside our territory' });
    expect(after.recallDueAt).toBeUndefined();
    expect(after.history.at(-1)).toMatchObject({ action: 'rejected', from: 'Pending', to: 'Rejected', reason: 'Outside our territory' });
  });

  it('leads.accept-or-reject-pending: an accepted lead cannot be accepted or rejected again', () => {
    const after = valueOf(accepted(lead(), lena, NOW));
    expect(ruleOf(accepted(after, lena, NOW))).toBe('leads.accept-or-reject-pending');
    expect(ruleOf(rejected(after, lena, NOW, 'Changed our mind'))).toBe('leads.accept-or-reject-pending');
  });

  it('leads.reject-with-reason: a rejection needs a reason', () => {
    expect(ruleOf(rejected(lead(), lena, NOW, '  '))).toBe('leads.reject-with-reason');
  });

  it('leads.with-the-partner: a recalled lead cannot be accepted', () => {
    expect(ruleOf(accepted(lead({ state: 'recalled' }), lena, NOW))).toBe('leads.with-the-partner');
  });
});

describe('leads.status-order: lead status after acceptance moves Qualifying → Qualified | Disqualified | Converted to DR', () => {
  const acceptedLead = (leadStatus?: LeadStatus) => lead({ shareStatus: 'Accepted', acceptedAt: SHARED_AT, ...(leadStatus ? { leadStatus } : {}) });
  const allowed: Record<string, LeadStatus[]> = {
    none: ['Qualifying'],
    Qualifying: ['Qualified', 'Disqualified'],
    Qualified: ['Disqualified'],
    Disqualified: [],
    'Converted to DR': [],
  };
  const cases = Object.entries(allowed).flatMap(([from, moves]) =>
    leadStatuses.filter((to) => to !== 'Converted to DR').map((to) => [from, to, moves.includes(to) ? 'accepted' : 'leads.status-order'] as const),
  );

  it.each(cases)('from %s to %s → %s', (from, to, expected) => {
    expect(ruleOf(statusChanged(acceptedLead(from === 'none' ? undefined : (from as LeadStatus)), to, lena, NOW))).toBe(expected);
  });

  it('the first update stops the final phase recall clock, and is kept with who and when', () => {
    const after = valueOf(statusChanged(acceptedLead(), 'Qualifying', lena, NOW));
    expect(after).toMatchObject({ leadStatus: 'Qualifying', leadStatusAt: NOW });
    expect(after.recallDueAt).toBeUndefined();
    expect(after.history.at(-1)).toEqual({ at: NOW, by: lena, action: 'status-changed', from: 'Accepted', to: 'Qualifying' });
  });

  it('leads.status-after-acceptance: a Pending lead gets no lead status', () => {
    expect(ruleOf(statusChanged(lead(), 'Qualifying', lena, NOW))).toBe('leads.status-after-acceptance');
  });

  it('leads.convert-opens-deal-registration: Converted to DR is not set by hand', () => {
    expect(ruleOf(statusChanged(acceptedLead('Qualified'), 'Converted to DR', lena, NOW))).toBe('leads.convert-opens-deal-registration');
  });
});

describe('converting to a deal registration', () => {
  it('a Qualifying or Qualified lead becomes Converted to DR, pointing at the registration', () => {
    for (const from of ['Qualifying', 'Qualified'] as const) {
      const after = valueOf(converted(lead({ shareStatus: 'Accepted', leadStatus: from }), 'dr_1', lena, NOW));
      expect(after).toMatchObject({ leadStatus: 'Converted to DR', dealRegistrationId: 'dr_1', leadStatusAt: NOW, version: 2 });
      expect(after.history.at(-1)).toMatchObject({ action: 'converted', from, to: 'Converted to DR', details: { dealRegistrationId: 'dr_1' } });
    }
  });

  it('a lead not yet Qualifying, Pending, or Disqualified cannot be converted', () => {
    expect(ruleOf(converted(lead({ shareStatus: 'Accepted' }), 'dr_1', lena, NOW))).toBe('leads.status-order');
    expect(ruleOf(converted(lead(), 'dr_1', lena, NOW))).toBe('leads.status-after-acceptance');
    expect(ruleOf(converted(lead({ shareStatus: 'Accepted', leadStatus: 'Disqualified' }), 'dr_1', lena, NOW))).toBe('leads.status-order');
  });

  it('the registration’s customer is the lead’s company, contact and country', () => {
    expect(registrationCustomer(lead())).toEqual({
      customer: { companyName: 'Analytical Engines Ltd', contactName: 'Ada Lovelace', contactEmail: 'ada@customer.example', contactPhone: '+44 20 7946 0000', country: 'GB' },
      missing: [],
    });
  });

  it('the partner’s corrections win over the lead; parts neither has are named as missing', () => {
    const { company: _company, ...withoutCompany } = lead();
    expect(registrationCustomer({ ...withoutCompany, country: undefined } as Lead, { contactName: 'Ada King' })).toEqual({
      customer: { contactName: 'Ada King', contactEmail: 'ada@customer.example', contactPhone: '+44 20 7946 0000' },
      missing: ['companyName', 'country'],
    });
    expect(registrationCustomer(lead(), { companyName: 'Engines Ltd', country: 'IE' }).customer).toMatchObject({ companyName: 'Engines Ltd', country: 'IE' });
  });

  it('checkConvertible says the same as converting, without changing the lead', () => {
    expect(checkConvertible(lead({ shareStatus: 'Accepted', leadStatus: 'Qualified' })).ok).toBe(true);
    expect(ruleOf(checkConvertible(lead()))).toBe('leads.status-after-acceptance');
    expect(ruleOf(checkConvertible(lead({ shareStatus: 'Accepted', leadStatus: 'Converted to DR' })))).toBe('leads.status-order');
  });
});

describe('assigning', () => {
  it('the lead goes to another user of the organisation; history says from whom to whom', () => {
    const after = valueOf(assigned(lead(), { id: 'usr_alice', name: 'Alice' }, lena, NOW));
    expect(after.assignee).toEqual({ id: 'usr_alice', name: 'Alice' });
    expect(after.history.at(-1)).toMatchObject({ action: 'assigned', from: 'Bob', to: 'Alice' });
  });

  it('assigning to the current assignee changes nothing', () => {
    const before = lead();
    expect(valueOf(assigned(before, { id: 'usr_bob', name: 'Bob' }, lena, NOW))).toBe(before);
  });
});
