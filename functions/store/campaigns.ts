import { BatchGetCommand, GetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Campaign } from '#domain/campaigns';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { db, queryPage, queryPartition, recordOf, tableName, transact, type Page } from './table.ts';

/**
 * Campaigns whose leads may be shared with partners. Access patterns:
 * - a campaign: GetItem pk=CAMPAIGN#<id>, sk=CAMPAIGN
 * - several campaigns (an import's rows): BatchGetItem
 * - a campaign with its history: Query pk=CAMPAIGN#<id> (sk=CAMPAIGN and HISTORY#…)
 * - campaigns by name: Query gsi1 gsi1pk=CAMPAIGNS, gsi1sk=<name lower>#<id>
 */
const CAMPAIGN = 'CAMPAIGN';
export const partitionOf = (id: string): string => `CAMPAIGN#${id}`;
const key = (id: string) => ({ pk: partitionOf(id), sk: CAMPAIGN });

const toItem = (campaign: Campaign) => ({
  ...key(campaign.id),
  entity: 'campaign',
  gsi1pk: 'CAMPAIGNS',
  gsi1sk: `${campaign.name.toLowerCase()}#${campaign.id}`,
  ...campaign,
});

export const get = async (id: string): Promise<Campaign | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id) }));
  return result.Item ? recordOf<Campaign>(result.Item) : undefined;
};

export const getMany = async (ids: readonly string[]): Promise<Map<string, Campaign>> => {
  const unique = [...new Set(ids)];
  const campaigns = new Map<string, Campaign>();
  for (let start = 0; start < unique.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(start, start + 100).map(key);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await db().send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
      for (const item of result.Responses?.[tableName] ?? []) {
        const campaign = recordOf<Campaign>(item);
        campaigns.set(campaign.id, campaign);
      }
      keys = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return campaigns;
};

export const getWithHistory = async (id: string): Promise<(Campaign & { history: HistoryEvent[] }) | undefined> => {
  const items = await queryPartition(partitionOf(id));
  const item = items.find((candidate) => candidate.sk === CAMPAIGN);
  return item ? { ...recordOf<Campaign>(item), history: historyOf(items) } : undefined;
};

export const list = async (limit: number, cursor?: string): Promise<Page<Campaign>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: 'CAMPAIGNS', limit, cursor });
  return { ...page, items: page.items.map((item) => recordOf<Campaign>(item)) };
};

/** Creates a campaign with its first history event; refused (TransactionRefused) when the id exists. */
export const create = (campaign: Campaign, event: HistoryEvent): Promise<void> =>
  transact([
    { Put: { TableName: tableName, Item: toItem(campaign), ConditionExpression: 'attribute_not_exists(pk)' } },
    historyPut(partitionOf(campaign.id), event),
  ]);

/** Replaces a campaign if nobody changed it since `expectedVersion` was read, with the history of the change. */
export const replace = (campaign: Campaign, expectedVersion: number, event: HistoryEvent): Promise<void> =>
  transact([
    {
      Put: {
        TableName: tableName,
        Item: toItem(campaign),
        ConditionExpression: 'attribute_exists(pk) AND version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      },
    },
    historyPut(partitionOf(campaign.id), event),
  ]);
