import * as z from 'zod/mini';
import { requestDenied } from '#email/nfr-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import { systemActor } from '#store/history';
import * as nfr from '#store/nfr';
import { transact, TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { workflowTask } from './task.ts';

/**
 * The help desk's review waited past the hard timeout: the request ends as Denied,
 * not decided in time, its pending level closes as Expired, and the requester is
 * told. A decision that got there first wins: then nothing changes.
 */
const NotDecided = z.object({ requestId: z.string().check(z.minLength(1)) });

export const NOT_DECIDED_REASON = 'Not decided in time: the help desk review passed its deadline without a decision.';

export const handler = workflowTask(NotDecided, async ({ requestId }) => {
  const found = await nfr.getRequestWithPartition(requestId, true);
  if (!found) throw new Error(`No NFR request ${requestId}`);
  const { request, items } = found;
  if (request.status !== 'Pending') return { changed: false, status: request.status };
  const at = clock.now().toISOString();
  const partition = nfr.partitionOf(requestId);
  const pending = approvals.approvalsOf(items).filter((approval) => approval.status === 'Pending');
  try {
    await transact([
      nfr.decidedItem(request, 'Denied', at, { outcomeReason: NOT_DECIDED_REASON }),
      ...pending.flatMap((approval) => {
        const stored = approvals.storedOf(items, approval.id);
        return stored ? approvals.closeItems(stored, partition, 'Expired', at) : [];
      }),
      nfr.requestHistoryItem(requestId, { at, by: systemActor('approval workflow'), action: 'not-decided-in-time', from: 'Pending', to: 'Denied', reason: NOT_DECIDED_REASON }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) {
      logger.info('A decision ended the NFR request first', { requestId });
      return { changed: false };
    }
    throw error;
  }
  await sendEmail(requestDenied({ ...request, status: 'Denied', outcomeReason: NOT_DECIDED_REASON, decidedAt: at }));
  return { changed: true, status: 'Denied' };
});
