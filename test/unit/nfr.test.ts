import { describe, expect, it } from 'vitest';
import {
  addOneYear,
  checkRenewals,
  checkRequester,
  checkWithinLimit,
  encouragesCertification,
  expiryOf,
  grant,
  nfrLimit,
  startOfDay,
  type NfrLicence,
  type NfrRequest,
} from '#domain/nfr';
import type { PartnerStatus, PartnerTrack } from '#domain/partner';

// ---------------------------------------------------------------- factories

const request = (overrides: Partial<NfrRequest> = {}): NfrRequest => ({
  id: 'nfr_1',
  partnerId: 'ptr_acme',
  partnerName: 'Acme Cloud',
  track: 'Select',
  region: 'EMEA',
  contact: { name: 'Grace Hopper', email: 'grace@acme.example' },
  users: 5,
  plan: 'Ultimate',
  renews: [],
  status: 'Pending',
  requestedBy: { id: 'usr_alice', name: 'Alice', email: 'alice@acme.example' },
  submittedAt: '2027-03-01T09:00:00.000Z',
  version: 1,
  updatedAt: '2027-03-01T09:00:00.000Z',
  ...overrides,
});

const licence = (overrides: Partial<NfrLicence> = {}): NfrLicence => ({
  id: 'nfl_1',
  partnerId: 'ptr_acme',
  partnerName: 'Acme Cloud',
  requestId: 'nfr_0',
  contact: { name: 'Grace Hopper', email: 'grace@acme.example' },
  users: 5,
  plan: 'Ultimate',
  key: 'NFR-key',
  startsOn: '2026-09-15',
  expiresOn: '2027-09-15',
  expiresAt: '2027-09-14T23:00:00.000Z',
  status: 'Active',
  renews: [],
  grantedAt: '2026-09-15T10:00:00.000Z',
  grantedBy: 'Hal Help',
  certificationEncouraged: false,
  version: 1,
  updatedAt: '2026-09-15T10:00:00.000Z',
  ...overrides,
});

const grantAt = (now: string, overrides: Partial<Parameters<typeof grant>[0]> = {}) =>
  grant({
    request: request(),
    partner: { track: 'Select', status: 'Authorized', legalName: 'Acme Cloud', certifications: { solutionArchitect: true, professionalServicesEngineer: false } },
    active: [],
    usersInUse: 0,
    now: new Date(now),
    timeZone: 'Europe/London',
    id: 'nfl_new',
    key: 'NFR-new',
    grantedBy: 'Hal Help',
    ...overrides,
  });

// ---------------------------------------------------------------- who asks

describe('nfr.partner-authorized: only an Authorized partner asks', () => {
  it.each<[PartnerStatus, boolean]>([
    ['Authorized', true],
    ['Prospect', false],
    ['Suspended', false],
  ])('a %s partner may ask: %s', (status, allowed) => {
    // Act
    const verdict = checkRequester({ status, legalName: 'Acme Cloud' });

    // Assess
    expect(verdict.ok).toBe(allowed);
    if (!verdict.ok) expect(verdict).toMatchObject({ rule: 'nfr.partner-authorized', details: { status } });
  });
});

// ---------------------------------------------------------------- the limit

describe('nfr.within-limit: users of active licences, Select 25, Open 10', () => {
  it('the limits are 25 users for Select and 10 for Open', () => {
    expect(nfrLimit).toEqual({ Select: 25, Open: 10 });
  });

  it.each<[PartnerTrack, number, number, boolean, number]>([
    // track, users in use, asked, allowed, remaining named
    ['Select', 0, 25, true, 25],
    ['Select', 0, 26, false, 25],
    ['Select', 20, 5, true, 5],
    ['Select', 20, 6, false, 5],
    ['Select', 25, 1, false, 0],
    ['Open', 0, 10, true, 10],
    ['Open', 0, 11, false, 10],
    ['Open', 7, 3, true, 3],
    ['Open', 7, 4, false, 3],
  ])('%s with %i users in use asking for %i: allowed %s, %i remaining', (track, inUse, asked, allowed, remaining) => {
    // Act
    const verdict = checkWithinLimit(track, inUse, asked);

    // Assess
    expect(verdict.ok).toBe(allowed);
    if (verdict.ok) expect(verdict.value.remainingAfter).toBe(remaining - asked);
    else {
      expect(verdict.rule).toBe('nfr.within-limit');
      expect(verdict.details).toMatchObject({ remaining, limit: nfrLimit[track], requested: asked });
      expect(verdict.message).toContain(`${remaining} remain`);
    }
  });

  it('the users of the licences a renewal replaces are free for it', () => {
    // Act: an Open partner at its limit renews its 10-user licence with 10 users
    const verdict = checkWithinLimit('Open', 10, 10, 10);

    // Assess
    expect(verdict).toEqual({ ok: true, value: { remainingAfter: 0 } });
  });

  it('a count above the limit (the track changed from Select to Open) names 0 remaining, never a negative number', () => {
    // Act
    const verdict = checkWithinLimit('Open', 12, 1);

    // Assess
    expect(verdict).toMatchObject({ ok: false, details: { remaining: 0 } });
  });
});

describe('nfr.renews-own-active-licences', () => {
  const active = [licence({ id: 'nfl_a', users: 4 }), licence({ id: 'nfl_b', users: 6 })];

  it('renewing two active licences of the partner frees their users', () => {
    expect(checkRenewals(['nfl_a', 'nfl_b'], active, 'ptr_acme')).toEqual({ ok: true, value: 10 });
  });

  it.each([
    ['an unknown licence', ['nfl_x']],
    ['a licence of another partner', ['nfl_other']],
    ['the same licence twice', ['nfl_a', 'nfl_a']],
  ])('%s is refused', (_, renews) => {
    // Prepare
    const all = [...active, licence({ id: 'nfl_other', partnerId: 'ptr_other' })];

    // Act
    const verdict = checkRenewals(renews, all, 'ptr_acme');

    // Assess
    expect(verdict).toMatchObject({ ok: false, rule: 'nfr.renews-own-active-licences' });
  });

  it('an expired licence cannot be renewed', () => {
    expect(checkRenewals(['nfl_a'], [licence({ id: 'nfl_a', status: 'Expired' })], 'ptr_acme')).toMatchObject({ ok: false });
  });
});

// ---------------------------------------------------------------- expiry

describe('nfr.one-year / nfr.co-terminous / nfr.renewal-new-year: when a licence expires', () => {
  it.each([
    ['2027-03-01', '2028-03-01'],
    ['2027-12-31', '2028-12-31'],
    ['2028-02-29', '2029-02-28'],
    ['2027-02-28', '2028-02-28'],
    ['2099-02-28', '2100-02-28'],
  ])('one year after %s is %s', (from, to) => {
    expect(addOneYear(from)).toBe(to);
  });

  it('the first licence expires one year after its start', () => {
    expect(expiryOf('2027-03-01', [], false)).toEqual({ expiresOn: '2028-03-01', rule: 'nfr.one-year' });
  });

  it('with active licences, a new one expires on their date', () => {
    expect(expiryOf('2027-03-01', [licence({ expiresOn: '2027-09-15' })], false)).toEqual({ expiresOn: '2027-09-15', rule: 'nfr.co-terminous' });
  });

  it('should active licences differ, the latest date wins', () => {
    // Prepare
    const active = [licence({ expiresOn: '2027-09-15' }), licence({ id: 'nfl_2', expiresOn: '2027-11-30' }), licence({ id: 'nfl_3', expiresOn: '2027-05-01' })];

    // Act / Assess
    expect(expiryOf('2027-03-01', active, false).expiresOn).toBe('2027-11-30');
  });

  it('expired licences, and one ending today (not yet swept), do not set the date', () => {
    // Prepare
    const others = [licence({ status: 'Expired', expiresOn: '2027-09-15' }), licence({ id: 'nfl_2', expiresOn: '2027-03-01' })];

    // Act / Assess
    expect(expiryOf('2027-03-01', others, false)).toEqual({ expiresOn: '2028-03-01', rule: 'nfr.one-year' });
  });

  it('a renewal starts a new year, whatever the other licences say', () => {
    expect(expiryOf('2027-09-10', [licence({ expiresOn: '2027-09-15' })], true)).toEqual({ expiresOn: '2028-09-10', rule: 'nfr.renewal-new-year' });
  });

  it('a licence stops counting at 00:00 of its expiry date in the region (London summer time: 23:00 UTC the day before)', () => {
    expect(startOfDay('2027-09-15', 'Europe/London').toISOString()).toBe('2027-09-14T23:00:00.000Z');
    expect(startOfDay('2027-01-15', 'America/New_York').toISOString()).toBe('2027-01-15T05:00:00.000Z');
  });
});

// ---------------------------------------------------------------- granting

describe('grant: the help desk approves', () => {
  it('the licence starts on the calendar date in the partner region: 23:30 UTC on 31 March is 1 April in London', () => {
    // Act
    const verdict = grantAt('2027-03-31T23:30:00Z');

    // Assess
    expect(verdict.ok && verdict.value.licence).toMatchObject({ startsOn: '2027-04-01', expiresOn: '2028-04-01', status: 'Active', users: 5, key: 'NFR-new' });
  });

  it('a licence granted on 29 February expires on 28 February next year', () => {
    // Act
    const verdict = grantAt('2028-02-29T12:00:00Z');

    // Assess
    expect(verdict.ok && verdict.value.licence).toMatchObject({ startsOn: '2028-02-29', expiresOn: '2029-02-28', expiresAt: '2029-02-28T00:00:00.000Z' });
  });

  it("a partner's second licence expires with its first (co-terminous)", () => {
    // Act
    const verdict = grantAt('2027-03-01T10:00:00Z', { active: [licence({ expiresOn: '2027-09-15' })], usersInUse: 5 });

    // Assess
    expect(verdict.ok && verdict.value).toMatchObject({ licence: { startsOn: '2027-03-01', expiresOn: '2027-09-15' }, expiryRule: 'nfr.co-terminous' });
  });

  it('the limit is checked again at the decision: users granted meanwhile count', () => {
    // Act: 5 asked, 22 in use by now on a Select partner
    const verdict = grantAt('2027-03-01T10:00:00Z', { usersInUse: 22 });

    // Assess
    expect(verdict).toMatchObject({ ok: false, rule: 'nfr.within-limit', details: { remaining: 3 } });
  });

  it('a partner suspended since it asked is refused at the decision (nfr.partner-authorized)', () => {
    // Act
    const verdict = grantAt('2027-03-01T10:00:00Z', { partner: { track: 'Select', status: 'Suspended', legalName: 'Acme Cloud' } });

    // Assess
    expect(verdict).toMatchObject({ ok: false, rule: 'nfr.partner-authorized' });
  });

  it('a renewal of the only licence starts a new year and frees its users', () => {
    // Prepare: Open partner at its limit with one 10-user licence, renewed by 10 users
    const old = licence({ id: 'nfl_old', users: 10, expiresOn: '2027-03-10' });

    // Act
    const verdict = grantAt('2027-03-01T10:00:00Z', {
      request: request({ users: 10, renews: ['nfl_old'], track: 'Open' }),
      partner: { track: 'Open', status: 'Authorized', legalName: 'Acme Cloud' },
      active: [old],
      usersInUse: 10,
    });

    // Assess
    expect(verdict.ok && verdict.value).toMatchObject({ renewedUsers: 10, expiryRule: 'nfr.renewal-new-year', licence: { expiresOn: '2028-03-01', renews: ['nfl_old'] } });
  });

  it.each([
    [{ solutionArchitect: false, professionalServicesEngineer: false }, true],
    [{ solutionArchitect: true, professionalServicesEngineer: false }, false],
    [{ solutionArchitect: false, professionalServicesEngineer: true }, false],
    [undefined, true],
  ])('certifications %j: the email encourages one: %s (the licence is granted either way)', (certifications, encouraged) => {
    // Act
    const verdict = grantAt('2027-03-01T10:00:00Z', { partner: { track: 'Select', status: 'Authorized', legalName: 'Acme Cloud', ...(certifications ? { certifications } : {}) } });

    // Assess
    expect(encouragesCertification(certifications ? { certifications } : {})).toBe(encouraged);
    expect(verdict.ok && verdict.value.licence.certificationEncouraged).toBe(encouraged);
  });
});
