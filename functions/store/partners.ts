import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Partner } from '#domain/partner';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { db, queryPage, queryPartition, recordOf, tableName, transact, type Page, type TransactItem } from './table.ts';

/**
 * Partners. Access patterns:
 * - get a partner by id: GetItem pk=PARTNER#<id>, sk=PARTNER
 * - list partners by name: Query gsi1 gsi1pk=PARTNERS, gsi1sk=<legal name lower>#<id>
 * - partners with an exact legal name (campaigns name their partner): Query gsi1 gsi1pk=PARTNERS, begins_with <legal name lower>#
 * - a partner with its history: Query pk=PARTNER#<id> (sk=PARTNER and sk=HISTORY#…)
 */
const key = (id: string) => ({ pk: `PARTNER#${id}`, sk: 'PARTNER' });
export const partitionOf = (id: string): string => key(id).pk;

const toItem = (partner: Partner) => ({
  ...key(partner.id),
  entity: 'partner',
  gsi1pk: 'PARTNERS',
  gsi1sk: `${partner.legalName.toLowerCase()}#${partner.id}`,
  ...partner,
});

export const get = async (id: string): Promise<Partner | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id) }));
  return result.Item ? recordOf<Partner>(result.Item) : undefined;
};

/** The partner and its history, from one Query of its partition. */
export const getWithHistory = async (id: string): Promise<(Partner & { history: HistoryEvent[] }) | undefined> => {
  const items = await queryPartition(partitionOf(id));
  const item = items.find((candidate) => candidate.sk === 'PARTNER');
  return item ? { ...recordOf<Partner>(item), history: historyOf(items) } : undefined;
};

export const list = async (limit: number, cursor?: string): Promise<Page<Partner>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: 'PARTNERS', limit, cursor });
  return { ...page, items: page.items.map((item) => recordOf<Partner>(item)) };
};

/** Partners whose legal name is exactly `legalName` (gsi1 PARTNERS, begins_with `<name lower>#`, then compared exactly). */
export const withLegalName = async (legalName: string): Promise<Partner[]> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: 'PARTNERS', sortPrefix: `${legalName.toLowerCase()}#`, limit: 25 });
  return page.items.map((item) => recordOf<Partner>(item)).filter((partner) => partner.legalName === legalName);
};

/** Creates a partner; refused (TransactionRefused) when the id exists. */
export const create = (partner: Partner, event: HistoryEvent): Promise<void> =>
  transact([
    { Put: { TableName: tableName, Item: toItem(partner), ConditionExpression: 'attribute_not_exists(pk)' } },
    historyPut(partitionOf(partner.id), event),
  ]);

/** Replaces a partner if nobody changed it since `expectedVersion` was read. */
export const replace = (partner: Partner, expectedVersion: number, event?: HistoryEvent): Promise<void> => {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName,
        Item: toItem(partner),
        ConditionExpression: 'attribute_exists(pk) AND version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      },
    },
  ];
  if (event) items.push(historyPut(partitionOf(partner.id), event));
  return transact(items);
};
