import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  daysBetween,
  isBusinessDay,
  isIsoDate,
  isQuarter,
  lastDayOfQuarter,
  localDate,
  quarterOf,
  type RegionCalendar,
} from '#domain/calendar';

/** A region's business calendar: its time zone and the holidays it configured. */
const calendar = (timeZone: string, ...holidays: string[]): RegionCalendar => ({ timeZone, holidays: new Set(holidays) });

const newYork = calendar('America/New_York');
const amerWithThanksgiving = calendar('America/New_York', '2026-11-26');
const london = calendar('Europe/London');
const londonWithYearEnd = calendar('Europe/London', '2026-12-25', '2026-12-28', '2027-01-01');
const singapore = calendar('Asia/Singapore');

const at = (iso: string) => new Date(iso);

describe('a deadline some business days after an instant', () => {
  it.each([
    {
      what: 'Friday 15:00 plus two business days is Tuesday 15:00 (the weekend does not count)',
      from: '2026-11-20T20:00:00Z', // Friday 15:00 in New York
      days: 2,
      region: newYork,
      due: '2026-11-24T20:00:00.000Z', // Tuesday 15:00 in New York
    },
    {
      what: 'Monday 09:00 plus two business days is Wednesday 09:00',
      from: '2026-11-23T14:00:00Z',
      days: 2,
      region: newYork,
      due: '2026-11-25T14:00:00.000Z',
    },
    {
      what: 'zero business days from a business day is the same instant',
      from: '2026-11-20T20:00:00Z',
      days: 0,
      region: newYork,
      due: '2026-11-20T20:00:00.000Z',
    },
    {
      what: 'from a Saturday, counting starts on Monday 00:00: two business days end at the start of Wednesday',
      from: '2026-11-21T17:00:00Z', // Saturday 12:00 in New York
      days: 2,
      region: newYork,
      due: '2026-11-25T05:00:00.000Z', // Wednesday 00:00 in New York
    },
    {
      what: 'zero business days from a Sunday is Monday 00:00',
      from: '2026-11-22T17:00:00Z',
      days: 0,
      region: newYork,
      due: '2026-11-23T05:00:00.000Z',
    },
    {
      what: "a regional holiday does not count (Wednesday before Thanksgiving + 2 is the following Monday)",
      from: '2026-11-25T15:00:00Z', // Wednesday 10:00 in New York
      days: 2,
      region: amerWithThanksgiving,
      due: '2026-11-30T15:00:00.000Z', // Monday 10:00 in New York
    },
    {
      what: 'starting on a holiday counts from the start of the next business day',
      from: '2026-11-26T15:00:00Z', // Thanksgiving, 10:00 in New York
      days: 1,
      region: amerWithThanksgiving,
      due: '2026-11-30T05:00:00.000Z', // Friday counts as the first day: due Monday 00:00
    },
    {
      what: 'across New Year and the end of the quarter: 30 December + 2 with 1 January a holiday is 4 January',
      from: '2026-12-30T09:00:00Z', // Wednesday 09:00 in London (GMT)
      days: 2,
      region: londonWithYearEnd,
      due: '2027-01-04T09:00:00.000Z', // Monday 09:00 in London
    },
    {
      what: 'across Christmas: Thursday 24 December + 1 skips Christmas, the weekend and the Boxing Day holiday',
      from: '2026-12-24T16:00:00Z',
      days: 1,
      region: londonWithYearEnd,
      due: '2026-12-29T16:00:00.000Z',
    },
    {
      what: 'across the start of British Summer Time the deadline keeps the local wall time (15:00 GMT → 15:00 BST)',
      from: '2026-03-27T15:00:00Z', // Friday 15:00 GMT
      days: 2,
      region: london,
      due: '2026-03-31T14:00:00.000Z', // Tuesday 15:00 BST
    },
    {
      what: 'across the end of British Summer Time the deadline keeps the local wall time (15:00 BST → 15:00 GMT)',
      from: '2026-10-23T14:00:00Z', // Friday 15:00 BST
      days: 2,
      region: london,
      due: '2026-10-27T15:00:00.000Z', // Tuesday 15:00 GMT
    },
  ])('$what', ({ from, days, region, due }) => {
    // Act
    const deadline = addBusinessDays(at(from), days, region);

    // Assess
    expect(deadline.toISOString()).toBe(due);
  });

  describe('the region decides which day it is', () => {
    // Friday 18:30 in New York is already Saturday 07:30 in Singapore.
    const fridayEveningInNewYork = at('2026-11-20T23:30:00Z');

    it('in New York, one business day from Friday evening is Monday evening', () => {
      // Act
      const deadline = addBusinessDays(fridayEveningInNewYork, 1, newYork);

      // Assess
      expect(deadline.toISOString()).toBe('2026-11-23T23:30:00.000Z'); // Monday 18:30 EST
    });

    it('in Singapore, the same instant is a Saturday: one business day ends at the start of Tuesday', () => {
      // Act
      const deadline = addBusinessDays(fridayEveningInNewYork, 1, singapore);

      // Assess
      expect(deadline.toISOString()).toBe('2026-11-23T16:00:00.000Z'); // Tuesday 00:00 SGT
    });
  });

  it.each([
    { days: -1, what: 'a negative number of days' },
    { days: 1.5, what: 'a fraction of a day' },
  ])('refuses $what', ({ days }) => {
    expect(() => addBusinessDays(at('2026-11-20T20:00:00Z'), days, newYork)).toThrow(RangeError);
  });
});

describe('business days are Monday to Friday minus the region’s holidays', () => {
  it.each([
    { date: '2026-11-23', business: true, what: 'a Monday' },
    { date: '2026-11-27', business: true, what: 'the Friday after Thanksgiving' },
    { date: '2026-11-21', business: false, what: 'a Saturday' },
    { date: '2026-11-22', business: false, what: 'a Sunday' },
    { date: '2026-11-26', business: false, what: 'Thanksgiving, a configured holiday' },
  ])('$date ($what) is a business day in AMER: $business', ({ date, business }) => {
    expect(isBusinessDay(date, amerWithThanksgiving)).toBe(business);
  });

  it('a holiday of one region is a business day in another', () => {
    expect(isBusinessDay('2026-11-26', london)).toBe(true);
  });
});

describe('the calendar date of an instant depends on the region', () => {
  it.each([
    { instant: '2026-11-25T02:00:00Z', zone: 'America/New_York', date: '2026-11-24' },
    { instant: '2026-11-25T02:00:00Z', zone: 'Europe/London', date: '2026-11-25' },
    { instant: '2026-11-24T17:00:00Z', zone: 'Asia/Singapore', date: '2026-11-25' },
  ])('$instant is $date in $zone', ({ instant, zone, date }) => {
    expect(localDate(at(instant), zone)).toBe(date);
  });
});

describe('budgets run by calendar quarter', () => {
  it.each([
    { date: '2026-01-01', quarter: '2026-Q1' },
    { date: '2026-03-31', quarter: '2026-Q1' },
    { date: '2026-04-01', quarter: '2026-Q2' },
    { date: '2026-06-30', quarter: '2026-Q2' },
    { date: '2026-07-01', quarter: '2026-Q3' },
    { date: '2026-09-30', quarter: '2026-Q3' },
    { date: '2026-10-01', quarter: '2026-Q4' },
    { date: '2026-12-31', quarter: '2026-Q4' },
    { date: '2027-01-01', quarter: '2027-Q1' },
  ])('$date is in $quarter', ({ date, quarter }) => {
    expect(quarterOf(date)).toBe(quarter);
  });

  it.each([
    { quarter: '2026-Q1', last: '2026-03-31' },
    { quarter: '2028-Q1', last: '2028-03-31' }, // a leap year changes February, not the end of Q1
    { quarter: '2026-Q2', last: '2026-06-30' },
    { quarter: '2026-Q3', last: '2026-09-30' },
    { quarter: '2026-Q4', last: '2026-12-31' },
  ])('the last day of $quarter is $last', ({ quarter, last }) => {
    expect(lastDayOfQuarter(quarter)).toBe(last);
  });

  it.each(['2026-Q5', '2026-Q0', '2026Q1', 'Q1-2026'])('%s is not a quarter', (text) => {
    expect(isQuarter(text)).toBe(false);
    expect(() => lastDayOfQuarter(text)).toThrow(RangeError);
  });

  it('2026-Q4 is a quarter', () => {
    expect(isQuarter('2026-Q4')).toBe(true);
  });
});

describe('dates are calendar dates YYYY-MM-DD', () => {
  it.each([
    { text: '2026-11-25', valid: true },
    { text: '2028-02-29', valid: true },
    { text: '2026-02-29', valid: false },
    { text: '2026-02-30', valid: false },
    { text: '2026-13-01', valid: false },
    { text: '2026-00-10', valid: false },
    { text: '2026-04-31', valid: false },
    { text: '2026-11-25T00:00:00Z', valid: false },
    { text: '25/11/2026', valid: false },
    { text: '2026-1-5', valid: false },
  ])('$text is a date: $valid', ({ text, valid }) => {
    expect(isIsoDate(text)).toBe(valid);
  });
});

describe('whole days between two dates', () => {
  it.each([
    { from: '2026-11-25', to: '2026-12-02', days: 7 },
    { from: '2026-12-02', to: '2026-11-25', days: -7 },
    { from: '2026-11-25', to: '2026-11-25', days: 0 },
    { from: '2026-12-31', to: '2027-01-01', days: 1 },
    { from: '2028-02-28', to: '2028-03-01', days: 2 },
    { from: '2026-03-28', to: '2026-03-30', days: 2 }, // across a clock change
  ])('from $from to $to is $days days', ({ from, to, days }) => {
    expect(daysBetween(from, to)).toBe(days);
  });
});

describe('business days across a change of the clocks', () => {
  it.each([
    { zone: 'America/New_York', from: '2026-03-06T07:30:00.000Z', expected: '2026-03-10T06:30:00.000Z', what: 'Friday 02:30 EST + 2 is Tuesday 02:30 EDT' },
    { zone: 'Europe/London', from: '2026-03-27T01:30:00.000Z', expected: '2026-03-31T00:30:00.000Z', what: 'Friday 01:30 GMT + 2 is Tuesday 01:30 BST' },
    { zone: 'Europe/London', from: '2026-10-23T01:30:00.000Z', expected: '2026-10-27T02:30:00.000Z', what: 'Friday 01:30 BST + 2 is Tuesday 01:30 GMT' },
  ])('$what: the night the clocks change does not move the deadline', ({ zone, from, expected }) => {
    // Act
    const due = addBusinessDays(new Date(from), 2, { timeZone: zone, holidays: new Set() });

    // Assess
    expect(due.toISOString()).toBe(expected);
  });
});

