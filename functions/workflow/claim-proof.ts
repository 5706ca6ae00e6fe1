import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { AttachmentKind } from '#domain/claims';
import * as claims from '#store/claims';
import { stepFunctions } from '#shared/sfn-client';

/** The workflow stopped waiting for this token (timed out, stopped, or already told). */
const NOT_WAITING = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * The claim's review waits for a missing proof of `kind` and it is here: tell the
 * workflow, then stop waiting. The wait is cleared only after the workflow was
 * told, so a failure leaves it for the retry (a redelivered upload notification).
 */
export const resumeIfWaitingFor = async (claimId: string, kind: AttachmentKind, at: string): Promise<boolean> => {
  const wait = await claims.proofWaitOf(claimId);
  if (!wait || wait.kind !== kind) return false;
  try {
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify({ kind }) }));
  } catch (error) {
    if (!NOT_WAITING.has((error as Error).name)) throw error;
  }
  await claims.proofArrived(claimId, wait.taskToken, at);
  return true;
};
