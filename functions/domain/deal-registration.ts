import { addBusinessDays, addBusinessHours, localDate, type RegionCalendar, type WorkingHours } from './calendar.ts';
import { formatUsd, type Cents } from './money.ts';
import type { Partner } from './partner.ts';
import type { InternalRole } from './people.ts';
import type { Region } from './regions.ts';
import { accept, refuse, type Refusal, type Verdict } from './verdict.ts';

/**
 * Partner-sourced deal registration: a partner registers an opportunity (never an
 * account); ecosystem operations, the ESM and the ASM review it; an approved
 * registration protects the partner for 90 days.
 */
export const registrationTypes = ['Resale', 'MSP', 'Referral'] as const;
export type RegistrationType = (typeof registrationTypes)[number];

export const registrationStatuses = [
  'Submitted',
  'Pending Sales Review',
  'Pending ASM Review',
  'Approved',
  'Denied',
  'Returned',
  'Expired',
  'Closed Lost',
] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

/** Statuses in which a registration still claims its opportunity (for duplicates). */
export const openStatuses: ReadonlySet<RegistrationStatus> = new Set(['Submitted', 'Pending Sales Review', 'Pending ASM Review', 'Approved', 'Returned']);

export const products = ['GitLab Premium', 'GitLab Ultimate', 'GitLab Duo Pro', 'GitLab Duo Enterprise', 'GitLab Dedicated', 'Professional Services'] as const;

export const reviewLevels = ['operations', 'esm', 'asm'] as const;
export type ReviewLevel = (typeof reviewLevels)[number];

export const levelRole: Record<ReviewLevel, InternalRole> = { operations: 'ecosystem-operations', esm: 'esm', asm: 'asm' };

/** The status of a registration waiting at each level. */
export const statusAtLevel: Record<ReviewLevel, RegistrationStatus> = {
  operations: 'Submitted',
  esm: 'Pending Sales Review',
  asm: 'Pending ASM Review',
};

/** Default reasons to deny (the list is configurable by the program administrator). */
export const defaultDenialReasons = [
  'Opportunity already sourced by GitLab',
  'Another partner registered this opportunity first',
  'Not a net-new opportunity',
  'Insufficient information',
  'Customer outside the partner’s authorized territory',
  'Other',
] as const;

export interface Customer {
  companyName: string;
  contactName: string;
  contactEmail: string;
  contactPhone?: string;
  /** ISO 3166-1 alpha-2; decides the reviewing region. */
  country: string;
}

export interface RegistrationFields {
  type: RegistrationType;
  customer: Customer;
  products: string[];
  estimatedValueCents: Cents;
  /** `YYYY-MM-DD` */
  expectedCloseDate: string;
  description: string;
  /** When the registration came from a shared lead: its campaign and lead. */
  campaignId?: string;
  leadId?: string;
}

export interface PossibleDuplicate {
  kind: 'registration' | 'opportunity';
  id: string;
  /** What matched: the normalised customer name, or the email domain. */
  matchedOn: 'customer name' | 'email domain';
  label: string;
  status: string;
}

export interface DealRegistration extends RegistrationFields {
  id: string;
  partnerId: string;
  partnerName: string;
  /** The partner user who registered it, or the ESM who registered for an alliance or GSI partner. */
  submittedBy: { id: string; name: string; email: string; onBehalf: boolean };
  status: RegistrationStatus;
  region: Region;
  submittedAt: string;
  /** Re-submissions after a return count up from 1. */
  round: number;
  possibleDuplicates: PossibleDuplicate[];
  accountId?: string;
  opportunityId?: string;
  /** The opportunity was created for this registration (its source is then PQL). */
  createdOpportunity?: boolean;
  esmId?: string;
  esmName?: string;
  approvedAt?: string;
  /** Instant the protection ends. */
  expiresAt?: string;
  standardExtensionUsed?: boolean;
  returnComments?: string;
  outcomeReason?: string;
  decidedAt?: string;
  version: number;
  updatedAt: string;
}

/** The partner is protected this long after approval. */
export const PROTECTION_DAYS = 90;
/** The standard extension. */
export const STANDARD_EXTENSION_DAYS = 30;
/** The partner is reminded this long before the protection ends. */
export const EXPIRY_REMINDER_DAYS = 14;
const DAY_MS = 86_400_000;

/** SLAs: operations act within two business hours; the partner hears within two business days; the ASM has one. */
export const OPERATIONS_SLA_BUSINESS_HOURS = 2;
export const PARTNER_CONTACT_BUSINESS_DAYS = 2;
export const ESM_SLA_BUSINESS_DAYS = 2;
export const ASM_SLA_BUSINESS_DAYS = 1;

export const levelSlaDueAt = (level: ReviewLevel, openedAt: Date, calendar: WorkingHours): Date => {
  switch (level) {
    case 'operations':
      return addBusinessHours(openedAt, OPERATIONS_SLA_BUSINESS_HOURS, calendar);
    case 'esm':
      return addBusinessDays(openedAt, ESM_SLA_BUSINESS_DAYS, calendar);
    case 'asm':
      return addBusinessDays(openedAt, ASM_SLA_BUSINESS_DAYS, calendar);
  }
};

/** By when the partner must have heard from GitLab about a (re)submission. */
export const partnerContactDueAt = (submittedAt: Date, calendar: RegionCalendar): Date =>
  addBusinessDays(submittedAt, PARTNER_CONTACT_BUSINESS_DAYS, calendar);

/** Partners whose opportunities an ESM registers for them. */
export const registeredByEsm = (partner: Pick<Partner, 'partnerType'>): boolean => partner.partnerType === 'alliance' || partner.partnerType === 'gsi';

/**
 * Who may register: an Authorized partner with at least one completed sales
 * training, through one of its users; an ESM for an alliance or GSI partner (those
 * do not register themselves). The refusal names every missing condition.
 */
export const checkRegistrant = (partner: Partner, by: 'partner-user' | 'esm'): Verdict<void> => {
  const refusals: Refusal[] = [];
  if (by === 'esm' && !registeredByEsm(partner)) {
    refusals.push(refuse('dr.on-behalf-alliance-or-gsi', `${partner.legalName} registers its own deals; an ESM registers only for alliance and GSI partners.`));
  }
  if (by === 'partner-user' && registeredByEsm(partner)) {
    refusals.push(refuse('dr.alliance-or-gsi-through-esm', `${partner.legalName} is an alliance or GSI partner: its ESM registers its deals.`));
  }
  if (partner.status !== 'Authorized') {
    refusals.push(refuse('dr.partner-authorized', `${partner.legalName} is ${partner.status}; only Authorized partners register deals.`, { partnerStatus: partner.status }));
  }
  if (by === 'partner-user' && partner.salesTrainingsCompleted < 1) {
    refusals.push(refuse('dr.sales-training', `${partner.legalName} has no completed sales training; a trained seller is needed to register deals.`));
  }
  const [first] = refusals;
  if (!first) return accept(undefined);
  return refusals.length === 1 ? first : refuse(first.rule, first.message, { violations: refusals.map(({ rule, message }) => ({ rule, message })) });
};

/** Rules on the registration's own fields. */
export const checkFields = (fields: RegistrationFields, now: Date, timeZone: string): Verdict<void> => {
  const today = localDate(now, timeZone);
  const refusals: Refusal[] = [];
  if (fields.expectedCloseDate < today) {
    refusals.push(refuse('dr.close-date-not-past', `The expected close date ${fields.expectedCloseDate} is in the past (today is ${today}).`));
  }
  if (fields.estimatedValueCents <= 0) refusals.push(refuse('dr.value-positive', 'The estimated value must be more than zero.'));
  if (fields.products.length === 0) refusals.push(refuse('dr.products', 'Name at least one product.'));
  const [first] = refusals;
  if (!first) return accept(undefined);
  return refusals.length === 1 ? first : refuse(first.rule, first.message, { violations: refusals.map(({ rule, message }) => ({ rule, message })) });
};

const LEGAL_SUFFIXES = new Set(['incorporated', 'inc', 'corporation', 'corp', 'company', 'co', 'limited', 'ltd', 'llc', 'llp', 'plc', 'gmbh', 'ag', 'sa', 'sas', 'srl', 'bv', 'nv', 'pty', 'kk', 'ab', 'oy', 'as']);

/**
 * "ACME, Inc.", "Acme Incorporated" and "Société Générale S.A." / "Societe Generale SA"
 * are the same customers: accents, case, dots, hyphens and apostrophes do not count,
 * nor do legal forms at the end of the name ("Co-operative Bank" keeps its "co").
 * A name made only of legal forms keeps them (it would match everything otherwise).
 */
export const normalizedCompany = (name: string): string => {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[.'’-]+/g, '')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  let end = words.length;
  while (end > 1 && LEGAL_SUFFIXES.has(words[end - 1]!)) end -= 1;
  return words.slice(0, end).join(' ');
};

/** Free mail providers say nothing about the customer: they never match. */
const freeMail = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'yandex.ru', 'qq.com', '163.com']);

export const emailDomain = (email: string): string | undefined => {
  const domain = email.toLowerCase().split('@')[1]?.trim();
  return domain && !freeMail.has(domain) ? domain : undefined;
};

/** Registration on submission, before operations review. */
export const newRegistration = (
  fields: RegistrationFields,
  context: { id: string; partner: Partner; by: DealRegistration['submittedBy']; region: Region; now: Date; duplicates: PossibleDuplicate[] },
): DealRegistration => ({
  ...fields,
  id: context.id,
  partnerId: context.partner.id,
  partnerName: context.partner.legalName,
  submittedBy: context.by,
  status: 'Submitted',
  region: context.region,
  submittedAt: context.now.toISOString(),
  round: 1,
  possibleDuplicates: context.duplicates,
  version: 1,
  updatedAt: context.now.toISOString(),
});

/** The partner may edit and resubmit only a Returned registration. */
export const checkResubmission = (registration: Pick<DealRegistration, 'status' | 'id'>): Verdict<void> =>
  registration.status === 'Returned'
    ? accept(undefined)
    : refuse('dr.resubmit-only-returned', `Registration ${registration.id} is ${registration.status}; only a Returned registration is edited and resubmitted.`);

/** Approval protects the partner for 90 days. */
export const expiryAfterApproval = (approvedAt: Date): string => new Date(approvedAt.getTime() + PROTECTION_DAYS * DAY_MS).toISOString();

export type ExtensionKind = 'standard' | 'non-standard';

/** Roles that may grant the standard 30-day extension (partner team and field sales). */
export const standardExtensionRoles: readonly InternalRole[] = ['esm', 'asm', 'ecosystem-operations'];

/**
 * Extensions: a standard one adds 30 days, once, by the partner team or field
 * sales; operations may set any later date (non-standard). Only an Approved,
 * not yet expired registration is extended.
 */
export const checkExtension = (
  registration: Pick<DealRegistration, 'status' | 'expiresAt' | 'standardExtensionUsed' | 'id'>,
  request: { kind: ExtensionKind; newExpiry?: string },
  actorRoles: readonly InternalRole[],
  now: Date,
): Verdict<{ expiresAt: string }> => {
  if (registration.status !== 'Approved' || !registration.expiresAt) {
    return refuse('dr.extend-only-approved', `Registration ${registration.id} is ${registration.status}; only Approved registrations are extended.`);
  }
  const current = Date.parse(registration.expiresAt);
  if (current <= now.getTime()) return refuse('dr.extend-only-approved', `Registration ${registration.id} expired on ${registration.expiresAt}; an expired registration is not extended.`);
  if (request.kind === 'standard') {
    if (!actorRoles.some((role) => standardExtensionRoles.includes(role))) {
      return refuse('dr.standard-extension-role', 'The standard extension is granted by the partner team or field sales.');
    }
    if (registration.standardExtensionUsed) {
      return refuse('dr.standard-extension-once', 'The standard 30-day extension was already granted; operations can set a later date.');
    }
    return accept({ expiresAt: new Date(current + STANDARD_EXTENSION_DAYS * DAY_MS).toISOString() });
  }
  if (!actorRoles.includes('ecosystem-operations')) {
    return refuse('dr.non-standard-extension-role', 'A non-standard expiry date is set by ecosystem operations.');
  }
  const wanted = request.newExpiry ? Date.parse(request.newExpiry) : Number.NaN;
  if (Number.isNaN(wanted) || wanted <= current || wanted <= now.getTime()) {
    return refuse('dr.non-standard-extension-later', `The new expiry must be later than the current one (${registration.expiresAt}).`);
  }
  return accept({ expiresAt: new Date(wanted).toISOString() });
};

/** When the reminder before expiry goes out. */
export const expiryReminderAt = (expiresAt: string): string => new Date(Date.parse(expiresAt) - EXPIRY_REMINDER_DAYS * DAY_MS).toISOString();

/**
 * What the sweep does next for an approved registration: remind (14 days before)
 * or expire (on the date). An extension moves both.
 */
export const nextExpiryStep = (expiresAt: string, now: Date): { step: 'remind' | 'expire'; at: string } => {
  const reminder = expiryReminderAt(expiresAt);
  return Date.parse(reminder) > now.getTime() ? { step: 'remind', at: reminder } : { step: 'expire', at: expiresAt };
};

export const describeValue = (registration: Pick<DealRegistration, 'estimatedValueCents'>): string => formatUsd(registration.estimatedValueCents);

/** A decision at a level that moves the registration on (ESM → ASM, ASM → Approved). */
export const nextLevel = (level: ReviewLevel): ReviewLevel | undefined => reviewLevels[reviewLevels.indexOf(level) + 1];
