import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Budget } from '#domain/budget';
import type { Cents } from '#domain/money';
import type { Region } from '#domain/regions';
import { db, queryPage, recordOf, tableName, transact, type Page, type TransactItem } from './table.ts';

/**
 * Regional quarterly MDF budgets and their append-only ledger. Access patterns:
 * - a region's budget for a quarter: GetItem pk=BUDGET#<region>#<quarter>, sk=BUDGET
 * - budgets of a quarter (all regions): Query gsi1 gsi1pk=BUDGETS, gsi1sk begins_with <quarter>#
 * - ledger of a budget, in order: Query pk=BUDGET#<region>#<quarter>, sk begins_with LEDGER# (LEDGER#<at>#<order>#<id>)
 *
 * The budget item keeps `availableCents` and `flexiAvailableCents` as figures of
 * their own (total − reserved − consumed, flexi limit − flexi used) because a
 * DynamoDB condition cannot do arithmetic: a reservation is refused by the
 * condition `availableCents >= :amount`, so the figure never goes below zero, even
 * under concurrent approvals.
 */
export type LedgerKind = 'reserve' | 'release' | 'consume' | 'adjust';

export interface LedgerEntry {
  id: string;
  region: Region;
  quarter: string;
  kind: LedgerKind;
  /** Always positive; the kind says which way it moves. */
  amountCents: Cents;
  flexi: boolean;
  requestId?: string;
  at: string;
  by: string;
  note: string;
}

const partition = (region: Region, quarter: string) => `BUDGET#${region}#${quarter}`;
const key = (region: Region, quarter: string) => ({ pk: partition(region, quarter), sk: 'BUDGET' });

/** Entries of one change share their instant; `order` keeps them in the order written (consume before release). */
const ledgerPut = (entry: LedgerEntry, order = 0): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: { pk: partition(entry.region, entry.quarter), sk: `LEDGER#${entry.at}#${order}#${entry.id}`, entity: 'ledger-entry', ...entry },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

type StoredBudget = Budget & { flexiAvailableCents: Cents };

export const get = async (region: Region, quarter: string): Promise<Budget | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(region, quarter) }));
  if (!result.Item) return undefined;
  const { flexiAvailableCents: _derived, ...budget } = recordOf<StoredBudget>(result.Item);
  return budget;
};

export const listOfQuarter = async (quarter: string | undefined, limit: number, cursor?: string): Promise<Page<Budget>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: 'BUDGETS', limit, cursor, ...(quarter ? { sortPrefix: `${quarter}#` } : {}) });
  return {
    ...page,
    items: page.items.map((item) => {
      const { flexiAvailableCents: _derived, ...budget } = recordOf<StoredBudget>(item);
      return budget;
    }),
  };
};

export interface Change {
  at: string;
  by: string;
  note: string;
}

/** Sets a new budget (refused when one exists for the region and quarter). */
export const create = (budget: Budget, change: Change): Promise<void> =>
  transact([
    {
      Put: {
        TableName: tableName,
        Item: {
          ...key(budget.region, budget.quarter),
          entity: 'budget',
          gsi1pk: 'BUDGETS',
          gsi1sk: `${budget.quarter}#${budget.region}`,
          ...budget,
          flexiAvailableCents: budget.flexiLimitCents - budget.flexiUsedCents,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ledgerPut({ id: randomUUID(), region: budget.region, quarter: budget.quarter, kind: 'adjust', amountCents: budget.totalCents, flexi: false, ...change }),
  ]);

/** Changes the total (and target markets) of a budget read at `before`; the difference is a ledger adjustment. */
export const resize = (
  before: Budget,
  totalCents: Cents,
  flexiLimitCents: Cents,
  targetMarkets: string[],
  change: Change,
): Promise<void> => {
  const delta = totalCents - before.totalCents;
  const flexiDelta = flexiLimitCents - before.flexiLimitCents;
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName,
        Key: key(before.region, before.quarter),
        UpdateExpression:
          'SET totalCents = :total, availableCents = availableCents + :delta, flexiLimitCents = :flexiLimit, ' +
          'flexiAvailableCents = flexiAvailableCents + :flexiDelta, targetMarkets = :markets, version = version + :one, updatedAt = :at',
        ConditionExpression: 'version = :expected AND availableCents >= :minusDelta AND flexiAvailableCents >= :minusFlexiDelta',
        ExpressionAttributeValues: {
          ':total': totalCents,
          ':delta': delta,
          ':flexiLimit': flexiLimitCents,
          ':flexiDelta': flexiDelta,
          ':markets': targetMarkets,
          ':one': 1,
          ':at': change.at,
          ':expected': before.version,
          ':minusDelta': -delta,
          ':minusFlexiDelta': -flexiDelta,
        },
      },
    },
  ];
  if (delta !== 0) {
    items.push(
      ledgerPut({
        id: randomUUID(),
        region: before.region,
        quarter: before.quarter,
        kind: 'adjust',
        amountCents: Math.abs(delta),
        flexi: false,
        ...change,
        note: `${change.note} (${delta > 0 ? 'increase' : 'decrease'})`,
      }),
    );
  }
  return transact(items);
};

export interface Movement {
  region: Region;
  quarter: string;
  amountCents: Cents;
  flexi: boolean;
  requestId: string;
  at: string;
  by: string;
  note: string;
}

/**
 * Reserves `amountCents` of the budget for a request: the budget update (refused
 * when the amount, or the flexi amount, is more than what is available) and its
 * ledger entry, for the caller's transaction. The budget update is the FIRST item.
 */
export const reserveItems = (movement: Movement): TransactItem[] => {
  const flexiAmount = movement.flexi ? movement.amountCents : 0;
  return [
    {
      Update: {
        TableName: tableName,
        Key: key(movement.region, movement.quarter),
        UpdateExpression:
          'SET availableCents = availableCents - :amount, reservedCents = reservedCents + :amount, ' +
          'flexiUsedCents = flexiUsedCents + :flexi, flexiAvailableCents = flexiAvailableCents - :flexi, version = version + :one, updatedAt = :at',
        ConditionExpression: 'availableCents >= :amount AND flexiAvailableCents >= :flexi',
        ExpressionAttributeValues: { ':amount': movement.amountCents, ':flexi': flexiAmount, ':one': 1, ':at': movement.at },
      },
    },
    ledgerPut({ id: randomUUID(), kind: 'reserve', ...movement }),
  ];
};

/** Gives a reservation back to the budget (denied, canceled, or the unclaimed rest), with its ledger entry. */
export const releaseItems = (movement: Movement): TransactItem[] => {
  const flexiAmount = movement.flexi ? movement.amountCents : 0;
  return [
    {
      Update: {
        TableName: tableName,
        Key: key(movement.region, movement.quarter),
        UpdateExpression:
          'SET availableCents = availableCents + :amount, reservedCents = reservedCents - :amount, ' +
          'flexiUsedCents = flexiUsedCents - :flexi, flexiAvailableCents = flexiAvailableCents + :flexi, version = version + :one, updatedAt = :at',
        ConditionExpression: 'reservedCents >= :amount AND flexiUsedCents >= :flexi',
        ExpressionAttributeValues: { ':amount': movement.amountCents, ':flexi': flexiAmount, ':one': 1, ':at': movement.at },
      },
    },
    ledgerPut({ id: randomUUID(), kind: 'release', ...movement }),
  ];
};

/**
 * An approved claim settles a reservation: `claimedCents` is consumed and the rest
 * of the reservation (`movement.amountCents - claimedCents`) goes back to the
 * budget, with a ledger entry for each.
 */
export const consumeItems = (movement: Movement, claimedCents: Cents): TransactItem[] => {
  const rest = movement.amountCents - claimedCents;
  const flexiRest = movement.flexi ? rest : 0;
  return [
    {
      Update: {
        TableName: tableName,
        Key: key(movement.region, movement.quarter),
        UpdateExpression:
          'SET reservedCents = reservedCents - :reserved, consumedCents = consumedCents + :claimed, availableCents = availableCents + :rest, ' +
          'flexiUsedCents = flexiUsedCents - :flexiRest, flexiAvailableCents = flexiAvailableCents + :flexiRest, version = version + :one, updatedAt = :at',
        ConditionExpression: 'reservedCents >= :reserved AND flexiUsedCents >= :flexiRest',
        ExpressionAttributeValues: {
          ':reserved': movement.amountCents,
          ':claimed': claimedCents,
          ':rest': rest,
          ':flexiRest': flexiRest,
          ':one': 1,
          ':at': movement.at,
        },
      },
    },
    ledgerPut({ id: randomUUID(), kind: 'consume', ...movement, amountCents: claimedCents }),
    ...(rest > 0 ? [ledgerPut({ id: randomUUID(), kind: 'release', ...movement, amountCents: rest, note: `${movement.note}: unclaimed rest` }, 1)] : []),
  ];
};

export const ledger = async (region: Region, quarter: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>> => {
  const page = await queryPage({ partitionValue: partition(region, quarter), sortPrefix: 'LEDGER#', limit, cursor });
  return { ...page, items: page.items.map((item) => recordOf<LedgerEntry>(item)) };
};
