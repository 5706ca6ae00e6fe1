import { addBusinessDays, type RegionCalendar } from './calendar.ts';
import type { InternalRole } from './people.ts';
import type { Region } from './regions.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

/**
 * Approvals decided from email links, whatever is being approved (MDF requests
 * today; claims and deal registrations reuse the same rules).
 */
export type ApprovalStatus = 'Pending' | 'Approved' | 'Denied' | 'Returned' | 'Expired' | 'Canceled';
/**
 * `return` sends the subject back to the partner to complete (a claim's missing
 * proof, a deal registration to fix); offered only where the subject allows it.
 */
export const decisions = ['approve', 'deny', 'return'] as const;
export type Decision = (typeof decisions)[number];

/** Who made a decision: the approver, or their backup on their behalf. */
export interface DecidedBy {
  id: string;
  name: string;
  onBehalfOf?: { id: string; name: string };
}

export interface Approval {
  id: string;
  /** What is approved, e.g. `mdf-request`, and its id. */
  subjectKind: string;
  subjectId: string;
  /** The level's name in the workflow, e.g. `cmm`. */
  level: string;
  role: InternalRole;
  /** Region of the assignment, or `GLOBAL` for global roles. */
  scope: Region | 'GLOBAL';
  approverId: string;
  approverName: string;
  /** Everyone who holds a link: the approver, and backups (delegation or SLA escalation). */
  linkHolders: string[];
  status: ApprovalStatus;
  openedAt: string;
  /** End of the level's business-day SLA. */
  slaDueAt: string;
  escalatedAt?: string;
  /** Hard deadline: the workflow stops waiting and the subject ends as not decided in time. */
  expiresAt: string;
  decidedAt?: string;
  decidedBy?: DecidedBy;
  decision?: Decision;
  reason?: string;
}

/** Business days each approval level has before the approver is reminded and the backup asked. */
export const LEVEL_SLA_BUSINESS_DAYS = 2;

export const levelSlaDueAt = (openedAt: Date, calendar: RegionCalendar): Date =>
  addBusinessDays(openedAt, LEVEL_SLA_BUSINESS_DAYS, calendar);

export const MAX_REASON_LENGTH = 2000;

/**
 * A deny always carries a reason the partner will read, a return says what the
 * partner must do; an approval may carry a note. `returnChoices` lists what a
 * return may name when the subject offers fixed choices (e.g. which proof is missing).
 */
export const checkDecision = (
  decision: Decision,
  reason: string | undefined,
  returnOffer?: { choices?: readonly string[] },
): Verdict<{ decision: Decision; reason?: string }> => {
  const text = reason?.trim() ?? '';
  if (text.length > MAX_REASON_LENGTH) {
    return refuse('approval.reason-length', `The reason is longer than ${MAX_REASON_LENGTH} characters.`);
  }
  if (decision === 'deny' && text === '') {
    return refuse('approval.deny-needs-reason', 'A deny needs a reason: the partner is told why.');
  }
  if (decision === 'return') {
    if (!returnOffer) return refuse('approval.return-not-offered', 'This cannot be sent back to the partner: approve or deny it.');
    if (text === '') return refuse('approval.return-needs-reason', 'Say what the partner must add or change: they are told.');
    if (returnOffer.choices && !returnOffer.choices.includes(text)) {
      return refuse('approval.return-choice', `Choose one of: ${returnOffer.choices.join(', ')}.`);
    }
  }
  return accept(text === '' ? { decision } : { decision, reason: text });
};

/** The approval's status after a decision. */
export const statusAfter = (decision: Decision): ApprovalStatus =>
  decision === 'approve' ? 'Approved' : decision === 'deny' ? 'Denied' : 'Returned';

export type LinkState =
  /** Wrong, expired or tampered: the same plain "not found" for all. */
  | { kind: 'invalid' }
  /** Someone already decided (or the level ended): say who and when. */
  | { kind: 'closed'; approval: Approval }
  | { kind: 'open'; approval: Approval };

export interface LinkRecord {
  approvalId: string;
  holderId: string;
  expiresAt: string;
}

/** What a link may do now. A link is bound to one approval and one holder, and expires. */
export const linkState = (link: LinkRecord | undefined, approval: Approval | undefined, requestedApprovalId: string, now: Date): LinkState => {
  if (!link || !approval || link.approvalId !== requestedApprovalId || approval.id !== link.approvalId) return { kind: 'invalid' };
  if (!approval.linkHolders.includes(link.holderId)) return { kind: 'invalid' };
  if (approval.status !== 'Pending') return { kind: 'closed', approval };
  if (Date.parse(link.expiresAt) <= now.getTime()) return { kind: 'invalid' };
  return { kind: 'open', approval };
};

/** "This was already approved by Dana Smith (for Sam Lee) on 2026-11-25 14:03 UTC." */
export const describeClosedApproval = (approval: Approval): string => {
  const at = approval.decidedAt ? ` on ${approval.decidedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  switch (approval.status) {
    case 'Approved':
    case 'Denied':
    case 'Returned': {
      const who = approval.decidedBy
        ? approval.decidedBy.onBehalfOf
          ? `${approval.decidedBy.name} (for ${approval.decidedBy.onBehalfOf.name})`
          : approval.decidedBy.name
        : 'someone';
      const what = { Approved: 'approved', Denied: 'denied', Returned: 'sent back to the partner' }[approval.status];
      return `This was already ${what} by ${who}${at}.`;
    }
    case 'Canceled':
      return `This request was canceled${at}; there is nothing left to decide.`;
    case 'Expired':
      return `This level was not decided in time and closed${at}.`;
    default:
      return 'This is still waiting for a decision.';
  }
};
