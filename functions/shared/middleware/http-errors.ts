import type { MiddlewareObj } from '@middy/core';
import { logger } from '../logger.ts';
import { IdempotencyInProgress, IdempotencyKeyReused, Problem } from '../errors.ts';
import type { HttpResponse } from '../http.ts';

/**
 * Every error leaves as an RFC 9457 problem document. Known problems keep their
 * status and words; anything unexpected is logged and answered with a plain 500
 * that reveals nothing (no stack trace, no internal message).
 */
const problemResponse = (problem: Problem, instance: string | undefined): HttpResponse => ({
  statusCode: problem.status,
  headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  // Extensions first: the standard members always win over a field of the same name.
  body: JSON.stringify({
    ...problem.extensions(),
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.message,
    ...(instance ? { instance } : {}),
  }),
});

/** Powertools idempotency errors, by name (the classes live deep inside the package). */
const asProblem = (error: unknown): Problem | undefined => {
  if (error instanceof Problem) return error;
  const name = (error as Error | undefined)?.name;
  if (name === 'IdempotencyValidationError') {
    return new IdempotencyKeyReused('This Idempotency-Key was already used with a different request body; use a new key for a new request.');
  }
  if (name === 'IdempotencyAlreadyInProgressError') {
    return new IdempotencyInProgress('The first request with this Idempotency-Key is still being processed; retry in a moment.');
  }
  return undefined;
};

export const httpErrors = (): MiddlewareObj<{ rawPath?: string }, HttpResponse> => ({
  onError: async (request) => {
    const instance = request.event?.rawPath;
    const problem = asProblem(request.error);
    if (problem) {
      request.response = problemResponse(problem, instance);
      return;
    }
    logger.error('Unexpected error', request.error as Error);
    request.response = {
      statusCode: 500,
      headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
      body: JSON.stringify({
        type: 'urn:channel-prm:problem:internal',
        title: 'Something went wrong on our side',
        status: 500,
        detail: 'The request could not be completed. It is safe to retry.',
        ...(instance ? { instance } : {}),
      }),
    };
  },
});
