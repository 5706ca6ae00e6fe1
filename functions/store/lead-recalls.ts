import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { db, isConditionFailure, queryPage, recordOf, tableName, type Page, type TransactItem } from './table.ts';

/**
 * What the recall leaves behind besides the leads themselves: a count of recalled
 * leads per partner and campaign, and the short lease under which one sweep tells one
 * partner about its recalled leads. Access patterns:
 * - recall counts, by partner then campaign: Query pk=LEADRECALLS (sk=<partner>#<campaign>; begins_with <partner># for one partner)
 * - the notice lease of a partner: PutItem/DeleteItem pk=LEADRECALLNOTICE#<partner>, sk=LEASE (conditional)
 */
const COUNTS = 'LEADRECALLS';
const countKey = (partnerId: string, campaignId: string) => ({ pk: COUNTS, sk: `${partnerId}#${campaignId}` });
const leaseKey = (partnerId: string) => ({ pk: `LEADRECALLNOTICE#${partnerId}`, sk: 'LEASE' });

export interface RecallCount {
  partnerId: string;
  partnerName: string;
  campaignId: string;
  campaignName: string;
  campaignType: string;
  recalled: number;
  lastRecalledAt: string;
}

/** Adds `count` recalled leads to a partner's count for one campaign; goes into the transaction that marks the partner told. */
export const countItem = (
  entry: Omit<RecallCount, 'recalled' | 'lastRecalledAt'>,
  count: number,
  at: string,
): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: countKey(entry.partnerId, entry.campaignId),
    UpdateExpression:
      'SET entity = :entity, partnerId = :partner, partnerName = :partnerName, campaignId = :campaign, campaignName = :campaignName, campaignType = :type, lastRecalledAt = :at ADD recalled :count',
    ExpressionAttributeValues: {
      ':entity': 'lead-recall-count',
      ':partner': entry.partnerId,
      ':partnerName': entry.partnerName,
      ':campaign': entry.campaignId,
      ':campaignName': entry.campaignName,
      ':type': entry.campaignType,
      ':at': at,
      ':count': count,
    },
  },
});

export const counts = async (options: { partnerId?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<RecallCount>> => {
  const page = await queryPage({
    partitionValue: COUNTS,
    limit: options.limit,
    cursor: options.cursor,
    ...(options.partnerId ? { sortPrefix: `${options.partnerId}#` } : {}),
  });
  return { ...page, items: page.items.map((item) => recordOf<RecallCount>(item)) };
};

/**
 * Takes the partner's notice lease until `until` (epoch ms), unless another sweep holds
 * it; returns the lease id to give it back with, or undefined when it is held.
 */
export const takeNoticeLease = async (partnerId: string, now: Date, holdMs: number): Promise<string | undefined> => {
  const leaseId = randomBytes(8).toString('hex');
  try {
    await db().send(
      new PutCommand({
        TableName: tableName,
        Item: { ...leaseKey(partnerId), entity: 'lead-recall-lease', leaseId, until: new Date(now.getTime() + holdMs).toISOString(), ttl: Math.ceil((now.getTime() + holdMs) / 1000) + 86_400 },
        ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
    return leaseId;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

export const releaseNoticeLease = async (partnerId: string, leaseId: string): Promise<void> => {
  try {
    await db().send(
      new DeleteCommand({ TableName: tableName, Key: leaseKey(partnerId), ConditionExpression: 'leaseId = :lease', ExpressionAttributeValues: { ':lease': leaseId } }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};
