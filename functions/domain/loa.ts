import { TZDate } from '@date-fns/tz';
import { isIsoDate, localDate } from './calendar.ts';
import type { Partner } from './partner.ts';
import type { InternalRole } from './people.ts';
import type { Region } from './regions.ts';
import { accept, refuse, type Refusal, type Verdict } from './verdict.ts';

/**
 * Letters of Authorization: a signed-in user of an Authorized partner asks for a
 * letter filled with their company's details; ecosystem operations confirm the
 * partner, legal approves and initials, the PAO signs, and the partner receives the
 * letter. It is valid for one calendar year from its date.
 */
export { products } from './deal-registration.ts';

export const loaStatuses = ['Submitted', 'Legal Review', 'Awaiting Signature', 'Issued', 'Refused', 'Expired'] as const;
export type LoaStatus = (typeof loaStatuses)[number];

export const loaLevels = ['operations', 'legal', 'pao'] as const;
export type LoaLevel = (typeof loaLevels)[number];

export const loaLevelRole: Record<LoaLevel, InternalRole> = { operations: 'ecosystem-operations', legal: 'legal', pao: 'pao' };

/** The status of a request waiting at each level. */
export const loaStatusAtLevel: Record<LoaLevel, LoaStatus> = {
  operations: 'Submitted',
  legal: 'Legal Review',
  pao: 'Awaiting Signature',
};

export const openLoaStatuses: ReadonlySet<LoaStatus> = new Set(['Submitted', 'Legal Review', 'Awaiting Signature']);

/**
 * What the partner enters and the letter shows. Frozen at submission: there is no
 * edit path, so the letter shows exactly what was approved (a change is a new request).
 */
export interface LoaDetails {
  /** The partner's legal company name as it must appear on the letter. */
  legalCompanyName: string;
  /** Postal address, lines separated by newlines. */
  address: string;
  /** ISO 3166-1 alpha-2 of the address. */
  country: string;
  contactName: string;
  contactEmail: string;
  contactPhone?: string;
  /** The customer the letter is for, or (and) the tender it answers: at least one. */
  customerName?: string;
  tenderReference?: string;
  products: string[];
}

/** When and by whom the letter was signed, and how long it holds. */
export interface LoaValidity {
  /** The letter's date: the day the PAO signed, in the partner's home region. `YYYY-MM-DD` */
  letterDate: string;
  /** The last day the letter is valid (the day before its anniversary). `YYYY-MM-DD` */
  validThrough: string;
  /** The anniversary (29 February → 28 February): Expired from its first instant in the region's time zone. `YYYY-MM-DD` */
  expiresOn: string;
  /** The first instant of `expiresOn` in the region's time zone. */
  expiresAt: string;
  /** 30 days before `expiresOn`, at 09:00 in the region's time zone: the partner is reminded. */
  reminderAt: string;
}

export interface LoaRequest {
  id: string;
  partnerId: string;
  partnerName: string;
  /** The partner's home region: its operations review, its time zone dates the letter. */
  region: Region;
  timeZone: string;
  submittedBy: { id: string; name: string; email: string };
  details: LoaDetails;
  status: LoaStatus;
  submittedAt: string;
  /** Legal's initials, recorded with legal's approval. */
  legalInitials?: string;
  legalApprovedBy?: string;
  signedBy?: { id: string; name: string; title: string };
  signedAt?: string;
  validity?: LoaValidity;
  /** Where the PDF is kept in the private bucket, once generated. */
  letterKey?: string;
  /** When the letter was emailed to the partner (once). */
  letterSentAt?: string;
  outcomeReason?: string;
  decidedAt?: string;
  version: number;
  updatedAt: string;
}

/** The PAO's title as it is printed under the signature. */
export const SIGNER_TITLE = 'Principal Accounting Officer';
/** The partner is reminded this many days before the letter expires. */
export const LOA_REMINDER_DAYS = 30;
/** Local hour of the reminder in the region's time zone. */
export const LOA_REMINDER_HOUR = 9;

/** Only a user of an Authorized partner may ask for a letter. */
export const checkRequester = (partner: Pick<Partner, 'status' | 'legalName'>): Verdict<void> =>
  partner.status === 'Authorized'
    ? accept(undefined)
    : refuse('loa.partner-authorized', `${partner.legalName} is ${partner.status}; only Authorized partners may request a Letter of Authorization.`, {
        partnerStatus: partner.status,
      });

/** Rules on the letter's details beyond their shape. Every violation is named. */
export const checkDetails = (details: LoaDetails): Verdict<void> => {
  const refusals: Refusal[] = [];
  if (!details.customerName?.trim() && !details.tenderReference?.trim()) {
    refusals.push(refuse('loa.customer-or-tender', 'Name the customer or the tender the letter is for.'));
  }
  if (details.products.length === 0) refusals.push(refuse('loa.products', 'Name at least one product the letter covers.'));
  if (new Set(details.products).size !== details.products.length) refusals.push(refuse('loa.products-distinct', 'Name each product once.'));
  if (details.address.split('\n').filter((line) => line.trim()).length > 6) {
    refusals.push(refuse('loa.address-lines', 'The address fits on at most six lines.'));
  }
  const [first] = refusals;
  if (!first) return accept(undefined);
  return refusals.length === 1 ? first : refuse(first.rule, first.message, { violations: refusals.map(({ rule, message }) => ({ rule, message })) });
};

/** Legal initials the letter: two to four letters (e.g. `JD`, `MRS`). */
export const checkInitials = (initials: string | undefined): Verdict<string> => {
  const value = (initials ?? '').trim().toUpperCase();
  return /^\p{Lu}{2,4}$/u.test(value) ? accept(value) : refuse('loa.initials', 'Legal initials the letter: enter two to four letters.', { field: 'initials' });
};

/** Operations confirm the partner is valid and still Authorized at the time of the review. */
export const checkStillAuthorized = (partner: Pick<Partner, 'status' | 'legalName'> | undefined): Verdict<void> => {
  if (!partner) return refuse('loa.partner-still-authorized', 'The partner is no longer in the program.');
  return partner.status === 'Authorized'
    ? accept(undefined)
    : refuse('loa.partner-still-authorized', `${partner.legalName} is ${partner.status} now; only an Authorized partner's letter can be confirmed.`);
};

const pad = (value: number) => String(value).padStart(2, '0');

/**
 * The anniversary of a date: the same day one calendar year later; 29 February
 * has none and gives 28 February.
 */
export const anniversaryOf = (date: string): string => {
  if (!isIsoDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const next = year + 1;
  const leap = (next % 4 === 0 && next % 100 !== 0) || next % 400 === 0;
  const lastDay = month === 2 && day === 29 && !leap ? 28 : day;
  return `${next}-${pad(month)}-${pad(lastDay)}`;
};

/** The calendar day before `date`. */
const dayBefore = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const daysBefore = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** The instant a local wall-clock time occurs in `timeZone`. */
const instantAt = (date: string, hour: number, timeZone: string): Date => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(year, month - 1, day, hour, 0, 0, 0, timeZone).getTime());
};

/**
 * A letter signed at `signedAt` is dated that day in the partner's home region and
 * valid for one calendar year: through the day before its anniversary, Expired from
 * the first instant of the anniversary in that time zone; the partner is reminded 30
 * days before the anniversary at 09:00 local time.
 */
export const validityOf = (signedAt: Date, timeZone: string): LoaValidity => {
  const letterDate = localDate(signedAt, timeZone);
  const expiresOn = anniversaryOf(letterDate);
  return {
    letterDate,
    validThrough: dayBefore(expiresOn),
    expiresOn,
    expiresAt: instantAt(expiresOn, 0, timeZone).toISOString(),
    reminderAt: instantAt(daysBefore(expiresOn, LOA_REMINDER_DAYS), LOA_REMINDER_HOUR, timeZone).toISOString(),
  };
};

/**
 * Where an issued letter's due work starts: the reminder 30 days before it expires,
 * or (signed after that point, which a one-year validity never is) the expiry itself.
 */
export const firstValidityStep = (validity: Pick<LoaValidity, 'reminderAt' | 'expiresAt'>, now: Date): { step: 'remind' | 'expire'; at: string } =>
  Date.parse(validity.reminderAt) > now.getTime() ? { step: 'remind', at: validity.reminderAt } : { step: 'expire', at: validity.expiresAt };

/**
 * What the sweep does with a letter's due work at `now`: a reminder due while the
 * letter still holds is sent (then the expiry is due); a reminder the sweep reaches
 * only after the letter expired is skipped, and the letter expires.
 */
export const validityWorkAt = (step: 'remind' | 'expire', validity: Pick<LoaValidity, 'expiresAt'>, now: Date): 'remind' | 'expire' =>
  step === 'remind' && Date.parse(validity.expiresAt) > now.getTime() ? 'remind' : 'expire';

/** Whether a letter is in force at `now` (issued and not past its validity). */
export const isInForce = (request: Pick<LoaRequest, 'status' | 'validity'>, now: Date): boolean =>
  request.status === 'Issued' && !!request.validity && Date.parse(request.validity.expiresAt) > now.getTime();

/** The letter can be downloaded once generated, for as long as the partner keeps it (also after it expired). */
export const checkLetterAvailable = (request: Pick<LoaRequest, 'status' | 'letterKey' | 'id'>): Verdict<string> =>
  (request.status === 'Issued' || request.status === 'Expired') && request.letterKey
    ? accept(request.letterKey)
    : refuse('loa.letter-issued', `Letter of Authorization ${request.id} is ${request.status}; there is no letter to download yet.`);

/** A new request, as submitted: the details are kept exactly as entered. */
export const newLoaRequest = (
  details: LoaDetails,
  context: { id: string; partner: Pick<Partner, 'id' | 'legalName' | 'homeRegion'>; timeZone: string; by: LoaRequest['submittedBy']; now: Date },
): LoaRequest => ({
  id: context.id,
  partnerId: context.partner.id,
  partnerName: context.partner.legalName,
  region: context.partner.homeRegion,
  timeZone: context.timeZone,
  submittedBy: context.by,
  details,
  status: 'Submitted',
  submittedAt: context.now.toISOString(),
  version: 1,
  updatedAt: context.now.toISOString(),
});

/** `2027-02-28` → `28 February 2027`, as the letter prints dates. */
export const formatLetterDate = (date: string): string => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${day} ${months[month - 1]} ${year}`;
};
