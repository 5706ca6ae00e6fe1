import type { CampaignType } from './campaigns.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

/**
 * Recall: Joint campaign leads a partner does not act on go back to the company.
 * Never MDF, Partner Sponsored or Partner Managed leads. The policy has phases; the
 * phase in force is configuration, and each lead keeps the phase in force when it
 * was shared (the partner received it under those terms).
 *
 * - Phase 1: still Pending 30 days after sharing.
 * - Phase 2 (decision): still Pending 15 days after sharing.
 * - Final: not accepted within 5 days of sharing; or accepted, but its lead status
 *   not updated within 10 days of acceptance.
 *
 * Days are whole 24-hour periods from the instant of sharing or acceptance: a lead
 * shared at 10:00 on day 0 is recalled from 10:00 on day 30, not before.
 */
export const recallPhases = ['1', '2', 'final'] as const;
export type RecallPhase = (typeof recallPhases)[number];

export const isRecallPhase = (value: string): value is RecallPhase => (recallPhases as readonly string[]).includes(value);

const DAY_MS = 86_400_000;

/** Days a lead may stay Pending after sharing, per phase. */
export const pendingDays: Record<RecallPhase, number> = { '1': 30, '2': 15, final: 5 };
/** Final phase: days after acceptance within which the lead status must be updated. */
export const UPDATE_AFTER_ACCEPTANCE_DAYS = 10;

export const pendingRule: Record<RecallPhase, string> = {
  '1': 'recall.phase-1-pending-30-days',
  '2': 'recall.phase-2-pending-15-days',
  final: 'recall.final-accept-within-5-days',
};
export const UPDATE_RULE = 'recall.final-update-within-10-days-of-acceptance';

/** What the recall rules read of a lead. */
export interface RecallFacts {
  campaignType: CampaignType;
  shareStatus: 'Pending' | 'Accepted' | 'Rejected';
  leadStatus?: string;
  sharedAt: string;
  acceptedAt?: string;
  recallPhase: RecallPhase;
}

const plusDays = (instant: string, days: number): string => new Date(Date.parse(instant) + days * DAY_MS).toISOString();

/** The rule and instant at which the lead is recalled if nothing changes; none when it cannot be recalled as it stands. */
export const recallDeadline = (lead: RecallFacts): { at: string; rule: string; reason: string } | undefined => {
  if (lead.campaignType !== 'Joint') return undefined;
  const phase = lead.recallPhase;
  if (lead.shareStatus === 'Pending') {
    const days = pendingDays[phase];
    return {
      at: plusDays(lead.sharedAt, days),
      rule: pendingRule[phase],
      reason:
        phase === 'final'
          ? `Not accepted within ${days} days of sharing (recall policy, final phase).`
          : `Still Pending ${days} days after sharing (recall policy, phase ${phase}).`,
    };
  }
  if (lead.shareStatus === 'Accepted' && phase === 'final' && !lead.leadStatus && lead.acceptedAt) {
    return {
      at: plusDays(lead.acceptedAt, UPDATE_AFTER_ACCEPTANCE_DAYS),
      rule: UPDATE_RULE,
      reason: `Accepted, but its lead status was not updated within ${UPDATE_AFTER_ACCEPTANCE_DAYS} days of acceptance (recall policy, final phase).`,
    };
  }
  return undefined;
};

/**
 * Whether the lead is to be recalled at `now`: accepted with the rule that recalls
 * it, or refused with the rule that keeps it.
 */
export const checkRecall = (lead: RecallFacts, now: Date): Verdict<{ rule: string; reason: string }> => {
  if (lead.campaignType !== 'Joint') {
    return refuse('recall.joint-campaigns-only', `Only Joint campaign leads are recalled; this lead came from a ${lead.campaignType} campaign.`);
  }
  const deadline = recallDeadline(lead);
  if (!deadline) {
    return refuse('recall.partner-acted', 'The partner acted on the lead in time; it is not recalled.');
  }
  if (now.getTime() < Date.parse(deadline.at)) {
    return refuse('recall.not-yet-due', `The lead is recalled from ${deadline.at} if nothing changes.`, { dueAt: deadline.at, rule: deadline.rule });
  }
  return accept({ rule: deadline.rule, reason: deadline.reason });
};
