import * as z from 'zod/mini';
import { missingKinds } from '#domain/claims';
import { claimApproved, claimDenied, claimReceived } from '#email/claim-emails';
import { sendEmail } from '#email/send';
import * as claims from '#store/claims';
import { workflowTask } from './task.ts';

/** Emails the partner at the claim review's milestones: received (naming missing proof), approved (invoice), denied. */
const TellPartner = z.object({
  claimId: z.string().check(z.minLength(1)),
  outcome: z.enum(['received', 'approved', 'denied']),
});

export const handler = workflowTask(TellPartner, async ({ claimId, outcome }) => {
  const found = await claims.getWithPartition(claimId);
  if (!found) throw new Error(`No claim ${claimId}`);
  const { claim, attachments } = found;
  const email = outcome === 'received' ? claimReceived(claim, missingKinds(attachments)) : outcome === 'approved' ? claimApproved(claim) : claimDenied(claim);
  await sendEmail(email);
  return { told: outcome };
});
