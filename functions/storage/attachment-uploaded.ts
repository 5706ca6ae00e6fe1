import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { S3Event } from 'aws-lambda';
import { describeObject, removeObject } from '#approvals/claim-files';
import { attachmentKindLabels, MAX_ATTACHMENT_BYTES } from '#domain/claims';
import * as claims from '#store/claims';
import { systemActor } from '#store/history';
import { transact, TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { resumeIfWaitingFor } from '#workflow/claim-proof';

/**
 * A file landed in the attachments bucket (S3 ObjectCreated). It is recorded
 * against its claim once, if it is what the partner declared: the declared type and
 * no bigger than declared (S3's upload policy already enforces both; this is the
 * check behind it). Anything else is rejected and deleted. When the review waits
 * for this kind of proof, it resumes. S3 may deliver a notification twice; a
 * repeat only finishes what the first left undone.
 */
const recordUpload = async (key: string): Promise<'recorded' | 'rejected' | 'ignored'> => {
  const address = claims.parseObjectKey(key);
  if (!address) return 'ignored';
  const [attachment, object] = await Promise.all([claims.getAttachment(address.claimId, address.attachmentId), describeObject(key)]);
  if (!attachment) return 'ignored';
  const at = clock.now().toISOString();
  // A redelivered notification finishes what the first one may not have: the delete, or waking the review.
  if (attachment.status === 'Rejected') {
    if (object) await removeObject(key);
    return 'rejected';
  }
  if (attachment.status === 'Uploaded') {
    await resumeIfWaitingFor(address.claimId, attachment.kind, at);
    return 'recorded';
  }
  if (!object) return 'ignored';
  const problem =
    object.sizeBytes > Math.min(attachment.declaredBytes, MAX_ATTACHMENT_BYTES)
      ? `The file is ${object.sizeBytes} bytes, more than the ${attachment.declaredBytes} declared.`
      : object.contentType.split(';')[0]?.trim() !== attachment.contentType
        ? `The file is ${object.contentType || 'of no type'}, not the ${attachment.contentType} declared.`
        : undefined;
  try {
    await transact([
      problem
        ? claims.rejectedItem(address.claimId, attachment.id, problem, at)
        : claims.uploadedItem(address.claimId, attachment.id, object.sizeBytes, at),
      claims.historyItem(address.claimId, {
        at,
        by: systemActor('file upload'),
        action: problem ? 'attachment-rejected' : 'attachment-added',
        ...(problem ? { reason: problem } : {}),
        details: { attachmentId: attachment.id, kind: attachment.kind, fileName: attachment.fileName },
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) return 'ignored'; // another delivery recorded it first
    throw error;
  }
  if (problem) {
    await removeObject(key);
    logger.warn('Upload rejected', { claimId: address.claimId, attachmentId: attachment.id });
    return 'rejected';
  }
  if (await resumeIfWaitingFor(address.claimId, attachment.kind, at)) {
    logger.info(`The missing ${attachmentKindLabels[attachment.kind]} arrived; the review resumes`, { claimId: address.claimId });
  }
  return 'recorded';
};

export const handler = middy(async (event: S3Event) => {
  const outcomes = [];
  for (const record of event.Records ?? []) {
    if (!record.eventName?.startsWith('ObjectCreated')) continue;
    // S3 notifications URL-encode keys (spaces as +).
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    outcomes.push(await recordUpload(key));
  }
  return { outcomes };
}).use(injectLambdaContext(logger));
