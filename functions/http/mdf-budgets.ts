import { z } from 'zod';
import { isQuarter } from '#domain/calendar';
import { mdfStaffRoles } from '#domain/mdf';
import { regions } from '#domain/regions';
import * as budgets from '#store/budgets';
import { Forbidden } from '#shared/errors';
import { hasAnyRole, ok, type HttpEvent } from '#shared/http';
import { httpApi, route } from '#shared/middleware/http-api';
import { parseQuery } from '#shared/middleware/parse';
import { budgetView } from './budget.views.ts';
import { pageQuery } from './schemas.ts';

/** Budget owners see what each region has reserved, consumed and left. */
export const BudgetsQuery = z.strictObject({
  region: z.enum(regions).optional(),
  quarter: z.string().refine(isQuarter, 'must be a quarter like 2026-Q4').optional(),
  ...pageQuery,
});
type BudgetsQuery = z.infer<typeof BudgetsQuery>;

const list = async (event: HttpEvent<unknown, BudgetsQuery>) => {
  if (!hasAnyRole(event.auth, mdfStaffRoles)) throw new Forbidden('Budgets are visible to the MDF team.');
  const { region, quarter, limit, cursor } = event.query;
  if (region && quarter) {
    const budget = await budgets.get(region, quarter);
    return ok({ items: budget ? [budgetView(budget)] : [] });
  }
  const page = await budgets.listOfQuarter(quarter, limit, cursor);
  const items = page.items.filter((budget) => !region || budget.region === region).map(budgetView);
  return ok({ items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
};

export const handler = httpApi({ 'GET /mdf/budgets': route(list, parseQuery(BudgetsQuery)) });
