import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import * as approvals from '#store/approvals';
import type { StoredApproval } from '#store/approvals';
import { logger } from '#shared/logger';
import { stepFunctions } from '#shared/sfn-client';

/** The workflow stopped waiting for this token (timed out, stopped, or already told). */
const NOT_WAITING = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Tells the waiting workflow how a level was decided: success with the decision
 * (approve, or return with what is asked) to go on, the `Denied` error to end it. The decision is already recorded; if the
 * workflow cannot be reached now, the approval stays in the due index and the
 * sweep tells it later. Returns whether the workflow was told (or no longer waits).
 */
export const tellWorkflow = async (partition: string, stored: StoredApproval): Promise<boolean> => {
  const taskToken = approvals.taskTokenOf(stored);
  if (taskToken) {
    try {
      if (stored.decision === 'approve' || stored.decision === 'return') {
        // The workflow routes on `decision`; a return carries what the partner must add or change.
        await stepFunctions().send(
          new SendTaskSuccessCommand({
            taskToken,
            output: JSON.stringify({
              approvalId: stored.id,
              decision: stored.decision,
              decidedBy: stored.decidedBy?.id ?? null,
              ...(stored.decision === 'return' ? { reason: stored.reason ?? '' } : {}),
            }),
          }),
        );
      } else {
        await stepFunctions().send(new SendTaskFailureCommand({ taskToken, error: 'Denied', cause: stored.reason ?? 'Denied' }));
      }
    } catch (error) {
      const name = (error as Error).name;
      if (!NOT_WAITING.has(name)) {
        logger.warn('The workflow could not be told of a decision; the sweep will retry', { approvalId: stored.id, error: name });
        return false;
      }
      logger.info('The workflow no longer waits for this decision', { approvalId: stored.id, error: name });
    }
  }
  await approvals.markSignalled(partition, stored);
  return true;
};
