import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';

/**
 * `Idempotency-Key` on creating POSTs (Powertools idempotency): the same key from
 * the same user answers with the first response; the same key with another body is
 * refused (422). Without the header the request simply runs. The key is scoped to
 * the signed-in user, so one user's key never collides with another's. Runs after
 * body parsing, so the body is compared as parsed JSON, not as bytes.
 */
export const idempotent = (persistenceStore: BasePersistenceLayer) =>
  makeHandlerIdempotent({
    persistenceStore,
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'headers."idempotency-key" && [auth.userId, headers."idempotency-key"]',
      payloadValidationJmesPath: 'body',
      throwOnNoIdempotencyKey: false,
      expiresAfterSeconds: 24 * 3600,
    }),
  });
