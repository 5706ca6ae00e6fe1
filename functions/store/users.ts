import { BatchGetCommand, GetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { User } from '#domain/people';
import { db, queryPage, recordOf, tableName, transact, type Page, type TransactItem } from './table.ts';

/**
 * Users, partner and internal. Access patterns:
 * - get a user by id: GetItem pk=USER#<id>, sk=USER
 * - find a user by email (sign-in): GetItem pk=USEREMAIL#<email>, sk=USEREMAIL → user id (a guard item that also keeps emails unique)
 * - users of a partner: Query gsi1 gsi1pk=PARTNER#<id>#USERS, gsi1sk=<email>
 * - internal users: Query gsi1 gsi1pk=INTERNAL#USERS, gsi1sk=<email>
 * - several users by id: BatchGetItem
 */
const key = (id: string) => ({ pk: `USER#${id}`, sk: 'USER' });
const emailKey = (email: string) => ({ pk: `USEREMAIL#${email.toLowerCase()}`, sk: 'USEREMAIL' });
export const partitionOf = (id: string): string => key(id).pk;

const listPartition = (user: Pick<User, 'partnerId'>) => (user.partnerId ? `PARTNER#${user.partnerId}#USERS` : 'INTERNAL#USERS');

const toItem = (user: User) => ({
  ...key(user.id),
  entity: 'user',
  gsi1pk: listPartition(user),
  gsi1sk: user.email.toLowerCase(),
  ...user,
});

export const get = async (id: string): Promise<User | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id) }));
  return result.Item ? recordOf<User>(result.Item) : undefined;
};

export const getByEmail = async (email: string): Promise<User | undefined> => {
  const guard = await db().send(new GetCommand({ TableName: tableName, Key: emailKey(email) }));
  const userId = guard.Item?.userId;
  return typeof userId === 'string' ? get(userId) : undefined;
};

export const getMany = async (ids: readonly string[]): Promise<Map<string, User>> => {
  const unique = [...new Set(ids)];
  const users = new Map<string, User>();
  for (let start = 0; start < unique.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(start, start + 100).map(key);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await db().send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
      for (const item of result.Responses?.[tableName] ?? []) {
        const user = recordOf<User>(item);
        users.set(user.id, user);
      }
      keys = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return users;
};

export const listOfPartner = async (partnerId: string, limit: number, cursor?: string): Promise<Page<User>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: `PARTNER#${partnerId}#USERS`, limit, cursor });
  return { ...page, items: page.items.map((item) => recordOf<User>(item)) };
};

export const listInternal = async (limit: number, cursor?: string): Promise<Page<User>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: 'INTERNAL#USERS', limit, cursor });
  return { ...page, items: page.items.map((item) => recordOf<User>(item)) };
};

/** Creates a user and claims the email; refused (TransactionRefused at 0 or 1) when the id or email is taken. */
export const create = (user: User): Promise<void> =>
  transact([
    { Put: { TableName: tableName, Item: toItem(user), ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: tableName, Item: { ...emailKey(user.email), entity: 'user-email', userId: user.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ]);

/** Replaces a user read at `before`; moves the email guard when the email changes. */
export const replace = (user: User, before: User): Promise<void> => {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName,
        Item: toItem(user),
        ConditionExpression: 'attribute_exists(pk) AND version = :expected',
        ExpressionAttributeValues: { ':expected': before.version },
      },
    },
  ];
  if (user.email.toLowerCase() !== before.email.toLowerCase()) {
    items.push(
      { Put: { TableName: tableName, Item: { ...emailKey(user.email), entity: 'user-email', userId: user.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Delete: { TableName: tableName, Key: emailKey(before.email), ConditionExpression: 'userId = :id', ExpressionAttributeValues: { ':id': user.id } } },
    );
  }
  return transact(items);
};
