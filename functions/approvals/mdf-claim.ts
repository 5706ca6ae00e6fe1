import { attachmentKindLabels, attachmentKinds, missingKinds, type AttachmentKind, type Claim } from '#domain/claims';
import { formatUsd } from '#domain/money';
import { accept, refuse, type Verdict } from '#domain/verdict';
import * as budgets from '#store/budgets';
import * as claims from '#store/claims';
import * as mdfRequests from '#store/mdf-requests';
import type { ApprovalSubject, DecisionContext, SubjectDecision } from './subjects.ts';

/**
 * How an MDF claim takes part in email approvals: the CMM of the request's region
 * reviews it, approves it (the budget consumes the claim and gets the rest back,
 * the request closes), denies it, or marks which proof is missing.
 */
const uploaded = (items: DecisionContext['items']) => claims.attachmentsOf(items).filter((attachment) => attachment.status === 'Uploaded');

const decide = async (claim: Claim, context: DecisionContext): Promise<Verdict<SubjectDecision>> => {
  const at = context.now.toISOString();
  const by = context.actor;
  if (context.decision === 'deny') {
    return accept({
      items: [
        claims.transitionItem(claim.id, 'Open', 'Denied', at, { decidedAt: at, outcomeReason: context.reason ?? '' }),
        mdfRequests.claimReleasedItem(claim.requestId, claim.id, at),
        claims.historyItem(claim.id, { at, by, action: 'denied', from: 'Open', to: 'Denied', ...(context.reason ? { reason: context.reason } : {}) }),
      ],
      outcome: `The claim is denied. ${claim.partnerName} will be told your reason.`,
    });
  }
  if (context.decision === 'return') {
    const kind = context.reason as AttachmentKind;
    return accept({
      items: [
        claims.stillOpenItem(claim.id, at),
        claims.historyItem(claim.id, { at, by, action: 'proof-requested', from: 'Open', to: 'Open', reason: `Missing: ${attachmentKindLabels[kind]}`, details: { kind } }),
      ],
      outcome: `${claim.partnerName} is asked to add the ${attachmentKindLabels[kind]}. The review comes back to you as soon as they do.`,
    });
  }
  // Approval needs both kinds of proof on file.
  const missing = missingKinds(uploaded(context.items));
  if (missing.length > 0) {
    return refuse(
      'claims.proof-complete',
      `Approve once the claim has ${missing.map((kind) => `a ${attachmentKindLabels[kind]}`).join(' and ')}; mark it missing to ask the partner.`,
      { missing },
    );
  }
  const rest = claim.approvedAmountCents - claim.amountCents;
  return accept({
    items: [
      claims.transitionItem(claim.id, 'Open', 'Approved', at, { decidedAt: at }),
      mdfRequests.transitionItem({ id: claim.requestId, partnerId: claim.partnerId }, ['Approved'], 'Closed', at, { decidedAt: at }),
      ...budgets.consumeItems(
        {
          region: claim.region,
          quarter: claim.quarter,
          amountCents: claim.approvedAmountCents,
          flexi: claim.flexi,
          requestId: claim.requestId,
          at,
          by: context.decidedBy.id,
          note: `Claim "${claim.title}" for "${claim.activityName}" approved`,
        },
        claim.amountCents,
      ),
      claims.historyItem(claim.id, { at, by, action: 'approved', from: 'Open', to: 'Approved', ...(context.reason ? { reason: context.reason } : {}) }),
      mdfRequests.historyItem(claim.requestId, { at, by, action: 'closed', from: 'Approved', to: 'Closed', reason: `Claim "${claim.title}" approved`, details: { claimId: claim.id } }),
    ],
    outcome:
      `The claim is approved: ${formatUsd(claim.amountCents)} is consumed from the ${claim.region} ${claim.quarter} budget` +
      `${rest > 0 ? ` and the unclaimed ${formatUsd(rest)} goes back to it` : ''}. The request is closed and ${claim.partnerName} is asked for the invoice.`,
  });
};

export const mdfClaimSubject: ApprovalSubject<Claim> = {
  kind: 'mdf-claim',
  partition: claims.partitionOf,
  read: (items) => {
    const item = items.find(claims.isClaimItem);
    return item ? claims.fromItem(item) : undefined;
  },
  isOpen: (claim) => claim.status === 'Open',
  view: (claim) => ({
    kindLabel: 'MDF claim',
    title: claim.title,
    partnerName: claim.partnerName,
    facts: [
      ['Partner', claim.partnerName],
      ['Claim', claim.title],
      ['For the activity', claim.activityName],
      ['Amount claimed', formatUsd(claim.amountCents)],
      ['Approved for the activity', formatUsd(claim.approvedAmountCents)],
      ['Paid on', claim.paidDate],
      ['Budget', `${claim.region} ${claim.quarter}${claim.flexi ? ' (flexi)' : ''}`],
    ],
  }),
  assignment: (claim) => ({ role: 'cmm', scope: claim.region }),
  calendarRegion: (claim) => claim.region,
  levelLabel: () => 'claim review',
  returnOffer: () => ({
    label: 'Mark proof missing',
    prompt: 'Which proof is missing? The partner is asked to add it.',
    choices: attachmentKinds.map((kind) => ({ value: kind, label: attachmentKindLabels[kind] })),
  }),
  onOpen: (claim, _approval, history) => [claims.reviewOpenedItem(claim.id, history.at), claims.historyItem(claim.id, history)],
  onDecision: decide,
  explainRefusal: async () => undefined,
};
