import { describe, expect, it } from 'vitest';
import type { Approval } from '#domain/approval';
import { flexiLimitOf, type Budget } from '#domain/budget';
import { addBusinessDays, type RegionCalendar } from '#domain/calendar';
import {
  checkCancel,
  checkRequester,
  checkSubmission,
  isFinalLevel,
  levelsFor,
  progressOf,
  type MdfRequest,
  type MdfRequestFields,
  type MdfStatus,
  type SubmissionContext,
} from '#domain/mdf';
import { emptyChecklist, type MarketingReadyChecklist, type Partner, type PartnerPrivilege } from '#domain/partner';
import type { Refusal } from '#domain/verdict';

// ---------------------------------------------------------------- factories

const readyChecklist = (): MarketingReadyChecklist =>
  Object.fromEntries(Object.keys(emptyChecklist()).map((item) => [item, true])) as MarketingReadyChecklist;

/** Northwind Cloud Partners: an Authorized, marketing-ready AMER partner. */
const partner = (overrides: Partial<Partner> = {}): Partner => ({
  id: 'ptn-northwind',
  legalName: 'Northwind Cloud Partners',
  homeRegion: 'AMER',
  track: 'Select',
  status: 'Authorized',
  global: false,
  contractSignedDate: '2026-02-01',
  salesTrainingsCompleted: 2,
  partnerContact: { name: 'Priya Patel', email: 'priya@northwind.example' },
  marketingReady: readyChecklist(),
  version: 1,
  createdAt: '2026-02-01T09:00:00.000Z',
  updatedAt: '2026-02-01T09:00:00.000Z',
  ...overrides,
});

/** Alex, Northwind's MDF administrator. */
const mdfAdmin = { id: 'u-alex', name: 'Alex Kim', email: 'alex@northwind.example', privileges: ['mdfAdmin'] as PartnerPrivilege[] };

/** AMER's 2026-Q4 budget: $100,000, target markets US and Canada, flexi limit $5,000. */
const budget = (figures: Partial<Pick<Budget, 'totalCents' | 'reservedCents' | 'flexiUsedCents'>> = {}): Budget => {
  const totalCents = figures.totalCents ?? 10_000_000;
  const reservedCents = figures.reservedCents ?? 0;
  return {
    region: 'AMER',
    quarter: '2026-Q4',
    totalCents,
    reservedCents,
    consumedCents: 0,
    availableCents: totalCents - reservedCents,
    flexiLimitCents: flexiLimitOf(totalCents),
    flexiUsedCents: figures.flexiUsedCents ?? 0,
    targetMarkets: ['US', 'CA'],
    version: 1,
    updatedAt: '2026-10-01T09:00:00.000Z',
  };
};

/** AMER business calendar, with Thanksgiving. */
const amerCalendar: RegionCalendar = { timeZone: 'America/New_York', holidays: new Set(['2026-11-26']) };

/** A $4,000 seminar in Austin in December: $2,000 from the fund, $2,000 from the partner. */
const fields = (overrides: Partial<MdfRequestFields> = {}): MdfRequestFields => ({
  activityName: 'DevSecOps breakfast seminar',
  activityType: 'seminar',
  delivery: 'in-person',
  description: 'Half-day seminar for platform teams in Austin.',
  startDate: '2026-12-07',
  endDate: '2026-12-08',
  totalCostCents: 400_000,
  targetContacts: 60,
  estimatedPipelineCents: 25_000_000,
  partnerInvestmentCents: 200_000,
  amountRequestedCents: 200_000,
  verticalIndustry: 'Financial services',
  segment: 'Enterprise',
  activityCountry: 'US',
  ...overrides,
});

/** Submitted on Friday 2026-11-20 at 10:00 New York time. */
const context = (overrides: Partial<SubmissionContext> = {}): SubmissionContext => ({
  partner: partner(),
  user: mdfAdmin,
  region: 'AMER',
  now: new Date('2026-11-20T15:00:00.000Z'),
  budget: budget(),
  calendar: amerCalendar,
  ...overrides,
});

const refusalOf = (verdict: { ok: boolean }): Refusal => {
  if (verdict.ok) throw new Error('expected a refusal, got an acceptance');
  return verdict as Refusal;
};

const rulesOf = (refusal: Refusal): string[] =>
  (refusal.details?.violations as { rule: string }[] | undefined)?.map((v) => v.rule) ?? [refusal.rule];

// ---------------------------------------------------------------- who may request

describe('who may request MDF', () => {
  it('an Authorized, marketing-ready partner’s MDF administrator may request', () => {
    expect(checkRequester(partner(), mdfAdmin)).toEqual({ ok: true, value: undefined });
  });

  it('a user without the mdfAdmin privilege is refused (mdf.requires-mdf-admin)', () => {
    // Act
    const verdict = checkRequester(partner(), { privileges: ['opportunityAdmin'] });

    // Assess
    expect(verdict).toEqual({
      ok: false,
      rule: 'mdf.requires-mdf-admin',
      message: 'Only a user with the MDF administrator privilege (mdfAdmin) may submit MDF requests.',
      details: { missing: 'mdfAdmin' },
    });
  });

  it.each([{ status: 'Prospect' as const }, { status: 'Suspended' as const }])(
    'a $status partner is refused, naming its status (mdf.partner-authorized)',
    ({ status }) => {
      // Act
      const verdict = checkRequester(partner({ status }), mdfAdmin);

      // Assess
      expect(verdict).toEqual({
        ok: false,
        rule: 'mdf.partner-authorized',
        message: `Northwind Cloud Partners is ${status}; only Authorized partners may request MDF.`,
        details: { missing: 'Authorized status', partnerStatus: status },
      });
    },
  );

  it('a user without mdfAdmin at a Prospect partner that is not marketing-ready hears of all three conditions at once', () => {
    // Act
    const verdict = checkRequester(partner({ status: 'Prospect', marketingReady: { ...partner().marketingReady, regularCallsHeld: false } }), { privileges: [] });

    // Assess
    const refusal = refusalOf(verdict);
    expect(refusal.rule).toBe('mdf.requires-mdf-admin');
    expect((refusal.details?.violations as { rule: string }[]).map((violation) => violation.rule)).toEqual([
      'mdf.requires-mdf-admin',
      'mdf.partner-authorized',
      'mdf.partner-marketing-ready',
    ]);
  });

  it('a partner that is not marketing-ready is refused, naming the missing items in words (mdf.partner-marketing-ready)', () => {
    // Prepare
    const notReady = partner({ marketingReady: { ...readyChecklist(), businessPlanApproved: false, mdfPolicyAcknowledged: false } });

    // Act
    const verdict = checkRequester(notReady, mdfAdmin);

    // Assess
    expect(verdict).toEqual({
      ok: false,
      rule: 'mdf.partner-marketing-ready',
      message: 'Northwind Cloud Partners is not marketing-ready; missing: business plan approved, MDF policy acknowledged.',
      details: { missing: ['businessPlanApproved', 'mdfPolicyAcknowledged'] },
    });
  });

  it('a submission by someone who may not request is refused before its figures are looked at', () => {
    // Act
    const verdict = checkSubmission(fields({ amountRequestedCents: 1 }), context({ partner: partner({ status: 'Prospect' }) }));

    // Assess
    const refusal = refusalOf(verdict);
    expect(refusal.rule).toBe('mdf.partner-authorized');
    expect(refusal.details).not.toHaveProperty('violations');
  });
});

// ---------------------------------------------------------------- the rules of a request

describe('the rules of an MDF request', () => {
  it.each<{ what: string; rule: string; request: Partial<MdfRequestFields>; with?: Partial<SubmissionContext> }>([
    {
      what: 'a request of $999.99 is below the $1,000 minimum',
      rule: 'mdf.minimum-amount',
      request: { totalCostCents: 300_000, amountRequestedCents: 99_999, partnerInvestmentCents: 200_001 },
    },
    {
      what: 'a request over half the total cost is refused',
      rule: 'mdf.max-half-of-total',
      request: { totalCostCents: 400_000, amountRequestedCents: 200_001, partnerInvestmentCents: 199_999 },
    },
    {
      what: 'partner investment plus amount requested must equal the total cost',
      rule: 'mdf.investment-plus-request-equals-total',
      request: { totalCostCents: 400_000, amountRequestedCents: 200_000, partnerInvestmentCents: 199_999 },
    },
    {
      what: 'an activity that ends before it starts is refused',
      rule: 'mdf.end-not-before-start',
      request: { startDate: '2026-12-08', endDate: '2026-12-07' },
    },
    {
      what: 'an activity that started yesterday is refused',
      rule: 'mdf.start-not-in-past',
      request: { startDate: '2026-11-19', endDate: '2026-11-30' },
    },
    {
      what: 'a request for a quarter without an MDF budget is refused',
      rule: 'mdf.budget-set-for-quarter',
      request: {},
      with: { budget: undefined },
    },
    {
      what: 'an activity outside the target markets over the flexi budget left is refused',
      rule: 'mdf.flexi-budget-limit',
      request: { activityCountry: 'MX', totalCostCents: 300_000, amountRequestedCents: 150_000, partnerInvestmentCents: 150_000 },
      with: { budget: budget({ reservedCents: 400_000, flexiUsedCents: 400_000 }) },
    },
  ])('$what ($rule)', ({ request, rule, with: situation }) => {
    // Act
    const verdict = checkSubmission(fields(request), context(situation));

    // Assess
    expect(verdict).toMatchObject({ ok: false, rule });
    expect(rulesOf(refusalOf(verdict))).toEqual([rule]);
  });

  it.each<{ what: string; request: Partial<MdfRequestFields>; with?: Partial<SubmissionContext> }>([
    {
      what: 'a request of exactly $1,000 is accepted (mdf.minimum-amount)',
      request: { totalCostCents: 300_000, amountRequestedCents: 100_000, partnerInvestmentCents: 200_000 },
    },
    {
      what: 'a request of exactly half the total cost is accepted (mdf.max-half-of-total)',
      request: { totalCostCents: 400_000, amountRequestedCents: 200_000, partnerInvestmentCents: 200_000 },
    },
    {
      what: 'a one-day activity, ending the day it starts, is accepted (mdf.end-not-before-start)',
      request: { startDate: '2026-12-07', endDate: '2026-12-07' },
    },
    {
      what: 'an activity starting today is accepted (mdf.start-not-in-past)',
      request: { startDate: '2026-11-20', endDate: '2026-11-20' },
    },
    {
      what: 'an activity outside the target markets that exactly uses the flexi budget left is accepted (mdf.flexi-budget-limit)',
      request: { activityCountry: 'MX', totalCostCents: 200_000, amountRequestedCents: 100_000, partnerInvestmentCents: 100_000 },
      with: { budget: budget({ reservedCents: 400_000, flexiUsedCents: 400_000 }) },
    },
  ])('$what', ({ request, with: situation }) => {
    expect(checkSubmission(fields(request), context(situation)).ok).toBe(true);
  });

  it('the refusal for a request below the minimum says both figures in dollars (mdf.minimum-amount)', () => {
    // Act
    const verdict = checkSubmission(
      fields({ totalCostCents: 300_000, amountRequestedCents: 99_999, partnerInvestmentCents: 200_001 }),
      context(),
    );

    // Assess
    expect(refusalOf(verdict).message).toBe('The amount requested ($999.99) is below the $1,000.00 minimum.');
  });

  it('the refusal for a request over half says the amount and the total cost (mdf.max-half-of-total)', () => {
    // Act
    const verdict = checkSubmission(fields({ totalCostCents: 400_000, amountRequestedCents: 200_001, partnerInvestmentCents: 199_999 }), context());

    // Assess
    expect(refusalOf(verdict).message).toBe('The amount requested ($2,000.01) is more than 50 % of the total cost ($4,000.00).');
  });

  it('the refusal over the flexi budget names what is left of it (mdf.flexi-budget-limit)', () => {
    // Act
    const verdict = checkSubmission(
      fields({ activityCountry: 'MX', totalCostCents: 300_000, amountRequestedCents: 150_000, partnerInvestmentCents: 150_000 }),
      context({ budget: budget({ reservedCents: 400_000, flexiUsedCents: 400_000 }) }),
    );

    // Assess
    expect(verdict).toEqual({
      ok: false,
      rule: 'mdf.flexi-budget-limit',
      message:
        "The activity is outside AMER's target markets, so it draws on the flexi budget (5 % of the quarter), which has $1,000.00 left; this request needs $1,500.00.",
      details: { remainingCents: 100_000 },
    });
  });

  it('a flexi request over the flexi limit is refused even when the whole budget is nearly spent too (mdf.flexi-budget-limit)', () => {
    // Prepare: $500 left in the quarter, the whole $5,000 of flexi still unused
    const nearlySpent = budget({ totalCents: 10_000_000, reservedCents: 9_950_000 });

    // Act
    const verdict = checkSubmission(
      fields({ activityCountry: 'MX', totalCostCents: 1_200_000, amountRequestedCents: 600_000, partnerInvestmentCents: 600_000 }),
      context({ budget: nearlySpent }),
    );

    // Assess
    expect(refusalOf(verdict).rule).toBe('mdf.flexi-budget-limit');
  });

  it('a flexi request aims at nine business days: the extra level has its own two', () => {
    // Act: Friday 2026-11-20 10:00 New York; MX is outside the target markets
    const flexiRequest = checkSubmission(fields({ activityCountry: 'MX' }), context());
    const standardRequest = checkSubmission(fields(), context());

    // Assess
    expect(flexiRequest.ok && flexiRequest.value.targetDate).toBe(addBusinessDays(new Date('2026-11-20T15:00:00Z'), 9, amerCalendar).toISOString());
    expect(standardRequest.ok && standardRequest.value.targetDate).toBe(addBusinessDays(new Date('2026-11-20T15:00:00Z'), 7, amerCalendar).toISOString());
  });

  it('the refusal for a quarter without a budget names the region and the quarter of the start date (mdf.budget-set-for-quarter)', () => {
    // Act
    const verdict = checkSubmission(fields({ startDate: '2027-01-11', endDate: '2027-01-12' }), context({ budget: undefined }));

    // Assess
    expect(refusalOf(verdict).message).toBe('No MDF budget is set for AMER 2027-Q1, the quarter the activity starts in.');
  });

  describe("'today' is the date in the approving region (mdf.start-not-in-past)", () => {
    // 02:00 UTC on 25 November is still the evening of 24 November in New York.
    const lateEveningInNewYork = new Date('2026-11-25T02:00:00.000Z');
    const startingOn24November = fields({ startDate: '2026-11-24', endDate: '2026-11-24' });

    it('an activity starting on 24 November is accepted in AMER, where it is still 24 November', () => {
      expect(checkSubmission(startingOn24November, context({ now: lateEveningInNewYork })).ok).toBe(true);
    });

    it('the same activity is refused when the region’s calendar is already on 25 November', () => {
      // Act
      const verdict = checkSubmission(
        startingOn24November,
        context({ now: lateEveningInNewYork, calendar: { timeZone: 'Asia/Singapore', holidays: new Set() } }),
      );

      // Assess
      expect(verdict).toEqual({
        ok: false,
        rule: 'mdf.start-not-in-past',
        message: 'The activity starts on 2026-11-24, before today (2026-11-25); MDF is approved before the activity.',
      });
    });
  });

  it('several broken rules are all reported, the first one named', () => {
    // Prepare: ends before it starts, $999.99 requested, more than half of $1,500, and the figures do not add up.
    const broken = fields({
      startDate: '2026-12-08',
      endDate: '2026-12-07',
      totalCostCents: 150_000,
      amountRequestedCents: 99_999,
      partnerInvestmentCents: 50_000,
    });

    // Act
    const verdict = checkSubmission(broken, context({ budget: undefined }));

    // Assess
    const refusal = refusalOf(verdict);
    expect(refusal.rule).toBe('mdf.end-not-before-start');
    expect(refusal.message).toBe('The end date 2026-12-07 is before the start date 2026-12-08.');
    expect(rulesOf(refusal)).toEqual([
      'mdf.end-not-before-start',
      'mdf.minimum-amount',
      'mdf.max-half-of-total',
      'mdf.investment-plus-request-equals-total',
      'mdf.budget-set-for-quarter',
    ]);
    expect(refusal.details?.violations).toContainEqual({
      rule: 'mdf.minimum-amount',
      message: 'The amount requested ($999.99) is below the $1,000.00 minimum.',
    });
  });
});

// ---------------------------------------------------------------- the accepted request

describe('an accepted MDF request', () => {
  const accepted = (request: Partial<MdfRequestFields> = {}, situation: Partial<SubmissionContext> = {}) => {
    const verdict = checkSubmission(fields(request), context(situation));
    if (!verdict.ok) throw new Error(`expected acceptance, got ${verdict.rule}`);
    return verdict.value;
  };

  it('is Open, submitted by the MDF administrator, for the partner', () => {
    // Act
    const request = accepted();

    // Assess
    expect(request).toMatchObject({
      status: 'Open',
      partnerId: 'ptn-northwind',
      partnerName: 'Northwind Cloud Partners',
      submittedBy: { id: 'u-alex', name: 'Alex Kim', email: 'alex@northwind.example' },
      submittedAt: '2026-11-20T15:00:00.000Z',
    });
  });

  it('keeps every field the partner filled in', () => {
    expect(accepted()).toMatchObject(fields());
  });

  it('belongs to the approving region', () => {
    expect(accepted({}, { region: 'PUBSEC' }).region).toBe('PUBSEC');
  });

  it.each([
    { startDate: '2026-12-31', endDate: '2027-01-02', quarter: '2026-Q4', what: 'an activity starting on the last day of Q4 draws on Q4' },
    { startDate: '2027-01-04', endDate: '2027-01-05', quarter: '2027-Q1', what: 'an activity starting in January draws on Q1' },
  ])('$what', ({ startDate, endDate, quarter }) => {
    expect(accepted({ startDate, endDate }).quarter).toBe(quarter);
  });

  it('an activity in a target market goes through three levels: CMM, marketing lead, program manager', () => {
    // Act
    const request = accepted({ activityCountry: 'US' });

    // Assess
    expect(request.flexi).toBe(false);
    expect(request.levels).toEqual(['cmm', 'marketing-lead', 'program-manager']);
  });

  it('an activity outside the target markets draws on the flexi budget and also needs the global director', () => {
    // Act
    const request = accepted({ activityCountry: 'MX' });

    // Assess
    expect(request.flexi).toBe(true);
    expect(request.levels).toEqual(['cmm', 'marketing-lead', 'program-manager', 'global-director']);
  });

  it('aims to be decided seven business days after submission on the region’s calendar, skipping holidays', () => {
    // Friday 20 November 10:00 New York + 7 business days, Thanksgiving (26 November) off → Wednesday 2 December 10:00.
    expect(accepted().targetDate).toBe('2026-12-02T15:00:00.000Z');
  });

  it('without the holiday, the same target would be Tuesday 1 December', () => {
    expect(accepted({}, { calendar: { timeZone: 'America/New_York', holidays: new Set() } }).targetDate).toBe('2026-12-01T15:00:00.000Z');
  });
});

describe('approval levels', () => {
  it.each([
    { flexi: false, levels: ['cmm', 'marketing-lead', 'program-manager'] },
    { flexi: true, levels: ['cmm', 'marketing-lead', 'program-manager', 'global-director'] },
  ])('a request with flexi $flexi goes through $levels', ({ flexi, levels }) => {
    expect(levelsFor(flexi)).toEqual(levels);
  });

  it.each([
    { flexi: false, level: 'program-manager', final: true },
    { flexi: false, level: 'marketing-lead', final: false },
    { flexi: false, level: 'cmm', final: false },
    { flexi: true, level: 'program-manager', final: false },
    { flexi: true, level: 'global-director', final: true },
  ])('with flexi $flexi, $level is the final level: $final', ({ flexi, level, final }) => {
    expect(isFinalLevel({ levels: levelsFor(flexi) }, level)).toBe(final);
  });
});

// ---------------------------------------------------------------- cancel

describe('the CMM cancels a request', () => {
  it.each<{ status: MdfStatus }>([{ status: 'Open' }, { status: 'Approved' }])('an $status request can be canceled', ({ status }) => {
    expect(checkCancel({ id: 'mdf-1', status })).toEqual({ ok: true, value: undefined });
  });

  it.each<{ status: MdfStatus }>([{ status: 'Denied' }, { status: 'Closed' }, { status: 'Canceled' }])(
    'a $status request cannot be canceled (mdf.cancel-only-open-or-approved)',
    ({ status }) => {
      expect(checkCancel({ id: 'mdf-1', status })).toEqual({
        ok: false,
        rule: 'mdf.cancel-only-open-or-approved',
        message: `Request mdf-1 is ${status}; only Open or Approved requests can be canceled.`,
      });
    },
  );
});

// ---------------------------------------------------------------- progress

describe('where a request’s approval stands', () => {
  /** Submitted Friday 20 November 10:00 New York; target Wednesday 2 December 10:00. */
  const request = (overrides: Partial<MdfRequest> = {}): MdfRequest => ({
    ...fields(),
    id: 'mdf-1',
    partnerId: 'ptn-northwind',
    partnerName: 'Northwind Cloud Partners',
    submittedBy: { id: 'u-alex', name: 'Alex Kim', email: 'alex@northwind.example' },
    status: 'Open',
    region: 'AMER',
    quarter: '2026-Q4',
    flexi: false,
    levels: ['cmm', 'marketing-lead', 'program-manager'],
    currentLevel: 'marketing-lead',
    submittedAt: '2026-11-20T15:00:00.000Z',
    targetDate: '2026-12-02T15:00:00.000Z',
    executionName: 'mdf-1',
    version: 3,
    updatedAt: '2026-11-23T14:00:00.000Z',
    ...overrides,
  });

  const level = (name: string, overrides: Partial<Approval> = {}): Approval => ({
    id: `apv-${name}`,
    subjectKind: 'mdf-request',
    subjectId: 'mdf-1',
    level: name,
    role: 'cmm',
    scope: 'AMER',
    approverId: `u-${name}`,
    approverName: name,
    linkHolders: [`u-${name}`],
    status: 'Pending',
    openedAt: '2026-11-20T15:00:00.000Z',
    slaDueAt: '2026-11-24T15:00:00.000Z',
    expiresAt: '2026-12-04T15:00:00.000Z',
    ...overrides,
  });

  /** The CMM approved on Monday; the marketing lead has until Wednesday 25 November 09:00 New York. */
  const cmmApproved = level('cmm', { status: 'Approved', decidedAt: '2026-11-23T14:00:00.000Z', decidedBy: { id: 'u-dana', name: 'Dana Smith' } });
  const leadPending = level('marketing-lead', { openedAt: '2026-11-23T14:00:00.000Z', slaDueAt: '2026-11-25T14:00:00.000Z' });

  it('shows each level as approved, pending with its due time, or waiting', () => {
    // Act
    const progress = progressOf(request(), [cmmApproved, leadPending], new Date('2026-11-24T12:00:00.000Z'));

    // Assess
    expect(progress.levels).toEqual([
      { level: 'cmm', status: 'Approved', decidedAt: '2026-11-23T14:00:00.000Z', decidedBy: 'Dana Smith' },
      { level: 'marketing-lead', status: 'Pending', dueAt: '2026-11-25T14:00:00.000Z' },
      { level: 'program-manager', status: 'Waiting' },
    ]);
  });

  it('shows the current level and when it is due', () => {
    // Act
    const progress = progressOf(request(), [cmmApproved, leadPending], new Date('2026-11-24T12:00:00.000Z'));

    // Assess
    expect(progress).toMatchObject({
      targetDate: '2026-12-02T15:00:00.000Z',
      currentLevel: 'marketing-lead',
      currentLevelDueAt: '2026-11-25T14:00:00.000Z',
    });
  });

  it.each([
    { now: '2026-11-24T12:00:00.000Z', onTrack: true, what: 'before the target and within the current level’s two business days' },
    { now: '2026-11-25T14:00:00.000Z', onTrack: true, what: 'at the very end of the current level’s two business days' },
    { now: '2026-11-25T14:00:01.000Z', onTrack: false, what: 'once the current level is past its two business days' },
  ])('an open request is on track $what: $onTrack', ({ now, onTrack }) => {
    expect(progressOf(request(), [cmmApproved, leadPending], new Date(now)).onTrack).toBe(onTrack);
  });

  it('an open request past its target date is not on track, even if the current level is within its own time', () => {
    // Prepare: the program manager opened on 1 December and has until 3 December.
    const pmPending = level('program-manager', { openedAt: '2026-12-01T15:00:00.000Z', slaDueAt: '2026-12-03T15:00:00.000Z' });

    // Act
    const progress = progressOf(request({ currentLevel: 'program-manager' }), [pmPending], new Date('2026-12-02T15:00:01.000Z'));

    // Assess
    expect(progress.onTrack).toBe(false);
  });

  it.each<{ status: MdfStatus; decidedAt: string; onTrack: boolean; what: string }>([
    { status: 'Approved', decidedAt: '2026-12-01T18:00:00.000Z', onTrack: true, what: 'approved before the target' },
    { status: 'Approved', decidedAt: '2026-12-02T15:00:00.000Z', onTrack: true, what: 'approved exactly at the target' },
    { status: 'Approved', decidedAt: '2026-12-03T10:00:00.000Z', onTrack: false, what: 'approved after the target' },
    { status: 'Denied', decidedAt: '2026-11-23T14:00:00.000Z', onTrack: true, what: 'denied before the target' },
    { status: 'Denied', decidedAt: '2026-12-04T14:00:00.000Z', onTrack: false, what: 'denied after the target' },
  ])('a request $what was on track: $onTrack', ({ status, decidedAt, onTrack }) => {
    // Act
    const progress = progressOf(request({ status, decidedAt }), [], new Date('2026-12-10T12:00:00.000Z'));

    // Assess
    expect(progress.onTrack).toBe(onTrack);
    expect(progress).not.toHaveProperty('currentLevel');
    expect(progress).not.toHaveProperty('currentLevelDueAt');
  });

  it('a decided request without a decision time is not counted as on track', () => {
    expect(progressOf(request({ status: 'Approved' }), [], new Date('2026-11-30T12:00:00.000Z')).onTrack).toBe(false);
  });

  it('a canceled request has no target to be on track for', () => {
    // Act
    const progress = progressOf(request({ status: 'Canceled', decidedAt: '2026-11-24T09:00:00.000Z' }), [cmmApproved, leadPending], new Date('2026-11-24T12:00:00.000Z'));

    // Assess
    expect(progress.onTrack).toBeNull();
    expect(progress).not.toHaveProperty('currentLevel');
  });

  it('when a level was opened again, its latest approval is shown', () => {
    // Prepare: the first approval of the CMM level expired; a second one is pending.
    const expired = level('cmm', { id: 'apv-cmm-1', status: 'Expired' });
    const reopened = level('cmm', { id: 'apv-cmm-2', openedAt: '2026-11-24T15:00:00.000Z', slaDueAt: '2026-11-26T15:00:00.000Z' });

    // Act
    const progress = progressOf(request({ currentLevel: 'cmm' }), [expired, reopened], new Date('2026-11-24T16:00:00.000Z'));

    // Assess
    expect(progress.levels[0]).toEqual({ level: 'cmm', status: 'Pending', dueAt: '2026-11-26T15:00:00.000Z' });
  });
});
