import * as z from 'zod/mini';
import { openLevel } from '#approvals/open-level';
import { workflowTask } from './task.ts';

/**
 * `lambda:invoke.waitForTaskToken` task of every approval level: opens the level
 * (approval record holding the task token, links emailed). The workflow then
 * waits until the decision on a link answers the token, or its timeout.
 */
const AskApprover = z.object({
  subject: z.string().check(z.minLength(1)),
  subjectId: z.string().check(z.minLength(1)),
  level: z.string().check(z.minLength(1)),
  round: z.optional(z.int().check(z.positive())),
  timeoutSeconds: z.int().check(z.positive()),
  taskToken: z.string().check(z.minLength(1)),
});

export const handler = workflowTask(AskApprover, openLevel);
