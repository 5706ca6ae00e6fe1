import { GetObjectCommand, HeadObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Attachment } from '#domain/claims';
import { objectKeyOf } from '#store/claims';
import { s3 } from '#shared/s3-client';
import { setting } from '#shared/settings';

/**
 * Claim files in the private attachments bucket: short-lived presigned uploads
 * that S3 itself holds to the declared type and size, and short-lived downloads
 * for reviewers. No file is ever public.
 */
const bucket = setting('ATTACHMENTS_BUCKET');

/** Presigned uploads are good for 15 minutes, downloads for 5. */
export const UPLOAD_SECONDS = 15 * 60;
export const DOWNLOAD_SECONDS = 5 * 60;

export interface PresignedUpload {
  url: string;
  /** Form fields to send, in this order, before the `file` field. */
  fields: Record<string, string>;
  expiresAt: string;
}

/** The expiry is S3's, in real time (the signature's clock), not the program's movable clock. */
export const presignUpload = async (claimId: string, attachment: Attachment): Promise<PresignedUpload> => {
  const { url, fields } = await createPresignedPost(s3(), {
    Bucket: bucket,
    Key: objectKeyOf(claimId, attachment.id),
    Conditions: [
      ['content-length-range', 1, attachment.declaredBytes],
      ['eq', '$Content-Type', attachment.contentType],
    ],
    Fields: { 'Content-Type': attachment.contentType },
    Expires: UPLOAD_SECONDS,
  });
  return { url, fields, expiresAt: new Date(Date.now() + UPLOAD_SECONDS * 1000).toISOString() };
};

export const presignDownload = (claimId: string, attachment: Attachment): Promise<string> =>
  getSignedUrl(
    s3(),
    new GetObjectCommand({
      Bucket: bucket,
      Key: objectKeyOf(claimId, attachment.id),
      ResponseContentDisposition: `attachment; filename="${attachment.fileName.replace(/[^\w.\- ]/g, '_')}"`,
      ResponseContentType: attachment.contentType,
    }),
    { expiresIn: DOWNLOAD_SECONDS },
  );

export const describeObject = async (key: string): Promise<{ sizeBytes: number; contentType: string } | undefined> => {
  try {
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { sizeBytes: head.ContentLength ?? 0, contentType: head.ContentType ?? '' };
  } catch (error) {
    // Without s3:ListBucket (not granted), S3 answers a missing object with 403, not 404.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (['NotFound', 'NoSuchKey', 'Forbidden', 'AccessDenied'].includes((error as Error).name) || status === 404 || status === 403) return undefined;
    throw error;
  }
};

export const removeObject = async (key: string): Promise<void> => {
  await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
};
