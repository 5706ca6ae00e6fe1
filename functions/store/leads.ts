import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, type BatchGetCommandOutput, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Lead, LeadStatus, ShareStatus } from '#domain/leads';
import { db, isConditionFailure, queryPage, recordOf, tableName, type Item, type Page, type TransactItem } from './table.ts';

/**
 * Leads shared with partners. One item per lead (a person, by email): its campaign
 * memberships and its history travel inside it (a lead's history is short and
 * bounded), so every change, an import's included, is one conditional write and a
 * lead is read whole with one GetItem. Where the item is indexed follows from the
 * lead's state, in `toItem` only. Access patterns:
 * - a lead: GetItem pk=LEAD#<id>, sk=LEAD
 * - the leads of an import chunk (identity = email + campaign): BatchGetItem, consistent
 * - a partner's leads, newest first (filters: share status, lead status, campaign): Query gsi1 gsi1pk=PARTNER#<partner>#LEADS, gsi1sk=<sharedAt>#<id>
 * - a partner user's assigned leads, newest first (same filters): Query gsi2 gsi2pk=LEADUSER#<user>, gsi2sk=<sharedAt>#<id>
 * - held-back leads, newest first: Query gsi1 gsi1pk=LEADS#HELD, gsi1sk=<heldAt>#<id>
 * - recalled leads, newest first: Query gsi1 gsi1pk=LEADS#RECALLED, gsi1sk=<recalledAt>#<id>
 * - a partner's recalled leads not yet told: Query gsi2 gsi2pk=LEADRECALLNOTICE#<partner>, gsi2sk=<recalledAt>#<id>
 * - leads due for recall: due index duePk=lead-recall, dueAt=<recall deadline>
 * - partners to tell of recalled leads: due index duePk=lead-recall-notice, dueAt=<the recall deadline that passed>
 */
export const RECALL_DUE = 'lead-recall';
export const RECALL_NOTICE_DUE = 'lead-recall-notice';

const LEAD = 'LEAD';
const key = (id: string) => ({ pk: `LEAD#${id}`, sk: LEAD });
const byPartner = (partnerId: string) => `PARTNER#${partnerId}#LEADS`;
const byAssignee = (userId: string) => `LEADUSER#${userId}`;
const untoldOf = (partnerId: string) => `LEADRECALLNOTICE#${partnerId}`;
const HELD = 'LEADS#HELD';
const RECALLED = 'LEADS#RECALLED';

/** The indexes a lead is in, by its state. */
const indexKeysOf = (lead: Lead): Record<string, string> => {
  switch (lead.state) {
    case 'shared':
      return {
        gsi1pk: byPartner(lead.partnerId ?? ''),
        gsi1sk: `${lead.sharedAt}#${lead.id}`,
        ...(lead.assignee ? { gsi2pk: byAssignee(lead.assignee.id), gsi2sk: `${lead.sharedAt}#${lead.id}` } : {}),
        ...(lead.recallDueAt ? { duePk: RECALL_DUE, dueAt: lead.recallDueAt } : {}),
      };
    case 'held-back':
      return { gsi1pk: HELD, gsi1sk: `${lead.heldAt ?? lead.updatedAt}#${lead.id}` };
    case 'recalled':
      return {
        gsi1pk: RECALLED,
        gsi1sk: `${lead.recalledAt}#${lead.id}`,
        // Until the partner is told; the deadline that passed is at or before the sweep's "now", so the same sweep finds it.
        ...(lead.recallNoticePending
          ? { gsi2pk: untoldOf(lead.partnerId ?? ''), gsi2sk: `${lead.recalledAt}#${lead.id}`, duePk: RECALL_NOTICE_DUE, dueAt: lead.recallDueAt ?? lead.recalledAt ?? '' }
          : {}),
      };
  }
};

export const toItem = (lead: Lead): Item => ({ ...key(lead.id), entity: 'lead', ...indexKeysOf(lead), ...lead });
export const fromItem = (item: Item): Lead => recordOf<Lead>(item);

export const get = async (id: string, consistent = false): Promise<Lead | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id), ...(consistent ? { ConsistentRead: true } : {}) }));
  return result.Item ? fromItem(result.Item) : undefined;
};

/** BatchGetItem calls in flight at once. */
const READ_PARALLEL = 4;

/** The leads with these ids that exist, read consistently (an import decides on them). */
export const getMany = async (ids: readonly string[]): Promise<Map<string, Lead>> => {
  const unique = [...new Set(ids)];
  const leads = new Map<string, Lead>();
  const batches = Math.ceil(unique.length / 100);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(READ_PARALLEL, batches) }, async () => {
      for (let batch = next++; batch < batches; batch = next++) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(batch * 100, batch * 100 + 100).map(key);
      for (let attempt = 0; keys && keys.length > 0; attempt += 1) {
        if (attempt > 0) await pause(attempt);
        const result: BatchGetCommandOutput = await db().send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of result.Responses?.[tableName] ?? []) {
          const lead = fromItem(item);
          leads.set(lead.id, lead);
        }
        keys = result.UnprocessedKeys?.[tableName]?.Keys;
      }
      }
    }),
  );
  return leads;
};

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));

/** BatchWriteItem calls in flight at once when writing new leads. */
const WRITE_PARALLEL = 4;

/**
 * Writes leads that did not exist, 25 to a BatchWriteItem. Unconditional Puts are safe
 * here because new leads are written only by the lead import, which runs one import at
 * a time (the import lock): nobody else can have created the same lead meanwhile.
 */
export const putNew = async (leads: readonly Lead[]): Promise<void> => {
  const batches: Lead[][] = [];
  for (let start = 0; start < leads.length; start += 25) batches.push(leads.slice(start, start + 25));
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < batches.length; index = next++) {
      let requests: NonNullable<BatchWriteCommandOutput['UnprocessedItems']>[string] | undefined = (batches[index] ?? []).map((lead) => ({
        PutRequest: { Item: toItem(lead) },
      }));
      for (let attempt = 0; requests && requests.length > 0; attempt += 1) {
        if (attempt > 0) await pause(attempt);
        if (attempt > 10) throw new Error('DynamoDB left lead writes unprocessed after 10 retries');
        const result: BatchWriteCommandOutput = await db().send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = result.UnprocessedItems?.[tableName];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_PARALLEL, batches.length) }, worker));
};

/** The lead, replacing the one read at `expectedVersion`: refused when it changed meanwhile. Goes into a caller's transaction. */
export const replaceItem = (lead: Lead, expectedVersion: number): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: toItem(lead),
    ConditionExpression: 'attribute_exists(pk) AND version = :expected',
    ExpressionAttributeValues: { ':expected': expectedVersion },
  },
});

/** Replaces the lead read at `expectedVersion`; false when someone changed it meanwhile. */
export const replace = async (lead: Lead, expectedVersion: number): Promise<boolean> => {
  const put = replaceItem(lead, expectedVersion).Put;
  if (!put) throw new Error('replaceItem builds a Put');
  try {
    await db().send(new PutCommand(put));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

export interface LeadFilter {
  shareStatus?: ShareStatus | undefined;
  /** `none`: accepted leads whose status was not set yet. */
  leadStatus?: LeadStatus | 'none' | undefined;
  campaignId?: string | undefined;
}

const filterOf = (filter: LeadFilter) => {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.shareStatus) {
    clauses.push('#fShare = :fShare');
    names['#fShare'] = 'shareStatus';
    values[':fShare'] = filter.shareStatus;
  }
  if (filter.leadStatus === 'none') {
    clauses.push('attribute_not_exists(#fLead)');
    names['#fLead'] = 'leadStatus';
  } else if (filter.leadStatus) {
    clauses.push('#fLead = :fLead');
    names['#fLead'] = 'leadStatus';
    values[':fLead'] = filter.leadStatus;
  }
  if (filter.campaignId) {
    clauses.push('#fCampaign = :fCampaign');
    names['#fCampaign'] = 'campaignId';
    values[':fCampaign'] = filter.campaignId;
  }
  return clauses.length === 0 ? undefined : { expression: clauses.join(' AND '), names, ...(Object.keys(values).length ? { values } : {}) };
};

/** Pages of a filtered list read until something matches or this many items were read. */
const MAX_ITEMS_READ = 1000;

const listPage = async (index: 'gsi1' | 'gsi2', partitionValue: string, filter: LeadFilter, limit: number, cursor?: string): Promise<Page<Lead>> => {
  const expression = filterOf(filter);
  const items: Lead[] = [];
  let next = cursor;
  let read = 0;
  do {
    const page = await queryPage({ index, partitionValue, limit: expression ? Math.max(limit, 100) : limit, cursor: next, newestFirst: true, ...(expression ? { filter: expression } : {}) });
    items.push(...page.items.map(fromItem));
    next = page.nextCursor;
    read += expression ? Math.max(limit, 100) : limit;
  } while (expression && items.length === 0 && next && read < MAX_ITEMS_READ);
  return { items, ...(next ? { nextCursor: next } : {}) };
};

export const listOfPartner = (partnerId: string, filter: LeadFilter, limit: number, cursor?: string): Promise<Page<Lead>> =>
  listPage('gsi1', byPartner(partnerId), filter, limit, cursor);

export const listOfAssignee = (userId: string, filter: LeadFilter, limit: number, cursor?: string): Promise<Page<Lead>> =>
  listPage('gsi2', byAssignee(userId), filter, limit, cursor);

export const listHeldBack = (filter: LeadFilter, limit: number, cursor?: string): Promise<Page<Lead>> => listPage('gsi1', HELD, filter, limit, cursor);

export const listRecalled = (filter: LeadFilter, limit: number, cursor?: string): Promise<Page<Lead>> => listPage('gsi1', RECALLED, filter, limit, cursor);

/** A partner's recalled leads whose partner was not told yet, oldest first, at most `max`. */
export const untoldRecallsOf = async (partnerId: string, max: number): Promise<Lead[]> => {
  const leads: Lead[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryPage({ index: 'gsi2', partitionValue: untoldOf(partnerId), limit: Math.min(500, max - leads.length), cursor });
    leads.push(...page.items.map(fromItem));
    cursor = page.nextCursor;
  } while (cursor && leads.length < max);
  return leads;
};
