import * as z from 'zod/mini';
import { registrationApproved, registrationDenied, registrationReceived } from '#email/dr-emails';
import { sendEmail } from '#email/send';
import * as registrations from '#store/deal-registrations';
import { workflowTask } from './task.ts';

/** Emails the partner at the review's milestones: (re)submission received, approved, denied. */
const TellPartner = z.object({
  registrationId: z.string().check(z.minLength(1)),
  outcome: z.enum(['received', 'approved', 'denied']),
});

const templates = { received: registrationReceived, approved: registrationApproved, denied: registrationDenied };

export const handler = workflowTask(TellPartner, async ({ registrationId, outcome }) => {
  const registration = await registrations.get(registrationId);
  if (!registration) throw new Error(`No deal registration ${registrationId}`);
  await sendEmail(templates[outcome](registration));
  return { told: outcome };
});
