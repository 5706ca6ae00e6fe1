import * as z from 'zod/mini';
import { registrationReturned } from '#email/dr-emails';
import { sendEmail } from '#email/send';
import * as registrations from '#store/deal-registrations';
import { systemActor } from '#store/history';
import { transact, TransactionRefused } from '#store/table';
import { stepFunctions } from '#shared/sfn-client';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { clock } from '#shared/clock';
import { workflowTask } from './task.ts';

/**
 * `waitForTaskToken` task after a reviewer returned the registration: the
 * registration keeps the token until the partner resubmits, and the partner is
 * told what to change.
 */
const AwaitResubmission = z.object({ registrationId: z.string().check(z.minLength(1)), taskToken: z.string().check(z.minLength(1)) });

export const handler = workflowTask(AwaitResubmission, async ({ registrationId, taskToken }) => {
  const at = clock.now().toISOString();
  try {
    await transact([
      registrations.awaitResubmissionItem(registrationId, taskToken, at),
      registrations.historyItem(registrationId, { at, by: systemActor('registration review'), action: 'waiting-for-resubmission' }),
    ]);
  } catch (error) {
    if (!(error instanceof TransactionRefused)) throw error;
    // No longer Returned: the partner resubmitted before this wait began, so it ends at once.
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ resubmitted: true }) }));
    return { waiting: false };
  }
  const registration = await registrations.get(registrationId);
  if (!registration) throw new Error(`No deal registration ${registrationId}`);
  await sendEmail(registrationReturned(registration));
  return { waiting: true };
});
