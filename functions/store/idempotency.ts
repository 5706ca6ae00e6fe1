import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoRawClient } from '#shared/dynamodb-client';
import { tableName } from './table.ts';

/**
 * Powertools idempotency records in the single table: pk=IDEMPOTENCY,
 * sk=<route>#<hash of the key>, removed by the table's TTL. One persistence layer
 * per route (it keeps per-route configuration).
 */
export const idempotencyStore = (): DynamoDBPersistenceLayer =>
  new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: 'IDEMPOTENCY',
    expiryAttr: 'ttl',
    awsSdkV3Client: dynamoRawClient(),
  });
