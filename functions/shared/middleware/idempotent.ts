import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { idempotencyStore } from '#store/idempotency';

/**
 * `Idempotency-Key` on creating POSTs (Powertools idempotency): the same key from
 * the same user on the same route answers with the first response; the same key
 * with another body is refused (422). Without the header the request simply runs.
 * Runs after body parsing, so bodies are compared as parsed JSON, not as bytes.
 */
export const idempotent = (routeKey: string) =>
  makeHandlerIdempotent({
    persistenceStore: idempotencyStore(),
    keyPrefix: routeKey,
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'headers."idempotency-key" && [auth.userId, headers."idempotency-key"]',
      payloadValidationJmesPath: 'body',
      throwOnNoIdempotencyKey: false,
      expiresAfterSeconds: 24 * 3600,
    }),
  });
