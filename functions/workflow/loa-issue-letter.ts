import * as z from 'zod/mini';
import { loaIssued } from '#email/loa-emails';
import { sendEmailWithAttachments } from '#email/send';
import { systemActor } from '#store/history';
import * as loaRequests from '#store/loa-requests';
import { transact, TransactionRefused } from '#store/table';
import { letterFileName, putLetter } from '#storage/letters';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { renderLetter } from './loa-letter.ts';
import { workflowTask } from './task.ts';

/**
 * The PAO signed: the letter is generated from the request as approved, stored in the
 * private bucket under a key of its own (`loa/<id>/letter.pdf`: a retry overwrites it
 * with the same bytes) and emailed to the partner as an attachment, once. The email
 * is claimed in the table before it goes (refused when it went already); should the
 * sending fail, the claim is given back and the task fails, so its retry sends it.
 */
const IssueLetter = z.object({ loaId: z.string().check(z.minLength(1)) });

export const handler = workflowTask(IssueLetter, async ({ loaId }) => {
  const request = await loaRequests.get(loaId, true);
  if (!request) throw new Error(`No Letter of Authorization request ${loaId}`);
  if (request.status !== 'Issued' || request.letterSentAt) return { sent: false, status: request.status };
  const pdf = await renderLetter(request);
  const letterKey = loaRequests.letterKeyOf(loaId);
  await putLetter(letterKey, pdf);

  const at = clock.now().toISOString();
  try {
    await transact(
      loaRequests.letterSentItems(loaId, letterKey, at, {
        at,
        by: systemActor('letter issue'),
        action: 'letter-emailed',
        details: { to: request.submittedBy.email, letterDate: request.validity?.letterDate },
      }),
    );
  } catch (error) {
    if (error instanceof TransactionRefused) return { sent: false };
    throw error;
  }
  try {
    await sendEmailWithAttachments(loaIssued({ ...request, letterKey, letterSentAt: at }), [
      { fileName: letterFileName(loaId), contentType: 'application/pdf', content: pdf },
    ]);
  } catch (error) {
    logger.warn('The letter could not be emailed; the retried task sends it', { loaId, error: (error as Error).name });
    await loaRequests.letterUnsent(loaId, at);
    throw error;
  }
  return { sent: true, letterKey };
});
