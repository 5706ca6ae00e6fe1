import { localDate } from '#domain/calendar';
import { activeDelegation, roleTitles, type User } from '#domain/people';
import { approvalReminder, approvalRequested } from '#email/approval-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import type { StoredApproval } from '#store/approvals';
import * as approvers from '#store/approvers';
import * as calendars from '#store/calendars';
import { historyPut, systemActor } from '#store/history';
import { queryPartition, recordOf, transact, TransactionRefused, type Item } from '#store/table';
import * as users from '#store/users';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { mintLinkToken } from './link-token.ts';
import { approvalPageUrl } from './link-url.ts';
import { subjectOf } from './registry.ts';

/**
 * A level passed its business-day SLA: the approver is reminded (with a fresh
 * link) and the request goes to their backup as well, with a link of their own.
 * The backup is the backup of a delegation in force, otherwise the approver's
 * manager; when the delegation's backup already holds a link, the manager.
 * Exactly once per level: the escalation is claimed by a conditional write before
 * any email goes out.
 */
export const escalate = async (dueItem: Item): Promise<'escalated' | 'skipped'> => {
  const due = recordOf<StoredApproval>(dueItem);
  const partition = String(dueItem.pk);
  const items = await queryPartition(partition);
  const stored = approvals.storedOf(items, due.id);
  if (!stored || stored.status !== 'Pending' || stored.escalatedAt) return 'skipped';
  const subjectKind = subjectOf(stored.subjectKind);
  const subject = subjectKind.read(items);
  if (subject === undefined || !subjectKind.isOpen(subject)) {
    // What the level decides is over (e.g. a claim whose request was canceled): nothing to remind, stop reading it.
    await approvals.leaveSlaDue(partition, stored);
    return 'skipped';
  }

  const [approver, delegations, calendar] = await Promise.all([
    users.get(stored.approverId),
    approvers.delegationsOf(stored.approverId),
    calendars.get(subjectKind.calendarRegion(subject)),
  ]);
  const now = clock.now();
  if (!approver) {
    // Nobody to remind: record it and leave the due index rather than being read by every sweep.
    logger.error('Escalation impossible: the approver no longer exists', { approvalId: stored.id, approverId: stored.approverId });
    await transact([
      ...approvals.escalateItems(stored, partition, [], subjectKind.view(subject).title, now.toISOString()),
      historyPut(partition, { at: now.toISOString(), by: systemActor('SLA sweep'), action: 'escalation-failed', reason: 'The approver no longer exists' }),
    ]).catch((error: unknown) => {
      if (!(error instanceof TransactionRefused)) throw error;
    });
    return 'skipped';
  }
  const delegation = activeDelegation(delegations, localDate(now, calendar.timeZone));
  const candidates = [delegation?.backupId, approver.managerId].filter((id): id is string => !!id && id !== approver.id && !stored.linkHolders.includes(id));
  const backup: User | undefined = candidates[0] ? await users.get(candidates[0]) : undefined;

  const links = [
    { ...mintLinkToken(), holderId: approver.id, holderName: approver.name, holderEmail: approver.email },
    ...(backup
      ? [{ ...mintLinkToken(), holderId: backup.id, holderName: backup.name, holderEmail: backup.email, onBehalfOf: { id: approver.id, name: approver.name } }]
      : []),
  ];
  const view = subjectKind.view(subject);
  const at = now.toISOString();
  try {
    await transact([
      ...approvals.escalateItems(stored, partition, links, view.title, at),
      historyPut(partition, {
        at,
        by: systemActor('SLA sweep'),
        action: 'escalated',
        reason: `Level ${stored.level} was not decided by ${stored.slaDueAt}`,
        details: { level: stored.level, approver: approver.name, ...(backup ? { backup: backup.name } : {}) },
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) return 'skipped'; // decided meanwhile, or another sweep escalated first
    throw error;
  }

  const asTitle = `${roleTitles[stored.role]} (${stored.scope})`;
  const levelLabel = subjectKind.levelLabel(subject, stored.level);
  const [own, backupLink] = links;
  if (own) {
    await sendEmail(
      approvalReminder({
        to: { name: approver.name, email: approver.email },
        asTitle,
        levelLabel,
        view,
        url: approvalPageUrl(stored.id, own.token),
        slaDueAt: stored.slaDueAt,
        expiresAt: stored.expiresAt,
        ...(backup ? { backupName: backup.name } : {}),
      }),
    );
  }
  if (backup && backupLink) {
    await sendEmail(
      approvalRequested({
        to: { name: backup.name, email: backup.email },
        asTitle,
        levelLabel,
        view,
        url: approvalPageUrl(stored.id, backupLink.token),
        slaDueAt: stored.slaDueAt,
        expiresAt: stored.expiresAt,
        onBehalfOf: { name: approver.name, why: 'overdue' },
      }),
    );
  }
  logger.info('Approval escalated', { approvalId: stored.id, backup: backup?.id ?? null });
  return 'escalated';
};
