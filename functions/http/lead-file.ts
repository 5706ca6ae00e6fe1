import type { ImportFormat } from '#domain/lead-imports';
import { fieldOfHeading, leadFields, MAX_LEADS_PER_IMPORT, readRow, requiredColumns, type LeadField, type RawRow, type ReadRow } from '#domain/lead-rows';
import { CsvError, csvRecords, firstInvalidUtf8, positionOfByte } from '#shared/csv';
import { Problem, RuleRefused, UnsupportedMediaType } from '#shared/errors';

/**
 * The body of `POST /leads/import` read as a lead file: CSV (a header row, UTF-8,
 * quoted fields) or JSON (an array of leads, or `{"leads": [...]}`). The file is
 * checked whole before anything is written: a file that cannot be read is refused
 * naming the line and column of each problem (up to 20), one with more than 10,000
 * leads is refused before it is even read to the end. Rows are then produced one at a
 * time, so the caller can store them in chunks without holding them all.
 */
export interface FileProblem {
  line: number;
  column?: number;
  /** `line 3, column 4 (phone)`, or the JSON path `leads[2].phone`. */
  field: string;
  message: string;
}

/** 400: the file cannot be read; each problem names its line and column. */
export class BadFile extends Problem {
  readonly status = 400;
  readonly type = 'urn:channel-prm:problem:bad-file';
  readonly title = 'The file cannot be read';
  constructor(readonly errors: FileProblem[]) {
    super(errors.map((error) => `${error.field}: ${error.message}`).join('; '));
  }
  override extensions() {
    return { errors: this.errors };
  }
}

export interface LeadFile {
  format: ImportFormat;
  /** Rows of leads in the file (the header not counted). */
  count: number;
  /** The rows, read and checked one at a time, in file order. */
  rows(): Generator<ReadRow>;
}

const MAX_PROBLEMS = 20;

const tooMany = () =>
  new RuleRefused('leads.import-at-most-10000', `An import holds at most ${MAX_LEADS_PER_IMPORT.toLocaleString('en-US')} leads; this file has more. Split it and import the parts one after another.`, {
    maxLeads: MAX_LEADS_PER_IMPORT,
  });

/** The body as text, refused when it is not UTF-8 (naming where it stops being UTF-8). */
const textOf = (body: string, base64: boolean): string => {
  if (base64) {
    const bytes = Buffer.from(body, 'base64');
    const invalid = firstInvalidUtf8(bytes);
    if (invalid >= 0) {
      const { line, column } = positionOfByte(bytes, invalid);
      throw new BadFile([{ line, column, field: `line ${line}, column ${column}`, message: `is not UTF-8 (byte 0x${(bytes[invalid] as number).toString(16).padStart(2, '0')}); save the file as UTF-8` }]);
    }
    return bytes.toString('utf8');
  }
  const replacement = body.indexOf('\uFFFD');
  if (replacement >= 0) {
    const before = body.slice(0, replacement);
    const line = before.split('\n').length;
    const column = replacement - before.lastIndexOf('\n');
    throw new BadFile([{ line, column, field: `line ${line}, column ${column}`, message: 'is not UTF-8 (a replacement character); save the file as UTF-8' }]);
  }
  return body;
};

const csvFile = (text: string): LeadFile => {
  const problems: FileProblem[] = [];
  const problem = (line: number, column: number, heading: string | undefined, message: string) =>
    problems.push({ line, column, field: `line ${line}, column ${column}${heading ? ` (${heading})` : ''}`, message });
  let columns: (LeadField | undefined)[] = [];
  let headings: string[] = [];
  let count = 0;
  try {
    for (const record of csvRecords(text)) {
      if (headings.length === 0) {
        headings = record.fields.map((heading) => heading.trim());
        columns = headings.map((heading) => fieldOfHeading(heading));
        const seen = new Map<LeadField, number>();
        headings.forEach((heading, index) => {
          const field = columns[index];
          if (!field) problem(record.line, index + 1, heading, `"${heading}" is not a lead column; the columns are ${leadFields.join(', ')}`);
          else if (seen.has(field)) problem(record.line, index + 1, heading, `repeats the ${field} column (column ${seen.get(field)})`);
          else seen.set(field, index + 1);
        });
        for (const field of requiredColumns) {
          if (!seen.has(field)) problem(record.line, headings.length + 1, undefined, `the header has no ${field} column; every lead needs one`);
        }
        if (problems.length > 0) break;
        continue;
      }
      count += 1;
      if (count > MAX_LEADS_PER_IMPORT) throw tooMany();
      if (record.fields.length !== headings.length) {
        const column = Math.min(record.fields.length, headings.length) + 1;
        problem(record.line, column, headings[column - 1], `the row has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}, the header ${headings.length}`);
      }
      if (problems.length >= MAX_PROBLEMS) break;
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    problem(error.line, error.column, headings[error.column - 1], error.message);
  }
  if (headings.length === 0) throw new BadFile([{ line: 1, field: 'line 1', message: 'the file is empty; it needs a header row and a row per lead' }]);
  if (problems.length > 0) throw new BadFile(problems);
  if (count === 0) throw new BadFile([{ line: 2, field: 'line 2', message: 'the file has a header but no leads' }]);
  return {
    format: 'csv',
    count,
    *rows() {
      let header = true;
      for (const record of csvRecords(text)) {
        if (header) {
          header = false;
          continue;
        }
        const raw: RawRow = {};
        record.fields.forEach((value, index) => {
          const field = columns[index];
          if (field) raw[field] = value;
        });
        yield readRow(raw, record.line);
      }
    },
  };
};

/** Where JSON.parse stopped, as line and column. */
const jsonPosition = (text: string, error: Error): { line: number; column: number } => {
  const lineColumn = /line (\d+) column (\d+)/.exec(error.message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(error.message);
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
};

const jsonFile = (text: string): LeadFile => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const { line, column } = jsonPosition(text, error as Error);
    throw new BadFile([{ line, column, field: `line ${line}, column ${column}`, message: `is not valid JSON (${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')})` }]);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { leads?: unknown } | null)?.leads;
  if (!Array.isArray(list)) throw new BadFile([{ line: 1, field: 'body', message: 'must be an array of leads, or an object with a "leads" array' }]);
  if (list.length > MAX_LEADS_PER_IMPORT) throw tooMany();
  if (list.length === 0) throw new BadFile([{ line: 1, field: 'leads', message: 'has no leads' }]);
  if (!Array.isArray(parsed)) {
    const extra = Object.keys(parsed as object).filter((name) => name !== 'leads');
    if (extra.length > 0) throw new BadFile([{ line: 1, field: extra[0] as string, message: 'is not a field of a lead import; send {"leads": [...]}' }]);
  }
  const problems: FileProblem[] = [];
  list.forEach((item, index) => {
    if (problems.length >= MAX_PROBLEMS) return;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ line: index + 1, field: `leads[${index}]`, message: 'must be an object with the lead’s fields' });
      return;
    }
    for (const name of Object.keys(item)) {
      if (!(leadFields as readonly string[]).includes(name)) problems.push({ line: index + 1, field: `leads[${index}].${name}`, message: `is not a field of a lead; the fields are ${leadFields.join(', ')}` });
    }
  });
  if (problems.length > 0) throw new BadFile(problems.slice(0, MAX_PROBLEMS));
  return {
    format: 'json',
    count: list.length,
    *rows() {
      for (let index = 0; index < list.length; index += 1) yield readRow(list[index] as RawRow, index + 1);
    },
  };
};

/** Reads the request body as a lead file, by its content type (CSV or JSON). */
export const readLeadFile = (event: { body?: string | undefined; isBase64Encoded?: boolean; headers?: Record<string, string | undefined> }): LeadFile => {
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  const csv = /^(text\/csv|application\/csv|text\/plain)\b/.test(contentType);
  const json = /^application\/(.+\+)?json\b/.test(contentType);
  if (!csv && !json) throw new UnsupportedMediaType(`Send the leads as text/csv or application/json, not ${contentType || 'a body without a content type'}.`);
  const charset = /charset=([^;\s]+)/.exec(contentType)?.[1];
  if (charset && !/^utf-?8$/.test(charset)) throw new UnsupportedMediaType(`The file must be UTF-8, not ${charset}.`);
  const text = textOf(event.body ?? '', event.isBase64Encoded === true);
  if (text.trim() === '') throw new BadFile([{ line: 1, field: 'line 1', message: 'the file is empty' }]);
  return csv ? csvFile(text) : jsonFile(text);
};
