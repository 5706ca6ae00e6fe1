import { describe, expect, it } from 'vitest';
import { addBusinessHours, type WorkingHours } from '#domain/calendar';
import {
  ASM_SLA_BUSINESS_DAYS,
  ESM_SLA_BUSINESS_DAYS,
  levelSlaDueAt,
  OPERATIONS_SLA_BUSINESS_HOURS,
  PARTNER_CONTACT_BUSINESS_DAYS,
  partnerContactDueAt,
  type ReviewLevel,
} from '#domain/deal-registration';

/**
 * The deal registration's SLA clocks (DOMAIN.md "Deal registration", "Time"):
 * operations act within two business hours (working hours of the region, in its
 * time zone, Monday to Friday minus its holidays); the partner hears from GitLab
 * within two business days of submission; the ESM has two business days and the
 * ASM one. The dates below are in November 2026 unless said otherwise: Friday 20,
 * Saturday 21, Monday 23, Wednesday 25, Thursday 26 (Thanksgiving), Friday 27.
 */

/** A region's calendar: time zone, working hours (default 09:00–17:00) and holidays. */
const region = (timeZone: string, holidays: string[] = [], hours: { workdayStart: string; workdayEnd: string } = { workdayStart: '09:00', workdayEnd: '17:00' }): WorkingHours => ({
  timeZone,
  holidays: new Set(holidays),
  ...hours,
});

// Default time zones of AMER, EMEA and APAC (functions/domain/regions.ts).
const amer = region('America/New_York');
const amerWithThanksgiving = region('America/New_York', ['2026-11-26']);
const emea = region('Europe/London');
const emeaWithYearEnd = region('Europe/London', ['2026-12-25', '2026-12-28', '2027-01-01']);
const apac = region('Asia/Singapore');

const at = (iso: string) => new Date(iso);
const due = (level: ReviewLevel, from: string, calendar: WorkingHours) => levelSlaDueAt(level, at(from), calendar).toISOString();

describe('the SLA lengths', () => {
  it('operations 2 business hours, partner contact 2 business days, ESM 2 business days, ASM 1 business day', () => {
    expect({ OPERATIONS_SLA_BUSINESS_HOURS, PARTNER_CONTACT_BUSINESS_DAYS, ESM_SLA_BUSINESS_DAYS, ASM_SLA_BUSINESS_DAYS }).toEqual({
      OPERATIONS_SLA_BUSINESS_HOURS: 2,
      PARTNER_CONTACT_BUSINESS_DAYS: 2,
      ESM_SLA_BUSINESS_DAYS: 2,
      ASM_SLA_BUSINESS_DAYS: 1,
    });
  });
});

describe('operations: two business hours, 09:00–17:00 local time by default', () => {
  it.each([
    {
      what: 'submitted Monday 10:00: due Monday 12:00 (inside working hours the clock simply runs)',
      from: '2026-11-23T15:00:00.000Z', // Monday 10:00 EST
      dueAt: '2026-11-23T17:00:00.000Z', // Monday 12:00 EST
    },
    {
      what: 'submitted Monday 15:00: due at 17:00 sharp, the last minute of the working day',
      from: '2026-11-23T20:00:00.000Z',
      dueAt: '2026-11-23T22:00:00.000Z',
    },
    {
      what: 'submitted Friday 16:30: half an hour on Friday, an hour and a half on Monday: due Monday 10:30',
      from: '2026-11-20T21:30:00.000Z', // Friday 16:30 EST
      dueAt: '2026-11-23T15:30:00.000Z', // Monday 10:30 EST
    },
    {
      what: 'submitted Monday at 17:00 exactly: nothing is left that day: due Tuesday 11:00',
      from: '2026-11-23T22:00:00.000Z',
      dueAt: '2026-11-24T16:00:00.000Z',
    },
    {
      what: 'submitted on a Tuesday evening (20:00): the evening does not count: due Wednesday 11:00',
      from: '2026-11-25T01:00:00.000Z', // Tuesday 20:00 EST
      dueAt: '2026-11-25T16:00:00.000Z', // Wednesday 11:00 EST
    },
    {
      what: 'submitted on a Saturday: the weekend does not count: due Monday 11:00',
      from: '2026-11-21T17:00:00.000Z', // Saturday 12:00 EST
      dueAt: '2026-11-23T16:00:00.000Z',
    },
    {
      what: 'submitted on a Sunday night just before midnight: due Monday 11:00',
      from: '2026-11-23T04:59:00.000Z', // Sunday 23:59 EST
      dueAt: '2026-11-23T16:00:00.000Z',
    },
    {
      what: 'submitted before 09:00 (07:15): the clock starts at 09:00: due 11:00',
      from: '2026-11-23T12:15:00.000Z', // Monday 07:15 EST
      dueAt: '2026-11-23T16:00:00.000Z',
    },
    {
      what: 'seconds count too: Friday 16:30:30 is due Monday 10:30:30',
      from: '2026-11-20T21:30:30.000Z',
      dueAt: '2026-11-23T15:30:30.000Z',
    },
  ])('AMER (New York): $what', ({ from, dueAt }) => {
    // Act
    const deadline = due('operations', from, amer);

    // Assess
    expect(deadline).toBe(dueAt);
  });

  it('submitted on a holiday (Thanksgiving, 10:00): the holiday does not count: due Friday 11:00', () => {
    // Prepare
    const thanksgivingMorning = '2026-11-26T15:00:00.000Z';

    // Act
    const withHoliday = due('operations', thanksgivingMorning, amerWithThanksgiving);
    const withoutHoliday = due('operations', thanksgivingMorning, amer);

    // Assess
    expect(withHoliday).toBe('2026-11-27T16:00:00.000Z'); // Friday 11:00 EST
    expect(withoutHoliday).toBe('2026-11-26T17:00:00.000Z'); // the same Thursday 12:00 where it is a working day
  });

  it('submitted the afternoon before a holiday (Wednesday 16:00): one hour that day, one on Friday: due Friday 10:00', () => {
    // Prepare
    const wednesdayAfternoon = '2026-11-25T21:00:00.000Z';

    // Act
    const withHoliday = due('operations', wednesdayAfternoon, amerWithThanksgiving);
    const withoutHoliday = due('operations', wednesdayAfternoon, amer);

    // Assess
    expect(withHoliday).toBe('2026-11-27T15:00:00.000Z'); // Friday 10:00 EST
    expect(withoutHoliday).toBe('2026-11-26T15:00:00.000Z'); // Thursday 10:00 EST
  });

  it('across Christmas in EMEA: Thursday 24 December 16:00 skips the holiday Friday, the weekend and the Monday holiday: due Tuesday 10:00', () => {
    // Act
    const deadline = due('operations', '2026-12-24T16:00:00.000Z', emeaWithYearEnd);

    // Assess
    expect(deadline).toBe('2026-12-29T10:00:00.000Z');
  });

  it('a holiday of AMER is a working day in EMEA', () => {
    // Act: Thanksgiving 10:00 in London
    const deadline = due('operations', '2026-11-26T10:00:00.000Z', region('Europe/London', []));

    // Assess
    expect(deadline).toBe('2026-11-26T12:00:00.000Z');
  });

  describe('the region’s time zone decides: one UTC instant, three deadlines', () => {
    // Friday 20 November 16:30 UTC: 11:30 in New York, 16:30 in London, already Saturday 00:30 in Singapore.
    const submitted = '2026-11-20T16:30:00.000Z';

    it('AMER (New York, 11:30 Friday): due the same Friday at 13:30 local', () => {
      expect(due('operations', submitted, amer)).toBe('2026-11-20T18:30:00.000Z');
    });

    it('EMEA (London, 16:30 Friday): due Monday 10:30 local', () => {
      expect(due('operations', submitted, emea)).toBe('2026-11-23T10:30:00.000Z');
    });

    it('APAC (Singapore, 00:30 Saturday): due Monday 11:00 local', () => {
      expect(due('operations', submitted, apac)).toBe('2026-11-23T03:00:00.000Z');
    });
  });

  describe('working hours are configured per region', () => {
    it('APAC working 08:30–17:30: Friday 17:00 leaves half an hour, Monday from 08:30 the rest: due Monday 10:00', () => {
      // Prepare
      const singapore = region('Asia/Singapore', [], { workdayStart: '08:30', workdayEnd: '17:30' });

      // Act
      const deadline = due('operations', '2026-11-20T09:00:00.000Z', singapore); // Friday 17:00 SGT

      // Assess
      expect(deadline).toBe('2026-11-23T02:00:00.000Z'); // Monday 10:00 SGT
    });

    it('EMEA working 10:00–18:00: Friday 16:30 leaves an hour and a half, Monday from 10:00 the rest: due Monday 10:30; Friday 12:00 is due at 14:00', () => {
      // Prepare
      const london = region('Europe/London', [], { workdayStart: '10:00', workdayEnd: '18:00' });

      // Act
      const fridayAfternoon = due('operations', '2026-11-20T16:30:00.000Z', london);
      const fridayLunch = due('operations', '2026-11-20T12:00:00.000Z', london);

      // Assess
      expect(fridayAfternoon).toBe('2026-11-23T10:30:00.000Z'); // 1h30 on Friday (16:30–18:00), 30 min on Monday from 10:00
      expect(fridayLunch).toBe('2026-11-20T14:00:00.000Z');
    });

    it('the same submission with the default and with longer hours gives different deadlines', () => {
      // Prepare
      const longDay = region('America/New_York', [], { workdayStart: '08:00', workdayEnd: '19:00' });

      // Act
      const standard = due('operations', '2026-11-20T21:30:00.000Z', amer); // Friday 16:30 EST
      const extended = due('operations', '2026-11-20T21:30:00.000Z', longDay);

      // Assess
      expect(standard).toBe('2026-11-23T15:30:00.000Z'); // Monday 10:30
      expect(extended).toBe('2026-11-20T23:30:00.000Z'); // Friday 18:30
    });
  });

  describe('across a change of the clocks, local working hours are kept', () => {
    it('AMER: Friday 6 March 16:30 EST → Monday 9 March 10:30 EDT (the Sunday night lost an hour)', () => {
      expect(due('operations', '2026-03-06T21:30:00.000Z', amer)).toBe('2026-03-09T14:30:00.000Z');
    });

    it('EMEA: Friday 23 October 16:30 BST → Monday 26 October 10:30 GMT (the Sunday night gained an hour)', () => {
      expect(due('operations', '2026-10-23T15:30:00.000Z', emea)).toBe('2026-10-26T10:30:00.000Z');
    });

    it('AMER: submitted during the weekend of the change, due Monday 11:00 EDT', () => {
      expect(due('operations', '2026-03-08T12:00:00.000Z', amer)).toBe('2026-03-09T15:00:00.000Z');
    });
  });
});

describe('business hours beyond a day', () => {
  it('ten business hours from Monday 09:00 end on Tuesday 11:00 (8 hours a day)', () => {
    // Act
    const deadline = addBusinessHours(at('2026-11-23T14:00:00.000Z'), 10, amer);

    // Assess
    expect(deadline.toISOString()).toBe('2026-11-24T16:00:00.000Z');
  });

  it('zero business hours inside working hours is the same instant; outside, the next opening', () => {
    // Act
    const inside = addBusinessHours(at('2026-11-23T15:00:00.000Z'), 0, amer);
    const saturday = addBusinessHours(at('2026-11-21T17:00:00.000Z'), 0, amer);

    // Assess
    expect(inside.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(saturday.toISOString()).toBe('2026-11-23T14:00:00.000Z'); // Monday 09:00 EST
  });

  it('refuses negative hours and a working day that ends before it starts', () => {
    // Prepare
    const backwards = region('Europe/London', [], { workdayStart: '17:00', workdayEnd: '09:00' });

    // Act / Assess
    expect(() => addBusinessHours(at('2026-11-23T10:00:00.000Z'), -1, amer)).toThrow(RangeError);
    expect(() => addBusinessHours(at('2026-11-23T10:00:00.000Z'), 2, backwards)).toThrow(RangeError);
  });
});

describe('ESM: two business days from the moment the level opens', () => {
  it.each([
    {
      what: 'opened Friday 16:30: due Tuesday 16:30 (the weekend does not count)',
      from: '2026-11-20T21:30:00.000Z',
      calendar: amer,
      dueAt: '2026-11-24T21:30:00.000Z',
    },
    {
      what: 'opened on a Friday evening (22:00): business days are whole days: due Tuesday 22:00',
      from: '2026-11-21T03:00:00.000Z', // Friday 22:00 EST
      calendar: amer,
      dueAt: '2026-11-25T03:00:00.000Z', // Tuesday 22:00 EST
    },
    {
      what: 'opened on a Saturday: counting starts Monday 00:00: due at the start of Wednesday',
      from: '2026-11-21T17:00:00.000Z',
      calendar: amer,
      dueAt: '2026-11-25T05:00:00.000Z',
    },
    {
      what: 'opened Wednesday 10:00 before Thanksgiving: the holiday does not count: due Monday 10:00',
      from: '2026-11-25T15:00:00.000Z',
      calendar: amerWithThanksgiving,
      dueAt: '2026-11-30T15:00:00.000Z',
    },
    {
      what: 'opened on Thanksgiving: Friday and Monday are the two days: due at the start of Tuesday',
      from: '2026-11-26T15:00:00.000Z',
      calendar: amerWithThanksgiving,
      dueAt: '2026-12-01T05:00:00.000Z',
    },
  ])('$what', ({ from, calendar, dueAt }) => {
    // Act
    const deadline = due('esm', from, calendar);

    // Assess
    expect(deadline).toBe(dueAt);
  });
});

describe('ASM: one business day', () => {
  it.each([
    {
      what: 'opened Friday 16:30: due Monday 16:30',
      from: '2026-11-20T21:30:00.000Z',
      calendar: amer,
      dueAt: '2026-11-23T21:30:00.000Z',
    },
    {
      what: 'opened Monday 10:00: due Tuesday 10:00',
      from: '2026-11-23T15:00:00.000Z',
      calendar: amer,
      dueAt: '2026-11-24T15:00:00.000Z',
    },
    {
      what: 'opened on a Sunday: Monday is the day: due at the start of Tuesday',
      from: '2026-11-22T17:00:00.000Z',
      calendar: amer,
      dueAt: '2026-11-24T05:00:00.000Z',
    },
    {
      what: 'opened the day before Thanksgiving (Wednesday 16:00): due Friday 16:00',
      from: '2026-11-25T21:00:00.000Z',
      calendar: amerWithThanksgiving,
      dueAt: '2026-11-27T21:00:00.000Z',
    },
    {
      what: 'opened on Christmas Eve in EMEA (Thursday 16:00): Christmas, the weekend and the 28th do not count: due Tuesday 16:00',
      from: '2026-12-24T16:00:00.000Z',
      calendar: emeaWithYearEnd,
      dueAt: '2026-12-29T16:00:00.000Z',
    },
    {
      what: 'across the start of US daylight saving: Friday 6 March 16:30 EST → Monday 9 March 16:30 EDT',
      from: '2026-03-06T21:30:00.000Z',
      calendar: amer,
      dueAt: '2026-03-09T20:30:00.000Z',
    },
  ])('$what', ({ from, calendar, dueAt }) => {
    // Act
    const deadline = due('asm', from, calendar);

    // Assess
    expect(deadline).toBe(dueAt);
  });
});

describe('the partner hears from GitLab within two business days of submission', () => {
  it.each([
    {
      what: 'submitted Friday 16:30: due Tuesday 16:30',
      from: '2026-11-20T21:30:00.000Z',
      calendar: amer,
      dueAt: '2026-11-24T21:30:00.000Z',
    },
    {
      what: 'submitted on a Sunday: due at the start of Wednesday',
      from: '2026-11-22T17:00:00.000Z',
      calendar: amer,
      dueAt: '2026-11-25T05:00:00.000Z',
    },
    {
      what: 'submitted before Thanksgiving (Wednesday 10:00): due Monday 10:00',
      from: '2026-11-25T15:00:00.000Z',
      calendar: amerWithThanksgiving,
      dueAt: '2026-11-30T15:00:00.000Z',
    },
    {
      what: 'submitted 30 December in EMEA with New Year’s Day off: due Monday 4 January',
      from: '2026-12-30T09:00:00.000Z',
      calendar: emeaWithYearEnd,
      dueAt: '2027-01-04T09:00:00.000Z',
    },
    {
      what: 'across the end of British Summer Time: Friday 23 October 16:30 BST → Tuesday 27 October 16:30 GMT',
      from: '2026-10-23T15:30:00.000Z',
      calendar: emea,
      dueAt: '2026-10-27T16:30:00.000Z',
    },
  ])('$what', ({ from, calendar, dueAt }) => {
    // Act
    const deadline = partnerContactDueAt(at(from), calendar);

    // Assess
    expect(deadline.toISOString()).toBe(dueAt);
  });

  it('the same UTC instant is Friday evening in New York but Saturday morning in Singapore: different deadlines', () => {
    // Prepare: Friday 20 November 23:30 UTC
    const submitted = at('2026-11-20T23:30:00.000Z');

    // Act
    const inAmer = partnerContactDueAt(submitted, amer);
    const inApac = partnerContactDueAt(submitted, apac);

    // Assess
    expect(inAmer.toISOString()).toBe('2026-11-24T23:30:00.000Z'); // Tuesday 18:30 EST
    expect(inApac.toISOString()).toBe('2026-11-24T16:00:00.000Z'); // Wednesday 00:00 SGT
  });
});

describe('one submission, every clock', () => {
  it('Friday 16:30 in New York: operations by Monday 10:30, ASM one day and ESM and partner two days after', () => {
    // Prepare
    const submitted = '2026-11-20T21:30:00.000Z';

    // Act
    const clocks = {
      operations: due('operations', submitted, amer),
      asm: due('asm', submitted, amer),
      esm: due('esm', submitted, amer),
      partner: partnerContactDueAt(at(submitted), amer).toISOString(),
    };

    // Assess
    expect(clocks).toEqual({
      operations: '2026-11-23T15:30:00.000Z',
      asm: '2026-11-23T21:30:00.000Z',
      esm: '2026-11-24T21:30:00.000Z',
      partner: '2026-11-24T21:30:00.000Z',
    });
  });
});
