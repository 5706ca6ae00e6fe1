import { formatLetterDate, type LoaRequest } from '#domain/loa';
import { render } from './layout.ts';

/** Emails to the partner about a Letter of Authorization: one function per message. */

const facts = (request: LoaRequest): [string, string][] => [
  ['Request', request.id],
  ['Company', request.details.legalCompanyName],
  ...(request.details.customerName ? ([['Customer', request.details.customerName]] as [string, string][]) : []),
  ...(request.details.tenderReference ? ([['Tender', request.details.tenderReference]] as [string, string][]) : []),
  ['Products', request.details.products.join(', ')],
  ...(request.validity
    ? ([
        ['Letter date', formatLetterDate(request.validity.letterDate)],
        ['Valid through', formatLetterDate(request.validity.validThrough)],
      ] as [string, string][])
    : []),
];

const to = (request: LoaRequest) => [request.submittedBy.email];
const greeting = (request: LoaRequest) => `Hello ${request.submittedBy.name},`;
const subjectOf = (what: string, request: LoaRequest) => `${what}: Letter of Authorization for ${request.details.legalCompanyName}`;

export const loaReceived = (request: LoaRequest) =>
  render(to(request), subjectOf('Received', request), {
    greeting: greeting(request),
    paragraphs: [
      'Your request for a Letter of Authorization is in. Ecosystem operations confirm your partnership first; then legal approves the letter and our principal accounting officer signs it.',
      'The letter will show exactly the details below. To change any of them, submit a new request.',
    ],
    facts: facts(request),
  });

export const loaRefused = (request: LoaRequest) =>
  render(to(request), subjectOf('Refused', request), {
    greeting: greeting(request),
    paragraphs: [`Your request for a Letter of Authorization for ${request.details.legalCompanyName} was refused.`, `The reason given: ${request.outcomeReason ?? 'none recorded'}`],
    facts: facts(request),
  });

export const loaIssued = (request: LoaRequest) =>
  render(to(request), subjectOf('Signed', request), {
    greeting: greeting(request),
    paragraphs: [
      `Your Letter of Authorization for ${request.details.legalCompanyName} is signed; it is attached to this email as a PDF.`,
      request.validity
        ? `It is dated ${formatLetterDate(request.validity.letterDate)} and valid through ${formatLetterDate(request.validity.validThrough)}. We will remind you 30 days before it runs out.`
        : '',
      'You can download it again from the partner portal at any time.',
    ],
    facts: facts(request),
  });

export const loaExpiresSoon = (request: LoaRequest) =>
  render(to(request), subjectOf('Expires soon', request), {
    greeting: greeting(request),
    paragraphs: [
      `Your Letter of Authorization for ${request.details.legalCompanyName} is valid through ${request.validity ? formatLetterDate(request.validity.validThrough) : 'its end date'}.`,
      'If you still need it after that, request a new letter now: the review and signature take a few days.',
    ],
    facts: facts(request),
  });

export const loaExpired = (request: LoaRequest) =>
  render(to(request), subjectOf('Expired', request), {
    greeting: greeting(request),
    paragraphs: [`Your Letter of Authorization for ${request.details.legalCompanyName} has expired and no longer authorizes you.`, 'Request a new letter if you need one.'],
    facts: facts(request),
  });
