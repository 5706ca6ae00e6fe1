import * as z from 'zod/mini';
import { loaIssued } from '#email/loa-emails';
import { sendEmailWithAttachments } from '#email/send';
import { systemActor } from '#store/history';
import * as loaRequests from '#store/loa-requests';
import { transactUnlessRefused } from '#store/table';
import { letterFileName, putLetter } from '#storage/letters';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { workflowTask } from './task.ts';

/**
 * The PAO signed. In two steps around the rendering (loa-render-letter, which alone
 * carries pdf-lib): `prepare` reads the request and says whether its letter is still
 * to be sent; `send` stores the rendered PDF in the private bucket under a key of its
 * own (`loa/<id>/letter.pdf`: a retry overwrites it with the same bytes) and emails it
 * to the partner as an attachment, once. The email is claimed in the table before it
 * goes (refused when it went already); should the sending fail, the claim is given
 * back and the task fails, so its retry sends it.
 */
const loaId = z.string().check(z.minLength(1));
const IssueLetter = z.discriminatedUnion('step', [
  z.object({ step: z.literal('prepare'), loaId }),
  z.object({ step: z.literal('send'), loaId, pdf: z.string().check(z.minLength(1)) }),
]);

const PDF_MAGIC = '%PDF-';

export const handler = workflowTask(IssueLetter, async (input) => {
  const request = await loaRequests.get(input.loaId, true);
  if (!request) throw new Error(`No Letter of Authorization request ${input.loaId}`);
  const due = request.status === 'Issued' && !request.letterSentAt;
  if (input.step === 'prepare') return due ? { send: true, request } : { send: false, status: request.status };
  if (!due) return { sent: false, status: request.status };

  const pdf = Buffer.from(input.pdf, 'base64');
  if (pdf.subarray(0, PDF_MAGIC.length).toString('latin1') !== PDF_MAGIC) throw new Error(`The rendered letter of ${request.id} is not a PDF`);
  const letterKey = loaRequests.letterKeyOf(request.id);
  await putLetter(letterKey, pdf);

  const at = clock.now().toISOString();
  const claimed = await transactUnlessRefused(
    loaRequests.letterSentItems(request.id, letterKey, at, {
      at,
      by: systemActor('letter issue'),
      action: 'letter-emailed',
      details: { to: request.submittedBy.email, letterDate: request.validity?.letterDate },
    }),
  );
  if (!claimed) return { sent: false };
  try {
    await sendEmailWithAttachments(loaIssued({ ...request, letterKey, letterSentAt: at }), [
      { fileName: letterFileName(request.id), contentType: 'application/pdf', content: pdf },
    ]);
  } catch (error) {
    logger.warn('The letter could not be emailed; the retried task sends it', { loaId: request.id, error: (error as Error).name });
    await loaRequests.letterUnsent(request.id, at);
    throw error;
  }
  return { sent: true, letterKey };
});
