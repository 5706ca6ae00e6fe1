import * as z from 'zod/mini';
import { mdfStaffRoles } from '#domain/mdf';
import { regions } from '#domain/regions';
import * as budgets from '#store/budgets';
import { Forbidden } from '#shared/errors';
import { hasAnyRole, ok, text, type HttpEvent } from '#shared/http';
import { httpApi, route } from '#shared/middleware/http-api';
import { parsePath, parseQuery } from '#shared/middleware/parse';
import { quarter } from './admin.schemas.ts';
import { budgetView } from './budget.views.ts';
import { pageQuery } from './schemas.ts';

/** Budget owners see what each region has reserved, consumed and left. */
export const BudgetsQuery = z.strictObject({
  region: z.optional(z.enum(regions)),
  quarter: z.optional(quarter),
  ...pageQuery(),
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

const LedgerParams = z.object({ region: z.enum(regions), quarter });
type LedgerParams = z.infer<typeof LedgerParams>;
const LedgerQuery = z.strictObject({ ...pageQuery(500) });
type LedgerQuery = z.infer<typeof LedgerQuery>;

/** A CSV cell: quoted when needed; text that a spreadsheet would run as a formula is prefixed with ' so it stays text. */
const csvCell = (value: unknown) => {
  const raw = value === undefined || value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Every movement of a budget, oldest first, with the request it belongs to; CSV on `Accept: text/csv`. */
const ledgerOf = async (event: HttpEvent<unknown, LedgerQuery, LedgerParams>) => {
  if (!hasAnyRole(event.auth, mdfStaffRoles)) throw new Forbidden('Budgets are visible to the MDF team.');
  const { region, quarter } = event.params;
  if ((event.headers.accept ?? '').includes('text/csv')) {
    const rows = [['at', 'kind', 'amountCents', 'amountUsd', 'flexi', 'requestId', 'by', 'note']];
    let cursor: string | undefined;
    do {
      const page = await budgets.ledger(region, quarter, 500, cursor);
      for (const entry of page.items) {
        rows.push([entry.at, entry.kind, String(entry.amountCents), (entry.amountCents / 100).toFixed(2), String(entry.flexi), entry.requestId ?? '', entry.by, entry.note]);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return text(200, 'text/csv; charset=utf-8', `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`, {
      'content-disposition': `attachment; filename="mdf-ledger-${region}-${quarter}.csv"`,
      'cache-control': 'no-store',
    });
  }
  const page = await budgets.ledger(region, quarter, event.query.limit, event.query.cursor);
  return ok(page);
};

export const handler = httpApi({
  'GET /mdf/budgets': route(list, parseQuery(BudgetsQuery)),
  'GET /mdf/budgets/{region}/{quarter}/ledger': route(ledgerOf, parsePath(LedgerParams), parseQuery(LedgerQuery)),
});
