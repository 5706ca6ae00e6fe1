import { describe, expect, it } from 'vitest';
import {
  anniversaryOf,
  checkDetails,
  checkInitials,
  checkLetterAvailable,
  checkRequester,
  checkStillAuthorized,
  firstValidityStep,
  formatLetterDate,
  isInForce,
  validityOf,
  validityWorkAt,
  type LoaDetails,
} from '#domain/loa';

/** Letters of Authorization: who may ask, what the letter holds, and how long it holds. */
const details: LoaDetails = {
  legalCompanyName: 'Acme Cloud Partners GmbH',
  address: 'Hauptstraße 1\n10115 Berlin',
  country: 'DE',
  contactName: 'Alice Acme',
  contactEmail: 'alice@acme.example',
  customerName: 'Deutsche Beispiel AG',
  products: ['GitLab Ultimate'],
};

describe('loa.partner-authorized', () => {
  it.each(['Prospect', 'Suspended'] as const)('a %s partner is refused, naming its status', (status) => {
    // Act
    const verdict = checkRequester({ status, legalName: 'Umbrella Resellers' });

    // Assess
    expect(verdict).toEqual({
      ok: false,
      rule: 'loa.partner-authorized',
      message: `Umbrella Resellers is ${status}; only Authorized partners may request a Letter of Authorization.`,
      details: { partnerStatus: status },
    });
  });

  it('an Authorized partner may ask', () => {
    expect(checkRequester({ status: 'Authorized', legalName: 'Acme' }).ok).toBe(true);
  });
});

describe('loa.partner-still-authorized', () => {
  it('operations cannot confirm a partner suspended since it asked', () => {
    expect(checkStillAuthorized({ status: 'Suspended', legalName: 'Hooli' })).toMatchObject({ ok: false, rule: 'loa.partner-still-authorized' });
    expect(checkStillAuthorized(undefined)).toMatchObject({ ok: false, rule: 'loa.partner-still-authorized' });
    expect(checkStillAuthorized({ status: 'Authorized', legalName: 'Acme' }).ok).toBe(true);
  });
});

describe('loa.customer-or-tender and the other details rules', () => {
  it('a letter for neither a customer nor a tender is refused', () => {
    const { customerName: _customer, ...rest } = details;
    expect(checkDetails({ ...rest, tenderReference: '  ' })).toMatchObject({ ok: false, rule: 'loa.customer-or-tender' });
  });

  it('a tender alone is enough', () => {
    const { customerName: _customer, ...rest } = details;
    expect(checkDetails({ ...rest, tenderReference: 'EU-2027/0042' }).ok).toBe(true);
  });

  it('loa.products: no product, or one named twice, is refused; several violations are all named', () => {
    expect(checkDetails({ ...details, products: [] })).toMatchObject({ ok: false, rule: 'loa.products' });
    expect(checkDetails({ ...details, products: ['GitLab Ultimate', 'GitLab Ultimate'] })).toMatchObject({ ok: false, rule: 'loa.products-distinct' });
    const { customerName: _customer, ...rest } = details;
    const verdict = checkDetails({ ...rest, products: [] });
    expect(verdict.ok ? [] : (verdict.details?.violations as { rule: string }[]).map((v) => v.rule)).toEqual(['loa.customer-or-tender', 'loa.products']);
  });

  it('loa.address-lines: an address longer than six lines does not fit the letter', () => {
    expect(checkDetails({ ...details, address: 'a\nb\nc\nd\ne\nf\ng' })).toMatchObject({ ok: false, rule: 'loa.address-lines' });
    expect(checkDetails({ ...details, address: 'a\nb\nc\nd\ne\nf' }).ok).toBe(true);
  });
});

describe('loa.initials', () => {
  it.each([
    ['jd', 'JD'],
    [' MRS ', 'MRS'],
    ['ABCD', 'ABCD'],
    ['Éo', 'ÉO'],
  ])('%j is accepted as %s', (input, expected) => {
    expect(checkInitials(input)).toEqual({ ok: true, value: expected });
  });

  it.each([undefined, '', 'J', 'ABCDE', 'J.D', 'J D', '12'])('%j is refused', (input) => {
    expect(checkInitials(input)).toMatchObject({ ok: false, rule: 'loa.initials', details: { field: 'initials' } });
  });
});

describe('loa.validity: one calendar year from the letter date', () => {
  it.each([
    ['2026-11-25', '2027-11-25'],
    ['2027-12-31', '2028-12-31'],
    ['2028-02-29', '2029-02-28'],
    ['2027-02-28', '2028-02-28'],
    ['2096-02-29', '2097-02-28'],
    ['2099-02-28', '2100-02-28'],
  ])('a letter dated %s has its anniversary on %s', (date, anniversary) => {
    expect(anniversaryOf(date)).toBe(anniversary);
  });

  it('signed on 25 November 2026 in Berlin: valid through 24 November 2027, Expired from midnight Berlin time, reminded 26 October 09:00', () => {
    // Act
    const validity = validityOf(new Date('2026-11-25T14:00:00Z'), 'Europe/Berlin');

    // Assess
    expect(validity).toEqual({
      letterDate: '2026-11-25',
      validThrough: '2027-11-24',
      expiresOn: '2027-11-25',
      expiresAt: '2027-11-24T23:00:00.000Z',
      // 26 October 2027 is before summer time ends (31 October): 09:00 CEST is 07:00 UTC.
      reminderAt: '2027-10-26T07:00:00.000Z',
    });
  });

  it('signed on 29 February 2028: valid through 27 February 2029, Expired from 28 February', () => {
    const validity = validityOf(new Date('2028-02-29T10:00:00Z'), 'Europe/London');
    expect(validity).toMatchObject({ letterDate: '2028-02-29', validThrough: '2029-02-27', expiresOn: '2029-02-28', expiresAt: '2029-02-28T00:00:00.000Z' });
    expect(validity.reminderAt).toBe('2029-01-29T09:00:00.000Z');
  });

  it("the letter date is the signing day in the partner's region, not in UTC", () => {
    // 22:30 UTC on 31 December is already 1 January in Singapore, still 31 December in New York.
    expect(validityOf(new Date('2026-12-31T22:30:00Z'), 'Asia/Singapore').letterDate).toBe('2027-01-01');
    expect(validityOf(new Date('2026-12-31T22:30:00Z'), 'America/New_York').letterDate).toBe('2026-12-31');
  });
});

describe('loa.expiry: the sweep reminds, then expires', () => {
  const validity = validityOf(new Date('2026-11-25T14:00:00Z'), 'Europe/Berlin');

  it('the first due work at signing is the reminder', () => {
    expect(firstValidityStep(validity, new Date('2026-11-25T14:00:00Z'))).toEqual({ step: 'remind', at: '2027-10-26T07:00:00.000Z' });
    expect(firstValidityStep(validity, new Date('2027-10-27T00:00:00Z'))).toEqual({ step: 'expire', at: '2027-11-24T23:00:00.000Z' });
  });

  it('a reminder reached while the letter holds is sent; one reached only after expiry is skipped for the expiry', () => {
    expect(validityWorkAt('remind', validity, new Date('2027-10-26T07:00:00Z'))).toBe('remind');
    expect(validityWorkAt('remind', validity, new Date('2027-11-24T22:59:59Z'))).toBe('remind');
    expect(validityWorkAt('remind', validity, new Date('2027-11-24T23:00:00Z'))).toBe('expire');
    expect(validityWorkAt('expire', validity, new Date('2027-11-24T23:00:00Z'))).toBe('expire');
  });

  it('a letter is in force until the first instant of its anniversary', () => {
    const issued = { status: 'Issued' as const, validity };
    expect(isInForce(issued, new Date('2027-11-24T22:59:59Z'))).toBe(true);
    expect(isInForce(issued, new Date('2027-11-24T23:00:00Z'))).toBe(false);
    expect(isInForce({ status: 'Refused', validity }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('loa.letter-issued', () => {
  it('the letter downloads once issued (and after it expired), never before', () => {
    expect(checkLetterAvailable({ id: 'loa_1', status: 'Issued', letterKey: 'loa/loa_1/letter.pdf' })).toEqual({ ok: true, value: 'loa/loa_1/letter.pdf' });
    expect(checkLetterAvailable({ id: 'loa_1', status: 'Expired', letterKey: 'loa/loa_1/letter.pdf' }).ok).toBe(true);
    expect(checkLetterAvailable({ id: 'loa_1', status: 'Awaiting Signature' })).toMatchObject({ ok: false, rule: 'loa.letter-issued' });
    expect(checkLetterAvailable({ id: 'loa_1', status: 'Issued' })).toMatchObject({ ok: false, rule: 'loa.letter-issued' });
  });
});

describe('letter dates in words', () => {
  it('prints dates as a letter does', () => {
    expect(formatLetterDate('2029-02-28')).toBe('28 February 2029');
    expect(formatLetterDate('2027-01-05')).toBe('5 January 2027');
  });
});
