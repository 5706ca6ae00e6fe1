import { checkNewTotal, flexiLimitOf, type Budget } from '#domain/budget';
import * as budgets from '#store/budgets';
import * as calendars from '#store/calendars';
import * as programConfig from '#store/program-config';
import { TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { Conflict, Forbidden } from '#shared/errors';
import { hasAnyRole, noContent, ok, type HttpEvent } from '#shared/http';
import { httpApi, route } from '#shared/middleware/http-api';
import { parseBody, parsePath } from '#shared/middleware/parse';
import { problemOf } from '#shared/refusals';
import { BudgetParams, HolidayParams, RegionParams, SetBudget, SetCalendar, SetHoliday } from './admin.schemas.ts';
import { budgetView } from './budget.views.ts';
import { DenialReasons } from './deal-registrations.schemas.ts';

/** Program administration: regional quarterly budgets with their target markets, business calendars and holidays. */

const requireAdmin = (event: HttpEvent) => {
  if (!hasAnyRole(event.auth, ['admin'])) throw new Forbidden('Program administration is for administrators.', 'admin');
};

/** Sets a region's budget for a quarter: creates it, or changes its total and target markets (the change is a ledger adjustment). */
const setBudget = async (event: HttpEvent<SetBudget, unknown, BudgetParams>) => {
  requireAdmin(event);
  const { region, quarter } = event.params;
  const { totalCents, targetMarkets, note } = event.body;
  const change = { at: clock.now().toISOString(), by: event.auth.userId, note: note ?? 'Budget set by the program administrator' };
  const markets = [...new Set(targetMarkets)].sort();
  const before = await budgets.get(region, quarter);
  try {
    if (!before) {
      const budget: Budget = {
        region,
        quarter,
        totalCents,
        reservedCents: 0,
        consumedCents: 0,
        availableCents: totalCents,
        flexiLimitCents: flexiLimitOf(totalCents),
        flexiUsedCents: 0,
        targetMarkets: markets,
        version: 1,
        updatedAt: change.at,
      };
      await budgets.create(budget, change);
    } else {
      const verdict = checkNewTotal(before, totalCents);
      if (!verdict.ok) throw problemOf(verdict);
      await budgets.resize(before, totalCents, verdict.value.flexiLimitCents, markets, change);
    }
  } catch (error) {
    if (error instanceof TransactionRefused) throw new Conflict('The budget changed meanwhile (an approval or another edit); read it again and retry.');
    throw error;
  }
  const after = await budgets.get(region, quarter);
  return ok(after ? budgetView(after) : null);
};

const calendarView = (calendar: calendars.RegionCalendarView) => ({
  region: calendar.region,
  timeZone: calendar.timeZone,
  workdayStart: calendar.workdayStart,
  workdayEnd: calendar.workdayEnd,
  holidays: calendar.holidayList,
});

const readCalendar = async (event: HttpEvent<unknown, unknown, RegionParams>) => {
  requireAdmin(event);
  return ok(calendarView(await calendars.get(event.params.region)));
};

const setCalendar = async (event: HttpEvent<SetCalendar, unknown, RegionParams>) => {
  requireAdmin(event);
  await calendars.putSettings(event.params.region, event.body);
  return ok(calendarView(await calendars.get(event.params.region)));
};

const setHoliday = async (event: HttpEvent<SetHoliday, unknown, HolidayParams>) => {
  requireAdmin(event);
  await calendars.putHoliday(event.params.region, { date: event.params.date, name: event.body.name });
  return ok({ region: event.params.region, date: event.params.date, name: event.body.name });
};

const removeHoliday = async (event: HttpEvent<unknown, unknown, HolidayParams>) => {
  requireAdmin(event);
  await calendars.removeHoliday(event.params.region, event.params.date);
  return noContent();
};

const readDenialReasons = async (event: HttpEvent) => {
  requireAdmin(event);
  return ok({ reasons: await programConfig.denialReasons() });
};

/** The reasons reviewers choose from when they deny a deal registration. */
const setDenialReasons = async (event: HttpEvent<DenialReasons>) => {
  requireAdmin(event);
  const reasons = [...new Set(event.body.reasons)];
  await programConfig.setDenialReasons(reasons, event.auth.userId, clock.now().toISOString());
  return ok({ reasons });
};

export const handler = httpApi({
  'PUT /admin/budgets/{region}/{quarter}': route(setBudget, parsePath(BudgetParams), parseBody(SetBudget)),
  'PUT /admin/regions/{region}/calendar': route(setCalendar, parsePath(RegionParams), parseBody(SetCalendar)),
  'GET /admin/regions/{region}/calendar': route(readCalendar, parsePath(RegionParams)),
  'PUT /admin/regions/{region}/holidays/{date}': route(setHoliday, parsePath(HolidayParams), parseBody(SetHoliday)),
  'DELETE /admin/regions/{region}/holidays/{date}': route(removeHoliday, parsePath(HolidayParams)),
  'GET /admin/deal-registrations/denial-reasons': route(readDenialReasons),
  'PUT /admin/deal-registrations/denial-reasons': route(setDenialReasons, parseBody(DenialReasons)),
});
