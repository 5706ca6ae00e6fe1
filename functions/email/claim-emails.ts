import { attachmentKindLabels, type AttachmentKind, type Claim } from '#domain/claims';
import type { MdfRequest } from '#domain/mdf';
import { formatUsd } from '#domain/money';
import { render } from './layout.ts';

/** Emails to the partner about MDF claims, and the reminders to claim: one function per message. */

const facts = (claim: Claim): [string, string][] => [
  ['Claim', `${claim.title} (${claim.id})`],
  ['For the activity', claim.activityName],
  ['Amount claimed', formatUsd(claim.amountCents)],
  ['Paid on', claim.paidDate],
];

const kinds = (list: readonly AttachmentKind[]) => list.map((kind) => attachmentKindLabels[kind]).join(' and ');

export const claimReceived = (claim: Claim, missing: readonly AttachmentKind[]) =>
  render([claim.submittedBy.email], `We received your claim "${claim.title}"`, {
    greeting: `Hello ${claim.submittedBy.name},`,
    paragraphs: [
      `Thank you: your claim "${claim.title}" for ${formatUsd(claim.amountCents)} is in, and the channel marketing manager will review it.`,
      missing.length > 0
        ? `A claim needs a proof of performance and a lead list. Still missing: ${kinds(missing)}. Please add ${missing.length > 1 ? 'them' : 'it'} to the claim so the review can complete.`
        : 'It has the proof of performance and the lead list it needs.',
    ],
    facts: facts(claim),
  });

export const proofMissing = (claim: Claim, kind: AttachmentKind) =>
  render([claim.submittedBy.email], `Action needed: add the ${attachmentKindLabels[kind]} to your claim "${claim.title}"`, {
    greeting: `Hello ${claim.submittedBy.name},`,
    paragraphs: [
      `The channel marketing manager reviewing your claim "${claim.title}" needs the ${attachmentKindLabels[kind]}.`,
      'Add it to the claim; the review continues as soon as it arrives.',
    ],
    facts: facts(claim),
  });

export const claimApproved = (claim: Claim) =>
  render([claim.submittedBy.email], `Approved: your claim "${claim.title}" — please send your invoice`, {
    greeting: `Hello ${claim.submittedBy.name},`,
    paragraphs: [
      `Your claim "${claim.title}" is approved: ${formatUsd(claim.amountCents)} will be reimbursed for "${claim.activityName}".`,
      `Please send your invoice for ${formatUsd(claim.amountCents)}, quoting the claim ${claim.id}, so we can pay it.`,
    ],
    facts: facts(claim),
  });

export const claimDenied = (claim: Claim) =>
  render([claim.submittedBy.email], `Denied: your claim "${claim.title}"`, {
    greeting: `Hello ${claim.submittedBy.name},`,
    paragraphs: [`Your claim "${claim.title}" was denied.`, `The reason given: ${claim.outcomeReason ?? 'none recorded'}`],
    facts: facts(claim),
    closing: ['You may submit a new claim for the activity that addresses the reason.'],
  });

export const claimNotDecided = (claim: Claim) =>
  render([claim.submittedBy.email], `Closed: your claim "${claim.title}"`, {
    greeting: `Hello ${claim.submittedBy.name},`,
    paragraphs: [`Your claim "${claim.title}" is closed as denied.`, `${claim.outcomeReason ?? ''}`],
    facts: facts(claim),
    closing: ['You may submit a new claim for the activity.'],
  });

/** A reminder to claim; `daysSinceEnd` is counted from the end date to the day it is sent. */
export const claimReminder = (request: MdfRequest, daysSinceEnd: number, last: boolean) =>
  render([request.submittedBy.email], `Reminder: claim your MDF for "${request.activityName}"`, {
    greeting: `Hello ${request.submittedBy.name},`,
    paragraphs: [
      `"${request.activityName}" ended on ${request.endDate}, ${daysSinceEnd} days ago, and ${formatUsd(request.approvedAmountCents ?? 0)} is approved for it.`,
      'Submit your claim with the proof of performance and the lead list to be reimbursed.',
      ...(last ? ['This is the last reminder.'] : []),
    ],
    facts: [
      ['Request', request.id],
      ['Approved amount', formatUsd(request.approvedAmountCents ?? 0)],
    ],
  });
