import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RegionCalendar } from '#domain/calendar';
import { defaultTimeZone, type Region } from '#domain/regions';
import { db, queryPartition, tableName } from './table.ts';

/**
 * Each region's business calendar: its time zone and working hours, and its
 * holidays. Access pattern: one Query of pk=REGION#<region> returns both
 * (sk=CALENDAR and sk=HOLIDAY#<date>).
 */
export interface CalendarSettings {
  timeZone: string;
  /** Working hours, `HH:MM` local time (used by business-hour SLAs). */
  workdayStart: string;
  workdayEnd: string;
}

export interface Holiday {
  date: string;
  name: string;
}

export interface RegionCalendarView extends RegionCalendar, CalendarSettings {
  region: Region;
  holidayList: Holiday[];
}

const partition = (region: Region) => `REGION#${region}`;

export const defaults = (region: Region): CalendarSettings => ({
  timeZone: defaultTimeZone[region],
  workdayStart: '09:00',
  workdayEnd: '17:00',
});

export const get = async (region: Region): Promise<RegionCalendarView> => {
  const items = await queryPartition(partition(region));
  const settings = items.find((item) => item.sk === 'CALENDAR');
  const holidayList = items
    .filter((item) => typeof item.sk === 'string' && item.sk.startsWith('HOLIDAY#'))
    .map((item) => ({ date: String(item.date), name: String(item.name) }));
  const base = defaults(region);
  return {
    region,
    timeZone: typeof settings?.timeZone === 'string' ? settings.timeZone : base.timeZone,
    workdayStart: typeof settings?.workdayStart === 'string' ? settings.workdayStart : base.workdayStart,
    workdayEnd: typeof settings?.workdayEnd === 'string' ? settings.workdayEnd : base.workdayEnd,
    holidays: new Set(holidayList.map((holiday) => holiday.date)),
    holidayList,
  };
};

export const putSettings = async (region: Region, settings: CalendarSettings): Promise<void> => {
  await db().send(new PutCommand({ TableName: tableName, Item: { pk: partition(region), sk: 'CALENDAR', entity: 'calendar', region, ...settings } }));
};

export const putHoliday = async (region: Region, holiday: Holiday): Promise<void> => {
  await db().send(
    new PutCommand({ TableName: tableName, Item: { pk: partition(region), sk: `HOLIDAY#${holiday.date}`, entity: 'holiday', region, ...holiday } }),
  );
};

export const removeHoliday = async (region: Region, date: string): Promise<void> => {
  await db().send(new DeleteCommand({ TableName: tableName, Key: { pk: partition(region), sk: `HOLIDAY#${date}` } }));
};
