import type { Approval } from '#domain/approval';
import { roleTitles, type InternalRole } from '#domain/people';
import type { HistoryEvent } from '#store/history';

export type Audience = 'partner' | 'internal';

/** How a decider is named to a partner: by role, never by name. */
const roleAsDecider = (role: InternalRole): string =>
  role === 'ecosystem-operations' ? 'Ecosystem operations' : role === 'legal' ? 'Legal' : `The ${roleTitles[role]}`;

/**
 * Who did what, as this audience reads it in a history: internal users see
 * names; partners see their own people by name and GitLab's by role (the
 * role of the level the event records), or "Channel program" for the system.
 */
export const actorLabel = (event: HistoryEvent, audience: Audience, approvals: readonly Approval[]): string => {
  const by = event.by;
  if (audience === 'internal' || by.kind === 'partner-user') {
    return by.onBehalfOf ? `${by.name} (for ${by.onBehalfOf.name})` : by.name;
  }
  if (by.kind === 'system') return 'Channel program';
  const level = typeof event.details?.level === 'string' ? event.details.level : undefined;
  const roles = new Set(approvals.map((approval) => approval.role));
  // The event's own level; else the one role every review of this subject has (a claim's CMM).
  const role = approvals.find((candidate) => candidate.level === level)?.role ?? (roles.size === 1 ? [...roles][0] : undefined);
  return role ? roleAsDecider(role) : 'The channel program';
};

/** A subject's history as the audience reads it. */
export const historyView = (history: readonly HistoryEvent[], audience: Audience, approvals: readonly Approval[]) =>
  history.map((event) => ({
    at: event.at,
    by: actorLabel(event, audience, approvals),
    action: event.action,
    ...(event.from ? { from: event.from } : {}),
    ...(event.to ? { to: event.to } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
  }));

/** A subject's review levels: who decided is for internal eyes only. */
export const reviewsView = (reviews: readonly Approval[], audience: Audience) =>
  reviews.map((review) => ({
    level: review.level,
    status: review.status,
    openedAt: review.openedAt,
    dueAt: review.slaDueAt,
    ...(review.decidedAt ? { decidedAt: review.decidedAt } : {}),
    ...(review.reason ? { reason: review.reason } : {}),
    ...(audience === 'internal' && review.decidedBy ? { decidedBy: review.decidedBy.name } : {}),
  }));
