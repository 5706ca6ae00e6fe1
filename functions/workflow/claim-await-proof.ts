import * as z from 'zod/mini';
import { attachmentKinds, attachmentKindLabels } from '#domain/claims';
import { proofMissing } from '#email/claim-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import * as claims from '#store/claims';
import { systemActor } from '#store/history';
import { transact } from '#store/table';
import { clock } from '#shared/clock';
import { resumeIfWaitingFor } from './claim-proof.ts';
import { workflowTask } from './task.ts';

/**
 * `waitForTaskToken` task after the CMM marked a proof missing: the claim keeps the
 * token and waits for the partner to add that kind of file, and the partner is
 * emailed. If the file already arrived after the CMM's request (a fast partner),
 * the wait ends at once.
 */
const AwaitProof = z.object({
  claimId: z.string().check(z.minLength(1)),
  kind: z.enum(attachmentKinds),
  taskToken: z.string().check(z.minLength(1)),
});

export const handler = workflowTask(AwaitProof, async ({ claimId, kind, taskToken }) => {
  const at = clock.now().toISOString();
  await transact([
    claims.awaitProofItem(claimId, kind, taskToken, at),
    claims.historyItem(claimId, { at, by: systemActor('claim review'), action: 'waiting-for-proof', reason: `Waiting for the ${attachmentKindLabels[kind]}` }),
  ]);
  const found = await claims.getWithPartition(claimId, true);
  if (!found) throw new Error(`No claim ${claimId}`);
  const askedAt = approvals.latestOfLevel(found.items, 'cmm')?.decidedAt ?? at;
  const alreadyHere = found.attachments.some((file) => file.kind === kind && file.status === 'Uploaded' && (file.uploadedAt ?? '') > askedAt);
  if (alreadyHere) {
    await resumeIfWaitingFor(claimId, kind, at);
    return { waiting: false };
  }
  await sendEmail(proofMissing(found.claim, kind));
  return { waiting: true };
});
