import type { Approval } from '#domain/approval';
import type { DealRegistration } from '#domain/deal-registration';
import type { HistoryEvent } from '#store/history';
import { historyView, reviewsView, type Audience } from './history.views.ts';

/**
 * How a registration is shown. Partners see their registration, its history
 * (reviewers by role) and where it stands; possible duplicates (other partners'
 * registrations) are shown to the program team only.
 */
export type { Audience };

export const registrationSummary = (registration: DealRegistration) => ({
  id: registration.id,
  partnerId: registration.partnerId,
  partnerName: registration.partnerName,
  type: registration.type,
  customer: { companyName: registration.customer.companyName, country: registration.customer.country },
  estimatedValueCents: registration.estimatedValueCents,
  expectedCloseDate: registration.expectedCloseDate,
  status: registration.status,
  submittedAt: registration.submittedAt,
  ...(registration.expiresAt ? { expiresAt: registration.expiresAt } : {}),
});

export const registrationDetail = (
  registration: DealRegistration,
  reviews: readonly Approval[],
  history: readonly HistoryEvent[],
  partnerContactDueAt: string | undefined,
  audience: Audience,
) => {
  const { possibleDuplicates, esmId: _esm, ...fields } = registration;
  const pending = reviews.find((review) => review.status === 'Pending');
  return {
    ...fields,
    ...(audience === 'internal' ? { possibleDuplicates, esmId: registration.esmId } : {}),
    sla: {
      ...(pending ? { level: pending.level, dueAt: pending.slaDueAt, ...(audience === 'internal' ? { approver: pending.approverName, escalatedAt: pending.escalatedAt } : {}) } : {}),
      ...(partnerContactDueAt ? { partnerHearsBy: partnerContactDueAt } : {}),
    },
    reviews: reviewsView(reviews, audience),
    history: historyView(history, audience, reviews),
  };
};
