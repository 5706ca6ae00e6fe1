import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Region } from '#domain/regions';
import { db, queryPage, recordOf, tableName, type TransactItem } from './table.ts';

/**
 * Customer accounts (the companies partners register opportunities with).
 * Access patterns:
 * - an account: GetItem pk=ACCOUNT#<id>, sk=ACCOUNT
 * - accounts by normalised company name: Query gsi1 gsi1pk=ACCOUNTNAME#<normalised>, gsi1sk=<id>
 * - accounts by email domain: Query gsi2 gsi2pk=ACCOUNTDOMAIN#<domain>, gsi2sk=<id>
 */
export interface Account {
  id: string;
  name: string;
  normalizedName: string;
  domain?: string;
  country: string;
  region: Region;
  createdAt: string;
  createdBy: string;
}

const key = (id: string) => ({ pk: `ACCOUNT#${id}`, sk: 'ACCOUNT' });

export const get = async (id: string): Promise<Account | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id) }));
  return result.Item ? recordOf<Account>(result.Item) : undefined;
};

export const putItem = (account: Account): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: {
      ...key(account.id),
      entity: 'account',
      gsi1pk: `ACCOUNTNAME#${account.normalizedName}`,
      gsi1sk: account.id,
      ...(account.domain ? { gsi2pk: `ACCOUNTDOMAIN#${account.domain}`, gsi2sk: account.id } : {}),
      ...account,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export const byName = async (normalizedName: string): Promise<Account[]> =>
  (await queryPage({ index: 'gsi1', partitionValue: `ACCOUNTNAME#${normalizedName}`, limit: 50 })).items.map((item) => recordOf<Account>(item));

export const byDomain = async (domain: string): Promise<Account[]> =>
  (await queryPage({ index: 'gsi2', partitionValue: `ACCOUNTDOMAIN#${domain}`, limit: 50 })).items.map((item) => recordOf<Account>(item));
