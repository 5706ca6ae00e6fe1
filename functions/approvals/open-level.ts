import { levelSlaDueAt, type Approval } from '#domain/approval';
import { localDate } from '#domain/calendar';
import { activeDelegation, roleTitles, type User } from '#domain/people';
import { approvalRequested } from '#email/approval-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import * as approvers from '#store/approvers';
import * as calendars from '#store/calendars';
import { systemActor } from '#store/history';
import { queryPartition, transact } from '#store/table';
import * as users from '#store/users';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { mintLinkToken } from './link-token.ts';
import { approvalPageUrl } from './link-url.ts';
import { subjectOf } from './registry.ts';

export interface OpenLevelInput {
  subject: string;
  subjectId: string;
  level: string;
  round?: number;
  taskToken: string;
  /** The workflow's hard timeout for this wait: links expire with it. */
  timeoutSeconds: number;
}

/** No approver is assigned for a role in a region: the program administrator must assign one. */
export class NoApproverAssigned extends Error {
  override name = 'NoApproverAssigned';
}

export type OpenLevelResult = { opened: true; approvalId: string; linkHolders: string[] } | { opened: false; why: string };

/**
 * Opens one approval level: finds the approver (and, when a delegation is in
 * force, their backup), records the approval with the workflow's task token and a
 * link per holder in one transaction, then emails each holder their own link.
 * Running it again for the same level (a retried task) keeps one approval.
 */
export const openLevel = async (input: OpenLevelInput): Promise<OpenLevelResult> => {
  const subjectKind = subjectOf(input.subject);
  const partition = subjectKind.partition(input.subjectId);
  const items = await queryPartition(partition);
  const subject = subjectKind.read(items);
  if (subject === undefined) throw new Error(`No ${input.subject} ${input.subjectId}`);
  if (!subjectKind.isOpen(subject)) return { opened: false, why: 'the subject is no longer being decided' };

  // The round: a retried task reopens the pending one; after a return (the partner fixed something) the level is asked anew.
  const latest = approvals.latestOfLevel(items, input.level);
  const subjectRound = subjectKind.round?.(subject);
  let round = input.round ?? subjectRound ?? 1;
  if (input.round === undefined && subjectRound === undefined && latest) {
    if (latest.status === 'Pending') round = latest.round;
    else if (latest.status === 'Returned') round = latest.round + 1;
    else return { opened: false, why: `level already ${latest.status}` };
  }
  const address = { partition, subjectId: input.subjectId, level: input.level, round };
  const approvalId = approvals.approvalIdOf(address);
  const existing = approvals.storedOf(items, approvalId);
  if (existing && existing.status !== 'Pending') return { opened: false, why: `level already ${existing.status}` };

  const { role, scope } = subjectKind.assignment(subject, input.level);
  const approverId = subjectKind.approverOf?.(subject, input.level) ?? (await approvers.assigned(role, scope))?.userId;
  if (!approverId) throw new NoApproverAssigned(`No ${roleTitles[role]} is assigned for ${scope}.`);
  const [approver, delegations, calendar] = await Promise.all([
    users.get(approverId),
    approvers.delegationsOf(approverId),
    calendars.get(subjectKind.calendarRegion(subject)),
  ]);
  if (!approver) throw new NoApproverAssigned(`The ${roleTitles[role]} for ${scope} (${approverId}) does not exist.`);

  const now = clock.now();
  const delegation = activeDelegation(delegations, localDate(now, calendar.timeZone));
  const backup: User | undefined = delegation ? await users.get(delegation.backupId) : undefined;

  const approval: Approval = {
    id: approvalId,
    subjectKind: input.subject,
    subjectId: input.subjectId,
    level: input.level,
    role,
    scope,
    approverId: approver.id,
    approverName: approver.name,
    linkHolders: [],
    status: 'Pending',
    openedAt: existing?.openedAt ?? now.toISOString(),
    slaDueAt: existing?.slaDueAt ?? (subjectKind.slaDueAt?.(subject, input.level, now, calendar) ?? levelSlaDueAt(now, calendar)).toISOString(),
    expiresAt: new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString(),
  };
  const holders = [{ user: approver }, ...(backup ? [{ user: backup, onBehalfOf: approver }] : [])];
  const links = holders.map(({ user, onBehalfOf }) => ({
    ...mintLinkToken(),
    holderId: user.id,
    holderName: user.name,
    holderEmail: user.email,
    ...(onBehalfOf ? { onBehalfOf: { id: onBehalfOf.id, name: onBehalfOf.name } } : {}),
  }));
  const view = subjectKind.view(subject);
  const asTitle = `${roleTitles[role]} (${scope})`;
  await transact([
    ...approvals.openItems(approval, address, input.taskToken, links, view.title),
    ...subjectKind.onOpen(subject, approval, {
      at: approval.openedAt,
      by: systemActor('approval workflow'),
      action: existing ? 'level-reopened' : 'sent-to-approver',
      details: { level: input.level, approver: approver.name, ...(backup ? { backup: backup.name } : {}), dueAt: approval.slaDueAt },
    }),
  ]);

  const levelLabel = subjectKind.levelLabel(subject, input.level);
  for (const link of links) {
    await sendEmail(
      approvalRequested({
        to: { name: link.holderName, email: link.holderEmail },
        asTitle,
        levelLabel,
        view,
        url: approvalPageUrl(approvalId, link.token),
        slaDueAt: approval.slaDueAt,
        expiresAt: approval.expiresAt,
        ...(link.onBehalfOf ? { onBehalfOf: { name: link.onBehalfOf.name, why: 'delegation' as const } } : {}),
      }),
    );
  }
  if (!existing) for (const email of subjectKind.emailsOnOpen?.(subject, input.level) ?? []) await sendEmail(email);
  logger.info('Approval level opened', { approvalId, level: input.level, holders: links.map((link) => link.holderId) });
  return { opened: true, approvalId, linkHolders: links.map((link) => link.holderId) };
};
