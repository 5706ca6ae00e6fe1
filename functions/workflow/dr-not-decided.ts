import * as z from 'zod/mini';
import { registrationNotDecided } from '#email/dr-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import * as registrations from '#store/deal-registrations';
import { systemActor } from '#store/history';
import { transact, TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { workflowTask } from './task.ts';

/**
 * A review level waited past its hard timeout, or the partner never resubmitted
 * a returned registration: it ends as Denied with the reason and the partner is
 * told. A decision that got there first wins.
 */
const NotDecided = z.object({ registrationId: z.string().check(z.minLength(1)), why: z.enum(['review', 'resubmission']) });

const reasons = {
  review: 'Not decided in time: a review passed its deadline without a decision.',
  resubmission: 'The returned registration was not resubmitted in time.',
};

export const handler = workflowTask(NotDecided, async ({ registrationId, why }) => {
  const found = await registrations.getWithPartition(registrationId);
  if (!found) throw new Error(`No deal registration ${registrationId}`);
  const { registration, items } = found;
  const from = registration.status;
  if (!['Submitted', 'Pending Sales Review', 'Pending ASM Review', 'Returned'].includes(from)) return { changed: false, status: from };
  const at = clock.now().toISOString();
  const partition = registrations.partitionOf(registrationId);
  const pending = approvals.approvalsOf(items).filter((approval) => approval.status === 'Pending');
  try {
    await transact([
      registrations.transitionItem(registration, from, 'Denied', at, { outcomeReason: reasons[why], decidedAt: at }, ['resubmitTaskToken']),
      registrations.dueClearItem(registrationId, registrations.PARTNER_CONTACT_DUE),
      ...pending.flatMap((approval) => {
        const stored = approvals.storedOf(items, approval.id);
        return stored ? approvals.closeItems(stored, partition, 'Expired', at) : [];
      }),
      registrations.historyItem(registrationId, { at, by: systemActor('registration review'), action: 'not-decided-in-time', from, to: 'Denied', reason: reasons[why] }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) {
      logger.info('A decision ended the registration first', { registrationId });
      return { changed: false };
    }
    throw error;
  }
  await sendEmail(registrationNotDecided({ ...registration, status: 'Denied', outcomeReason: reasons[why] }));
  return { changed: true };
});
