import { describe, expect, it } from 'vitest';
import {
  checkAttachment,
  checkClaim,
  MAX_ATTACHMENT_BYTES,
  missingKinds,
  nextReminder,
  normalizedTitle,
  reminderDates,
  reminderInstant,
} from '#domain/claims';
import type { RegionCalendar } from '#domain/calendar';
import type { MdfRequest } from '#domain/mdf';

/** The rules of MDF claims and of the reminders to claim. */
const emea: RegionCalendar = { timeZone: 'Europe/London', holidays: new Set() };

const approvedRequest = (overrides: Partial<MdfRequest> = {}): MdfRequest => ({
  id: 'mdf_1',
  partnerId: 'ptr_acme',
  partnerName: 'Acme Cloud Partners',
  submittedBy: { id: 'usr_alice', name: 'Alice', email: 'alice@acme.example' },
  status: 'Approved',
  region: 'EMEA',
  quarter: '2027-Q1',
  flexi: false,
  levels: ['cmm', 'marketing-lead', 'program-manager'],
  submittedAt: '2026-12-01T10:00:00.000Z',
  targetDate: '2026-12-10T10:00:00.000Z',
  approvedAmountCents: 500_000,
  executionName: 'mdf_1',
  version: 3,
  updatedAt: '2026-12-05T10:00:00.000Z',
  activityName: 'DevOps Summit',
  activityType: 'tradeshow',
  delivery: 'in-person',
  description: 'Booth',
  startDate: '2027-01-10',
  endDate: '2027-01-11',
  totalCostCents: 1_000_000,
  targetContacts: 200,
  estimatedPipelineCents: 5_000_000,
  partnerInvestmentCents: 500_000,
  amountRequestedCents: 500_000,
  verticalIndustry: 'Finance',
  segment: 'Enterprise',
  activityCountry: 'DE',
  ...overrides,
});

const fields = { title: 'Summit booth', amountCents: 450_000, paidDate: '2027-01-12' };
const afterTheEvent = new Date('2027-01-13T10:00:00Z');

const ruleOf = (verdict: { ok: boolean; rule?: string }) => (verdict.ok ? 'accepted' : verdict.rule);

describe('who may claim what', () => {
  it('a claim on an Approved request whose activity has ended, within the approved amount, is accepted', () => {
    expect(checkClaim(approvedRequest(), fields, afterTheEvent, emea)).toEqual({ ok: true, value: undefined });
  });

  it('a claim on the end date itself is accepted: the end date is reached', () => {
    expect(checkClaim(approvedRequest(), { ...fields, paidDate: '2027-01-11' }, new Date('2027-01-11T09:00:00Z'), emea).ok).toBe(true);
  });

  it('a claim the day before the activity ends is refused (claims.after-end-date)', () => {
    const verdict = checkClaim(approvedRequest(), { ...fields, paidDate: '2027-01-10' }, new Date('2027-01-10T23:00:00Z'), emea);
    expect(ruleOf(verdict)).toBe('claims.after-end-date');
  });

  it('the end date is judged in the region’s time zone (late evening in New York is already the next day in London)', () => {
    const amer: RegionCalendar = { timeZone: 'America/New_York', holidays: new Set() };
    const lateEvening = new Date('2027-01-11T02:00:00Z'); // 10 January 21:00 in New York, 11 January in London
    expect(ruleOf(checkClaim(approvedRequest(), { ...fields, paidDate: '2027-01-10' }, lateEvening, amer))).toBe('claims.after-end-date');
    expect(ruleOf(checkClaim(approvedRequest(), { ...fields, paidDate: '2027-01-10' }, lateEvening, emea))).toBe('accepted');
  });

  it.each([
    { amountCents: 500_000, expected: 'accepted', what: 'exactly the approved amount' },
    { amountCents: 500_001, expected: 'claims.amount-within-approved', what: 'one cent over the approved amount' },
  ])('a claim of $what: $expected', ({ amountCents, expected }) => {
    expect(ruleOf(checkClaim(approvedRequest(), { ...fields, amountCents }, afterTheEvent, emea))).toBe(expected);
  });

  it.each([
    { paidDate: '2027-01-13', expected: 'accepted', what: 'paid today' },
    { paidDate: '2027-01-14', expected: 'claims.paid-date-not-future', what: 'paid tomorrow' },
  ])('a claim $what: $expected', ({ paidDate, expected }) => {
    expect(ruleOf(checkClaim(approvedRequest(), { ...fields, paidDate }, afterTheEvent, emea))).toBe(expected);
  });

  it('a claim on a Canceled request is rejected with the cancellation’s reason (claims.request-canceled)', () => {
    const verdict = checkClaim(approvedRequest({ status: 'Canceled', outcomeReason: 'The event was called off.' }), fields, afterTheEvent, emea);
    expect(verdict).toMatchObject({ ok: false, rule: 'claims.request-canceled' });
    expect(verdict.ok ? '' : verdict.message).toContain('The event was called off.');
  });

  it.each(['Open', 'Denied', 'Closed'] as const)('a claim on a %s request is refused (claims.request-approved)', (status) => {
    expect(ruleOf(checkClaim(approvedRequest({ status }), fields, afterTheEvent, emea))).toBe('claims.request-approved');
  });

  it('several problems are reported together, the first one named', () => {
    const verdict = checkClaim(approvedRequest(), { ...fields, amountCents: 900_000, paidDate: '2030-01-01' }, new Date('2027-01-05T10:00:00Z'), emea);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.rule).toBe('claims.after-end-date');
    expect((verdict.details?.violations as { rule: string }[]).map((violation) => violation.rule)).toEqual([
      'claims.after-end-date',
      'claims.amount-within-approved',
      'claims.paid-date-not-future',
    ]);
  });
});

describe('claim titles are unique whatever the case and spacing', () => {
  it.each([
    ['Summit Booth', 'summit booth'],
    ['  SUMMIT   booth ', 'summit booth'],
    ['Ｓｕｍｍｉｔ booth', 'summit booth'],
  ])('"%s" is the same title as "%s"', (title, normal) => {
    expect(normalizedTitle(title)).toBe(normal);
  });
});

describe('claim files', () => {
  it.each([
    { file: { kind: 'proof-of-performance', contentType: 'application/pdf', sizeBytes: 1 }, expected: 'accepted' },
    { file: { kind: 'lead-list', contentType: 'text/csv', sizeBytes: MAX_ATTACHMENT_BYTES }, expected: 'accepted' },
    { file: { kind: 'lead-list', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', sizeBytes: 10 }, expected: 'accepted' },
    { file: { kind: 'proof-of-performance', contentType: 'image/jpeg', sizeBytes: 10 }, expected: 'accepted' },
    { file: { kind: 'lead-list', contentType: 'text/csv', sizeBytes: MAX_ATTACHMENT_BYTES + 1 }, expected: 'claims.attachment-size' },
    { file: { kind: 'lead-list', contentType: 'text/csv', sizeBytes: 0 }, expected: 'claims.attachment-size' },
    { file: { kind: 'lead-list', contentType: 'application/x-msdownload', sizeBytes: 10 }, expected: 'claims.attachment-type' },
    { file: { kind: 'invoice', contentType: 'application/pdf', sizeBytes: 10 }, expected: 'claims.attachment-kind' },
  ])('$file.kind as $file.contentType of $file.sizeBytes bytes: $expected', ({ file, expected }) => {
    expect(ruleOf(checkAttachment(file))).toBe(expected);
  });

  it('a claim needs a proof of performance and a lead list; a rejected file does not count', () => {
    expect(missingKinds([])).toEqual(['proof-of-performance', 'lead-list']);
    expect(missingKinds([{ kind: 'proof-of-performance', status: 'Uploaded' }])).toEqual(['lead-list']);
    expect(missingKinds([{ kind: 'lead-list', status: 'Rejected' }, { kind: 'proof-of-performance', status: 'Pending' }])).toEqual(['lead-list']);
    expect(missingKinds([{ kind: 'lead-list', status: 'Uploaded' }, { kind: 'proof-of-performance', status: 'Uploaded' }])).toEqual([]);
  });
});

describe('reminders to claim: day 2, 14 and 28 after the end date', () => {
  it.each([
    { endDate: '2027-01-11', dates: ['2027-01-13', '2027-01-25', '2027-02-08'], what: 'in the middle of a month' },
    { endDate: '2027-01-30', dates: ['2027-02-01', '2027-02-13', '2027-02-27'], what: 'across the end of January' },
    { endDate: '2027-02-27', dates: ['2027-03-01', '2027-03-13', '2027-03-27'], what: 'across February of a common year' },
    { endDate: '2028-02-27', dates: ['2028-02-29', '2028-03-12', '2028-03-26'], what: 'onto the leap day' },
    { endDate: '2026-12-20', dates: ['2026-12-22', '2027-01-03', '2027-01-17'], what: 'across the new year' },
  ])('an activity ending $endDate ($what) is reminded on $dates', ({ endDate, dates }) => {
    expect(reminderDates(endDate)).toEqual(dates);
  });

  it('a reminder goes out at 09:00 on its day in the region’s time zone, summer time included', () => {
    expect(reminderInstant('2027-01-11', 0, 'Europe/London')).toBe('2027-01-13T09:00:00.000Z');
    expect(reminderInstant('2027-06-10', 0, 'Europe/London')).toBe('2027-06-12T08:00:00.000Z');
    expect(reminderInstant('2027-01-11', 1, 'America/New_York')).toBe('2027-01-25T14:00:00.000Z');
    expect(reminderInstant('2027-01-11', 3, 'Europe/London')).toBeUndefined();
  });

  it('a request approved before its activity gets all three reminders, starting with day 2', () => {
    expect(nextReminder('2027-01-11', 'Europe/London', new Date('2026-12-05T10:00:00Z'))).toEqual({ stage: 0, at: '2027-01-13T09:00:00.000Z' });
  });

  it('a request approved late does not get the reminders whose day has passed', () => {
    expect(nextReminder('2027-01-11', 'Europe/London', new Date('2027-01-20T10:00:00Z'))).toEqual({ stage: 1, at: '2027-01-25T09:00:00.000Z' });
  });

  it('after the reminder of day 28 there is none', () => {
    expect(nextReminder('2027-01-11', 'Europe/London', new Date('2027-01-26T10:00:00Z'), 3)).toBeUndefined();
    expect(nextReminder('2027-01-11', 'Europe/London', new Date('2027-02-09T10:00:00Z'))).toBeUndefined();
  });

  it('the next reminder after one is sent is the following stage', () => {
    expect(nextReminder('2027-01-11', 'Europe/London', new Date('2027-01-13T09:05:00Z'), 1)).toEqual({ stage: 1, at: '2027-01-25T09:00:00.000Z' });
  });
});
