import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LoaRequest, LoaStatus } from '#domain/loa';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { db, queryPage, queryPartition, recordOf, setDefined, tableName, type Item, type Page, type TransactItem } from './table.ts';

/**
 * Letters of Authorization. The request, its approval levels, its history and its
 * due work share one partition. Access patterns:
 * - a request: GetItem pk=LOA#<id>, sk=LOA
 * - a request with levels, history and due work: Query pk=LOA#<id>
 * - a partner's requests, newest first: Query gsi1 gsi1pk=PARTNER#<partner>#LOA, gsi1sk=<submittedAt>#<id>
 * - requests in one status (an internal queue): Query gsi2 gsi2pk=LOASTATUS#<status>, gsi2sk=<submittedAt>#<id>
 * - due work (review start; validity reminder then expiry): due index duePk=<kind>, items pk=LOA#<id>, sk=DUE#<kind>
 * The signed letter is the object `loa/<id>/letter.pdf` of the private attachments bucket.
 */
export const REVIEW_START_DUE = 'loa-review-start';
export const VALIDITY_DUE = 'loa-validity';

const REQUEST = 'LOA';
export const partitionOf = (id: string): string => `LOA#${id}`;
const key = (id: string) => ({ pk: partitionOf(id), sk: REQUEST });
const dueKey = (id: string, kind: string) => ({ pk: partitionOf(id), sk: `DUE#${kind}` });

/** The letter's object key: deterministic, so generating it again (a retried task) overwrites the same object. */
export const letterKeyOf = (id: string): string => `loa/${id}/letter.pdf`;

export const isRequestItem = (item: Item): boolean => item.sk === REQUEST;
export const fromItem = (item: Item): LoaRequest => recordOf<LoaRequest>(item);

const indexKeys = (request: Pick<LoaRequest, 'partnerId' | 'submittedAt' | 'id' | 'status'>) => ({
  gsi1pk: `PARTNER#${request.partnerId}#LOA`,
  gsi1sk: `${request.submittedAt}#${request.id}`,
  gsi2pk: `LOASTATUS#${request.status}`,
  gsi2sk: `${request.submittedAt}#${request.id}`,
});

export const dueItem = (id: string, kind: string, dueAt: string, details: Record<string, unknown> = {}): TransactItem => ({
  Put: { TableName: tableName, Item: { ...dueKey(id, kind), entity: 'loa-due', duePk: kind, dueAt, loaId: id, ...details } },
});

/** Done with a piece of due work: refused when it is not there as read (someone else did it). */
export const dueDoneItem = (id: string, kind: string, dueAt: string): TransactItem => ({
  Delete: { TableName: tableName, Key: dueKey(id, kind), ConditionExpression: 'dueAt = :dueAt', ExpressionAttributeValues: { ':dueAt': dueAt } },
});

/** Moves a piece of due work to its next step, once: refused when someone moved it already. */
export const dueMoveItem = (id: string, kind: string, fromDueAt: string, toDueAt: string, details: Record<string, unknown>): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: { ...dueKey(id, kind), entity: 'loa-due', duePk: kind, dueAt: toDueAt, loaId: id, ...details },
    ConditionExpression: 'dueAt = :from',
    ExpressionAttributeValues: { ':from': fromDueAt },
  },
});

/** Clears a piece of due work if it is there (no condition). */
export const dueClearItem = (id: string, kind: string): TransactItem => ({ Delete: { TableName: tableName, Key: dueKey(id, kind) } });

export const createItems = (request: LoaRequest, event: HistoryEvent, due: TransactItem[]): TransactItem[] => [
  {
    Put: {
      TableName: tableName,
      Item: { ...key(request.id), entity: 'loa-request', ...indexKeys(request), ...request },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  historyPut(partitionOf(request.id), event),
  ...due,
];

export const get = async (id: string, consistent = false): Promise<LoaRequest | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id), ...(consistent ? { ConsistentRead: true } : {}) }));
  return result.Item ? fromItem(result.Item) : undefined;
};

export interface LoaPartition {
  request: LoaRequest;
  history: HistoryEvent[];
  items: Item[];
}

export const getWithPartition = async (id: string, consistent = false): Promise<LoaPartition | undefined> => {
  const items = await queryPartition(partitionOf(id), undefined, consistent);
  const item = items.find(isRequestItem);
  return item ? { request: fromItem(item), history: historyOf(items), items } : undefined;
};

export const listOfPartner = async (partnerId: string, limit: number, cursor?: string): Promise<Page<LoaRequest>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: `PARTNER#${partnerId}#LOA`, limit, cursor, newestFirst: true });
  return { ...page, items: page.items.map(fromItem) };
};

export const listByStatus = async (status: LoaStatus, limit: number, cursor?: string): Promise<Page<LoaRequest>> => {
  const page = await queryPage({ index: 'gsi2', partitionValue: `LOASTATUS#${status}`, limit, cursor });
  return { ...page, items: page.items.map(fromItem) };
};

type Changes = Partial<Pick<LoaRequest, 'legalInitials' | 'legalApprovedBy' | 'signedBy' | 'signedAt' | 'validity' | 'outcomeReason' | 'decidedAt' | 'letterKey'>>;

/** Moves a request from `from` to `to` (refused when it is no longer `from`), keeping the status queue in step. */
export const transitionItem = (request: Pick<LoaRequest, 'id'>, from: LoaStatus, to: LoaStatus, at: string, changes: Changes = {}): TransactItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':from': from, ':to': to, ':queue': `LOASTATUS#${to}`, ':at': at, ':one': 1 };
  const sets = ['#status = :to', 'gsi2pk = :queue', 'updatedAt = :at', 'version = version + :one'];
  setDefined(changes, names, values, sets);
  return {
    Update: {
      TableName: tableName,
      Key: key(request.id),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** A change that keeps the status (a level opened): refused unless the status is `status`. */
export const touchItem = (request: Pick<LoaRequest, 'id'>, status: LoaStatus, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(request.id),
    UpdateExpression: 'SET updatedAt = :at',
    ConditionExpression: '#status = :status',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': status, ':at': at },
  },
});

/**
 * The letter is stored and about to be emailed: recorded once (refused when it was
 * already sent, or the request is not Issued), with its history, before the email goes.
 */
export const letterSentItems = (id: string, letterKey: string, at: string, event: HistoryEvent): TransactItem[] => [
  {
    Update: {
      TableName: tableName,
      Key: key(id),
      UpdateExpression: 'SET letterKey = :key, letterSentAt = :at, updatedAt = :at, version = version + :one',
      ConditionExpression: '#status = :issued AND attribute_not_exists(letterSentAt)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':key': letterKey, ':at': at, ':issued': 'Issued', ':one': 1 },
    },
  },
  historyPut(partitionOf(id), event),
];

/** The email could not be sent: the mark is given back so that the retried task sends it. */
export const letterUnsent = async (id: string, sentAt: string): Promise<void> => {
  await db().send(
    new UpdateCommand({
      TableName: tableName,
      Key: key(id),
      UpdateExpression: 'REMOVE letterSentAt',
      ConditionExpression: 'letterSentAt = :at',
      ExpressionAttributeValues: { ':at': sentAt },
    }),
  );
};

/** A piece of due work of a request, among its partition's items. */
export const dueOf = (items: readonly Item[], kind: string): { dueAt: string; step?: string } | undefined => {
  const item = items.find((candidate) => candidate.sk === `DUE#${kind}`);
  return item ? { dueAt: String(item.dueAt), ...(item.step ? { step: String(item.step) } : {}) } : undefined;
};

export const historyItem = (id: string, event: HistoryEvent): TransactItem => historyPut(partitionOf(id), event);
