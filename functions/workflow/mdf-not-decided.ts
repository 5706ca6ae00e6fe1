import * as z from 'zod/mini';
import { requestNotDecided } from '#email/mdf-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import { systemActor } from '#store/history';
import * as mdfRequests from '#store/mdf-requests';
import { transact, TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { workflowTask } from './task.ts';

/**
 * A level waited past the hard timeout: the request ends as Denied, not decided in
 * time, its pending level closes as Expired, and the partner is told. A decision or
 * cancellation that got there first wins: then nothing changes.
 */
const NotDecided = z.object({ requestId: z.string().check(z.minLength(1)) });

export const NOT_DECIDED_REASON = 'Not decided in time: an approval level passed its deadline without a decision.';

export const handler = workflowTask(NotDecided, async ({ requestId }) => {
  const found = await mdfRequests.getWithPartition(requestId);
  if (!found) throw new Error(`No MDF request ${requestId}`);
  const { request, items } = found;
  if (request.status !== 'Open') return { changed: false, status: request.status };
  const at = clock.now().toISOString();
  const partition = mdfRequests.partitionOf(requestId);
  const pending = approvals.approvalsOf(items).filter((approval) => approval.status === 'Pending');
  try {
    await transact([
      mdfRequests.transitionItem(request, ['Open'], 'Denied', at, { decidedAt: at, outcomeReason: NOT_DECIDED_REASON }),
      ...pending.flatMap((approval) => {
        const stored = approvals.storedOf(items, approval.id);
        return stored ? approvals.closeItems(stored, partition, 'Expired', at) : [];
      }),
      mdfRequests.historyItem(requestId, {
        at,
        by: systemActor('approval workflow'),
        action: 'not-decided-in-time',
        from: 'Open',
        to: 'Denied',
        reason: NOT_DECIDED_REASON,
        details: { levels: pending.map((approval) => approval.level) },
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) {
      logger.info('A decision or cancellation ended the request first', { requestId });
      return { changed: false };
    }
    throw error;
  }
  await sendEmail(requestNotDecided({ ...request, status: 'Denied', outcomeReason: NOT_DECIDED_REASON, decidedAt: at }));
  return { changed: true, status: 'Denied' };
});
