import { describeValue, type DealRegistration } from '#domain/deal-registration';
import { formatInstant, render } from './layout.ts';

/** Emails to the partner about a deal registration: one function per message. */

const facts = (registration: DealRegistration): [string, string][] => [
  ['Registration', registration.id],
  ['Customer', `${registration.customer.companyName} (${registration.customer.country})`],
  ['Type', registration.type],
  ['Estimated value', describeValue(registration)],
  ['Expected close', registration.expectedCloseDate],
];

const to = (registration: DealRegistration) => [registration.submittedBy.email];
const greeting = (registration: DealRegistration) => `Hello ${registration.submittedBy.name},`;
const subjectOf = (what: string, registration: DealRegistration) => `${what}: deal registration for ${registration.customer.companyName}`;

export const registrationReceived = (registration: DealRegistration) =>
  render(to(registration), subjectOf(registration.round > 1 ? 'Resubmitted' : 'Received', registration), {
    greeting: greeting(registration),
    paragraphs: [
      `Your deal registration for ${registration.customer.companyName} is in. Ecosystem operations review it first, then the ecosystem sales manager and the area sales manager.`,
      'You will hear from us within two business days.',
    ],
    facts: facts(registration),
  });

export const registrationWithSales = (registration: DealRegistration, step: 'esm' | 'asm') =>
  render(to(registration), subjectOf(step === 'esm' ? 'In sales review' : 'In final review', registration), {
    greeting: greeting(registration),
    paragraphs: [
      step === 'esm'
        ? `Your registration for ${registration.customer.companyName} passed the operations review and is with ${registration.esmName ?? 'the ecosystem sales manager'} for sales review.`
        : `The ecosystem sales manager approved your registration for ${registration.customer.companyName}; the area sales manager makes the final review.`,
    ],
    facts: facts(registration),
  });

export const registrationApproved = (registration: DealRegistration) =>
  render(to(registration), subjectOf('Approved', registration), {
    greeting: greeting(registration),
    paragraphs: [
      `Your deal registration for ${registration.customer.companyName} is approved: the opportunity is registered to you.`,
      `The protection lasts until ${registration.expiresAt ? formatInstant(registration.expiresAt) : 'its expiry'}; ask your GitLab team for an extension if the deal needs longer.`,
    ],
    facts: facts(registration),
  });

export const registrationDenied = (registration: DealRegistration) =>
  render(to(registration), subjectOf('Denied', registration), {
    greeting: greeting(registration),
    paragraphs: [`Your deal registration for ${registration.customer.companyName} was denied.`, `The reason given: ${registration.outcomeReason ?? 'none recorded'}`],
    facts: facts(registration),
  });

export const registrationReturned = (registration: DealRegistration) =>
  render(to(registration), subjectOf('Action needed', registration), {
    greeting: greeting(registration),
    paragraphs: [
      `Your deal registration for ${registration.customer.companyName} needs changes before it can be approved.`,
      `What we need: ${registration.returnComments ?? ''}`,
      'Edit the registration and resubmit it; the review starts again from operations.',
    ],
    facts: facts(registration),
  });

export const registrationExpiresSoon = (registration: DealRegistration) =>
  render(to(registration), subjectOf('Expires soon', registration), {
    greeting: greeting(registration),
    paragraphs: [
      `Your registration for ${registration.customer.companyName} expires on ${registration.expiresAt ? formatInstant(registration.expiresAt) : ''}.`,
      'If the deal needs more time, ask your ecosystem sales manager for an extension before then.',
    ],
    facts: facts(registration),
  });

export const registrationExpired = (registration: DealRegistration) =>
  render(to(registration), subjectOf('Expired', registration), {
    greeting: greeting(registration),
    paragraphs: [`Your registration for ${registration.customer.companyName} has expired; the opportunity is no longer registered to you.`],
    facts: facts(registration),
  });

export const registrationClosedLost = (registration: DealRegistration) =>
  render(to(registration), subjectOf('Closed lost', registration), {
    greeting: greeting(registration),
    paragraphs: [`The opportunity behind your registration for ${registration.customer.companyName} was closed as lost, and the registration is closed with it.`],
    facts: facts(registration),
  });

export const registrationNotDecided = (registration: DealRegistration) =>
  render(to(registration), subjectOf('Closed', registration), {
    greeting: greeting(registration),
    paragraphs: [`Your deal registration for ${registration.customer.companyName} is closed as denied.`, registration.outcomeReason ?? ''],
    facts: facts(registration),
  });
