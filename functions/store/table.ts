import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableSchema, type IndexName } from '../../lib/table-schema.ts';
import { dynamo } from '#shared/dynamodb-client';
import { BadInput } from '#shared/errors';
import { setting } from '#shared/settings';

/**
 * What every store module shares: the table's name, transactions with readable
 * failure reasons, and opaque pagination cursors. Key shapes are NOT here: each
 * entity's module owns its own.
 */
export const tableName = setting('TABLE_NAME');
export const db = dynamo;

export type Item = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Attributes that belong to the table's layout, not to the record. */
const layoutAttributes = new Set([
  tableSchema.partitionKey,
  tableSchema.sortKey,
  tableSchema.timeToLiveAttribute,
  ...tableSchema.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  'entity',
]);

/** The record stored in an item, without keys and index attributes. */
export const recordOf = <T>(item: Item): T =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !layoutAttributes.has(name))) as T;

/** Why a transaction was refused: one code per item, in order (`None`, `ConditionalCheckFailed`, `TransactionConflict`, …). */
export class TransactionRefused extends Error {
  override name = 'TransactionRefused';
  constructor(readonly codes: string[]) {
    super(`Transaction refused: ${codes.join(', ')}`);
  }
  /** A condition on the item at this position failed. */
  failedAt(index: number): boolean {
    return this.codes[index] === 'ConditionalCheckFailed';
  }
  /** Another transaction held one of the items: worth trying again. */
  get isConflict(): boolean {
    return this.codes.includes('TransactionConflict') && !this.codes.includes('ConditionalCheckFailed');
  }
}

/** All-or-nothing write of several items. Throws TransactionRefused with the per-item reasons. */
export const transact = async (items: TransactItem[], clientRequestToken?: string): Promise<void> => {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: items,
        ...(clientRequestToken ? { ClientRequestToken: clientRequestToken } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException || (error as Error).name === 'TransactionCanceledException') {
      const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
      throw new TransactionRefused(reasons.map((reason) => reason.Code ?? 'None'));
    }
    throw error;
  }
};

/**
 * A transaction whose conditions claim the work (a due item still due, a status
 * still what was read): true when it was written, false when DynamoDB refused it
 * because another run claimed the work first.
 */
export const transactUnlessRefused = async (items: TransactItem[]): Promise<boolean> => {
  try {
    await transact(items);
    return true;
  } catch (error) {
    if (error instanceof TransactionRefused) return false;
    throw error;
  }
};

/** Adds `#field = :field` to an update's SET clauses (with its name and value) for every change that is defined. */
export const setDefined = (changes: object, names: Record<string, string>, values: Record<string, unknown>, sets: string[]): void => {
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
};

export const isConditionFailure = (error: unknown): boolean => (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** A page of records and the cursor of the next page, if any. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

const encodeCursor = (key: Record<string, unknown>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * Decodes a client's cursor. It must be an object of strings whose partition
 * attribute is the one being queried: a cursor of someone else's list is refused
 * as bad input, not passed to DynamoDB.
 */
const decodeCursor = (cursor: string, partitionAttribute: string, partitionValue: string): Record<string, string> => {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    typeof key === 'object' &&
    key !== null &&
    !Array.isArray(key) &&
    Object.values(key).every((value) => typeof value === 'string') &&
    (key as Record<string, string>)[partitionAttribute] === partitionValue;
  if (!valid) throw new BadInput([{ field: 'query.cursor', message: 'is not a cursor of this list' }]);
  return key as Record<string, string>;
};

export interface PageQuery {
  index?: IndexName;
  /** Strongly consistent (table only): sees every write acknowledged before the read. */
  consistent?: boolean;
  partitionValue: string;
  /** Only sort keys starting with this. */
  sortPrefix?: string;
  limit: number;
  cursor?: string | undefined;
  newestFirst?: boolean;
  /**
   * Keeps only matching items of the partition (a FilterExpression: DynamoDB still reads
   * `limit` items, so a page may hold fewer). Placeholders must not be `#p`, `#s`, `:p`, `:s`.
   */
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
}

const keysOf = (index: IndexName | undefined) => {
  if (!index) return { partition: tableSchema.partitionKey, sort: tableSchema.sortKey };
  const spec = tableSchema.globalIndexes.find((candidate) => candidate.name === index);
  if (!spec) throw new Error(`Unknown index ${index}`);
  return { partition: spec.partitionKey, sort: spec.sortKey };
};

/** One page of a partition (of the table or an index), in sort-key order. */
export const queryPage = async (query: PageQuery): Promise<Page<Item>> => {
  const keys = keysOf(query.index);
  const input: QueryCommandInput = {
    TableName: tableName,
    ...(query.index ? { IndexName: query.index } : {}),
    KeyConditionExpression: query.sortPrefix ? '#p = :p AND begins_with(#s, :s)' : '#p = :p',
    ExpressionAttributeNames: {
      ...(query.sortPrefix ? { '#p': keys.partition, '#s': keys.sort } : { '#p': keys.partition }),
      ...query.filter?.names,
    },
    ExpressionAttributeValues: {
      ...(query.sortPrefix ? { ':p': query.partitionValue, ':s': query.sortPrefix } : { ':p': query.partitionValue }),
      ...query.filter?.values,
    },
    ...(query.filter ? { FilterExpression: query.filter.expression } : {}),
    Limit: query.limit,
    ScanIndexForward: !query.newestFirst,
    ...(query.consistent && !query.index ? { ConsistentRead: true } : {}),
    ...(query.cursor ? { ExclusiveStartKey: decodeCursor(query.cursor, keys.partition, query.partitionValue) } : {}),
  };
  const result = await db().send(new QueryCommand(input));
  return {
    items: (result.Items ?? []) as Item[],
    ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor(result.LastEvaluatedKey) } : {}),
  };
};

/** Every item of one partition of the table (small partitions only: a record with its history). */
export const queryPartition = async (partitionValue: string, sortPrefix?: string, consistent = false): Promise<Item[]> => {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryPage({ partitionValue, limit: 500, cursor, consistent, ...(sortPrefix ? { sortPrefix } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
};
