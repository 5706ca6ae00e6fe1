import type { Approval } from '#domain/approval';
import { missingKinds, type Attachment, type Claim } from '#domain/claims';
import type { HistoryEvent } from '#store/history';
import { historyView, reviewsView } from './history.views.ts';

/** How a claim is shown through the API. */
export const claimSummary = (claim: Claim) => ({
  id: claim.id,
  requestId: claim.requestId,
  activityName: claim.activityName,
  title: claim.title,
  amountCents: claim.amountCents,
  approvedAmountCents: claim.approvedAmountCents,
  paidDate: claim.paidDate,
  status: claim.status,
  submittedAt: claim.submittedAt,
  ...(claim.decidedAt ? { decidedAt: claim.decidedAt } : {}),
  ...(claim.outcomeReason ? { outcomeReason: claim.outcomeReason } : {}),
  ...(claim.awaitingProof ? { awaitingProof: claim.awaitingProof } : {}),
});

export const claimDetail = (
  claim: Claim,
  attachments: readonly (Attachment & { downloadUrl?: string })[],
  reviews: readonly Approval[],
  history: readonly HistoryEvent[],
  audience: 'partner' | 'internal',
) => ({
  ...claimSummary(claim),
  missing: missingKinds(attachments.filter((attachment) => attachment.status === 'Uploaded')),
  attachments,
  reviews: reviewsView(reviews, audience),
  history: historyView(history, audience, reviews),
});
