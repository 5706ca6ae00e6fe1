import { attachmentKindLabels } from '#domain/claims';
import * as claims from '#store/claims';
import type { Item } from '#store/table';
import { presignDownload } from './claim-files.ts';

/**
 * Files an approver may open from the confirm page, as short-lived download links
 * (never put in emails, which get forwarded). Only the page needs them, so they
 * live apart from the approval subjects: the functions that open levels or sweep
 * do not carry the S3 client.
 */
export interface Download {
  label: string;
  url: string;
}

const bySubject: Record<string, (subjectId: string, items: readonly Item[]) => Promise<Download[]>> = {
  'mdf-claim': (claimId, items) =>
    Promise.all(
      claims
        .attachmentsOf(items)
        .filter((attachment) => attachment.status === 'Uploaded')
        .map(async (attachment) => ({
          label: `${attachmentKindLabels[attachment.kind]}: ${attachment.fileName}`,
          url: await presignDownload(claimId, attachment),
        })),
    ),
};

export const downloadsFor = async (subjectKind: string, subjectId: string, items: readonly Item[]): Promise<Download[]> =>
  (await bySubject[subjectKind]?.(subjectId, items)) ?? [];
