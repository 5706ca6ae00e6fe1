import * as z from 'zod/mini';
import { requestApproved, requestDenied, requestReceived } from '#email/mdf-emails';
import { sendEmail } from '#email/send';
import * as mdfRequests from '#store/mdf-requests';
import { workflowTask } from './task.ts';

/** Emails the partner at the workflow's milestones: received, approved, denied (with the reason). */
const TellPartner = z.object({
  requestId: z.string().check(z.minLength(1)),
  outcome: z.enum(['received', 'approved', 'denied']),
});

const templates = { received: requestReceived, approved: requestApproved, denied: requestDenied };

export const handler = workflowTask(TellPartner, async ({ requestId, outcome }) => {
  const request = await mdfRequests.get(requestId);
  if (!request) throw new Error(`No MDF request ${requestId}`);
  await sendEmail(templates[outcome](request));
  return { told: outcome };
});
