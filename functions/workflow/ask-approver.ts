import { z } from 'zod';
import { openLevel } from '#approvals/open-level';
import { workflowTask } from './task.ts';

/**
 * `lambda:invoke.waitForTaskToken` task of every approval level: opens the level
 * (approval record holding the task token, links emailed). The workflow then
 * waits until the decision on a link answers the token, or its timeout.
 */
const AskApprover = z.object({
  subject: z.string().min(1),
  subjectId: z.string().min(1),
  level: z.string().min(1),
  round: z.number().int().positive().optional(),
  timeoutSeconds: z.number().int().positive(),
  taskToken: z.string().min(1),
});

export const handler = workflowTask(AskApprover, openLevel);
