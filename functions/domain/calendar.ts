import { TZDate } from '@date-fns/tz';

/**
 * Business days: Monday to Friday in the region's time zone, minus the region's
 * configured holidays. Every deadline is computed from an instant the caller reads
 * from the one clock, never from the system time here.
 */
export interface RegionCalendar {
  /** IANA time zone, e.g. `Europe/London`. */
  timeZone: string;
  /** Calendar dates `YYYY-MM-DD` that are not business days in the region. */
  holidays: ReadonlySet<string>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` of a zoned date, read in its own time zone. */
const dateOf = (day: TZDate): string =>
  `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;

/** The same wall-clock time one calendar day later, in the date's time zone. */
const nextDay = (day: TZDate): TZDate => {
  const next = new TZDate(day.getTime(), day.timeZone);
  next.setDate(next.getDate() + 1);
  return next;
};

const isWeekendDay = (day: TZDate): boolean => day.getDay() === 0 || day.getDay() === 6;

export const isIsoDate = (value: string): boolean => {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
};

/** The calendar date of `instant` in `timeZone`. */
export const localDate = (instant: Date, timeZone: string): string => dateOf(new TZDate(instant, timeZone));

const isBusinessDayAt = (day: TZDate, calendar: RegionCalendar): boolean => !isWeekendDay(day) && !calendar.holidays.has(dateOf(day));

export const isBusinessDay = (date: string, calendar: RegionCalendar): boolean =>
  isBusinessDayAt(new TZDate(`${date}T12:00:00`, calendar.timeZone), calendar);

/**
 * The instant `days` business days after `from`, at the same local time of day.
 * A start on a weekend or holiday counts from the beginning of the next business day:
 * two business days from Saturday noon end at the start of Wednesday. Days are
 * counted on local calendar dates and the time of day is put back at the end, so
 * a night when the clocks change does not shift the deadline by an hour.
 */
export const addBusinessDays = (from: Date, days: number, calendar: RegionCalendar): Date => {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a whole number, not negative');
  const start = new TZDate(from, calendar.timeZone);
  const startsOnBusinessDay = isBusinessDayAt(start, calendar);
  // Walk whole days from local noon: noon exists on every date, whatever the clocks do.
  let day = new TZDate(start.getFullYear(), start.getMonth(), start.getDate(), 12, 0, 0, 0, calendar.timeZone);
  if (!startsOnBusinessDay) {
    do day = nextDay(day);
    while (!isBusinessDayAt(day, calendar));
  }
  let remaining = days;
  while (remaining > 0) {
    day = nextDay(day);
    if (isBusinessDayAt(day, calendar)) remaining -= 1;
  }
  const [hours, minutes, seconds, ms] = startsOnBusinessDay
    ? [start.getHours(), start.getMinutes(), start.getSeconds(), start.getMilliseconds()]
    : [0, 0, 0, 0];
  return new Date(new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), hours, minutes, seconds, ms, calendar.timeZone).getTime());
};

/** `2026-11-25` → `2026-Q4` (calendar quarters). */
export const quarterOf = (date: string): string => {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
};

const QUARTER = /^(\d{4})-Q([1-4])$/;
export const isQuarter = (value: string): boolean => QUARTER.test(value);

/** The last calendar date of a quarter: `2026-Q4` → `2026-12-31`. */
export const lastDayOfQuarter = (quarter: string): string => {
  const match = QUARTER.exec(quarter);
  if (!match) throw new RangeError(`Not a quarter: ${quarter}`);
  const year = Number(match[1]);
  const endMonth = Number(match[2]) * 3;
  const last = new Date(Date.UTC(year, endMonth, 0));
  return last.toISOString().slice(0, 10);
};

/** Whole calendar days from `from` to `to` (both `YYYY-MM-DD`), negative when `to` is earlier. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** A region's working hours, for SLAs counted in business hours. */
export interface WorkingHours extends RegionCalendar {
  /** `HH:MM`, local time. */
  workdayStart: string;
  workdayEnd: string;
}

const minutesOf = (clock: string): number => {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
};

const atMinute = (day: TZDate, minute: number): TZDate =>
  new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), Math.floor(minute / 60), minute % 60, 0, 0, day.timeZone);

/**
 * The instant `hours` business hours after `from`: only time inside the working
 * hours of business days counts. Evenings, weekends and holidays do not: two
 * business hours from Friday 16:30 (09:00–17:00) end on Monday at 10:30.
 */
export const addBusinessHours = (from: Date, hours: number, calendar: WorkingHours): Date => {
  if (!(hours >= 0)) throw new RangeError('hours must not be negative');
  const open = minutesOf(calendar.workdayStart);
  const close = minutesOf(calendar.workdayEnd);
  if (close <= open) throw new RangeError('The working day must end after it starts');
  let remaining = Math.round(hours * 60);
  let cursor = new TZDate(from, calendar.timeZone);
  for (;;) {
    const minute = cursor.getHours() * 60 + cursor.getMinutes() + cursor.getSeconds() / 60;
    if (!isBusinessDayAt(cursor, calendar) || minute >= close) {
      // Next business day, at opening time.
      let day = atMinute(cursor, 12 * 60);
      do day = nextDay(day);
      while (!isBusinessDayAt(day, calendar));
      cursor = atMinute(day, open);
      continue;
    }
    if (minute < open) cursor = atMinute(cursor, open);
    const current = cursor.getHours() * 60 + cursor.getMinutes() + cursor.getSeconds() / 60;
    const left = close - current;
    if (remaining <= left) return new Date(cursor.getTime() + remaining * 60_000);
    remaining -= left;
    cursor = atMinute(cursor, close);
  }
};
