import { leadStatusMoves, type Lead, type LeadEvent } from '#domain/leads';

/**
 * How a lead is shown. Partners see their lead's contact, campaign, statuses and
 * history (their own people by name, the program's side by role); marketing
 * operations also see where it is, why it was held back or recalled, and its
 * campaign memberships.
 */
export type Audience = 'partner' | 'internal';

const byLabel = (event: LeadEvent, audience: Audience): string => {
  if (audience === 'internal' || event.by.kind === 'partner-user') return event.by.name;
  return event.by.kind === 'system' ? 'Channel program' : 'Marketing operations';
};

const historyView = (history: readonly LeadEvent[], audience: Audience) =>
  history.map((event) => ({
    at: event.at,
    by: byLabel(event, audience),
    action: event.action,
    ...(event.from ? { from: event.from } : {}),
    ...(event.to ? { to: event.to } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
  }));

const optional = <K extends keyof Lead>(lead: Lead, ...keys: K[]) =>
  Object.fromEntries(keys.filter((name) => lead[name] !== undefined).map((name) => [name, lead[name]])) as Partial<Pick<Lead, K>>;

export const leadSummary = (lead: Lead, audience: Audience) => ({
  id: lead.id,
  email: lead.email,
  ...optional(lead, 'firstName', 'lastName', 'phone', 'company', 'title', 'country', 'shareStatus', 'leadStatus', 'assignee'),
  campaign: { id: lead.campaignId, name: lead.campaignName, type: lead.campaignType },
  nextStatuses: lead.state === 'shared' && lead.shareStatus === 'Accepted' ? leadStatusMoves[lead.leadStatus ?? 'none'].filter((status) => status !== 'Converted to DR') : [],
  ...optional(lead, 'sharedAt', 'syncedAt', 'acceptedAt', 'rejectedAt', 'rejectReason', 'leadStatusAt', 'dealRegistrationId'),
  ...(lead.state === 'shared' && lead.recallDueAt ? { recallAt: lead.recallDueAt } : {}),
  ...(audience === 'internal'
    ? {
        state: lead.state,
        ...(lead.partnerId ? { partner: { id: lead.partnerId, name: lead.partnerName } } : {}),
        ...optional(lead, 'holdReasons', 'heldAt', 'partnerAccountId', 'recalledAt', 'recallReason', 'recallRule', 'recallPhase'),
        activelyWorked: lead.activelyWorked,
      }
    : {}),
});

export const leadDetail = (lead: Lead, audience: Audience) => ({
  ...leadSummary(lead, audience),
  ...(audience === 'internal'
    ? {
        memberships: Object.values(lead.memberships)
          .sort((a, b) => a.seq - b.seq)
          .map(({ campaignId, joinedAt, importId, line, outcome, partnerAccountId }) => ({ campaignId, joinedAt, importId, line, outcome, ...(partnerAccountId ? { partnerAccountId } : {}) })),
        ...(lead.recallNoticePending ? { partnerToBeTold: true } : {}),
      }
    : {}),
  history: historyView(lead.history, audience),
});
