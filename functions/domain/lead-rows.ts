import { isCountry } from './regions.ts';

/**
 * A lead as marketing operations import it: one row (CSV) or object (JSON) per
 * campaign membership. A row that cannot become a lead at all (no email, no
 * campaign, values of the wrong shape) fails with its line number; a row that can
 * is a lead, routed to a partner or held back by the rules in leads.ts.
 */
export const MAX_LEADS_PER_IMPORT = 10_000;

export const leadFields = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'company',
  'title',
  'country',
  'campaignId',
  'partnerAccountId',
  'activelyWorked',
] as const;
export type LeadField = (typeof leadFields)[number];

/** Accepted column headings, compared without case, spaces, dashes or underscores. */
const headingAliases: Record<LeadField, string[]> = {
  email: ['email', 'emailaddress'],
  firstName: ['firstname'],
  lastName: ['lastname'],
  phone: ['phone', 'phonenumber'],
  company: ['company', 'companyname', 'account', 'accountname'],
  title: ['title', 'jobtitle'],
  country: ['country', 'countrycode'],
  campaignId: ['campaignid', 'campaign'],
  partnerAccountId: ['partneraccountid', 'partneraccount', 'impartnerpartneraccount'],
  activelyWorked: ['activelyworked', 'activelyworking', 'salesactivelyworking'],
};

/** Fields a file must have a column for: a lead is identified by its email and campaign membership. */
export const requiredColumns: readonly LeadField[] = ['email', 'campaignId'];

const headingIndex = new Map<string, LeadField>(
  (Object.entries(headingAliases) as [LeadField, string[]][]).flatMap(([field, aliases]) => aliases.map((alias) => [alias, field] as const)),
);

/** The field a column heading stands for, if any. */
export const fieldOfHeading = (heading: string): LeadField | undefined =>
  headingIndex.get(heading.normalize('NFKC').toLowerCase().replace(/[\s_\-.]+/g, ''));

/** A row that can become a lead: trimmed values, email lower-cased, country upper-cased. */
export interface LeadRow {
  line: number;
  email: string;
  campaignId: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  company?: string;
  title?: string;
  country?: string;
  partnerAccountId?: string;
  /** Undefined when the file says nothing about it. */
  activelyWorked?: boolean;
}

export interface RowProblem {
  field: LeadField;
  message: string;
}

/** A row of the file: a lead, or the problems that keep it from being one. */
export type ReadRow = { ok: true; row: LeadRow } | { ok: false; line: number; email?: string; problems: RowProblem[] };

const MAX_LENGTH: Record<LeadField, number> = {
  email: 254,
  firstName: 100,
  lastName: 100,
  phone: 40,
  company: 200,
  title: 200,
  country: 2,
  campaignId: 100,
  partnerAccountId: 100,
  activelyWorked: 5,
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0', '']);

/** Raw values of one row, by field (CSV: text; JSON: whatever the object held). */
export type RawRow = Partial<Record<LeadField, unknown>>;

const textOf = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.normalize('NFC').trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
};

/** One row checked and normalised. `line` is the file's line (CSV) or the item's position (JSON, 1-based). */
export const readRow = (raw: RawRow, line: number): ReadRow => {
  const problems: RowProblem[] = [];
  const values: Partial<Record<LeadField, string>> = {};
  for (const field of leadFields) {
    const value = raw[field];
    const text = textOf(value);
    if (value !== undefined && value !== null && text === undefined) {
      problems.push({ field, message: 'must be text' });
      continue;
    }
    if (text === undefined || text === '') continue;
    if (text.length > MAX_LENGTH[field] && field !== 'country' && field !== 'activelyWorked') {
      problems.push({ field, message: `is longer than ${MAX_LENGTH[field]} characters` });
      continue;
    }
    values[field] = text;
  }
  const email = values.email?.toLowerCase();
  if (!email) problems.push({ field: 'email', message: 'is missing: a lead is identified by its email' });
  else if (!EMAIL.test(email)) problems.push({ field: 'email', message: `"${values.email}" is not an email address` });
  if (!values.campaignId) problems.push({ field: 'campaignId', message: 'is missing: every lead arrives as a member of a campaign' });
  const country = values.country?.toUpperCase();
  if (country !== undefined && !isCountry(country)) problems.push({ field: 'country', message: `"${values.country}" is not a two-letter ISO 3166-1 country code` });
  let activelyWorked: boolean | undefined;
  const worked = raw.activelyWorked;
  if (typeof worked === 'boolean') activelyWorked = worked;
  else if (worked !== undefined && worked !== null) {
    const flag = (textOf(worked) ?? '').toLowerCase();
    if (TRUE.has(flag)) activelyWorked = true;
    else if (FALSE.has(flag)) activelyWorked = flag === '' ? undefined : false;
    else problems.push({ field: 'activelyWorked', message: `"${textOf(worked)}" is not yes/no (true, false, yes, no, 1, 0)` });
  }
  if (problems.length > 0) return { ok: false, line, ...(email ? { email } : {}), problems };
  const row: LeadRow = { line, email: email as string, campaignId: values.campaignId as string };
  for (const field of ['firstName', 'lastName', 'phone', 'company', 'title', 'partnerAccountId'] as const) {
    if (values[field] !== undefined) row[field] = values[field];
  }
  if (country !== undefined) row.country = country;
  if (activelyWorked !== undefined) row.activelyWorked = activelyWorked;
  return { ok: true, row };
};
