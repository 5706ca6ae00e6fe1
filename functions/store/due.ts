import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName, type Item } from './table.ts';

/**
 * The sparse due index: only items with work due later carry `duePk` (the kind of
 * work) and `dueAt`. A sweep asks one kind for what is due now: the key condition
 * reads only due items, never the rest of the table (no Scan, no filter).
 */
export interface DueBatch {
  items: Item[];
  /** Items DynamoDB read to answer (for the sweep's read-efficiency figure). */
  itemsRead: number;
}

export const dueNow = async (kind: string, now: Date, limit = 100, startKey?: Record<string, unknown>): Promise<DueBatch & { nextKey?: Record<string, unknown> }> => {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'due',
      KeyConditionExpression: 'duePk = :kind AND dueAt <= :now',
      ExpressionAttributeValues: { ':kind': kind, ':now': now.toISOString() },
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  return {
    items: (result.Items ?? []) as Item[],
    itemsRead: result.ScannedCount ?? result.Count ?? 0,
    ...(result.LastEvaluatedKey ? { nextKey: result.LastEvaluatedKey } : {}),
  };
};
