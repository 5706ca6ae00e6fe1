import middy from '@middy/core';
import { parse } from '@aws-lambda-powertools/parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type * as z from 'zod/mini';
import { logger } from '#shared/logger';

/**
 * A workflow task's Lambda handler: the state machine's payload, validated, then
 * the task. A payload that does not match is a bug in the ASL, so it fails the
 * task loudly (the execution fails and its alarm fires).
 */
export const workflowTask = <S extends z.ZodMiniType, R>(schema: S, task: (input: z.infer<S>) => Promise<R>) =>
  middy(async (event: unknown) => task(parse(event, undefined, schema) as z.infer<S>))
    .use(injectLambdaContext(logger));
