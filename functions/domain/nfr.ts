import { TZDate } from '@date-fns/tz';
import { localDate } from './calendar.ts';
import type { Partner, PartnerTrack } from './partner.ts';
import type { Region } from './regions.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

/**
 * NFR (not-for-resale) licences: an Authorized partner asks for licences for its
 * own use; the partner help desk reviews. A partner's active licences share one
 * expiry date (co-terminous) and their users count against the track's limit.
 */
export const nfrPlans = ['Premium', 'Ultimate'] as const;
export type NfrPlan = (typeof nfrPlans)[number];
export const defaultPlan: NfrPlan = 'Ultimate';

/** How many users (seats) of active NFR licences a partner may hold in total. */
export const nfrLimit: Record<PartnerTrack, number> = { Select: 25, Open: 10 };

export const nfrRequestStatuses = ['Pending', 'Granted', 'Denied'] as const;
export type NfrRequestStatus = (typeof nfrRequestStatuses)[number];

export const licenceStatuses = ['Active', 'Renewed', 'Expired'] as const;
export type LicenceStatus = (typeof licenceStatuses)[number];

export interface LicenceContact {
  name: string;
  email: string;
}

export interface NfrRequestFields {
  contact: LicenceContact;
  users: number;
  plan: NfrPlan;
  /** Ids of the partner's own active licences this request renews. */
  renews: string[];
}

export interface NfrRequest extends NfrRequestFields {
  id: string;
  partnerId: string;
  partnerName: string;
  track: PartnerTrack;
  /** The partner's home region: its time zone dates the licences, its calendar times the help desk's SLA. */
  region: Region;
  status: NfrRequestStatus;
  requestedBy: { id: string; name: string; email: string };
  submittedAt: string;
  decidedAt?: string;
  outcomeReason?: string;
  licenceId?: string;
  version: number;
  updatedAt: string;
}

export interface NfrLicence {
  id: string;
  partnerId: string;
  partnerName: string;
  requestId: string;
  contact: LicenceContact;
  users: number;
  plan: NfrPlan;
  /** The licence key: random, shown to the contact (email) and to the partner (API). */
  key: string;
  /** Calendar dates in the partner's home region. The licence is valid from `startsOn` until the start of `expiresOn`. */
  startsOn: string;
  expiresOn: string;
  /** The instant the licence stops counting: 00:00 of `expiresOn` in the region's time zone. */
  expiresAt: string;
  status: LicenceStatus;
  /** Licences this one renewed. */
  renews: string[];
  grantedAt: string;
  grantedBy: string;
  /** The partner held neither certification when it was granted: the email encouraged one. */
  certificationEncouraged: boolean;
  version: number;
  updatedAt: string;
}

/** Only an Authorized partner asks for NFR licences. */
export const checkRequester = (partner: Pick<Partner, 'status' | 'legalName'>): Verdict<void> =>
  partner.status === 'Authorized'
    ? accept(undefined)
    : refuse('nfr.partner-authorized', `NFR licences are for Authorized partners; ${partner.legalName} is ${partner.status}.`, { status: partner.status });

/**
 * A renewal names active licences of the partner's own, each once. Returns the
 * users the renewed licences hold (they stop counting once the renewal is granted).
 */
export const checkRenewals = (renews: readonly string[], active: readonly Pick<NfrLicence, 'id' | 'users' | 'status' | 'partnerId'>[], partnerId: string): Verdict<number> => {
  const byId = new Map(active.filter((licence) => licence.partnerId === partnerId && licence.status === 'Active').map((licence) => [licence.id, licence]));
  const unknown = renews.filter((id) => !byId.has(id));
  if (unknown.length > 0 || new Set(renews).size !== renews.length) {
    return refuse('nfr.renews-own-active-licences', `A renewal names active NFR licences of your organisation, each once; not: ${unknown.join(', ') || 'a repeated licence'}.`, {
      licences: unknown,
    });
  }
  return accept(renews.reduce((sum, id) => sum + (byId.get(id)?.users ?? 0), 0));
};

/**
 * The limit counts users of active licences: a Select partner holds at most 25, an
 * Open partner 10. Users of licences being renewed are freed by the renewal.
 * A request over it is refused, naming what remains.
 */
export const checkWithinLimit = (track: PartnerTrack, usersInUse: number, requested: number, renewedUsers = 0): Verdict<{ remainingAfter: number }> => {
  const limit = nfrLimit[track];
  const remaining = Math.max(0, limit - usersInUse + renewedUsers);
  if (requested > remaining) {
    return refuse(
      'nfr.within-limit',
      `${track === 'Open' ? 'An' : 'A'} ${track} partner may hold at most ${limit} NFR licence users in total; ${remaining} remain${remaining === 1 ? 's' : ''}, and ${requested} were asked for.`,
      { limit, inUse: usersInUse, remaining, requested },
    );
  }
  return accept({ remainingAfter: remaining - requested });
};

/** `date` plus one calendar year; 29 February becomes 28 February. */
export const addOneYear = (date: string): string => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const next = year + 1;
  const leap = (next % 4 === 0 && next % 100 !== 0) || next % 400 === 0;
  const lastDay = month === 2 && day === 29 && !leap ? 28 : day;
  return `${next}-${String(month).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
};

/**
 * When a new licence expires: one year after its start; when the partner already
 * holds active licences, on their date (the latest, should they differ), so all
 * are reviewed and renewed together. A renewal starts a new year.
 */
export const expiryOf = (startsOn: string, active: readonly Pick<NfrLicence, 'expiresOn' | 'status'>[], renewal: boolean): { expiresOn: string; rule: 'nfr.renewal-new-year' | 'nfr.co-terminous' | 'nfr.one-year' } => {
  if (renewal) return { expiresOn: addOneYear(startsOn), rule: 'nfr.renewal-new-year' };
  const dates = active.filter((licence) => licence.status === 'Active' && licence.expiresOn > startsOn).map((licence) => licence.expiresOn);
  if (dates.length > 0) return { expiresOn: dates.sort().at(-1) as string, rule: 'nfr.co-terminous' };
  return { expiresOn: addOneYear(startsOn), rule: 'nfr.one-year' };
};

/** 00:00 of `date` in `timeZone`, as an instant. */
export const startOfDay = (date: string, timeZone: string): Date => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(year, month - 1, day, 0, 0, 0, timeZone).getTime());
};

/** Without a completed Solution Architect or Professional Services Engineer certification the email encourages one. */
export const encouragesCertification = (partner: Pick<Partner, 'certifications'>): boolean =>
  !(partner.certifications?.solutionArchitect || partner.certifications?.professionalServicesEngineer);

export interface GrantInput {
  request: NfrRequest;
  partner: Pick<Partner, 'certifications' | 'track' | 'status' | 'legalName'>;
  /** The partner's active licences as read now. */
  active: readonly NfrLicence[];
  /** Users of active licences, from the partner's counter. */
  usersInUse: number;
  now: Date;
  timeZone: string;
  id: string;
  key: string;
  grantedBy: string;
}

/**
 * The help desk grants: the partner still Authorized and the limit again (things
 * changed since the request), then the licence with its dates.
 */
export const grant = (input: GrantInput): Verdict<{ licence: NfrLicence; renewedUsers: number; expiryRule: string }> => {
  const { request, now } = input;
  const allowed = checkRequester(input.partner);
  if (!allowed.ok) return allowed;
  const renewals = checkRenewals(request.renews, input.active, request.partnerId);
  if (!renewals.ok) return renewals;
  const fits = checkWithinLimit(input.partner.track, input.usersInUse, request.users, renewals.value);
  if (!fits.ok) return fits;
  const startsOn = localDate(now, input.timeZone);
  const others = input.active.filter((licence) => !request.renews.includes(licence.id));
  const expiry = expiryOf(startsOn, others, request.renews.length > 0);
  const at = now.toISOString();
  return accept({
    licence: {
      id: input.id,
      partnerId: request.partnerId,
      partnerName: request.partnerName,
      requestId: request.id,
      contact: request.contact,
      users: request.users,
      plan: request.plan,
      key: input.key,
      startsOn,
      expiresOn: expiry.expiresOn,
      expiresAt: startOfDay(expiry.expiresOn, input.timeZone).toISOString(),
      status: 'Active',
      renews: request.renews,
      grantedAt: at,
      grantedBy: input.grantedBy,
      certificationEncouraged: encouragesCertification(input.partner),
      version: 1,
      updatedAt: at,
    },
    renewedUsers: renewals.value,
    expiryRule: expiry.rule,
  });
};
