import { LEVEL_SLA_BUSINESS_DAYS, type Approval } from './approval.ts';
import { addBusinessDays, localDate, quarterOf, type RegionCalendar } from './calendar.ts';
import { drawsOnFlexi, FLEXI_PERCENT, flexiRemaining, type Budget } from './budget.ts';
import { formatUsd, isAtMostPercentOf, type Cents } from './money.ts';
import { isMarketingReady, marketingReadyItems, missingMarketingReadyItems, type Partner, type PartnerPrivilege } from './partner.ts';
import type { InternalRole } from './people.ts';
import { approvingRegion, type Region } from './regions.ts';
import { accept, refuse, type Refusal, type Verdict } from './verdict.ts';

/** MDF requests: who may ask, what a request must satisfy, and how it is approved. */

export const activityTypes = [
  'seminar',
  'workshop',
  'telemarketing',
  'email-campaign',
  'tradeshow',
  'exhibition',
  'direct-mail',
  'webinar',
  'digital',
  'other',
] as const;
export type ActivityType = (typeof activityTypes)[number];

export const deliveryModes = ['in-person', 'virtual'] as const;
export type DeliveryMode = (typeof deliveryModes)[number];

export const mdfStatuses = ['Open', 'Approved', 'Denied', 'Closed', 'Canceled'] as const;
export type MdfStatus = (typeof mdfStatuses)[number];

/** The least a partner may ask the fund for: $1,000. */
export const MIN_REQUEST_CENTS: Cents = 100_000;
/** The fund covers at most half of the activity's total cost. */
export const MAX_FUND_SHARE_PERCENT = 50;
/** The whole approval aims at seven working days from submission. */
export const TARGET_BUSINESS_DAYS = 7;
/**
 * A flexi-budget request has one more level, with its own two business days
 * (decision: DOMAIN.md's seven days are for the three standard levels).
 */
export const FLEXI_TARGET_BUSINESS_DAYS = TARGET_BUSINESS_DAYS + LEVEL_SLA_BUSINESS_DAYS;

/** Everything the partner fills in (all required). */
export interface MdfRequestFields {
  activityName: string;
  activityType: ActivityType;
  delivery: DeliveryMode;
  description: string;
  /** Expected dates, `YYYY-MM-DD`. */
  startDate: string;
  endDate: string;
  totalCostCents: Cents;
  targetContacts: number;
  estimatedPipelineCents: Cents;
  partnerInvestmentCents: Cents;
  amountRequestedCents: Cents;
  verticalIndustry: string;
  segment: string;
  /** ISO 3166-1 alpha-2; decides the approving region. */
  activityCountry: string;
}

export const approvalLevels = ['cmm', 'marketing-lead', 'program-manager', 'global-director'] as const;
export type ApprovalLevel = (typeof approvalLevels)[number];

/** The internal role that decides each level. */
export const levelRole: Record<ApprovalLevel, InternalRole> = {
  cmm: 'cmm',
  'marketing-lead': 'marketing-lead',
  'program-manager': 'program-manager',
  'global-director': 'global-director',
};

/** Levels decided by one person for every region. */
export const globalLevels: ReadonlySet<ApprovalLevel> = new Set(['global-director']);

export interface Person {
  id: string;
  name: string;
  email: string;
}

export interface MdfRequest extends MdfRequestFields {
  id: string;
  partnerId: string;
  partnerName: string;
  submittedBy: Person;
  status: MdfStatus;
  /** Region of the activity country: its approvers decide and its budget pays. */
  region: Region;
  /** Quarter of the start date: the budget the request draws on. */
  quarter: string;
  /** Outside the region's target markets: draws on the flexi budget, one more level. */
  flexi: boolean;
  /** The levels this request goes through, in order. */
  levels: ApprovalLevel[];
  currentLevel?: ApprovalLevel;
  submittedAt: string;
  /** Seven business days after submission, on the region's calendar. */
  targetDate: string;
  decidedAt?: string;
  /** Why it was denied or canceled; the partner sees it. */
  outcomeReason?: string;
  /** Reserved from the budget at final approval. */
  approvedAmountCents?: Cents;
  /** The claim being reviewed; one at a time per request. */
  openClaimId?: string;
  /** Approved and no claim in: when the next reminder to claim goes out, and which of the three it is (0, 1, 2). */
  nextReminderAt?: string;
  reminderStage?: number;
  executionName: string;
  version: number;
  updatedAt: string;
}

export interface Requester {
  privileges: readonly PartnerPrivilege[];
}

/**
 * Who may request: an Authorized, marketing-ready partner, through a user with
 * `mdfAdmin`. The refusal names the missing condition, the first as the rule and
 * every one of them in `violations`, so nobody has to find them out one by one.
 */
export const checkRequester = (partner: Partner, user: Requester): Verdict<void> => {
  const refusals: Refusal[] = [];
  if (!user.privileges.includes('mdfAdmin')) {
    refusals.push(
      refuse('mdf.requires-mdf-admin', 'Only a user with the MDF administrator privilege (mdfAdmin) may submit MDF requests.', { missing: 'mdfAdmin' }),
    );
  }
  if (partner.status !== 'Authorized') {
    refusals.push(
      refuse('mdf.partner-authorized', `${partner.legalName} is ${partner.status}; only Authorized partners may request MDF.`, {
        missing: 'Authorized status',
        partnerStatus: partner.status,
      }),
    );
  }
  if (!isMarketingReady(partner.marketingReady)) {
    const missing = missingMarketingReadyItems(partner.marketingReady);
    refusals.push(
      refuse(
        'mdf.partner-marketing-ready',
        `${partner.legalName} is not marketing-ready; missing: ${missing.map((item) => marketingReadyItems[item]).join(', ')}.`,
        { missing },
      ),
    );
  }
  return firstOf(refusals) ?? accept(undefined);
};

/** The first refusal names the rule; when there are several, all are listed in `violations`. */
const firstOf = (refusals: Refusal[]): Refusal | undefined => {
  const [first] = refusals;
  if (!first || refusals.length === 1) return first;
  return refuse(first.rule, first.message, { ...first.details, violations: refusals.map(({ rule, message }) => ({ rule, message })) });
};

/** The region whose approvers and budget a request belongs to. */
export const regionOf = (fields: Pick<MdfRequestFields, 'activityCountry'>, partner: Pick<Partner, 'homeRegion'>): Region | undefined =>
  approvingRegion(fields.activityCountry, partner.homeRegion);

export const budgetQuarterOf = (fields: Pick<MdfRequestFields, 'startDate'>): string => quarterOf(fields.startDate);

/** The levels a request goes through: three, and the global director for flexi-budget activities. */
export const levelsFor = (flexi: boolean): ApprovalLevel[] =>
  flexi ? ['cmm', 'marketing-lead', 'program-manager', 'global-director'] : ['cmm', 'marketing-lead', 'program-manager'];

export const isFinalLevel = (request: Pick<MdfRequest, 'levels'>, level: string): boolean => request.levels.at(-1) === level;

/** Rules on the figures and dates of a request; every violated rule is reported, the first one named. */
const checkFields = (fields: MdfRequestFields, today: string): Refusal[] => {
  const refusals: Refusal[] = [];
  if (fields.endDate < fields.startDate) {
    refusals.push(refuse('mdf.end-not-before-start', `The end date ${fields.endDate} is before the start date ${fields.startDate}.`));
  }
  if (fields.startDate < today) {
    refusals.push(
      refuse('mdf.start-not-in-past', `The activity starts on ${fields.startDate}, before today (${today}); MDF is approved before the activity.`),
    );
  }
  if (fields.amountRequestedCents < MIN_REQUEST_CENTS) {
    refusals.push(
      refuse('mdf.minimum-amount', `The amount requested (${formatUsd(fields.amountRequestedCents)}) is below the ${formatUsd(MIN_REQUEST_CENTS)} minimum.`),
    );
  }
  if (!isAtMostPercentOf(fields.amountRequestedCents, fields.totalCostCents, MAX_FUND_SHARE_PERCENT)) {
    refusals.push(
      refuse(
        'mdf.max-half-of-total',
        `The amount requested (${formatUsd(fields.amountRequestedCents)}) is more than ${MAX_FUND_SHARE_PERCENT} % of the total cost (${formatUsd(fields.totalCostCents)}).`,
      ),
    );
  }
  if (fields.partnerInvestmentCents + fields.amountRequestedCents !== fields.totalCostCents) {
    refusals.push(
      refuse(
        'mdf.investment-plus-request-equals-total',
        `The partner investment (${formatUsd(fields.partnerInvestmentCents)}) plus the amount requested (${formatUsd(fields.amountRequestedCents)}) must equal the total cost (${formatUsd(fields.totalCostCents)}).`,
      ),
    );
  }
  return refusals;
};

export interface SubmissionContext {
  partner: Partner;
  user: Requester & Person;
  region: Region;
  now: Date;
  /** The region's budget for the quarter of the start date, if one is set. */
  budget: Budget | undefined;
  calendar: RegionCalendar;
}

export type NewMdfRequest = Omit<MdfRequest, 'id' | 'executionName' | 'version' | 'updatedAt'>;

/** Every rule of an MDF request submission, in the order a partner would fix them. */
export const checkSubmission = (fields: MdfRequestFields, context: SubmissionContext): Verdict<NewMdfRequest> => {
  const requester = checkRequester(context.partner, context.user);
  if (!requester.ok) return requester;

  const today = localDate(context.now, context.calendar.timeZone);
  const refusals = checkFields(fields, today);
  const quarter = budgetQuarterOf(fields);
  const budget = context.budget;
  if (!budget) {
    refusals.push(
      refuse('mdf.budget-set-for-quarter', `No MDF budget is set for ${context.region} ${quarter}, the quarter the activity starts in.`),
    );
  }
  const flexi = budget ? drawsOnFlexi(budget, fields.activityCountry) : false;
  if (budget && flexi && fields.amountRequestedCents > flexiRemaining(budget)) {
    refusals.push(
      refuse(
        'mdf.flexi-budget-limit',
        `The activity is outside ${context.region}'s target markets, so it draws on the flexi budget (${FLEXI_PERCENT} % of the quarter), which has ${formatUsd(flexiRemaining(budget))} left; this request needs ${formatUsd(fields.amountRequestedCents)}.`,
        { remainingCents: flexiRemaining(budget) },
      ),
    );
  }
  const refused = firstOf(refusals);
  if (refused) return refused;

  const submittedAt = context.now.toISOString();
  return accept({
    ...fields,
    partnerId: context.partner.id,
    partnerName: context.partner.legalName,
    submittedBy: { id: context.user.id, name: context.user.name, email: context.user.email },
    status: 'Open',
    region: context.region,
    quarter,
    flexi,
    levels: levelsFor(flexi),
    submittedAt,
    targetDate: addBusinessDays(context.now, flexi ? FLEXI_TARGET_BUSINESS_DAYS : TARGET_BUSINESS_DAYS, context.calendar).toISOString(),
  });
};

/** The CMM cancels an Open or Approved request; the reason is told to the partner. */
export const checkCancel = (request: Pick<MdfRequest, 'status' | 'id'>): Verdict<void> =>
  request.status === 'Open' || request.status === 'Approved'
    ? accept(undefined)
    : refuse('mdf.cancel-only-open-or-approved', `Request ${request.id} is ${request.status}; only Open or Approved requests can be canceled.`);

export interface Progress {
  targetDate: string;
  /** null once the request was canceled: there is no target to be on track for. */
  onTrack: boolean | null;
  currentLevel?: ApprovalLevel;
  currentLevelDueAt?: string;
  levels: { level: ApprovalLevel; status: Approval['status'] | 'Waiting'; decidedAt?: string; decidedBy?: string; dueAt?: string }[];
}

/**
 * Where the approval stands: each level's state, and whether the whole approval is
 * on track for its seven-business-day target (still open: now is before the target
 * and the current level's SLA; decided: it was decided by the target).
 */
export const progressOf = (request: MdfRequest, approvals: readonly Approval[], now: Date): Progress => {
  const latest = new Map<string, Approval>();
  for (const approval of approvals) latest.set(approval.level, approval);
  const levels = request.levels.map((level) => {
    const approval = latest.get(level);
    if (!approval) return { level, status: 'Waiting' as const };
    return {
      level,
      status: approval.status,
      ...(approval.decidedAt ? { decidedAt: approval.decidedAt } : {}),
      ...(approval.decidedBy ? { decidedBy: approval.decidedBy.name } : {}),
      ...(approval.status === 'Pending' ? { dueAt: approval.slaDueAt } : {}),
    };
  });
  const current = request.currentLevel ? latest.get(request.currentLevel) : undefined;
  const target = Date.parse(request.targetDate);
  let onTrack: boolean | null;
  if (request.status === 'Canceled') onTrack = null;
  else if (request.status === 'Open') {
    const levelLate = current?.status === 'Pending' && Date.parse(current.slaDueAt) < now.getTime();
    onTrack = now.getTime() <= target && !levelLate;
  } else onTrack = request.decidedAt !== undefined && Date.parse(request.decidedAt) <= target;
  return {
    targetDate: request.targetDate,
    onTrack,
    ...(request.status === 'Open' && request.currentLevel ? { currentLevel: request.currentLevel } : {}),
    ...(request.status === 'Open' && current?.status === 'Pending' ? { currentLevelDueAt: current.slaDueAt } : {}),
    levels,
  };
};

/** Internal roles that work MDF requests and may read any partner's. */
export const mdfStaffRoles: readonly InternalRole[] = ['admin', 'cmm', 'marketing-lead', 'program-manager', 'global-director'];
