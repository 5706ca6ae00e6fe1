import * as z from 'zod/mini';
import { openLoaStatuses } from '#domain/loa';
import { loaRefused } from '#email/loa-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import { systemActor } from '#store/history';
import * as loaRequests from '#store/loa-requests';
import { transact, TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { workflowTask } from './task.ts';

/**
 * A level waited past its hard timeout: the request ends as Refused with the reason
 * and the partner is told. A decision that got there first wins.
 */
const NotDecided = z.object({ loaId: z.string().check(z.minLength(1)) });

const REASON = 'Not decided in time: a review passed its deadline without a decision.';

export const handler = workflowTask(NotDecided, async ({ loaId }) => {
  const found = await loaRequests.getWithPartition(loaId, true);
  if (!found) throw new Error(`No Letter of Authorization request ${loaId}`);
  const { request, items } = found;
  const from = request.status;
  if (!openLoaStatuses.has(from)) return { changed: false, status: from };
  const at = clock.now().toISOString();
  const partition = loaRequests.partitionOf(loaId);
  const pending = approvals.approvalsOf(items).filter((approval) => approval.status === 'Pending');
  try {
    await transact([
      loaRequests.transitionItem(request, from, 'Refused', at, { outcomeReason: REASON, decidedAt: at }),
      ...pending.flatMap((approval) => {
        const stored = approvals.storedOf(items, approval.id);
        return stored ? approvals.closeItems(stored, partition, 'Expired', at) : [];
      }),
      loaRequests.historyItem(loaId, { at, by: systemActor('letter review'), action: 'not-decided-in-time', from, to: 'Refused', reason: REASON }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) {
      logger.info('A decision ended the request first', { loaId });
      return { changed: false };
    }
    throw error;
  }
  await sendEmail(loaRefused({ ...request, status: 'Refused', outcomeReason: REASON }));
  return { changed: true };
});
