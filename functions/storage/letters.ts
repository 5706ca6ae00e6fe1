import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from '#shared/s3-client';
import { setting } from '#shared/settings';

/**
 * Signed Letters of Authorization in the private attachments bucket, under `loa/`.
 * Stored by the task that issues them, read by their partner through a short-lived
 * presigned download. No letter is ever public.
 */
const bucket = setting('ATTACHMENTS_BUCKET');

/** A presigned download is good for 5 minutes. */
export const LETTER_DOWNLOAD_SECONDS = 5 * 60;

export const putLetter = async (key: string, pdf: Uint8Array): Promise<void> => {
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: pdf, ContentType: 'application/pdf' }));
};

/** The expiry is S3's, in real time (the signature's clock), not the program's movable clock. */
export const presignLetter = async (key: string, fileName: string): Promise<{ url: string; expiresAt: string }> => ({
  url: await getSignedUrl(
    s3(),
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${fileName.replace(/[^\w.\- ]/g, '_')}"`,
      ResponseContentType: 'application/pdf',
    }),
    { expiresIn: LETTER_DOWNLOAD_SECONDS },
  ),
  expiresAt: new Date(Date.now() + LETTER_DOWNLOAD_SECONDS * 1000).toISOString(),
});

export const letterFileName = (id: string): string => `letter-of-authorization-${id}.pdf`;
