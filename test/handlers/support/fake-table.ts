import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandInput,
  type GetCommandInput,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { tableSchema } from '../../../lib/table-schema.ts';
import type { DynamoStub } from './aws.ts';

/**
 * The table as the handler reads it: items seeded by a test answer GetItem,
 * BatchGetItem and Query (table, gsi1, gsi2 and the sparse due index) the way
 * DynamoDB would. Writes are only recorded by the mock, never applied, so each
 * test asserts what was asked of DynamoDB.
 */
export type Item = Record<string, unknown>;

const sortKeyOf = (index: string | undefined): { partition: string; sort: string } => {
  if (!index) return { partition: tableSchema.partitionKey, sort: tableSchema.sortKey };
  const spec = tableSchema.globalIndexes.find((candidate) => candidate.name === index);
  if (!spec) throw new Error(`The fake table has no index ${index}`);
  return { partition: spec.partitionKey, sort: spec.sortKey };
};

const sameKey = (item: Item, key: Record<string, unknown>) => Object.entries(key).every(([name, value]) => item[name] === value);

export class FakeTable {
  items: Item[] = [];
  /**
   * What an eventually consistent read still returns right after a write (a
   * replica that has not caught up); strongly consistent reads see `items`.
   */
  private lagging: Item[] | undefined;

  /** From now on, eventually consistent reads return the items as they are at this moment. */
  freezeEventuallyConsistentReads(): void {
    this.lagging = structuredClone(this.items);
  }

  private view(consistent: boolean | undefined): Item[] {
    return consistent || !this.lagging ? this.items : this.lagging;
  }

  seed(...items: Item[]): this {
    for (const item of items) {
      this.items = this.items.filter((existing) => !(existing.pk === item.pk && existing.sk === item.sk));
      this.items.push(structuredClone(item));
    }
    return this;
  }

  /** Replaces the stored item with the same key (someone else wrote meanwhile). */
  change(key: { pk: string; sk: string }, changes: Item): void {
    const item = this.items.find((candidate) => sameKey(candidate, key));
    if (!item) throw new Error(`No item ${key.pk} ${key.sk} to change`);
    Object.assign(item, changes);
  }

  clear(): void {
    this.items = [];
    this.lagging = undefined;
  }

  get(input: GetCommandInput): Item | undefined {
    const found = this.view(input.ConsistentRead).find((item) => sameKey(item, input.Key ?? {}));
    return found ? structuredClone(found) : undefined;
  }

  query(input: QueryCommandInput) {
    const values = input.ExpressionAttributeValues ?? {};
    const names = input.ExpressionAttributeNames ?? {};
    const keys = sortKeyOf(input.IndexName);
    let matches: Item[];
    if (input.IndexName === 'due') {
      if (input.KeyConditionExpression !== 'duePk = :kind AND dueAt <= :now') throw new Error(`Unexpected due query ${input.KeyConditionExpression}`);
      matches = this.view(false).filter((item) => item.duePk === values[':kind'] && typeof item.dueAt === 'string' && item.dueAt <= String(values[':now']));
    } else {
      const partition = names['#p'] ?? keys.partition;
      const sort = names['#s'] ?? keys.sort;
      const prefix = values[':s'];
      matches = this.view(input.ConsistentRead).filter(
        (item) => item[partition] === values[':p'] && item[sort] !== undefined && (prefix === undefined || String(item[sort]).startsWith(String(prefix))),
      );
    }
    matches.sort((a, b) => String(a[keys.sort]).localeCompare(String(b[keys.sort])));
    if (input.ScanIndexForward === false) matches.reverse();
    const start = input.ExclusiveStartKey
      ? matches.findIndex((item) => item.pk === input.ExclusiveStartKey?.pk && item.sk === input.ExclusiveStartKey?.sk) + 1
      : 0;
    const limit = input.Limit ?? matches.length;
    const page = matches.slice(start, start + limit);
    const last = page.at(-1);
    const more = start + limit < matches.length && last !== undefined;
    return {
      Items: page.map((item) => structuredClone(item)),
      Count: page.length,
      ScannedCount: page.length,
      ...(more
        ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk, ...(input.IndexName ? { [keys.partition]: last[keys.partition], [keys.sort]: last[keys.sort] } : {}) } }
        : {}),
    };
  }

  batchGet(input: BatchGetCommandInput) {
    return {
      Responses: Object.fromEntries(
        Object.entries(input.RequestItems ?? {}).map(([table, request]) => [
          table,
          (request.Keys ?? []).flatMap((key) => {
            const found = this.get({ TableName: table, Key: key, ConsistentRead: request.ConsistentRead });
            return found ? [found] : [];
          }),
        ]),
      ),
    };
  }

  /** Answers the handler's reads from the seeded items; writes succeed and change nothing. */
  serve(ddb: DynamoStub): this {
    ddb.on(GetCommand).callsFake((input: GetCommandInput) => {
      const item = this.get(input);
      return item ? { Item: item } : {};
    });
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => this.query(input));
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => this.batchGet(input));
    ddb.on(ScanCommand).rejects(new Error('The table is never scanned'));
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    return this;
  }
}
