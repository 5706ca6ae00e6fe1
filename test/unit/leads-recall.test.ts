import { describe, expect, it } from 'vitest';
import type { CampaignType } from '#domain/campaigns';
import { recalled, type Lead } from '#domain/leads';
import { checkRecall, recallDeadline, type RecallFacts, type RecallPhase } from '#domain/recall';

/**
 * Recall of Joint campaign leads, rule by rule, on exact day boundaries. A lead shared
 * at 10:00 on 1 March 2027 is "day 0"; day N is the same instant N × 24 hours later.
 */
const SHARED_AT = '2027-03-01T10:00:00.000Z';
const ACCEPTED_AT = '2027-03-03T15:30:00.000Z';
const dayAfter = (instant: string, days: number, ms = 0) => new Date(Date.parse(instant) + days * 86_400_000 + ms);

const pending = (phase: RecallPhase, campaignType: CampaignType = 'Joint'): RecallFacts => ({ campaignType, shareStatus: 'Pending', sharedAt: SHARED_AT, recallPhase: phase });
const acceptedFacts = (phase: RecallPhase, leadStatus?: string): RecallFacts => ({
  campaignType: 'Joint',
  shareStatus: 'Accepted',
  sharedAt: SHARED_AT,
  acceptedAt: ACCEPTED_AT,
  recallPhase: phase,
  ...(leadStatus ? { leadStatus } : {}),
});

const ruleOf = (verdict: ReturnType<typeof checkRecall>) => (verdict.ok ? `recalled: ${verdict.value.rule}` : `kept: ${verdict.rule}`);

describe('recall.phase-1-pending-30-days: phase 1 recalls a Joint lead still Pending 30 days after sharing', () => {
  it.each([
    [29, 'kept: recall.not-yet-due'],
    [30, 'recalled: recall.phase-1-pending-30-days'],
    [31, 'recalled: recall.phase-1-pending-30-days'],
  ])('day %i of Pending → %s', (day, expected) => {
    expect(ruleOf(checkRecall(pending('1'), dayAfter(SHARED_AT, day)))).toBe(expected);
  });

  it('one millisecond before the thirtieth day ends it is kept', () => {
    expect(ruleOf(checkRecall(pending('1'), dayAfter(SHARED_AT, 30, -1)))).toBe('kept: recall.not-yet-due');
  });

  it('an accepted lead is never recalled in phase 1, however long it waits for a status', () => {
    expect(ruleOf(checkRecall(acceptedFacts('1'), dayAfter(SHARED_AT, 400)))).toBe('kept: recall.partner-acted');
  });
});

describe('recall.phase-2-pending-15-days: phase 2 (decision) recalls a Joint lead still Pending 15 days after sharing', () => {
  it.each([
    [14, 'kept: recall.not-yet-due'],
    [15, 'recalled: recall.phase-2-pending-15-days'],
    [16, 'recalled: recall.phase-2-pending-15-days'],
  ])('day %i of Pending → %s', (day, expected) => {
    expect(ruleOf(checkRecall(pending('2'), dayAfter(SHARED_AT, day)))).toBe(expected);
  });
});

describe('recall.final-accept-within-5-days: the final phase recalls a Joint lead not accepted within 5 days of sharing', () => {
  it.each([
    [4, 'kept: recall.not-yet-due'],
    [5, 'recalled: recall.final-accept-within-5-days'],
    [6, 'recalled: recall.final-accept-within-5-days'],
  ])('day %i before acceptance → %s', (day, expected) => {
    expect(ruleOf(checkRecall(pending('final'), dayAfter(SHARED_AT, day)))).toBe(expected);
  });
});

describe('recall.final-update-within-10-days-of-acceptance: the final phase recalls an accepted lead whose status was not updated within 10 days', () => {
  it.each([
    [9, 'kept: recall.not-yet-due'],
    [10, 'recalled: recall.final-update-within-10-days-of-acceptance'],
    [11, 'recalled: recall.final-update-within-10-days-of-acceptance'],
  ])('day %i after acceptance, no lead status → %s', (day, expected) => {
    expect(ruleOf(checkRecall(acceptedFacts('final'), dayAfter(ACCEPTED_AT, day)))).toBe(expected);
  });

  it('an accepted lead whose status was updated (Qualifying) is kept on day 11', () => {
    expect(ruleOf(checkRecall(acceptedFacts('final', 'Qualifying'), dayAfter(ACCEPTED_AT, 11)))).toBe('kept: recall.partner-acted');
  });

  it('counts from acceptance, not from sharing: accepted on day 2, kept on day 11 after sharing', () => {
    expect(ruleOf(checkRecall(acceptedFacts('final'), dayAfter(SHARED_AT, 11)))).toBe('kept: recall.not-yet-due');
  });
});

describe('recall.joint-campaigns-only: MDF, Partner Sponsored and Partner Managed leads are never recalled', () => {
  it.each(['MDF', 'Partner Sponsored', 'Partner Managed'] as const)('a %s lead still Pending after a year is kept, in every phase', (type) => {
    for (const phase of ['1', '2', 'final'] as const) {
      expect(ruleOf(checkRecall(pending(phase, type), dayAfter(SHARED_AT, 365)))).toBe('kept: recall.joint-campaigns-only');
      expect(recallDeadline(pending(phase, type))).toBeUndefined();
    }
  });

  it('a rejected Joint lead is not recalled (the partner acted)', () => {
    expect(ruleOf(checkRecall({ ...pending('final'), shareStatus: 'Rejected' }, dayAfter(SHARED_AT, 30)))).toBe('kept: recall.partner-acted');
  });
});

describe('a recalled lead', () => {
  const shared = (overrides: Partial<Lead> = {}): Lead => ({
    id: 'lead_1',
    email: 'ada@customer.example',
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+44 20 7946 0000',
    country: 'GB',
    activelyWorked: false,
    campaignId: 'cmp_joint',
    campaignName: 'Joint webinar',
    campaignType: 'Joint',
    partnerAccountId: 'ptr_acme',
    memberships: {},
    state: 'shared',
    partnerId: 'ptr_acme',
    partnerName: 'Acme Cloud Partners',
    shareStatus: 'Pending',
    sharedAt: SHARED_AT,
    syncedAt: SHARED_AT,
    assignee: { id: 'usr_lena', name: 'Lena' },
    recallPhase: '1',
    recallDueAt: dayAfter(SHARED_AT, 30).toISOString(),
    history: [],
    version: 3,
    createdAt: SHARED_AT,
    updatedAt: SHARED_AT,
    ...overrides,
  });

  it('returns to the company: Recalled, unassigned, its partner to be told, the reason in its history', () => {
    // Act
    const verdict = recalled(shared(), dayAfter(SHARED_AT, 30));

    // Assess
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.value).toMatchObject({ state: 'recalled', recallNoticePending: true, recallRule: 'recall.phase-1-pending-30-days', version: 4 });
    expect(verdict.value.assignee).toBeUndefined();
    expect(verdict.value.recalledAt).toBe('2027-03-31T10:00:00.000Z');
    expect(verdict.value.history.at(-1)).toMatchObject({ action: 'recalled', from: 'Pending', to: 'Recalled', by: { kind: 'system' } });
  });

  it('is recalled under the phase it was shared in, not a later one', () => {
    // shared in phase 1: on day 6 a final-phase lead would go, this one stays
    expect(recalled(shared({ recallPhase: '1' }), dayAfter(SHARED_AT, 6)).ok).toBe(false);
    expect(recalled(shared({ recallPhase: 'final' }), dayAfter(SHARED_AT, 6)).ok).toBe(true);
  });

  it('is not recalled twice', () => {
    const once = recalled(shared(), dayAfter(SHARED_AT, 30));
    if (!once.ok) throw new Error(once.message);
    expect(recalled(once.value, dayAfter(SHARED_AT, 31))).toMatchObject({ ok: false, rule: 'recall.shared-leads-only' });
  });
});
