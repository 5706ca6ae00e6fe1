import type { Approval, DecidedBy, Decision } from '#domain/approval';
import type { InternalRole } from '#domain/people';
import type { Region } from '#domain/regions';
import type { Refusal, Verdict } from '#domain/verdict';
import type { Actor, HistoryEvent } from '#store/history';
import type { RegionCalendarView } from '#store/calendars';
import type { Item, TransactItem } from '#store/table';
import type { Email } from '#email/send';

/**
 * What the approval machinery (levels, links, confirm page, escalation) needs to
 * know about a thing being approved. Each kind of subject (MDF request today;
 * claims and deal registrations next) implements it once; the machinery is shared.
 */
export interface SubjectView {
  /** e.g. `MDF request` */
  kindLabel: string;
  title: string;
  partnerName: string;
  /** Label/value lines for the email and the confirm page. */
  facts: [string, string][];
}

/** A subject that can be sent back to the partner offers a third action on the page. */
export interface ReturnOffer {
  /** The button, e.g. `Mark proof missing`. */
  label: string;
  /** The field's label, e.g. `Which proof is missing?`. */
  prompt: string;
  /** Fixed choices (value and words); without them the approver writes comments. */
  choices?: { value: string; label: string }[];
}

/** An extra input on the Approve form (operations link an account and pick the ESM). */
export interface FormField {
  name: string;
  label: string;
  /** Choices to pick from; without them, free text. */
  options?: { value: string; label: string }[];
  required: boolean;
  help?: string;
}

export interface DecisionContext {
  /** Every item of the subject's partition, as read for this decision. */
  items: readonly Item[];
  approval: Approval;
  /** The Approve form's extra fields, as sent. */
  details: Record<string, string>;
  decision: Decision;
  reason?: string;
  decidedBy: DecidedBy;
  actor: Actor;
  now: Date;
}

export interface SubjectDecision {
  /** Writes that go into the same transaction as the approval's own. */
  items: TransactItem[];
  /** What happens next, in words for the confirm page. */
  outcome: string;
}

export interface ApprovalSubject<S> {
  kind: string;
  /** The partition holding the subject, its approvals and its history. */
  partition(subjectId: string): string;
  /** The subject among its partition's items. */
  read(items: readonly Item[]): S | undefined;
  /** Still being decided (otherwise links only show how it ended). */
  isOpen(subject: S): boolean;
  view(subject: S): SubjectView;
  /** Who decides `level`: a role, in a region or globally. */
  assignment(subject: S, level: string): { role: InternalRole; scope: Region | 'GLOBAL' };
  /** The region whose business calendar times the SLA. */
  calendarRegion(subject: S): Region;
  /** e.g. `level 2 of 3` */
  levelLabel(subject: S, level: string): string;
  /** The third action, when the subject can go back to the partner. */
  returnOffer?(subject: S): ReturnOffer | undefined;
  /**
   * The review round the subject is in, when it counts its own rounds (a deal
   * registration resubmitted after a return): every level is asked anew in a new
   * round, including levels approved in an earlier one.
   */
  round?(subject: S): number;
  /** A named person decides this level (e.g. the ESM operations assigned) instead of the role's assignee. */
  approverOf?(subject: S, level: string): string | undefined;
  /** When the level's SLA ends; two business days when not given. */
  slaDueAt?(subject: S, level: string, openedAt: Date, calendar: RegionCalendarView): Date;
  /** Extra inputs the Approve form asks for. */
  approveFields?(subject: S, items: readonly Item[], level: string): Promise<FormField[]>;
  /** The reasons a deny is chosen from; free text when not given. */
  denyReasons?(subject: S): Promise<string[]>;
  /** Emails sent when a level opens, beside the approver's (e.g. telling the partner where things stand). */
  emailsOnOpen?(subject: S, level: string): Email[];
  /** Writes when a level opens (e.g. the subject's current level), in the same transaction. */
  onOpen(subject: S, approval: Approval, history: HistoryEvent): TransactItem[];
  /** The subject's writes for a decision, or a refusal shown on the page (the level stays open). */
  onDecision(subject: S, context: DecisionContext): Promise<Verdict<SubjectDecision>>;
  /**
   * The transaction failed on one of the subject's own items: say why, when it is
   * a refusal the approver should read (e.g. the budget ran short meanwhile).
   */
  explainRefusal(subject: S, context: DecisionContext): Promise<Refusal | undefined>;
}
