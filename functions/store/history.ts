import { randomBytes } from 'node:crypto';
import { recordOf, tableName, type Item, type TransactItem } from './table.ts';

/**
 * Every status change of a record is kept beside it, in the record's own partition:
 * who, when, from which status to which, and why. Items are only ever added.
 */
export interface Actor {
  id: string;
  name: string;
  /** `partner-user`, `internal-user`, `link` (decided from an email link), `system` (workflow, sweep). */
  kind: 'partner-user' | 'internal-user' | 'link' | 'system';
  /** Set when a backup acted for someone. */
  onBehalfOf?: { id: string; name: string };
}

export interface HistoryEvent {
  at: string;
  by: Actor;
  /** What happened, e.g. `submitted`, `level-approved`, `denied`, `canceled`, `escalated`. */
  action: string;
  from?: string;
  to?: string;
  reason?: string;
  /** Extra facts (level, amounts), shown as they are. */
  details?: Record<string, unknown>;
}

export const systemActor = (name: string): Actor => ({ id: `system:${name}`, name, kind: 'system' });

const HISTORY = 'HISTORY#';

/** A Put of one history event into the partition `partition`; goes into the same transaction as the change. */
export const historyPut = (partition: string, event: HistoryEvent): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: {
      pk: partition,
      sk: `${HISTORY}${event.at}#${randomBytes(4).toString('hex')}`,
      entity: 'history',
      ...event,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export const isHistoryItem = (item: Item): boolean => typeof item.sk === 'string' && item.sk.startsWith(HISTORY);

/** History events of a partition's items, oldest first. */
export const historyOf = (items: readonly Item[]): HistoryEvent[] =>
  items.filter(isHistoryItem).map((item) => recordOf<HistoryEvent>(item));
