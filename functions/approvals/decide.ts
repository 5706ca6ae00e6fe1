import { checkDecision, describeClosedApproval, linkState, statusAfter, type Approval, type DecidedBy, type Decision } from '#domain/approval';
import type { Refusal } from '#domain/verdict';
import * as approvals from '#store/approvals';
import type { Link, StoredApproval } from '#store/approvals';
import { historyOf, type Actor, type HistoryEvent } from '#store/history';
import { queryPartition, transact, TransactionRefused, type Item } from '#store/table';
import { clock } from '#shared/clock';
import { hashOfToken, isWellFormedToken } from './link-token.ts';
import { subjectOf } from './registry.ts';
import type { ApprovalSubject, FormField, ReturnOffer, SubjectView } from './subjects.ts';
import { tellWorkflow } from './tell-workflow.ts';

/**
 * Deciding a level, from an emailed link or by a signed-in holder through the API.
 * Looking never changes anything; deciding flips the approval from Pending exactly
 * once, in one transaction with the subject's own changes, then tells the waiting
 * workflow.
 */
export interface OpenLevel {
  kind: 'open';
  approval: Approval;
  stored: StoredApproval;
  subject: unknown;
  subjectKind: ApprovalSubject<unknown>;
  partition: string;
  items: Item[];
  view: SubjectView;
  levelLabel: string;
  returnOffer?: ReturnOffer;
  approveFields: FormField[];
  denyReasons?: string[];
  history: HistoryEvent[];
}

export type Closed = { kind: 'closed'; message: string; approval: Approval; view: SubjectView; history: HistoryEvent[] };
export type LevelLookup = { kind: 'invalid' } | Closed | OpenLevel;
export type LinkLookup = { kind: 'invalid' } | Closed | (OpenLevel & { link: Link });

/** Reads a subject's partition and says what its level `approvalId` allows now. */
const lookUpLevel = async (partition: string, subjectKindName: string, approvalId: string, consistent: boolean): Promise<LevelLookup> => {
  const items = await queryPartition(partition, undefined, consistent);
  const stored = approvals.storedOf(items, approvalId);
  const approval = approvals.findApproval(items, approvalId);
  const subjectKind = subjectOf(subjectKindName);
  const subject = subjectKind.read(items);
  if (!stored || !approval || subject === undefined) return { kind: 'invalid' };
  const view = subjectKind.view(subject);
  const history = historyOf(items);
  if (approval.status !== 'Pending') return { kind: 'closed', message: describeClosedApproval(approval), approval, view, history };
  if (!subjectKind.isOpen(subject)) {
    // The level is still open but what it decides is over (e.g. a claim whose request was canceled).
    return { kind: 'closed', message: `This ${view.kindLabel} is no longer waiting for a decision.`, approval, view, history };
  }
  const returnOffer = subjectKind.returnOffer?.(subject);
  const denyReasons = await subjectKind.denyReasons?.(subject);
  return {
    kind: 'open',
    approval,
    stored,
    subject,
    subjectKind,
    partition,
    items,
    view,
    levelLabel: subjectKind.levelLabel(subject, approval.level),
    ...(returnOffer ? { returnOffer } : {}),
    approveFields: (await subjectKind.approveFields?.(subject, items, approval.level)) ?? [],
    ...(denyReasons ? { denyReasons } : {}),
    history,
  };
};

/** What a link may do now: wrong, expired or tampered tokens are all simply invalid. */
export const lookUpLink = async (approvalId: string, token: unknown): Promise<LinkLookup> => {
  if (!isWellFormedToken(token)) return { kind: 'invalid' };
  const link = await approvals.getLink(hashOfToken(token));
  if (!link || link.approvalId !== approvalId) return { kind: 'invalid' };
  // Consistent: right after someone else's decision, the page must already say who decided.
  const lookup = await lookUpLevel(link.approvalPk, link.subjectKind, link.approvalId, true);
  if (lookup.kind !== 'open') return lookup;
  const state = linkState(link, lookup.approval, approvalId, clock.now());
  if (state.kind === 'invalid') return { kind: 'invalid' };
  return { ...lookup, link };
};

/** The pending level of a subject, for a signed-in holder deciding through the API. */
export const lookUpPending = async (subjectKindName: string, subjectId: string): Promise<LevelLookup> => {
  const subjectKind = subjectOf(subjectKindName);
  const partition = subjectKind.partition(subjectId);
  const items = await queryPartition(partition, undefined, true);
  const pending = approvals.pendingOf(items);
  if (!pending) return { kind: 'invalid' };
  return lookUpLevel(partition, subjectKindName, pending.id, true);
};

export type DecideResult =
  | Exclude<LevelLookup, OpenLevel>
  | { kind: 'refused'; refusal: Refusal; lookup: OpenLevel & { link?: Link } }
  | { kind: 'decided'; decision: Decision; outcome: string; view: SubjectView };

/** Who decides: a link's holder, or a signed-in user who holds a link of the level. */
export interface Holder {
  id: string;
  name: string;
  onBehalfOf?: { id: string; name: string };
}

export interface DecisionRequest {
  decision: Decision;
  reason?: string | undefined;
  details?: Record<string, string>;
}

/** Concurrent decisions on one budget or one opportunity conflict in DynamoDB: try again, backing off, a bounded number of times. */
const MAX_ATTEMPTS = 20;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 20 * attempt)));

/** Seconds after a decision when the sweep tells the workflow, should this request fail to. */
const SIGNAL_RETRY_MS = 60_000;

const decide = async (
  lookUp: () => Promise<LevelLookup | LinkLookup>,
  holderOf: (lookup: OpenLevel & { link?: Link }) => Holder | undefined,
  request: DecisionRequest,
): Promise<DecideResult> => {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const lookup = (await lookUp()) as LevelLookup & { link?: Link };
    if (lookup.kind !== 'open') return lookup;
    const holder = holderOf(lookup);
    if (!holder) return { kind: 'invalid' };
    const checked = checkDecision(request.decision, request.reason, lookup.returnOffer && { choices: lookup.returnOffer.choices?.map((choice) => choice.value) });
    if (!checked.ok) return { kind: 'refused', refusal: checked, lookup };
    if (request.decision === 'deny' && lookup.denyReasons && !lookup.denyReasons.includes(checked.value.reason ?? '')) {
      return {
        kind: 'refused',
        refusal: { ok: false, rule: 'approval.deny-reason-from-list', message: `Choose one of the reasons: ${lookup.denyReasons.join('; ')}.`, details: { field: 'reason' } },
        lookup,
      };
    }

    const { approval, stored, subject, subjectKind, partition } = lookup;
    const now = clock.now();
    const decidedBy: DecidedBy = { id: holder.id, name: holder.name, ...(holder.onBehalfOf ? { onBehalfOf: holder.onBehalfOf } : {}) };
    const actor: Actor = { id: holder.id, name: holder.name, kind: 'link', ...(holder.onBehalfOf ? { onBehalfOf: holder.onBehalfOf } : {}) };
    const context = {
      items: lookup.items,
      approval,
      details: request.details ?? {},
      decision: request.decision,
      decidedBy,
      actor,
      now,
      ...(checked.value.reason ? { reason: checked.value.reason } : {}),
    };
    const subjectDecision = await subjectKind.onDecision(subject, context);
    if (!subjectDecision.ok) return { kind: 'refused', refusal: subjectDecision, lookup };

    const usedLinkHash = lookup.link?.hash;
    const approvalItems = approvals.decideItems({
      stored,
      partition,
      ...(usedLinkHash ? { usedLinkHash } : {}),
      decision: request.decision,
      ...(checked.value.reason ? { reason: checked.value.reason } : {}),
      decidedBy,
      now,
      signalDueAt: new Date(now.getTime() + SIGNAL_RETRY_MS).toISOString(),
    });
    try {
      await transact([...approvalItems, ...subjectDecision.value.items]);
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      if (error.isConflict) {
        await pause(attempt);
        continue;
      }
      const approvalSideFailed = error.failedAt(approvals.DECISION_APPROVAL_INDEX) || (usedLinkHash !== undefined && error.failedAt(approvals.DECISION_LINK_INDEX));
      if (!approvalSideFailed) {
        const refusal = await subjectKind.explainRefusal(subject, context);
        if (refusal) return { kind: 'refused', refusal, lookup };
      }
      continue; // someone decided first, the level closed or the subject changed: read again and say so
    }
    const decided: StoredApproval = {
      ...stored,
      status: statusAfter(request.decision),
      decision: request.decision,
      decidedAt: now.toISOString(),
      decidedBy,
      ...(checked.value.reason ? { reason: checked.value.reason } : {}),
    };
    await tellWorkflow(partition, decided);
    return { kind: 'decided', decision: request.decision, outcome: subjectDecision.value.outcome, view: lookup.view };
  }
  throw new Error(`The decision could not be recorded after ${MAX_ATTEMPTS} attempts`);
};

/** A decision from the confirm page's form: the link's holder decides. */
export const decideFromLink = (approvalId: string, token: unknown, request: DecisionRequest): Promise<DecideResult> =>
  decide(
    () => lookUpLink(approvalId, token),
    (lookup) => (lookup.link ? { id: lookup.link.holderId, name: lookup.link.holderName, ...(lookup.link.onBehalfOf ? { onBehalfOf: lookup.link.onBehalfOf } : {}) } : undefined),
    request,
  );

/**
 * A decision through the API by a signed-in user who holds a link of the pending
 * level (the approver, or a backup for them). Anyone else is refused as if there
 * were nothing to decide.
 */
export const decideAsUser = (subjectKindName: string, subjectId: string, user: { id: string; name: string }, request: DecisionRequest): Promise<DecideResult> =>
  decide(
    () => lookUpPending(subjectKindName, subjectId),
    (lookup) => {
      if (!lookup.approval.linkHolders.includes(user.id)) return undefined;
      return user.id === lookup.approval.approverId
        ? user
        : { ...user, onBehalfOf: { id: lookup.approval.approverId, name: lookup.approval.approverName } };
    },
    request,
  );
