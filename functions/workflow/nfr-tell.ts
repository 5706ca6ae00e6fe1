import * as z from 'zod/mini';
import { licenceIssued, requestDenied, requestGranted } from '#email/nfr-emails';
import { sendEmail } from '#email/send';
import * as nfr from '#store/nfr';
import { workflowTask } from './task.ts';

/**
 * The NFR workflow's emails: the licence (with its key) to the contact the partner
 * named, then the requester told it was granted; or the requester told why it was denied.
 */
const TellAboutNfr = z.object({
  requestId: z.string().check(z.minLength(1)),
  outcome: z.enum(['licence', 'granted', 'denied']),
});

export const handler = workflowTask(TellAboutNfr, async ({ requestId, outcome }) => {
  const request = await nfr.getRequest(requestId);
  if (!request) throw new Error(`No NFR request ${requestId}`);
  if (outcome === 'denied') {
    await sendEmail(requestDenied(request));
    return { told: outcome };
  }
  const licence = request.licenceId ? await nfr.getLicence(request.licenceId) : undefined;
  if (!licence) throw new Error(`NFR request ${requestId} has no licence`);
  await sendEmail(outcome === 'licence' ? licenceIssued(licence) : requestGranted(request, licence));
  return { told: outcome };
});
