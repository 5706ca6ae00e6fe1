import { describe, expect, it } from 'vitest';
import { MAX_LEADS_PER_IMPORT, readRow } from '#domain/lead-rows';
import { BadFile, readLeadFile } from '#http/lead-file';
import { csvRecords, CsvError } from '#shared/csv';
import { RuleRefused, UnsupportedMediaType } from '#shared/errors';

/** Reading a lead file: CSV as RFC 4180 writes it, or JSON; every problem named by line and column. */
const csv = (text: string, extra: { base64?: boolean } = {}) =>
  readLeadFile({ headers: { 'content-type': 'text/csv; charset=utf-8' }, body: extra.base64 ? Buffer.from(text).toString('base64') : text, isBase64Encoded: extra.base64 ?? false });
const json = (value: unknown) => readLeadFile({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

const problemsOf = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    if (error instanceof BadFile) return error.errors.map(({ line, column, message }) => ({ line, column, message }));
    throw error;
  }
  throw new Error('the file was read');
};

const HEADER = 'Email,First Name,Last Name,Phone,Company,Country,Campaign ID,Partner Account ID,Actively Worked';

describe('CSV records', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; counts lines as a person does', () => {
    const records = [...csvRecords('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n\nlast,,\n')];
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 5, fields: ['last', '', ''] },
    ]);
  });

  it('ignores a UTF-8 byte order mark', () => {
    expect([...csvRecords('\uFEFFemail\nada@x.example')][0]).toEqual({ line: 1, fields: ['email'] });
  });

  it.each([
    ['a quote inside an unquoted field', 'a,b\nx,y"z\n', 2, 2],
    ['a character after a closing quote', 'a,b\n"x"y,z\n', 2, 1],
    ['a quoted field never closed (named where it opens)', 'a,b\nx,"open\nstill open\n', 2, 2],
  ])('refuses %s, naming line and column', (_what, text, line, column) => {
    expect(() => [...csvRecords(text)]).toThrow(CsvError);
    try {
      [...csvRecords(text)];
    } catch (error) {
      expect(error).toMatchObject({ line, column });
    }
  });
});

describe('a CSV lead file', () => {
  it('headings are matched without case or spacing; rows come back checked, with their lines', () => {
    const file = csv(`${HEADER}\nAda@Customer.example, Ada ,Lovelace,+44 20,Engines,gb,cmp_1,ptr_acme,no\n`);
    expect(file.count).toBe(1);
    expect([...file.rows()]).toEqual([
      {
        ok: true,
        row: { line: 2, email: 'ada@customer.example', firstName: 'Ada', lastName: 'Lovelace', phone: '+44 20', company: 'Engines', country: 'GB', campaignId: 'cmp_1', partnerAccountId: 'ptr_acme', activelyWorked: false },
      },
    ]);
  });

  it('a row that cannot be a lead (no email, bad country, bad yes/no) fails with its line, the file is still read', () => {
    const file = csv(`${HEADER}\n,Ada,Lovelace,1,E,GB,cmp_1,ptr_acme,\nbob@x.example,Bob,B,1,E,Narnia,cmp_1,ptr_acme,maybe\n`);
    const [first, second] = [...file.rows()];
    expect(first).toMatchObject({ ok: false, line: 2, problems: [{ field: 'email' }] });
    expect(second).toMatchObject({ ok: false, line: 3, email: 'bob@x.example', problems: [{ field: 'country' }, { field: 'activelyWorked' }] });
  });

  it('a malformed row refuses the whole file before anything is written, naming line and column', () => {
    expect(problemsOf(() => csv(`${HEADER}\nada@x.example,Ada,"Love"lace,1,E,GB,cmp_1,ptr_acme,no\n`))).toEqual([
      { line: 2, column: 3, message: expect.stringContaining('closing quote') },
    ]);
  });

  it('a row with too few fields is named with the first missing column', () => {
    expect(problemsOf(() => csv(`${HEADER}\nada@x.example,Ada,Lovelace\n`))).toEqual([{ line: 2, column: 4, message: 'the row has 3 fields, the header 9' }]);
  });

  it('an unknown heading, a repeated one and a missing email or campaign column are each named', () => {
    expect(problemsOf(() => csv('Email,Fax,email\nada@x.example,1,2\n'))).toEqual([
      { line: 1, column: 2, message: expect.stringContaining('"Fax" is not a lead column') },
      { line: 1, column: 3, message: 'repeats the email column (column 1)' },
      { line: 1, column: 4, message: 'the header has no campaignId column; every lead needs one' },
    ]);
  });

  it('bytes that are not UTF-8 are refused at their line and column', () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\nada@x.example,Ad`), Buffer.from([0xe9]), Buffer.from(',L,1,E,GB,cmp_1,ptr_acme,no\n')]);
    const file = () => readLeadFile({ headers: { 'content-type': 'text/csv' }, body: bytes.toString('base64'), isBase64Encoded: true });
    expect(problemsOf(file)).toEqual([{ line: 2, column: 17, message: expect.stringContaining('is not UTF-8') }]);
  });

  it('an empty file, and a header without leads, are refused', () => {
    expect(problemsOf(() => csv('  \n'))[0]?.message).toBe('the file is empty');
    expect(problemsOf(() => csv(`${HEADER}\n`))[0]?.message).toBe('the file has a header but no leads');
  });

  it(`leads.import-at-most-10000: a file with more than ${MAX_LEADS_PER_IMPORT} leads is refused before it is read to the end`, () => {
    const rows = Array.from({ length: MAX_LEADS_PER_IMPORT + 1 }, (_, index) => `p${index}@x.example,A,B,1,E,GB,cmp_1,ptr_acme,no`);
    expect(() => csv([HEADER, ...rows, 'broken,"'].join('\n'))).toThrow(RuleRefused);
    expect(csv([HEADER, ...rows.slice(1)].join('\n')).count).toBe(MAX_LEADS_PER_IMPORT);
  });

  it('only CSV or JSON, in UTF-8', () => {
    expect(() => readLeadFile({ headers: { 'content-type': 'application/vnd.ms-excel' }, body: 'x' })).toThrow(UnsupportedMediaType);
    expect(() => readLeadFile({ headers: { 'content-type': 'text/csv; charset=latin1' }, body: 'x' })).toThrow(UnsupportedMediaType);
  });
});

describe('a JSON lead file', () => {
  it('is an array of leads, or {"leads": [...]}, each item numbered by its position', () => {
    const file = json({ leads: [{ email: 'ada@x.example', campaignId: 'cmp_1', phone: 442079460000, activelyWorked: true }] });
    expect([...file.rows()]).toEqual([{ ok: true, row: { line: 1, email: 'ada@x.example', campaignId: 'cmp_1', phone: '442079460000', activelyWorked: true } }]);
    expect(json([{ email: 'a@x.example', campaignId: 'c' }]).count).toBe(1);
  });

  it('an unknown field is named by its path', () => {
    expect(problemsOf(() => json({ leads: [{ email: 'a@x.example', campaignId: 'c' }, { email: 'b@x.example', fax: '1' }] }))).toEqual([
      { line: 2, column: undefined, message: expect.stringContaining('is not a field of a lead') },
    ]);
  });

  it('JSON that does not parse is refused at its line and column', () => {
    const problems = problemsOf(() => readLeadFile({ headers: { 'content-type': 'application/json' }, body: '{"leads": [\n  {"email": "a@x.example",}\n]}' }));
    expect(problems[0]).toMatchObject({ line: 2 });
  });

  it(`more than ${MAX_LEADS_PER_IMPORT} leads is refused`, () => {
    expect(() => json(Array.from({ length: MAX_LEADS_PER_IMPORT + 1 }, () => ({})))).toThrow(RuleRefused);
  });
});

describe('a row', () => {
  it('keeps only what it says: an empty yes/no is "not said", a long field fails', () => {
    expect(readRow({ email: 'a@x.example', campaignId: 'c', activelyWorked: '' }, 3)).toEqual({ ok: true, row: { line: 3, email: 'a@x.example', campaignId: 'c' } });
    expect(readRow({ email: 'a@x.example', campaignId: 'c', firstName: 'x'.repeat(101) }, 3)).toMatchObject({ ok: false, problems: [{ field: 'firstName' }] });
  });
});
