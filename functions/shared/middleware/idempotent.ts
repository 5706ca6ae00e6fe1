import type { MiddlewareObj } from '@middy/core';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { idempotencyStore } from '#store/idempotency';

/**
 * `Idempotency-Key` on creating POSTs (Powertools idempotency): the same key from
 * the same user on the same route answers with the first response; the same key
 * with another body, or on another record of that route, is refused (422). Without the header the request simply runs.
 * Runs after body parsing, so bodies are compared as parsed JSON, not as bytes.
 */

/** Errors with which the middleware's own `before` refuses a request: the record is someone else's. */
const refusedBeforeRunning = new Set(['IdempotencyAlreadyInProgressError', 'IdempotencyValidationError']);

export const idempotent = (routeKey: string): MiddlewareObj => {
  const powertools = makeHandlerIdempotent({
    persistenceStore: idempotencyStore(),
    keyPrefix: routeKey,
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'headers."idempotency-key" && [auth.userId, headers."idempotency-key"]',
      // The same key on another record (path) or with another body is refused.
      payloadValidationJmesPath: '[pathParameters, body]',
      throwOnNoIdempotencyKey: false,
      expiresAfterSeconds: 24 * 3600,
    }),
  }) as MiddlewareObj;
  return {
    ...powertools,
    // Powertools 2.35's onError deletes the record even when its own `before` refused a
    // duplicate, removing the lock of the request still running: a third request then
    // runs again (aws-powertools/powertools-lambda-typescript#5675, fixed upstream after
    // 2.35). A refused request leaves the record alone; a request that ran and failed
    // still deletes its own record, so errors are not replayed.
    onError: async (request) => {
      if (refusedBeforeRunning.has((request.error as Error | undefined)?.name ?? '')) return;
      return powertools.onError?.(request);
    },
  };
};
