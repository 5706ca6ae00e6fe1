import { createHash } from 'node:crypto';
import { campaignRefusals, type Campaign, type CampaignType } from './campaigns.ts';
import type { Customer } from './deal-registration.ts';
import type { LeadRow } from './lead-rows.ts';
import type { Partner, PartnerPrivilege } from './partner.ts';
import type { InternalRole } from './people.ts';
import { checkRecall, recallDeadline, type RecallPhase } from './recall.ts';
import { accept, refuse, type Refusal, type Verdict } from './verdict.ts';

/**
 * Leads shared with partners (prospects). A lead is a person, identified by email,
 * who is a member of one or more campaigns. Its first campaign decides its partner;
 * it is shared only when every rule below holds, otherwise held back with every
 * reason listed. Partners accept or reject it and move it through the lead statuses;
 * Joint campaign leads they do not act on are recalled (recall.ts).
 */
export const shareStatuses = ['Pending', 'Accepted', 'Rejected'] as const;
export type ShareStatus = (typeof shareStatuses)[number];

export const leadStatuses = ['Qualifying', 'Qualified', 'Disqualified', 'Converted to DR'] as const;
export type LeadStatus = (typeof leadStatuses)[number];

/**
 * Where a lead is: held back with the company (with reasons), shared with a partner,
 * or recalled from the partner back to the company (never to be shared again).
 */
export const leadStates = ['held-back', 'shared', 'recalled'] as const;
export type LeadState = (typeof leadStates)[number];

/**
 * The order of lead statuses after acceptance: Qualifying first, then Qualified,
 * Disqualified or Converted to DR. (Decision: a Qualified lead may still be converted
 * or disqualified; Disqualified and Converted to DR are final.)
 */
export const leadStatusMoves: Record<'none' | LeadStatus, readonly LeadStatus[]> = {
  none: ['Qualifying'],
  Qualifying: ['Qualified', 'Disqualified', 'Converted to DR'],
  Qualified: ['Converted to DR', 'Disqualified'],
  Disqualified: [],
  'Converted to DR': [],
};

export interface Reason {
  rule: string;
  message: string;
}

/** Who did something to a lead, as history records it. */
export interface LeadActor {
  id: string;
  name: string;
  kind: 'partner-user' | 'internal-user' | 'link' | 'system';
}

/** One entry of a lead's history: who, when, from which status to which, and why. */
export interface LeadEvent {
  at: string;
  by: LeadActor;
  action: string;
  from?: string;
  to?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** What happened to one imported row. */
export const rowOutcomes = ['shared', 'held-back', 'joined', 'already-imported', 'failed'] as const;
export type RowOutcomeKind = (typeof rowOutcomes)[number];

/** The lead's membership of one campaign: identity is email + campaign. */
export interface Membership {
  campaignId: string;
  /** 0 for the first campaign, then 1, 2… in the order the memberships arrived. */
  seq: number;
  joinedAt: string;
  importId: string;
  line: number;
  partnerAccountId?: string;
  outcome: RowOutcomeKind;
}

export interface Lead {
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  company?: string;
  title?: string;
  country?: string;
  /** Company sales is actively working the lead. */
  activelyWorked: boolean;
  /** The first campaign: it decides the partner. */
  campaignId: string;
  campaignName: string;
  campaignType: CampaignType;
  /** The partner account the first campaign's row named. */
  partnerAccountId?: string;
  memberships: Record<string, Membership>;
  state: LeadState;
  holdReasons?: Reason[];
  heldAt?: string;
  /** The partner the lead is (or was, when recalled) shared with. */
  partnerId?: string;
  partnerName?: string;
  shareStatus?: ShareStatus;
  leadStatus?: LeadStatus;
  /** The partner user working the lead; without the opportunityAdmin privilege a user sees only these. */
  assignee?: { id: string; name: string };
  sharedAt?: string;
  /** When the partner's view of the lead last received data from an import. */
  syncedAt?: string;
  acceptedAt?: string;
  rejectedAt?: string;
  rejectReason?: string;
  leadStatusAt?: string;
  recalledAt?: string;
  recallReason?: string;
  recallRule?: string;
  /** The recall phase in force when the lead was shared (Joint campaign leads only). */
  recallPhase?: RecallPhase;
  /** When the lead is recalled if nothing changes. */
  recallDueAt?: string;
  /** Recalled, and the partner not yet told. */
  recallNoticePending?: boolean;
  dealRegistrationId?: string;
  history: LeadEvent[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A lead's id follows from its email, so every import of the same person finds the same record. */
export const leadIdOf = (email: string): string =>
  `lead_${createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').replace(/[-_]/g, '').slice(0, 20).toLowerCase()}`;

/** The status a person reads for the lead. */
export const statusLabel = (lead: Pick<Lead, 'state' | 'shareStatus'>): string =>
  lead.state === 'held-back' ? 'Held back' : lead.state === 'recalled' ? 'Recalled' : (lead.shareStatus ?? 'Pending');

const without = <T extends object>(value: T, ...keys: (keyof T)[]): T => {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
};

/** The recall deadline the lead carries after a change (none when it cannot be recalled as it stands). */
const withRecallDeadline = (lead: Lead): Lead => {
  const deadline =
    lead.state === 'shared' && lead.shareStatus && lead.sharedAt && lead.recallPhase
      ? recallDeadline({
          campaignType: lead.campaignType,
          shareStatus: lead.shareStatus,
          sharedAt: lead.sharedAt,
          recallPhase: lead.recallPhase,
          ...(lead.leadStatus ? { leadStatus: lead.leadStatus } : {}),
          ...(lead.acceptedAt ? { acceptedAt: lead.acceptedAt } : {}),
        })
      : undefined;
  return deadline ? { ...lead, recallDueAt: deadline.at } : without(lead, 'recallDueAt');
};

const changed = (lead: Lead, at: string, event: LeadEvent | undefined): Lead => ({
  ...lead,
  history: event ? [...lead.history, event] : lead.history,
  version: lead.version + 1,
  updatedAt: at,
});

// ---------------------------------------------------------------------------------------------
// Sharing

const requiredFields = [
  ['firstName', 'leads.has-first-name', 'first name'],
  ['lastName', 'leads.has-last-name', 'last name'],
  ['phone', 'leads.has-phone', 'phone'],
  ['email', 'leads.has-email', 'email'],
  ['country', 'leads.has-country', 'country'],
] as const;

/**
 * Every reason the lead may not be shared through its first campaign with the partner
 * account that campaign's row named (empty: it may). `partner` is that account, if it
 * exists.
 */
export const sharingRefusals = (lead: Lead, campaign: Campaign, partner: Partner | undefined): Reason[] => {
  const reasons: Reason[] = [];
  const add = (refusal: Refusal) => reasons.push({ rule: refusal.rule, message: refusal.message });
  if (lead.recalledAt) {
    add(refuse('leads.never-reassigned-after-recall', `The lead was recalled from ${lead.partnerName ?? 'a partner'} on ${lead.recalledAt.slice(0, 10)}; a recalled lead is never assigned to a partner again.`));
    return reasons;
  }
  if (!lead.partnerAccountId) add(refuse('leads.names-partner-account', 'The lead names no partner account.'));
  else if (!partner) add(refuse('leads.names-partner-account', `The lead names the partner account "${lead.partnerAccountId}", which is not a partner of the program.`));
  else {
    if (partner.status === 'Suspended') add(refuse('leads.partner-not-suspended', `${partner.legalName} is Suspended; suspended partners receive no leads.`));
    if (!partner.partnerContact) add(refuse('leads.partner-has-contact', `${partner.legalName} has no Partner Contact to receive its leads.`));
  }
  for (const refusal of campaignRefusals(campaign, partner)) add(refusal);
  for (const [field, rule, label] of requiredFields) {
    if (!lead[field]) add(refuse(rule, `The lead has no ${label}.`));
  }
  if (lead.activelyWorked && campaign.type !== 'MDF') {
    add(refuse('leads.not-actively-worked', 'Sales is actively working the lead; only MDF campaign leads are shared while sales works them.'));
  }
  return reasons;
};

/** What the import knows besides the row: campaigns, partners, the recall phase in force. */
export interface ImportContext {
  importId: string;
  at: string;
  phase: RecallPhase;
  actor: LeadActor;
  campaign(id: string): Campaign | undefined;
  partner(id: string): Partner | undefined;
  /** The partner user who receives new leads: the one whose email is the Partner Contact's, if any. */
  defaultAssignee(partner: Partner): { id: string; name: string } | undefined;
}

export type RowOutcome =
  | { kind: 'shared'; partnerId: string; partnerName: string; shareStatus: ShareStatus }
  | { kind: 'held-back'; reasons: Reason[] }
  | { kind: 'joined'; reasons: Reason[] }
  | { kind: 'already-imported'; reasons: Reason[] }
  | { kind: 'failed'; reasons: Reason[] };

export interface RowResult {
  /** The lead after the row (undefined: the row made no lead). */
  lead?: Lead;
  outcome: RowOutcome;
  /** Whether the lead must be written. */
  changed: boolean;
}

const contactFields = ['firstName', 'lastName', 'phone', 'company', 'title', 'country'] as const;

/** The row's values over the lead's (a value the row does not give is kept). */
const merged = (lead: Lead, row: LeadRow): { lead: Lead; changed: boolean } => {
  const next: Lead = { ...lead };
  let differs = false;
  for (const field of contactFields) {
    const value = row[field];
    if (value !== undefined && value !== lead[field]) {
      next[field] = value;
      differs = true;
    }
  }
  if (row.activelyWorked !== undefined && row.activelyWorked !== lead.activelyWorked) {
    next.activelyWorked = row.activelyWorked;
    differs = true;
  }
  // The partner account belongs to the first campaign's row; another campaign never moves the lead.
  if (lead.state === 'held-back' && row.campaignId === lead.campaignId && row.partnerAccountId !== undefined && row.partnerAccountId !== lead.partnerAccountId) {
    next.partnerAccountId = row.partnerAccountId;
    differs = true;
  }
  return { lead: next, changed: differs };
};

const sameReasons = (a: readonly Reason[] | undefined, b: readonly Reason[]) =>
  (a ?? []).length === b.length && (a ?? []).every((reason, index) => reason.rule === b[index]?.rule && reason.message === b[index]?.message);

/** Routes a lead that is not with a partner: shared through its first campaign, or held back with every reason. */
const route = (lead: Lead, ctx: ImportContext): { lead: Lead; outcome: RowOutcome } => {
  const from = lead.history.length === 0 ? undefined : statusLabel(lead);
  const campaign = ctx.campaign(lead.campaignId);
  const partner = lead.partnerAccountId ? ctx.partner(lead.partnerAccountId) : undefined;
  const reasons = campaign
    ? sharingRefusals(lead, campaign, partner)
    : [{ rule: 'leads.campaign-exists', message: `The lead's first campaign "${lead.campaignId}" no longer exists.` }];
  if (reasons.length > 0 || !campaign || !partner) {
    if (lead.state === 'held-back' && sameReasons(lead.holdReasons, reasons) && lead.history.length > 0) {
      return { lead, outcome: { kind: 'held-back', reasons } };
    }
    const held: Lead = { ...lead, state: 'held-back', holdReasons: reasons, heldAt: ctx.at };
    return {
      lead: {
        ...held,
        history: [
          ...lead.history,
          {
            at: ctx.at,
            by: ctx.actor,
            action: 'held-back',
            ...(from ? { from } : {}),
            to: 'Held back',
            reason: reasons.map((reason) => reason.message).join(' '),
            details: { rules: reasons.map((reason) => reason.rule), importId: ctx.importId },
          },
        ],
      },
      outcome: { kind: 'held-back', reasons },
    };
  }
  const acceptedOnArrival = campaign.type === 'MDF';
  const shareStatus: ShareStatus = acceptedOnArrival ? 'Accepted' : 'Pending';
  const assignee = ctx.defaultAssignee(partner);
  const shared = withRecallDeadline({
    ...without(lead, 'holdReasons', 'heldAt'),
    state: 'shared',
    partnerId: partner.id,
    partnerName: partner.legalName,
    shareStatus,
    sharedAt: ctx.at,
    syncedAt: ctx.at,
    ...(acceptedOnArrival ? { acceptedAt: ctx.at } : {}),
    ...(assignee ? { assignee } : {}),
    ...(campaign.type === 'Joint' ? { recallPhase: ctx.phase } : {}),
  });
  return {
    lead: {
      ...shared,
      history: [
        ...lead.history,
        {
          at: ctx.at,
          by: ctx.actor,
          action: 'shared',
          ...(from ? { from } : {}),
          to: shareStatus,
          ...(acceptedOnArrival ? { reason: 'MDF campaign leads are accepted on arrival.' } : {}),
          details: { partnerId: partner.id, campaignId: campaign.id, importId: ctx.importId },
        },
      ],
    },
    outcome: { kind: 'shared', partnerId: partner.id, partnerName: partner.legalName, shareStatus },
  };
};

const firstCampaignWins = (lead: Lead): Reason => ({
  rule: 'leads.first-campaign-wins',
  message: `Already with ${lead.partnerName ?? 'its partner'} through its first campaign "${lead.campaignName}"; another campaign does not move it.`,
});

const neverReassigned = (lead: Lead): Reason => ({
  rule: 'leads.never-reassigned-after-recall',
  message: `Recalled from ${lead.partnerName ?? 'a partner'} on ${(lead.recalledAt ?? '').slice(0, 10)}; a recalled lead is never assigned to a partner again.`,
});

const alreadyImported = (membership: Membership): Reason => ({
  rule: 'leads.identity-email-and-campaign',
  message: `Already a member of campaign "${membership.campaignId}" (import ${membership.importId}, line ${membership.line}); nothing new.`,
});

/** The outcome a row had when it was applied before (its chunk is being processed again). */
const replayed = (lead: Lead, membership: Membership): RowOutcome => {
  switch (membership.outcome) {
    case 'shared':
      return { kind: 'shared', partnerId: lead.partnerId ?? '', partnerName: lead.partnerName ?? '', shareStatus: lead.shareStatus ?? 'Pending' };
    case 'held-back':
      return { kind: 'held-back', reasons: lead.state === 'recalled' ? [neverReassigned(lead)] : (lead.holdReasons ?? []) };
    case 'joined':
      return { kind: 'joined', reasons: [firstCampaignWins(lead)] };
    default:
      return { kind: membership.outcome === 'failed' ? 'failed' : 'already-imported', reasons: [alreadyImported(membership)] };
  }
};

/**
 * Applies one imported row to the lead it names (`existing`, or none yet). Importing
 * the same row again changes nothing (identity: email + campaign membership); a lead
 * held back is routed again when a row brings it new data or a new campaign; a lead
 * with a partner stays with the partner of its first campaign; a recalled lead is
 * never shared again.
 */
export const importRow = (existing: Lead | undefined, row: LeadRow, ctx: ImportContext): RowResult => {
  const campaign = ctx.campaign(row.campaignId);
  if (!campaign) {
    return { ...(existing ? { lead: existing } : {}), outcome: { kind: 'failed', reasons: [{ rule: 'leads.campaign-exists', message: `No campaign has the id "${row.campaignId}".` }] }, changed: false };
  }
  const membershipOf = (outcome: RowOutcomeKind, seq: number): Membership => ({
    campaignId: campaign.id,
    seq,
    joinedAt: ctx.at,
    importId: ctx.importId,
    line: row.line,
    ...(row.partnerAccountId ? { partnerAccountId: row.partnerAccountId } : {}),
    outcome,
  });

  if (!existing) {
    const fresh: Lead = {
      id: leadIdOf(row.email),
      email: row.email,
      ...Object.fromEntries(contactFields.filter((field) => row[field] !== undefined).map((field) => [field, row[field]])),
      activelyWorked: row.activelyWorked ?? false,
      campaignId: campaign.id,
      campaignName: campaign.name,
      campaignType: campaign.type,
      ...(row.partnerAccountId ? { partnerAccountId: row.partnerAccountId } : {}),
      memberships: {},
      state: 'held-back',
      history: [],
      version: 0,
      createdAt: ctx.at,
      updatedAt: ctx.at,
    };
    const routed = route(fresh, ctx);
    const lead = changed({ ...routed.lead, memberships: { [campaign.id]: membershipOf(routed.outcome.kind, 0) } }, ctx.at, undefined);
    return { lead, outcome: routed.outcome, changed: true };
  }

  const membership = existing.memberships[campaign.id];
  if (membership && membership.importId === ctx.importId && membership.line === row.line) {
    return { lead: existing, outcome: replayed(existing, membership), changed: false };
  }
  const update = merged(existing, row);
  let lead = update.lead;
  let outcome: RowOutcome;
  if (lead.state === 'shared') {
    outcome = membership ? { kind: 'already-imported', reasons: [alreadyImported(membership)] } : { kind: 'joined', reasons: [firstCampaignWins(lead)] };
    if (update.changed) lead = { ...lead, syncedAt: ctx.at };
  } else if (lead.state === 'recalled') {
    outcome = membership ? { kind: 'already-imported', reasons: [alreadyImported(membership)] } : { kind: 'held-back', reasons: [neverReassigned(lead)] };
  } else if (membership && !update.changed) {
    outcome = { kind: 'already-imported', reasons: [alreadyImported(membership)] };
  } else {
    const routed = route(lead, ctx);
    lead = routed.lead;
    outcome = routed.outcome;
  }
  const joins = !membership;
  if (!joins && !update.changed && lead === update.lead) return { lead: existing, outcome, changed: false };
  if (joins) lead = { ...lead, memberships: { ...lead.memberships, [campaign.id]: membershipOf(outcome.kind, Object.keys(existing.memberships).length) } };
  return { lead: changed(lead, ctx.at, undefined), outcome, changed: true };
};

// ---------------------------------------------------------------------------------------------
// What partner users may see and do

export interface Viewer {
  userId: string;
  partnerId: string;
  privileges: readonly PartnerPrivilege[];
}

/** A partner user sees a lead shared with their organisation: every one with opportunityAdmin, else those assigned to them. */
export const partnerMaySee = (lead: Pick<Lead, 'state' | 'partnerId' | 'assignee'>, viewer: Viewer): boolean =>
  lead.state === 'shared' &&
  lead.partnerId === viewer.partnerId &&
  (viewer.privileges.includes('opportunityAdmin') || lead.assignee?.id === viewer.userId);

const notShared = (lead: Lead, what: string): Refusal =>
  refuse('leads.with-the-partner', `The lead is ${statusLabel(lead)}; only a lead shared with you can be ${what}.`);

/** The partner accepts a Pending lead: it is theirs to work, and its lead status is due next. */
export const accepted = (lead: Lead, by: LeadActor, at: string): Verdict<Lead> => {
  if (lead.state !== 'shared') return notShared(lead, 'accepted');
  if (lead.shareStatus !== 'Pending') return refuse('leads.accept-or-reject-pending', `The lead is already ${lead.shareStatus}; only a Pending lead is accepted or rejected.`);
  return accept(
    changed(withRecallDeadline({ ...lead, shareStatus: 'Accepted', acceptedAt: at }), at, { at, by, action: 'accepted', from: 'Pending', to: 'Accepted' }),
  );
};

/** The partner declines a Pending lead, saying why. */
export const rejected = (lead: Lead, by: LeadActor, at: string, reason: string): Verdict<Lead> => {
  if (lead.state !== 'shared') return notShared(lead, 'rejected');
  if (lead.shareStatus !== 'Pending') return refuse('leads.accept-or-reject-pending', `The lead is already ${lead.shareStatus}; only a Pending lead is accepted or rejected.`);
  if (reason.trim() === '') return refuse('leads.reject-with-reason', 'A rejection needs a reason.');
  return accept(
    changed(withRecallDeadline({ ...lead, shareStatus: 'Rejected', rejectedAt: at, rejectReason: reason }), at, {
      at,
      by,
      action: 'rejected',
      from: 'Pending',
      to: 'Rejected',
      reason,
    }),
  );
};

/** The partner moves an accepted lead to its next lead status, in the allowed order. */
export const statusChanged = (lead: Lead, to: LeadStatus, by: LeadActor, at: string, reason?: string): Verdict<Lead> => {
  if (lead.state !== 'shared') return notShared(lead, 'updated');
  if (lead.shareStatus !== 'Accepted') return refuse('leads.status-after-acceptance', `The lead is ${lead.shareStatus}; accept it before updating its status.`);
  const from = lead.leadStatus ?? 'none';
  if (to === 'Converted to DR') {
    return refuse('leads.convert-opens-deal-registration', 'A lead becomes Converted to DR by converting it, which opens its deal registration; it is not set by hand.');
  }
  if (!leadStatusMoves[from].includes(to)) {
    const allowed = leadStatusMoves[from];
    return refuse(
      'leads.status-order',
      `A ${from === 'none' ? 'newly accepted' : from} lead ${allowed.length === 0 ? 'cannot change status any more' : `moves to ${allowed.join(' or ')}`}, not ${to}.`,
      { allowed },
    );
  }
  return accept(
    changed(withRecallDeadline({ ...lead, leadStatus: to, leadStatusAt: at }), at, {
      at,
      by,
      action: 'status-changed',
      from: lead.leadStatus ?? 'Accepted',
      to,
      ...(reason ? { reason } : {}),
    }),
  );
};

/** The partner's opportunity admin gives the lead to one of the organisation's users. */
export const assigned = (lead: Lead, user: { id: string; name: string }, by: LeadActor, at: string): Verdict<Lead> => {
  if (lead.state !== 'shared') return notShared(lead, 'assigned');
  if (lead.assignee?.id === user.id) return accept(lead);
  return accept(
    changed({ ...lead, assignee: { id: user.id, name: user.name } }, at, {
      at,
      by,
      action: 'assigned',
      ...(lead.assignee ? { from: lead.assignee.name } : {}),
      to: user.name,
    }),
  );
};

// ---------------------------------------------------------------------------------------------
// Recall

/** The lead goes back to the company, and the partner is to be told. Refused unless the recall rules say it is due at `now`. */
export const recalled = (lead: Lead, now: Date): Verdict<Lead> => {
  if (lead.state !== 'shared' || !lead.shareStatus || !lead.sharedAt) return refuse('recall.shared-leads-only', `The lead is ${statusLabel(lead)}.`);
  const verdict = checkRecall(
    {
      campaignType: lead.campaignType,
      shareStatus: lead.shareStatus,
      sharedAt: lead.sharedAt,
      recallPhase: lead.recallPhase ?? '1',
      ...(lead.leadStatus ? { leadStatus: lead.leadStatus } : {}),
      ...(lead.acceptedAt ? { acceptedAt: lead.acceptedAt } : {}),
    },
    now,
  );
  if (!verdict.ok) return verdict;
  const at = now.toISOString();
  return accept(
    changed(
      {
        ...without(lead, 'assignee'),
        state: 'recalled',
        recalledAt: at,
        recallReason: verdict.value.reason,
        recallRule: verdict.value.rule,
        recallNoticePending: true,
      },
      at,
      {
        at,
        by: { id: 'system:recall', name: 'Lead recall', kind: 'system' },
        action: 'recalled',
        from: statusLabel(lead),
        to: 'Recalled',
        reason: verdict.value.reason,
        details: { rule: verdict.value.rule, partnerId: lead.partnerId },
      },
    ),
  );
};

/** The partner was told of the recall. */
export const recallTold = (lead: Lead, at: string): Lead => changed(without(lead, 'recallNoticePending'), at, undefined);

// ---------------------------------------------------------------------------------------------
// Conversion to a deal registration

/** Lead statuses from which a lead may be converted. */
const convertibleFrom: readonly (LeadStatus | 'none')[] = Object.entries(leadStatusMoves)
  .filter(([, moves]) => moves.includes('Converted to DR'))
  .map(([from]) => from as LeadStatus | 'none');

/**
 * The partner converts an accepted lead into a deal registration: the lead becomes
 * Converted to DR, pointing at the registration, in the same transaction that creates
 * the registration (the registration carries the lead's campaign and contact).
 */
export const checkConvertible = (lead: Lead): Verdict<void> => {
  if (lead.state !== 'shared') return notShared(lead, 'converted');
  if (lead.shareStatus !== 'Accepted') return refuse('leads.status-after-acceptance', `The lead is ${lead.shareStatus}; accept it before converting it.`);
  if (!convertibleFrom.includes(lead.leadStatus ?? 'none')) {
    return refuse('leads.status-order', `A ${lead.leadStatus ?? 'newly accepted'} lead cannot be converted; it is converted from ${convertibleFrom.join(' or ')}.`);
  }
  return accept(undefined);
};

export const converted = (lead: Lead, dealRegistrationId: string, by: LeadActor, at: string): Verdict<Lead> => {
  const convertible = checkConvertible(lead);
  if (!convertible.ok) return convertible;
  return accept(
    changed(withRecallDeadline({ ...lead, leadStatus: 'Converted to DR', leadStatusAt: at, dealRegistrationId }), at, {
      at,
      by,
      action: 'converted',
      from: lead.leadStatus ?? 'Accepted',
      to: 'Converted to DR',
      details: { dealRegistrationId },
    }),
  );
};

/** Parts of a registration's customer the partner must give when the lead has none. */
const requiredCustomerParts = ['companyName', 'contactName', 'contactEmail', 'country'] as const;

/**
 * The customer of the deal registration opened from a lead: the lead's company,
 * contact and country, each part corrected where the partner says so. The parts
 * neither has are listed as missing.
 */
export const registrationCustomer = (lead: Lead, corrections: Partial<Customer> = {}): { customer: Partial<Customer>; missing: (keyof Customer)[] } => {
  const contactName = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  const fromLead: Partial<Customer> = {
    companyName: lead.company,
    contactName: contactName || undefined,
    contactEmail: lead.email,
    contactPhone: lead.phone,
    country: lead.country,
  };
  const given = Object.fromEntries(Object.entries(corrections).filter(([, value]) => value !== undefined)) as Partial<Customer>;
  const customer = Object.fromEntries(Object.entries({ ...fromLead, ...given }).filter(([, value]) => value !== undefined && value !== '')) as Partial<Customer>;
  return { customer, missing: requiredCustomerParts.filter((part) => !customer[part]) };
};

/** Internal roles that import leads, maintain campaigns and see held-back leads and recall counts. */
export const leadStaffRoles = ['marketing-operations', 'admin'] as const satisfies readonly InternalRole[];
