import * as z from 'zod/mini';
import { loaReceived, loaRefused } from '#email/loa-emails';
import { sendEmail } from '#email/send';
import * as loaRequests from '#store/loa-requests';
import { workflowTask } from './task.ts';

/** Emails the partner at the request's milestones: received, refused (with the reason). */
const TellPartner = z.object({
  loaId: z.string().check(z.minLength(1)),
  outcome: z.enum(['received', 'refused']),
});

const templates = { received: loaReceived, refused: loaRefused };

export const handler = workflowTask(TellPartner, async ({ loaId, outcome }) => {
  const request = await loaRequests.get(loaId, true);
  if (!request) throw new Error(`No Letter of Authorization request ${loaId}`);
  await sendEmail(templates[outcome](request));
  return { told: outcome };
});
