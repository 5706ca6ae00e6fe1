import { checkReservation } from '#domain/budget';
import { globalLevels, isFinalLevel, levelRole, type ApprovalLevel, type MdfRequest } from '#domain/mdf';
import { formatUsd } from '#domain/money';
import { roleTitles } from '#domain/people';
import { accept, refuse, type Refusal, type Verdict } from '#domain/verdict';
import { nextReminder } from '#domain/claims';
import * as budgets from '#store/budgets';
import * as calendars from '#store/calendars';
import * as mdfRequests from '#store/mdf-requests';
import type { ApprovalSubject, DecisionContext, SubjectDecision } from './subjects.ts';

/** How an MDF request takes part in email approvals. */

const asLevel = (level: string): ApprovalLevel => level as ApprovalLevel;

const budgetShortfall = async (request: MdfRequest): Promise<Refusal | undefined> => {
  const budget = await budgets.get(request.region, request.quarter);
  if (!budget) return refuse('budget.no-overdraw', `No MDF budget is set for ${request.region} ${request.quarter}; nothing can be reserved.`, { remainingCents: 0 });
  const fits = checkReservation(budget, request.amountRequestedCents, request.flexi);
  return fits.ok ? undefined : fits;
};

const decide = async (request: MdfRequest, context: DecisionContext): Promise<Verdict<SubjectDecision>> => {
  const at = context.now.toISOString();
  const level = context.approval.level;
  const levelTitle = roleTitles[context.approval.role];
  if (context.decision === 'deny') {
    return accept({
      items: [
        mdfRequests.transitionItem(request, ['Open'], 'Denied', at, { decidedAt: at, outcomeReason: context.reason ?? '' }),
        mdfRequests.historyItem(request.id, {
          at,
          by: context.actor,
          action: 'denied',
          from: 'Open',
          to: 'Denied',
          ...(context.reason ? { reason: context.reason } : {}),
          details: { level },
        }),
      ],
      outcome: `The request is denied. ${request.partnerName} will be told your reason.`,
    });
  }
  if (!isFinalLevel(request, level)) {
    const next = request.levels[request.levels.indexOf(asLevel(level)) + 1];
    return accept({
      items: [
        mdfRequests.stillOpenItem(request.id, at),
        mdfRequests.historyItem(request.id, {
          at,
          by: context.actor,
          action: 'level-approved',
          from: 'Open',
          to: 'Open',
          ...(context.reason ? { reason: context.reason } : {}),
          details: { level },
        }),
      ],
      outcome: `Approved at your level (${levelTitle}). The request now goes to the ${next ? roleTitles[levelRole[next]] : 'next approver'}.`,
    });
  }
  // Final level: the decision reserves the budget in the same transaction, or is refused with the remaining figure.
  const shortfall = await budgetShortfall(request);
  if (shortfall) return shortfall;
  // From now on the partner is reminded to claim: day 2, 14 and 28 after the end date.
  const calendar = await calendars.get(request.region);
  const reminder = nextReminder(request.endDate, calendar.timeZone, context.now);
  return accept({
    items: [
      mdfRequests.transitionItem(
        request,
        ['Open'],
        'Approved',
        at,
        {
          decidedAt: at,
          approvedAmountCents: request.amountRequestedCents,
          ...(reminder ? { nextReminderAt: reminder.at, reminderStage: reminder.stage } : {}),
        },
        reminder ? { kind: mdfRequests.CLAIM_REMINDER_DUE, at: reminder.at } : undefined,
      ),
      ...budgets.reserveItems({
        region: request.region,
        quarter: request.quarter,
        amountCents: request.amountRequestedCents,
        flexi: request.flexi,
        requestId: request.id,
        at,
        by: context.decidedBy.id,
        note: `MDF request "${request.activityName}" approved`,
      }),
      mdfRequests.historyItem(request.id, {
        at,
        by: context.actor,
        action: 'approved',
        from: 'Open',
        to: 'Approved',
        ...(context.reason ? { reason: context.reason } : {}),
        details: { level, reservedCents: request.amountRequestedCents },
      }),
    ],
    outcome: `The request is approved and ${formatUsd(request.amountRequestedCents)} is reserved from the ${request.region} ${request.quarter} budget. ${request.partnerName} will be told.`,
  });
};

export const mdfRequestSubject: ApprovalSubject<MdfRequest> = {
  kind: 'mdf-request',
  partition: mdfRequests.partitionOf,
  read: (items) => {
    const item = items.find(mdfRequests.isRequestItem);
    return item ? mdfRequests.fromItem(item) : undefined;
  },
  isOpen: (request) => request.status === 'Open',
  view: (request) => ({
    kindLabel: 'MDF request',
    title: request.activityName,
    partnerName: request.partnerName,
    facts: [
      ['Partner', request.partnerName],
      ['Activity', `${request.activityName} (${request.activityType}, ${request.delivery})`],
      ['Dates', `${request.startDate} to ${request.endDate}`],
      ['Country', `${request.activityCountry} (${request.region}${request.flexi ? ', flexi budget' : ''})`],
      ['Amount requested', formatUsd(request.amountRequestedCents)],
      ['Total cost', formatUsd(request.totalCostCents)],
      ['Partner investment', formatUsd(request.partnerInvestmentCents)],
      ['Target contacts', String(request.targetContacts)],
      ['Estimated pipeline', formatUsd(request.estimatedPipelineCents)],
      ['Industry / segment', `${request.verticalIndustry} / ${request.segment}`],
      ['Budget quarter', request.quarter],
      ['Description', request.description],
    ],
  }),
  assignment: (request, level) => ({
    role: levelRole[asLevel(level)],
    scope: globalLevels.has(asLevel(level)) ? 'GLOBAL' : request.region,
  }),
  calendarRegion: (request) => request.region,
  levelLabel: (request, level) => `level ${request.levels.indexOf(asLevel(level)) + 1} of ${request.levels.length}`,
  onOpen: (request, approval, history) => [
    mdfRequests.atLevelItem(request.id, asLevel(approval.level), approval.openedAt),
    mdfRequests.historyItem(request.id, history),
  ],
  onDecision: decide,
  explainRefusal: async (request, context) =>
    context.decision === 'approve' && isFinalLevel(request, context.approval.level) ? budgetShortfall(request) : undefined,
};
