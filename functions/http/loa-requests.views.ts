import type { Approval } from '#domain/approval';
import type { LoaRequest } from '#domain/loa';
import type { HistoryEvent } from '#store/history';
import { historyView, reviewsView, type Audience } from './history.views.ts';

/**
 * How a Letter of Authorization request is shown: its details as they will be (or
 * were) printed, where it stands, the letter's date and validity once signed, and its
 * history (reviewers by role for the partner).
 */
export type { Audience };

const letterOf = (request: LoaRequest) =>
  request.validity
    ? {
        letter: {
          letterDate: request.validity.letterDate,
          validThrough: request.validity.validThrough,
          expiresAt: request.validity.expiresAt,
          ...(request.signedBy ? { signedBy: { name: request.signedBy.name, title: request.signedBy.title } } : {}),
          available: !!request.letterKey,
          ...(request.letterSentAt ? { emailedAt: request.letterSentAt } : {}),
        },
      }
    : {};

export const loaSummary = (request: LoaRequest) => ({
  id: request.id,
  partnerId: request.partnerId,
  partnerName: request.partnerName,
  legalCompanyName: request.details.legalCompanyName,
  ...(request.details.customerName ? { customerName: request.details.customerName } : {}),
  ...(request.details.tenderReference ? { tenderReference: request.details.tenderReference } : {}),
  status: request.status,
  submittedAt: request.submittedAt,
  ...(request.validity ? { letterDate: request.validity.letterDate, validThrough: request.validity.validThrough, expiresAt: request.validity.expiresAt } : {}),
});

export const loaDetail = (request: LoaRequest, reviews: readonly Approval[], history: readonly HistoryEvent[], audience: Audience) => {
  const pending = reviews.find((review) => review.status === 'Pending');
  return {
    id: request.id,
    partnerId: request.partnerId,
    partnerName: request.partnerName,
    region: request.region,
    submittedBy: { name: request.submittedBy.name, email: request.submittedBy.email },
    details: request.details,
    status: request.status,
    submittedAt: request.submittedAt,
    updatedAt: request.updatedAt,
    ...(request.outcomeReason ? { outcomeReason: request.outcomeReason } : {}),
    ...(request.legalInitials ? { legalInitials: request.legalInitials } : {}),
    ...letterOf(request),
    ...(pending ? { waitingFor: { level: pending.level, dueAt: pending.slaDueAt, ...(audience === 'internal' ? { approver: pending.approverName } : {}) } } : {}),
    reviews: reviewsView(reviews, audience),
    history: historyView(history, audience, reviews),
  };
};
