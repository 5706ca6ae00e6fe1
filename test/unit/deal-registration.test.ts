import { describe, expect, it } from 'vitest';
import {
  checkExtension,
  checkFields,
  checkRegistrant,
  checkResubmission,
  EXPIRY_REMINDER_DAYS,
  emailDomain,
  expiryAfterApproval,
  expiryReminderAt,
  levelRole,
  newRegistration,
  nextExpiryStep,
  nextLevel,
  normalizedCompany,
  openStatuses,
  PROTECTION_DAYS,
  registeredByEsm,
  reviewLevels,
  STANDARD_EXTENSION_DAYS,
  standardExtensionRoles,
  statusAtLevel,
  type DealRegistration,
  type ExtensionKind,
  type RegistrationFields,
  type RegistrationStatus,
} from '#domain/deal-registration';
import { emptyChecklist, type Partner, type PartnerType } from '#domain/partner';
import type { InternalRole } from '#domain/people';
import type { Refusal, Verdict } from '#domain/verdict';

// ---------------------------------------------------------------- factories

/** Northwind Cloud Partners: an Authorized AMER reseller with two sales trainings completed. */
const partner = (overrides: Partial<Partner> = {}): Partner => ({
  id: 'ptn-northwind',
  legalName: 'Northwind Cloud Partners',
  homeRegion: 'AMER',
  track: 'Select',
  status: 'Authorized',
  global: false,
  partnerType: 'reseller',
  contractSignedDate: '2026-02-01',
  salesTrainingsCompleted: 2,
  marketingReady: emptyChecklist(),
  version: 1,
  createdAt: '2026-02-01T09:00:00.000Z',
  updatedAt: '2026-02-01T09:00:00.000Z',
  ...overrides,
});

/** A Resale registration for Contoso, closing at the end of the year. */
const fields = (overrides: Partial<RegistrationFields> = {}): RegistrationFields => ({
  type: 'Resale',
  customer: { companyName: 'Contoso Ltd', contactName: 'Dana Scully', contactEmail: 'dana@contoso.example', country: 'US' },
  products: ['GitLab Ultimate'],
  estimatedValueCents: 12_000_000,
  expectedCloseDate: '2026-12-31',
  description: 'Replacing three self-hosted tools with GitLab Ultimate for 400 developers.',
  ...overrides,
});

/** An Approved registration protected until 23 February 2027. */
const approved = (overrides: Partial<DealRegistration> = {}) => ({
  id: 'dr_contoso',
  status: 'Approved' as RegistrationStatus,
  expiresAt: '2027-02-23T15:00:00.000Z',
  standardExtensionUsed: false,
  ...overrides,
});

// Wednesday 25 November 2026, 10:00 in New York.
const NOW = new Date('2026-11-25T15:00:00.000Z');
const DAY_MS = 86_400_000;

/** The refusal of a verdict; fails the test when the verdict accepted. */
const refusalOf = <T>(verdict: Verdict<T>): Refusal => {
  if (verdict.ok) throw new Error(`Expected a refusal, got ${JSON.stringify(verdict.value)}`);
  return verdict;
};

/** The rules named by a refusal: the first and, when there are several, every violation. */
const rulesOf = (refusal: Refusal): string[] =>
  (refusal.details?.violations as { rule: string }[] | undefined)?.map((violation) => violation.rule) ?? [refusal.rule];

// ---------------------------------------------------------------- who may register

describe('who may register a deal', () => {
  it('dr.partner-authorized: an Authorized partner registers; a Prospect or Suspended one is refused, naming its status', () => {
    // Prepare
    const authorized = partner();
    const prospect = partner({ status: 'Prospect' });
    const suspended = partner({ status: 'Suspended' });

    // Act
    const allowed = checkRegistrant(authorized, 'partner-user');
    const refusedProspect = refusalOf(checkRegistrant(prospect, 'partner-user'));
    const refusedSuspended = refusalOf(checkRegistrant(suspended, 'partner-user'));

    // Assess
    expect(allowed.ok).toBe(true);
    expect(refusedProspect).toMatchObject({ rule: 'dr.partner-authorized', details: { partnerStatus: 'Prospect' } });
    expect(refusedProspect.message).toContain('Prospect');
    expect(refusedSuspended).toMatchObject({ rule: 'dr.partner-authorized', details: { partnerStatus: 'Suspended' } });
  });

  it('dr.sales-training: one completed sales training is enough; none is refused', () => {
    // Prepare
    const oneTraining = partner({ salesTrainingsCompleted: 1 });
    const untrained = partner({ salesTrainingsCompleted: 0 });

    // Act
    const allowed = checkRegistrant(oneTraining, 'partner-user');
    const refused = refusalOf(checkRegistrant(untrained, 'partner-user'));

    // Assess
    expect(allowed.ok).toBe(true);
    expect(refused.rule).toBe('dr.sales-training');
    expect(refused.message).toContain('sales training');
  });

  it('a partner neither Authorized nor trained is told both missing conditions', () => {
    // Prepare
    const prospect = partner({ status: 'Prospect', salesTrainingsCompleted: 0 });

    // Act
    const refused = refusalOf(checkRegistrant(prospect, 'partner-user'));

    // Assess
    expect(refused.rule).toBe('dr.partner-authorized');
    expect(rulesOf(refused)).toEqual(['dr.partner-authorized', 'dr.sales-training']);
  });

  it.each<PartnerType>(['alliance', 'gsi'])('dr.on-behalf-alliance-or-gsi: an ESM registers for an Authorized %s partner, not for a reseller', (partnerType) => {
    // Prepare
    const alliance = partner({ partnerType, legalName: 'Orbit Systems Integrators' });
    const reseller = partner({ partnerType: 'reseller' });

    // Act
    const allowed = checkRegistrant(alliance, 'esm');
    const refused = refusalOf(checkRegistrant(reseller, 'esm'));

    // Assess
    expect(allowed.ok).toBe(true);
    expect(refused.rule).toBe('dr.on-behalf-alliance-or-gsi');
    expect(refused.message).toContain('Northwind Cloud Partners');
  });

  it('dr.on-behalf-alliance-or-gsi: a partner without a type is a reseller, so an ESM does not register for it', () => {
    // Prepare
    const untyped = partner({ partnerType: undefined });

    // Act
    const refused = refusalOf(checkRegistrant(untyped, 'esm'));

    // Assess
    expect(registeredByEsm(untyped)).toBe(false);
    expect(refused.rule).toBe('dr.on-behalf-alliance-or-gsi');
  });

  it.each<PartnerType>(['alliance', 'gsi'])('dr.alliance-or-gsi-through-esm: a %s partner’s own user is refused; a reseller’s, MSP’s or integrator’s user registers', (partnerType) => {
    // Prepare
    const alliance = partner({ partnerType });

    // Act
    const refused = refusalOf(checkRegistrant(alliance, 'partner-user'));
    const others = (['reseller', 'msp', 'integrator'] as const).map((type) => checkRegistrant(partner({ partnerType: type }), 'partner-user').ok);

    // Assess
    expect(refused.rule).toBe('dr.alliance-or-gsi-through-esm');
    expect(others).toEqual([true, true, true]);
  });

  it('dr.partner-authorized also binds an ESM: registering for a Suspended alliance partner is refused', () => {
    // Prepare
    const suspendedAlliance = partner({ partnerType: 'alliance', status: 'Suspended' });

    // Act
    const refused = refusalOf(checkRegistrant(suspendedAlliance, 'esm'));

    // Assess
    expect(refused.rule).toBe('dr.partner-authorized');
  });

  it('an ESM registering for an alliance partner is not held to the partner’s sales training (the ESM is the seller)', () => {
    // Prepare
    const untrainedAlliance = partner({ partnerType: 'alliance', salesTrainingsCompleted: 0 });

    // Act
    const byEsm = checkRegistrant(untrainedAlliance, 'esm');
    const byOwnUser = refusalOf(checkRegistrant(untrainedAlliance, 'partner-user'));

    // Assess
    expect(byEsm.ok).toBe(true);
    expect(rulesOf(byOwnUser)).toEqual(['dr.alliance-or-gsi-through-esm', 'dr.sales-training']);
  });
});

// ---------------------------------------------------------------- the registration's fields

describe('the registration’s own fields', () => {
  it('dr.close-date-not-past: today or later is accepted; yesterday is refused, naming both dates', () => {
    // Prepare
    const today = fields({ expectedCloseDate: '2026-11-25' });
    const yesterday = fields({ expectedCloseDate: '2026-11-24' });

    // Act
    const allowed = checkFields(today, NOW, 'America/New_York');
    const refused = refusalOf(checkFields(yesterday, NOW, 'America/New_York'));

    // Assess
    expect(allowed.ok).toBe(true);
    expect(refused.rule).toBe('dr.close-date-not-past');
    expect(refused.message).toContain('2026-11-24');
    expect(refused.message).toContain('2026-11-25');
  });

  it('dr.close-date-not-past: "today" is the region’s date, so the same instant allows a date in New York that London refuses', () => {
    // Prepare: 02:00 UTC on 25 November is still the evening of 24 November in New York
    const lateEvening = new Date('2026-11-25T02:00:00.000Z');
    const closingOn24th = fields({ expectedCloseDate: '2026-11-24' });

    // Act
    const inNewYork = checkFields(closingOn24th, lateEvening, 'America/New_York');
    const inLondon = checkFields(closingOn24th, lateEvening, 'Europe/London');

    // Assess
    expect(inNewYork.ok).toBe(true);
    expect(refusalOf(inLondon).rule).toBe('dr.close-date-not-past');
  });

  it('dr.value-positive: one cent is accepted; zero and negative values are refused', () => {
    // Prepare
    const oneCent = fields({ estimatedValueCents: 1 });

    // Act
    const allowed = checkFields(oneCent, NOW, 'America/New_York');
    const zero = refusalOf(checkFields(fields({ estimatedValueCents: 0 }), NOW, 'America/New_York'));
    const negative = refusalOf(checkFields(fields({ estimatedValueCents: -500 }), NOW, 'America/New_York'));

    // Assess
    expect(allowed.ok).toBe(true);
    expect(zero.rule).toBe('dr.value-positive');
    expect(negative.rule).toBe('dr.value-positive');
  });

  it('dr.products: one product is enough; none is refused', () => {
    // Prepare
    const oneProduct = fields({ products: ['GitLab Premium'] });
    const noProduct = fields({ products: [] });

    // Act
    const allowed = checkFields(oneProduct, NOW, 'America/New_York');
    const refused = refusalOf(checkFields(noProduct, NOW, 'America/New_York'));

    // Assess
    expect(allowed.ok).toBe(true);
    expect(refused.rule).toBe('dr.products');
  });

  it('every broken field rule is listed at once, the first one leading', () => {
    // Prepare
    const broken = fields({ expectedCloseDate: '2026-01-01', estimatedValueCents: 0, products: [] });

    // Act
    const refused = refusalOf(checkFields(broken, NOW, 'America/New_York'));

    // Assess
    expect(refused.rule).toBe('dr.close-date-not-past');
    expect(rulesOf(refused)).toEqual(['dr.close-date-not-past', 'dr.value-positive', 'dr.products']);
  });
});

// ---------------------------------------------------------------- submission and resubmission

describe('a new registration', () => {
  it('starts Submitted in round 1, at the submission instant, recording who registered it and the duplicates found', () => {
    // Prepare
    const esm = { id: 'u-esm', name: 'Erin Sales', email: 'erin@gitlab.example', onBehalf: true };
    const duplicate = { kind: 'opportunity' as const, id: 'opp_1', matchedOn: 'email domain' as const, label: 'Contoso — renewal', status: 'Prospecting' };

    // Act
    const registration = newRegistration(fields(), {
      id: 'dr_new',
      partner: partner({ partnerType: 'gsi', legalName: 'Orbit GSI' }),
      by: esm,
      region: 'AMER',
      now: NOW,
      duplicates: [duplicate],
    });

    // Assess
    expect(registration).toMatchObject({
      id: 'dr_new',
      partnerId: 'ptn-northwind',
      partnerName: 'Orbit GSI',
      status: 'Submitted',
      round: 1,
      submittedAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      submittedBy: esm,
      possibleDuplicates: [duplicate],
      version: 1,
      customer: { companyName: 'Contoso Ltd' },
    });
    expect(registration.expiresAt).toBeUndefined();
    expect(registration.approvedAt).toBeUndefined();
  });
});

describe('resubmission after a return', () => {
  it('dr.resubmit-only-returned: a Returned registration is resubmitted; any other status is refused', () => {
    // Prepare
    const others: RegistrationStatus[] = ['Submitted', 'Pending Sales Review', 'Pending ASM Review', 'Approved', 'Denied', 'Expired', 'Closed Lost'];

    // Act
    const allowed = checkResubmission({ id: 'dr_1', status: 'Returned' });
    const refused = others.map((status) => refusalOf(checkResubmission({ id: 'dr_1', status })));

    // Assess
    expect(allowed.ok).toBe(true);
    expect(refused.map((refusal) => refusal.rule)).toEqual(others.map(() => 'dr.resubmit-only-returned'));
    expect(refused[3]?.message).toContain('Approved');
  });
});

// ---------------------------------------------------------------- expiry

describe('protection after approval', () => {
  it('approval protects the partner for 90 days to the instant', () => {
    // Prepare
    const approvedAt = new Date('2026-11-25T15:00:00.000Z');

    // Act
    const expiresAt = expiryAfterApproval(approvedAt);

    // Assess
    expect(PROTECTION_DAYS).toBe(90);
    expect(expiresAt).toBe('2027-02-23T15:00:00.000Z');
  });

  it('the 90 days are counted in exact days, across a leap day', () => {
    // Prepare: 1 February 2028 + 90 days passes 29 February
    const approvedAt = new Date('2028-02-01T00:00:00.000Z');

    // Act
    const expiresAt = expiryAfterApproval(approvedAt);

    // Assess
    expect(expiresAt).toBe('2028-05-01T00:00:00.000Z');
  });

  it('the partner is reminded 14 days before the protection ends', () => {
    // Act
    const reminder = expiryReminderAt('2027-02-23T15:00:00.000Z');

    // Assess
    expect(EXPIRY_REMINDER_DAYS).toBe(14);
    expect(reminder).toBe('2027-02-09T15:00:00.000Z');
  });

  it('nextExpiryStep: before the reminder date the next step is the reminder', () => {
    // Prepare
    const expiresAt = '2027-02-23T15:00:00.000Z';

    // Act
    const step = nextExpiryStep(expiresAt, NOW);

    // Assess
    expect(step).toEqual({ step: 'remind', at: '2027-02-09T15:00:00.000Z' });
  });

  it('nextExpiryStep: once the reminder date is reached, the next step is the expiry itself', () => {
    // Prepare
    const expiresAt = '2027-02-23T15:00:00.000Z';
    const atReminder = new Date('2027-02-09T15:00:00.000Z');
    const justBefore = new Date(atReminder.getTime() - 1);

    // Act
    const onTheDot = nextExpiryStep(expiresAt, atReminder);
    const aMillisecondBefore = nextExpiryStep(expiresAt, justBefore);

    // Assess
    expect(onTheDot).toEqual({ step: 'expire', at: expiresAt });
    expect(aMillisecondBefore).toEqual({ step: 'remind', at: '2027-02-09T15:00:00.000Z' });
  });

  it('nextExpiryStep: an extension after the reminder went out schedules a new reminder before the new date', () => {
    // Prepare: 10 days before the original expiry, the standard extension moves it 30 days on
    const now = new Date('2027-02-13T15:00:00.000Z');
    const extended = refusalFree(checkExtension(approved(), { kind: 'standard' }, ['esm'], now));

    // Act
    const step = nextExpiryStep(extended.expiresAt, now);

    // Assess
    expect(extended.expiresAt).toBe('2027-03-25T15:00:00.000Z');
    expect(step).toEqual({ step: 'remind', at: '2027-03-11T15:00:00.000Z' });
  });
});

/** The value of an accepted verdict; fails the test on a refusal. */
function refusalFree<T>(verdict: Verdict<T>): T {
  if (!verdict.ok) throw new Error(`Expected acceptance, got ${verdict.rule}: ${verdict.message}`);
  return verdict.value;
}

describe('extensions', () => {
  it('dr.extend-only-approved: an Approved registration is extended; any other status is refused', () => {
    // Prepare
    const others: RegistrationStatus[] = ['Submitted', 'Pending Sales Review', 'Pending ASM Review', 'Denied', 'Returned', 'Expired', 'Closed Lost'];

    // Act
    const allowed = checkExtension(approved(), { kind: 'standard' }, ['esm'], NOW);
    const refused = others.map((status) => refusalOf(checkExtension(approved({ status }), { kind: 'standard' }, ['esm'], NOW)));

    // Assess
    expect(allowed.ok).toBe(true);
    expect(new Set(refused.map((refusal) => refusal.rule))).toEqual(new Set(['dr.extend-only-approved']));
  });

  it('dr.extend-only-approved: a registration whose protection already ended is not extended, even before the sweep marks it Expired', () => {
    // Prepare: the expiry passed on 10 January; the registration still reads Approved
    const lapsed = approved({ expiresAt: '2027-01-10T00:00:00.000Z' });
    const dayBefore = new Date('2027-01-09T00:00:00.000Z');
    const tenDaysAfter = new Date('2027-01-20T00:00:00.000Z');

    // Act
    const inTime = checkExtension(lapsed, { kind: 'standard' }, ['esm'], dayBefore);
    const tooLate = refusalOf(checkExtension(lapsed, { kind: 'standard' }, ['esm'], tenDaysAfter));

    // Assess
    expect(refusalFree(inTime).expiresAt).toBe('2027-02-09T00:00:00.000Z');
    expect(tooLate.rule).toBe('dr.extend-only-approved');
  });

  it('dr.extend-only-approved: an Approved registration without an expiry (inconsistent record) is refused', () => {
    // Act
    const refused = refusalOf(checkExtension(approved({ expiresAt: undefined }), { kind: 'standard' }, ['esm'], NOW));

    // Assess
    expect(refused.rule).toBe('dr.extend-only-approved');
  });

  it('the standard extension adds exactly 30 days to the current expiry (not to today)', () => {
    // Act
    const extended = refusalFree(checkExtension(approved(), { kind: 'standard' }, ['asm'], NOW));

    // Assess
    expect(STANDARD_EXTENSION_DAYS).toBe(30);
    expect(extended.expiresAt).toBe('2027-03-25T15:00:00.000Z');
    expect(Date.parse(extended.expiresAt) - Date.parse('2027-02-23T15:00:00.000Z')).toBe(30 * DAY_MS);
  });

  it.each<InternalRole>(['esm', 'asm', 'ecosystem-operations'])('dr.standard-extension-role: the partner team or field sales (%s) grants the standard extension', (role) => {
    // Act
    const verdict = checkExtension(approved(), { kind: 'standard' }, [role], NOW);

    // Assess
    expect(standardExtensionRoles).toContain(role);
    expect(verdict.ok).toBe(true);
  });

  it.each<InternalRole>(['cmm', 'marketing-lead', 'legal', 'partner-help-desk'])('dr.standard-extension-role: %s may not grant the standard extension', (role) => {
    // Act
    const refused = refusalOf(checkExtension(approved(), { kind: 'standard' }, [role], NOW));

    // Assess
    expect(refused.rule).toBe('dr.standard-extension-role');
  });

  it('dr.standard-extension-role: a user with no internal role (a partner) is refused', () => {
    // Act
    const refused = refusalOf(checkExtension(approved(), { kind: 'standard' }, [], NOW));

    // Assess
    expect(refused.rule).toBe('dr.standard-extension-role');
  });

  it('dr.standard-extension-once: the first standard extension is granted; a second one is refused', () => {
    // Prepare
    const first = checkExtension(approved(), { kind: 'standard' }, ['esm'], NOW);
    const afterFirst = approved({ expiresAt: refusalFree(first).expiresAt, standardExtensionUsed: true });

    // Act
    const second = refusalOf(checkExtension(afterFirst, { kind: 'standard' }, ['esm'], NOW));

    // Assess
    expect(first.ok).toBe(true);
    expect(second.rule).toBe('dr.standard-extension-once');
  });

  it('after the standard extension was used, operations can still set a later date', () => {
    // Prepare
    const afterFirst = approved({ expiresAt: '2027-03-25T15:00:00.000Z', standardExtensionUsed: true });

    // Act
    const verdict = checkExtension(afterFirst, { kind: 'non-standard', newExpiry: '2027-06-30T23:59:59.000Z' }, ['ecosystem-operations'], NOW);

    // Assess
    expect(refusalFree(verdict).expiresAt).toBe('2027-06-30T23:59:59.000Z');
  });

  it('dr.non-standard-extension-role: ecosystem operations set a non-standard date; the ESM, the ASM and admin may not', () => {
    // Prepare
    const request = { kind: 'non-standard' as ExtensionKind, newExpiry: '2027-05-01T00:00:00.000Z' };

    // Act
    const allowed = checkExtension(approved(), request, ['ecosystem-operations'], NOW);
    const refused = (['esm', 'asm', 'admin'] as InternalRole[]).map((role) => refusalOf(checkExtension(approved(), request, [role], NOW)).rule);

    // Assess
    expect(refusalFree(allowed).expiresAt).toBe('2027-05-01T00:00:00.000Z');
    expect(refused).toEqual(['dr.non-standard-extension-role', 'dr.non-standard-extension-role', 'dr.non-standard-extension-role']);
  });

  it('dr.non-standard-extension-later: the new date must be after the current expiry; the same or an earlier one is refused', () => {
    // Prepare
    const operations: InternalRole[] = ['ecosystem-operations'];
    const later = '2027-02-23T15:00:01.000Z';

    // Act
    const allowed = checkExtension(approved(), { kind: 'non-standard', newExpiry: later }, operations, NOW);
    const same = refusalOf(checkExtension(approved(), { kind: 'non-standard', newExpiry: '2027-02-23T15:00:00.000Z' }, operations, NOW));
    const earlier = refusalOf(checkExtension(approved(), { kind: 'non-standard', newExpiry: '2027-01-01T00:00:00.000Z' }, operations, NOW));

    // Assess
    expect(refusalFree(allowed).expiresAt).toBe(later);
    expect(same.rule).toBe('dr.non-standard-extension-later');
    expect(earlier.rule).toBe('dr.non-standard-extension-later');
    expect(earlier.message).toContain('2027-02-23T15:00:00.000Z');
  });

  it('dr.non-standard-extension-later: a missing or unreadable date is refused', () => {
    // Prepare
    const operations: InternalRole[] = ['ecosystem-operations'];

    // Act
    const missing = refusalOf(checkExtension(approved(), { kind: 'non-standard' }, operations, NOW));
    const unreadable = refusalOf(checkExtension(approved(), { kind: 'non-standard', newExpiry: 'next spring' }, operations, NOW));

    // Assess
    expect(missing.rule).toBe('dr.non-standard-extension-later');
    expect(unreadable.rule).toBe('dr.non-standard-extension-later');
  });

  it('dr.extend-only-approved: operations cannot revive a registration whose protection already ended with a non-standard date', () => {
    // Prepare: the expiry passed in January and the sweep has not yet marked it Expired
    const lapsed = approved({ expiresAt: '2027-01-10T00:00:00.000Z' });
    const now = new Date('2027-01-20T00:00:00.000Z');

    // Act
    const refused = refusalOf(checkExtension(lapsed, { kind: 'non-standard', newExpiry: '2027-03-01T00:00:00.000Z' }, ['ecosystem-operations'], now));

    // Assess
    expect(refused.rule).toBe('dr.extend-only-approved');
    expect(refused.message).toContain('2027-01-10T00:00:00.000Z');
  });
});

// ---------------------------------------------------------------- duplicate detection keys

describe('possible duplicates: the normalised customer name', () => {
  it.each([
    ['ACME Inc.', 'acme'],
    ['Acme, Inc', 'acme'],
    ['acme corporation', 'acme'],
    ['Acme Incorporated', 'acme'],
    ['ACME Corp.', 'acme'],
    ['Acme Ltd', 'acme'],
    ['Acme Limited', 'acme'],
    ['Acme LLC', 'acme'],
    ['  ACME   Inc  ', 'acme'],
  ])('%j is the same customer as "acme"', (name, key) => {
    expect(normalizedCompany(name)).toBe(key);
  });

  it('accents, ampersands and punctuation do not tell two spellings apart', () => {
    // Act / Assess
    expect(normalizedCompany('Müller GmbH')).toBe(normalizedCompany('Muller'));
    expect(normalizedCompany('Société Générale')).toBe('societe generale');
    expect(normalizedCompany('Johnson & Johnson')).toBe(normalizedCompany('Johnson and Johnson'));
    expect(normalizedCompany('Ernst-&-Young, LLP')).toBe('ernst and young');
  });

  it('different companies keep different keys, even when one name contains the other', () => {
    // Act
    const keys = ['Acme', 'Acme Holdings', 'Acme Robotics Inc.', 'Acne Inc'].map(normalizedCompany);

    // Assess
    expect(new Set(keys).size).toBe(4);
    expect(keys).toEqual(['acme', 'acme holdings', 'acme robotics', 'acne']);
  });

  it('a legal suffix is removed only as a whole word, never from inside a name', () => {
    // Act / Assess: "inc" in "Incite", "co" in "Costco", "ltd" nowhere else
    expect(normalizedCompany('Incite Media Inc')).toBe('incite media');
    expect(normalizedCompany('Costco Wholesale Corporation')).toBe('costco wholesale');
    expect(normalizedCompany('Agco AG')).toBe('agco');
  });

  it('dotted legal forms match their plain spelling; hyphenated words stay whole', () => {
    // Act / Assess
    expect(normalizedCompany('Société Générale S.A.')).toBe(normalizedCompany('Societe Generale SA'));
    expect(normalizedCompany('Co-operative Bank')).toBe('cooperative bank');
    expect(normalizedCompany("McDonald's Corp.")).toBe('mcdonalds');
  });

  it('only trailing legal forms go: "Co" at the start of a name stays, and a name of legal forms only keeps one', () => {
    // Act / Assess
    expect(normalizedCompany('AB Volvo')).toBe('ab volvo');
    expect(normalizedCompany('Acme Co Ltd')).toBe('acme');
    expect(normalizedCompany('Ltd Co')).toBe('ltd');
    expect(normalizedCompany('Ltd Co')).not.toBe('');
  });
});

describe('possible duplicates: the customer’s email domain', () => {
  it('the domain is lower-cased', () => {
    expect(emailDomain('Dana.Scully@Contoso.EXAMPLE')).toBe('contoso.example');
  });

  it('two contacts of the same company share the domain key', () => {
    expect(emailDomain('dana@contoso.example')).toBe(emailDomain('fox@CONTOSO.example'));
  });

  it.each(['someone@gmail.com', 'someone@Outlook.com', 'someone@yahoo.com', 'someone@proton.me', 'someone@gmx.de'])('a free-mail address (%s) never matches', (email) => {
    expect(emailDomain(email)).toBeUndefined();
  });

  it('an address without a domain gives no key', () => {
    expect(emailDomain('no-at-sign')).toBeUndefined();
    expect(emailDomain('trailing@')).toBeUndefined();
  });
});

// ---------------------------------------------------------------- levels

describe('review levels', () => {
  it('nextLevel: operations → ESM → ASM, and nothing after the ASM', () => {
    // Act
    const chain = reviewLevels.map(nextLevel);

    // Assess
    expect(reviewLevels).toEqual(['operations', 'esm', 'asm']);
    expect(chain).toEqual(['esm', 'asm', undefined]);
  });

  it('each level is decided by its role and shows its status', () => {
    expect(levelRole).toEqual({ operations: 'ecosystem-operations', esm: 'esm', asm: 'asm' });
    expect(statusAtLevel).toEqual({ operations: 'Submitted', esm: 'Pending Sales Review', asm: 'Pending ASM Review' });
  });

  it('a registration claims its opportunity while in review, returned or approved; not once denied, expired or lost', () => {
    // Act
    const claiming = (['Submitted', 'Pending Sales Review', 'Pending ASM Review', 'Approved', 'Returned', 'Denied', 'Expired', 'Closed Lost'] as RegistrationStatus[]).filter((status) =>
      openStatuses.has(status),
    );

    // Assess
    expect(claiming).toEqual(['Submitted', 'Pending Sales Review', 'Pending ASM Review', 'Approved', 'Returned']);
  });
});
