import {
  checkInitials,
  checkStillAuthorized,
  firstValidityStep,
  formatLetterDate,
  loaLevelRole,
  loaLevels,
  loaStatusAtLevel,
  openLoaStatuses,
  SIGNER_TITLE,
  validityOf,
  type LoaLevel,
  type LoaRequest,
} from '#domain/loa';
import { roleTitles } from '#domain/people';
import { accept, type Verdict } from '#domain/verdict';
import * as loaRequests from '#store/loa-requests';
import * as partners from '#store/partners';
import type { ApprovalSubject, DecisionContext, SubjectDecision, SubjectView } from './subjects.ts';

/**
 * How a Letter of Authorization request takes part in email approvals: ecosystem
 * operations of the partner's home region confirm the partner is valid and
 * Authorized, legal approves and initials (the Approve form asks for the initials),
 * the PAO signs (approving is the signature: the signer's name and title go on the
 * letter, dated that day in the partner's region). A deny at any level refuses the
 * request with the reason the partner is told. No return: the details are frozen.
 */
const asLevel = (level: string): LoaLevel => level as LoaLevel;

export const loaView = (request: LoaRequest): SubjectView => {
  const { details } = request;
  return {
    kindLabel: 'Letter of Authorization',
    title: `${details.legalCompanyName} for ${details.customerName ?? `tender ${details.tenderReference ?? ''}`}`,
    partnerName: request.partnerName,
    facts: [
      ['Partner', `${request.partnerName} (${request.region})`],
      ['Legal company name', details.legalCompanyName],
      ['Address', `${details.address.split('\n').join(', ')}, ${details.country}`],
      ['Contact', `${details.contactName} <${details.contactEmail}>${details.contactPhone ? `, ${details.contactPhone}` : ''}`],
      ...(details.customerName ? ([['Customer', details.customerName]] as [string, string][]) : []),
      ...(details.tenderReference ? ([['Tender', details.tenderReference]] as [string, string][]) : []),
      ['Products', details.products.join(', ')],
      ['Requested by', `${request.submittedBy.name} <${request.submittedBy.email}>`],
      ...(request.legalInitials ? ([['Initialled by legal', request.legalInitials]] as [string, string][]) : []),
    ],
  };
};

const decide = async (request: LoaRequest, context: DecisionContext): Promise<Verdict<SubjectDecision>> => {
  const at = context.now.toISOString();
  const level = asLevel(context.approval.level);
  const from = loaStatusAtLevel[level];
  const by = context.actor;
  if (context.decision !== 'approve') {
    // No third action is offered (the machinery refuses `return`): anything else refuses the request with its reason.
    return accept({
      items: [
        loaRequests.transitionItem(request, from, 'Refused', at, { outcomeReason: context.reason ?? '', decidedAt: at }),
        loaRequests.dueClearItem(request.id, loaRequests.REVIEW_START_DUE),
        loaRequests.historyItem(request.id, { at, by, action: 'refused', from, to: 'Refused', ...(context.reason ? { reason: context.reason } : {}), details: { level } }),
      ],
      outcome: `The request is refused. ${request.submittedBy.name} at ${request.partnerName} will be told your reason.`,
    });
  }
  if (level === 'operations') {
    const authorized = checkStillAuthorized(await partners.get(request.partnerId));
    if (!authorized.ok) return authorized;
    return accept({
      items: [
        loaRequests.transitionItem(request, from, 'Legal Review', at),
        loaRequests.historyItem(request.id, { at, by, action: 'partner-confirmed', from, to: 'Legal Review', details: { level } }),
      ],
      outcome: 'The partner is confirmed; legal approves and initials the letter next.',
    });
  }
  if (level === 'legal') {
    const initials = checkInitials(context.details.initials);
    if (!initials.ok) return initials;
    return accept({
      items: [
        loaRequests.transitionItem(request, from, 'Awaiting Signature', at, { legalInitials: initials.value, legalApprovedBy: context.decidedBy.name }),
        loaRequests.historyItem(request.id, { at, by, action: 'approved-by-legal', from, to: 'Awaiting Signature', details: { level, initials: initials.value } }),
      ],
      outcome: `Approved and initialled ${initials.value}; the PAO signs next.`,
    });
  }
  // The PAO's approval is the signature: the letter is dated today in the partner's region and holds for a year.
  const validity = validityOf(context.now, request.timeZone);
  const first = firstValidityStep(validity, context.now);
  const signedBy = {
    id: context.decidedBy.id,
    name: context.decidedBy.name,
    title: context.decidedBy.onBehalfOf ? `${SIGNER_TITLE} (for ${context.decidedBy.onBehalfOf.name})` : SIGNER_TITLE,
  };
  return accept({
    items: [
      loaRequests.transitionItem(request, from, 'Issued', at, { signedBy, signedAt: at, validity, decidedAt: at }),
      loaRequests.dueItem(request.id, loaRequests.VALIDITY_DUE, first.at, { step: first.step, expiresAt: validity.expiresAt }),
      loaRequests.historyItem(request.id, {
        at,
        by,
        action: 'signed',
        from,
        to: 'Issued',
        details: { level, letterDate: validity.letterDate, validThrough: validity.validThrough },
      }),
    ],
    outcome: `Signed. The letter is dated ${formatLetterDate(validity.letterDate)}, valid through ${formatLetterDate(validity.validThrough)}; it is emailed to ${request.partnerName}.`,
  });
};

export const loaRequestSubject: ApprovalSubject<LoaRequest> = {
  kind: 'loa-request',
  partition: loaRequests.partitionOf,
  read: (items) => {
    const item = items.find(loaRequests.isRequestItem);
    return item ? loaRequests.fromItem(item) : undefined;
  },
  isOpen: (request) => openLoaStatuses.has(request.status),
  view: loaView,
  assignment: (request, level) => ({ role: loaLevelRole[asLevel(level)], scope: asLevel(level) === 'operations' ? request.region : 'GLOBAL' }),
  calendarRegion: (request) => request.region,
  levelLabel: (_request, level) => `step ${loaLevels.indexOf(asLevel(level)) + 1} of 3 (${roleTitles[loaLevelRole[asLevel(level)]]})`,
  approveFields: async (_request, _items, level) =>
    level === 'legal'
      ? [{ name: 'initials', label: 'Your initials on the letter', required: true, help: 'Two to four letters, e.g. JD.' }]
      : [],
  onOpen: (request, approval, history) => [
    loaRequests.touchItem(request, loaStatusAtLevel[asLevel(approval.level)], history.at),
    // The workflow evidently runs: no need for the sweep to start it.
    ...(approval.level === 'operations' ? [loaRequests.dueClearItem(request.id, loaRequests.REVIEW_START_DUE)] : []),
    loaRequests.historyItem(request.id, history),
  ],
  onDecision: decide,
  explainRefusal: async () => undefined,
};
