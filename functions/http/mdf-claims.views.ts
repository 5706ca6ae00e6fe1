import type { Approval } from '#domain/approval';
import { missingKinds, type Attachment, type Claim } from '#domain/claims';
import type { HistoryEvent } from '#store/history';

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
  reviews: reviews.map((review) => ({
    status: review.status,
    openedAt: review.openedAt,
    dueAt: review.slaDueAt,
    ...(review.decidedAt ? { decidedAt: review.decidedAt } : {}),
    ...(review.reason ? { reason: review.reason } : {}),
    ...(audience === 'internal' && review.decidedBy ? { decidedBy: review.decidedBy.name } : {}),
  })),
  history: history.map((event) => ({
    at: event.at,
    by: audience === 'internal' || event.by.kind === 'partner-user' ? event.by.name : event.by.kind === 'system' ? 'Channel program' : 'The channel marketing manager',
    action: event.action,
    ...(event.from ? { from: event.from } : {}),
    ...(event.to ? { to: event.to } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
  })),
});
