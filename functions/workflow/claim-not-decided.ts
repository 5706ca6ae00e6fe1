import * as z from 'zod/mini';
import { claimNotDecided } from '#email/claim-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import * as claims from '#store/claims';
import { systemActor } from '#store/history';
import * as mdfRequests from '#store/mdf-requests';
import { transact, TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { workflowTask } from './task.ts';

/**
 * The review waited past its hard timeout, or the partner never added the missing
 * proof: the claim ends as Denied with the reason, its request may take a new
 * claim, and the partner is told. A decision that got there first wins.
 */
const NotDecided = z.object({ claimId: z.string().check(z.minLength(1)), why: z.enum(['review', 'proof']) });

const reasons = {
  review: 'Not decided in time: the review passed its deadline without a decision.',
  proof: 'The missing proof was not added in time.',
};

export const handler = workflowTask(NotDecided, async ({ claimId, why }) => {
  const found = await claims.getWithPartition(claimId);
  if (!found) throw new Error(`No claim ${claimId}`);
  const { claim, items } = found;
  if (claim.status !== 'Open') return { changed: false, status: claim.status };
  const at = clock.now().toISOString();
  const partition = claims.partitionOf(claimId);
  const pending = approvals.approvalsOf(items).filter((approval) => approval.status === 'Pending');
  try {
    await transact([
      claims.transitionItem(claimId, 'Open', 'Denied', at, { decidedAt: at, outcomeReason: reasons[why] }),
      mdfRequests.claimReleasedItem(claim.requestId, claimId, at),
      ...pending.flatMap((approval) => {
        const stored = approvals.storedOf(items, approval.id);
        return stored ? approvals.closeItems(stored, partition, 'Expired', at) : [];
      }),
      claims.historyItem(claimId, { at, by: systemActor('claim review'), action: why === 'review' ? 'not-decided-in-time' : 'proof-not-added', from: 'Open', to: 'Denied', reason: reasons[why] }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) {
      logger.info('A decision ended the claim first', { claimId });
      return { changed: false };
    }
    throw error;
  }
  await sendEmail(claimNotDecided({ ...claim, status: 'Denied', outcomeReason: reasons[why] }));
  return { changed: true };
});
