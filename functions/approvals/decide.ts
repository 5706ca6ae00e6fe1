import { checkDecision, describeClosedApproval, linkState, statusAfter, type Approval, type Decision } from '#domain/approval';
import type { Refusal } from '#domain/verdict';
import * as approvals from '#store/approvals';
import type { Link, StoredApproval } from '#store/approvals';
import { historyOf, type Actor, type HistoryEvent } from '#store/history';
import { queryPartition, transact, TransactionRefused, type Item } from '#store/table';
import { clock } from '#shared/clock';
import { hashOfToken, isWellFormedToken } from './link-token.ts';
import { subjectOf } from './registry.ts';
import type { ApprovalSubject, ReturnOffer, SubjectView } from './subjects.ts';
import { tellWorkflow } from './tell-workflow.ts';

/**
 * The confirm page's two moves. Looking at a link never changes anything; deciding
 * flips the approval from Pending exactly once, in one transaction with the
 * subject's own changes, then tells the waiting workflow.
 */
export type LinkLookup =
  | { kind: 'invalid' }
  | { kind: 'closed'; message: string; approval: Approval; view: SubjectView; history: HistoryEvent[] }
  | {
      kind: 'open';
      link: Link;
      approval: Approval;
      stored: StoredApproval;
      subject: unknown;
      subjectKind: ApprovalSubject<unknown>;
      partition: string;
      items: Item[];
      view: SubjectView;
      levelLabel: string;
      returnOffer?: ReturnOffer;
      history: HistoryEvent[];
    };

export const lookUpLink = async (approvalId: string, token: unknown): Promise<LinkLookup> => {
  if (!isWellFormedToken(token)) return { kind: 'invalid' };
  const link = await approvals.getLink(hashOfToken(token));
  if (!link || link.approvalId !== approvalId) return { kind: 'invalid' };
  // Consistent: right after someone else's decision, the page must already say who decided.
  const items = await queryPartition(link.approvalPk, undefined, true);
  const stored = approvals.storedOf(items, link.approvalId);
  const approval = approvals.findApproval(items, link.approvalId);
  const subjectKind = subjectOf(link.subjectKind);
  const subject = subjectKind.read(items);
  const state = linkState(link, approval, approvalId, clock.now());
  if (state.kind === 'invalid' || !stored || subject === undefined) return { kind: 'invalid' };
  const view = subjectKind.view(subject);
  const history = historyOf(items);
  if (state.kind === 'closed') return { kind: 'closed', message: describeClosedApproval(state.approval), approval: state.approval, view, history };
  if (!subjectKind.isOpen(subject)) {
    // The level is still open but what it decides is over (e.g. a claim whose request was canceled).
    return { kind: 'closed', message: `This ${view.kindLabel} is no longer waiting for a decision.`, approval: state.approval, view, history };
  }
  const returnOffer = subjectKind.returnOffer?.(subject);
  return {
    kind: 'open',
    link,
    approval: state.approval,
    stored,
    subject,
    subjectKind,
    partition: link.approvalPk,
    items,
    view,
    levelLabel: subjectKind.levelLabel(subject, state.approval.level),
    ...(returnOffer ? { returnOffer } : {}),
    history,
  };
};

export type DecideResult =
  | Exclude<LinkLookup, { kind: 'open' }>
  | { kind: 'refused'; refusal: Refusal; lookup: Extract<LinkLookup, { kind: 'open' }> }
  | { kind: 'decided'; decision: Decision; outcome: string; view: SubjectView };

/** Concurrent decisions on one budget conflict in DynamoDB: try again, backing off, a bounded number of times. */
const MAX_ATTEMPTS = 20;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 20 * attempt)));

/** Seconds after a decision when the sweep tells the workflow, should this request fail to. */
const SIGNAL_RETRY_MS = 60_000;

export const decideFromLink = async (approvalId: string, token: unknown, decision: Decision, reason: string | undefined): Promise<DecideResult> => {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const lookup = await lookUpLink(approvalId, token);
    if (lookup.kind !== 'open') return lookup;
    const checked = checkDecision(decision, reason, lookup.returnOffer && { choices: lookup.returnOffer.choices?.map((choice) => choice.value) });
    if (!checked.ok) return { kind: 'refused', refusal: checked, lookup };

    const { link, approval, stored, subject, subjectKind, partition } = lookup;
    const now = clock.now();
    const onBehalfOf = link.onBehalfOf;
    const decidedBy = { id: link.holderId, name: link.holderName, ...(onBehalfOf ? { onBehalfOf } : {}) };
    const actor: Actor = { id: link.holderId, name: link.holderName, kind: 'link', ...(onBehalfOf ? { onBehalfOf } : {}) };
    const context = { items: lookup.items, approval, decision, decidedBy, actor, now, ...(checked.value.reason ? { reason: checked.value.reason } : {}) };
    const subjectDecision = await subjectKind.onDecision(subject, context);
    if (!subjectDecision.ok) return { kind: 'refused', refusal: subjectDecision, lookup };

    const approvalItems = approvals.decideItems({
      stored,
      partition,
      usedLinkHash: link.hash,
      decision,
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
      const approvalSideFailed = error.failedAt(approvals.DECISION_APPROVAL_INDEX) || error.failedAt(approvals.DECISION_LINK_INDEX);
      if (!approvalSideFailed) {
        const refusal = await subjectKind.explainRefusal(subject, context);
        if (refusal) return { kind: 'refused', refusal, lookup };
      }
      continue; // someone decided first, the level closed or the subject changed: read again and say so
    }
    const decided: StoredApproval = {
      ...stored,
      status: statusAfter(decision),
      decision,
      decidedAt: now.toISOString(),
      decidedBy,
      ...(checked.value.reason ? { reason: checked.value.reason } : {}),
    };
    await tellWorkflow(partition, decided);
    return { kind: 'decided', decision, outcome: subjectDecision.value.outcome, view: lookup.view };
  }
  throw new Error(`The decision on ${approvalId} could not be recorded after ${MAX_ATTEMPTS} attempts`);
};
