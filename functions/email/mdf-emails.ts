import { formatUsd } from '#domain/money';
import type { MdfRequest } from '#domain/mdf';
import { formatInstant, render } from './layout.ts';

/** Emails to the partner about an MDF request: one function per message. */

const facts = (request: MdfRequest): [string, string][] => [
  ['Request', request.id],
  ['Activity', `${request.activityName} (${request.activityType}, ${request.delivery})`],
  ['Dates', `${request.startDate} to ${request.endDate}`],
  ['Amount requested', formatUsd(request.amountRequestedCents)],
];

const greeting = (request: MdfRequest) => `Hello ${request.submittedBy.name},`;

export const requestReceived = (request: MdfRequest) =>
  render([request.submittedBy.email], `We received your MDF request "${request.activityName}"`, {
    greeting: greeting(request),
    paragraphs: [
      `Thank you: your MDF request "${request.activityName}" is in. It goes to ${request.levels.length} approvers in turn, starting with the ${request.region} channel marketing manager.`,
      `We aim to decide by ${formatInstant(request.targetDate)}. You will hear from us when it is decided.`,
      ...(request.flexi ? ['The activity is outside the region\'s target markets, so it draws on the flexi budget and also needs the global director\'s approval.'] : []),
    ],
    facts: facts(request),
  });

export const requestApproved = (request: MdfRequest) =>
  render([request.submittedBy.email], `Approved: your MDF request "${request.activityName}"`, {
    greeting: greeting(request),
    paragraphs: [
      `Good news: your MDF request "${request.activityName}" is approved, and ${formatUsd(request.approvedAmountCents ?? request.amountRequestedCents)} is reserved for it.`,
      `Once the activity has ended (${request.endDate}), submit your claim with proof of performance and the lead list to be reimbursed.`,
    ],
    facts: facts(request),
  });

export const requestDenied = (request: MdfRequest) =>
  render([request.submittedBy.email], `Denied: your MDF request "${request.activityName}"`, {
    greeting: greeting(request),
    paragraphs: [`Your MDF request "${request.activityName}" was denied.`, `The reason given: ${request.outcomeReason ?? 'none recorded'}`],
    facts: facts(request),
    closing: ['You are welcome to submit a new request that addresses the reason.'],
  });

export const requestCanceled = (request: MdfRequest) =>
  render([request.submittedBy.email], `Canceled: your MDF request "${request.activityName}"`, {
    greeting: greeting(request),
    paragraphs: [
      `Your MDF request "${request.activityName}" was canceled by the channel marketing manager.`,
      `The reason given: ${request.outcomeReason ?? 'none recorded'}`,
      'Any amount reserved for it is released, and claims against it will not be accepted.',
    ],
    facts: facts(request),
  });

export const requestNotDecided = (request: MdfRequest) =>
  render([request.submittedBy.email], `Not decided in time: your MDF request "${request.activityName}"`, {
    greeting: greeting(request),
    paragraphs: [
      `We are sorry: your MDF request "${request.activityName}" was not decided in time and is closed as denied.`,
      'Please submit it again if the activity is still planned; we will make sure it is seen.',
    ],
    facts: facts(request),
  });
