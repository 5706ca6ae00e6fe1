import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LicenceStatus, NfrLicence, NfrRequest, NfrRequestStatus } from '#domain/nfr';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { db, queryPage, queryPartition, recordOf, setDefined, tableName, type Item, type Page, type TransactItem } from './table.ts';

/**
 * NFR licence requests, licences and each partner's count of licence users.
 * A request, its help-desk review and its history share one partition; a licence
 * has its own. The partner's counter item holds the users of its active licences:
 * every grant adds to it with a condition (never above the limit) and every expiry
 * or renewal takes from it, in the same transaction as the licence's change.
 * Access patterns:
 * - a request: GetItem pk=NFR#<id>, sk=REQUEST
 * - a request with its review and history: Query pk=NFR#<id>
 * - a partner's requests, newest first: Query gsi1 gsi1pk=PARTNER#<partner>#NFR, gsi1sk=<submittedAt>#<id>
 * - requests in one status (the help desk's queue): Query gsi2 gsi2pk=NFRSTATUS#<status>, gsi2sk=<submittedAt>#<id>
 * - a licence: GetItem pk=NFRLICENCE#<id>, sk=LICENCE
 * - a partner's licences, newest first: Query gsi1 gsi1pk=PARTNER#<partner>#NFRLICENCES, gsi1sk=<grantedAt>#<id>
 * - a partner's active licences: Query gsi2 gsi2pk=PARTNER#<partner>#NFRACTIVE (sparse: removed when a licence ends)
 * - the users of a partner's active licences: GetItem pk=NFRSEATS#<partner>, sk=SEATS
 * - licences at their expiry: due index duePk=nfr-licence-expiry, dueAt=<expiresAt>
 * - requests whose review did not start: due index duePk=nfr-review-start
 */
export const EXPIRY_DUE = 'nfr-licence-expiry';
export const REVIEW_START_DUE = 'nfr-review-start';

const REQUEST = 'REQUEST';
const LICENCE = 'LICENCE';
export const partitionOf = (id: string): string => `NFR#${id}`;
const requestKey = (id: string) => ({ pk: partitionOf(id), sk: REQUEST });
const licenceKey = (id: string) => ({ pk: `NFRLICENCE#${id}`, sk: LICENCE });
const seatsKey = (partnerId: string) => ({ pk: `NFRSEATS#${partnerId}`, sk: 'SEATS' });
const activeIndex = (partnerId: string) => `PARTNER#${partnerId}#NFRACTIVE`;

export const isRequestItem = (item: Item): boolean => item.sk === REQUEST;
export const requestFromItem = (item: Item): NfrRequest => recordOf<NfrRequest>(item);
export const licenceFromItem = (item: Item): NfrLicence => recordOf<NfrLicence>(item);

const requestIndexKeys = (request: Pick<NfrRequest, 'partnerId' | 'submittedAt' | 'id' | 'status'>) => ({
  gsi1pk: `PARTNER#${request.partnerId}#NFR`,
  gsi1sk: `${request.submittedAt}#${request.id}`,
  gsi2pk: `NFRSTATUS#${request.status}`,
  gsi2sk: `${request.submittedAt}#${request.id}`,
});

/** A new request with its first history event; it waits in the due index until its review opens. */
export const createItems = (request: NfrRequest, event: HistoryEvent, reviewStartDueAt: string): TransactItem[] => [
  {
    Put: {
      TableName: tableName,
      Item: { ...requestKey(request.id), entity: 'nfr-request', ...requestIndexKeys(request), duePk: REVIEW_START_DUE, dueAt: reviewStartDueAt, ...request },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  historyPut(partitionOf(request.id), event),
];

export const getRequest = async (id: string): Promise<NfrRequest | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: requestKey(id) }));
  return result.Item ? requestFromItem(result.Item) : undefined;
};

export const getRequestWithPartition = async (id: string, consistent = false): Promise<{ request: NfrRequest; history: HistoryEvent[]; items: Item[] } | undefined> => {
  const items = await queryPartition(partitionOf(id), undefined, consistent);
  const item = items.find(isRequestItem);
  return item ? { request: requestFromItem(item), history: historyOf(items), items } : undefined;
};

export const requestsOfPartner = async (partnerId: string, limit: number, cursor?: string): Promise<Page<NfrRequest>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: `PARTNER#${partnerId}#NFR`, limit, cursor, newestFirst: true });
  return { ...page, items: page.items.map(requestFromItem) };
};

export const requestsInStatus = async (status: NfrRequestStatus, limit: number, cursor?: string): Promise<Page<NfrRequest>> => {
  const page = await queryPage({ index: 'gsi2', partitionValue: `NFRSTATUS#${status}`, limit, cursor });
  return { ...page, items: page.items.map(requestFromItem) };
};

/** Moves a request out of Pending (refused when it is no longer Pending). */
export const decidedItem = (request: NfrRequest, to: Exclude<NfrRequestStatus, 'Pending'>, at: string, changes: Pick<NfrRequest, 'outcomeReason' | 'licenceId'>): TransactItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':pending': 'Pending', ':to': to, ':at': at, ':one': 1, ':gsi2pk': `NFRSTATUS#${to}` };
  const sets = ['#status = :to', 'decidedAt = :at', 'updatedAt = :at', 'version = version + :one', 'gsi2pk = :gsi2pk'];
  setDefined(changes, names, values, sets);
  return {
    Update: {
      TableName: tableName,
      Key: requestKey(request.id),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE duePk, dueAt`,
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};
/** Position of the request's own update in a grant's transaction. */
export const GRANT_REQUEST_INDEX = 0;

/** The review opened (its workflow runs): the request leaves the due index. Refused unless Pending. */
export const reviewOpenedItem = (id: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: requestKey(id),
    UpdateExpression: 'SET updatedAt = :at REMOVE duePk, dueAt',
    ConditionExpression: '#status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':at': at, ':pending': 'Pending' },
  },
});

/** The review's workflow is known to run (or the request is decided): leave the due index. */
export const reviewStartDoneItem = (id: string, dueAt: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: requestKey(id),
    UpdateExpression: 'REMOVE duePk, dueAt',
    ConditionExpression: 'duePk = :due AND dueAt = :dueAt',
    ExpressionAttributeValues: { ':due': REVIEW_START_DUE, ':dueAt': dueAt },
  },
});

export const requestHistoryItem = (id: string, event: HistoryEvent): TransactItem => historyPut(partitionOf(id), event);

// Licences

const licenceItem = (licence: NfrLicence): Item => ({
  ...licenceKey(licence.id),
  entity: 'nfr-licence',
  gsi1pk: `PARTNER#${licence.partnerId}#NFRLICENCES`,
  gsi1sk: `${licence.grantedAt}#${licence.id}`,
  gsi2pk: activeIndex(licence.partnerId),
  gsi2sk: `${licence.expiresOn}#${licence.id}`,
  duePk: EXPIRY_DUE,
  dueAt: licence.expiresAt,
  ...licence,
});

/**
 * A granted licence: the licence, and the partner's users counted up by
 * `addedUsers` (its users less those of the licences it renews) on condition that
 * the count stays within `limit`. Concurrent grants serialise on the counter; the
 * one that would pass the limit is refused (the counter's item is the second).
 */
export const grantItems = (licence: NfrLicence, addedUsers: number, limit: number): TransactItem[] => [
  { Put: { TableName: tableName, Item: licenceItem(licence), ConditionExpression: 'attribute_not_exists(pk)' } },
  {
    Update: {
      TableName: tableName,
      Key: seatsKey(licence.partnerId),
      UpdateExpression: 'SET usersInUse = if_not_exists(usersInUse, :zero) + :added, partnerId = :partner, entity = :entity, updatedAt = :at',
      ConditionExpression: 'attribute_not_exists(usersInUse) OR usersInUse <= :most',
      ExpressionAttributeValues: { ':zero': 0, ':added': addedUsers, ':partner': licence.partnerId, ':entity': 'nfr-seats', ':at': licence.grantedAt, ':most': limit - addedUsers },
    },
  },
];
export const GRANT_SEATS_OFFSET = 1;

/** A licence leaves the count (Expired, or Renewed by a newer one): refused unless still Active. */
export const endedItem = (licence: Pick<NfrLicence, 'id' | 'partnerId'>, to: Exclude<LicenceStatus, 'Active'>, at: string, expectDueAt?: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: licenceKey(licence.id),
    UpdateExpression: 'SET #status = :to, updatedAt = :at, endedAt = :at, version = version + :one REMOVE gsi2pk, gsi2sk, duePk, dueAt',
    ConditionExpression: expectDueAt ? '#status = :active AND dueAt = :dueAt' : '#status = :active',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':to': to, ':at': at, ':one': 1, ':active': 'Active', ...(expectDueAt ? { ':dueAt': expectDueAt } : {}) },
  },
});

/** The users of an expired licence leave the partner's count (same transaction as the expiry). */
export const usersReleasedItem = (partnerId: string, users: number, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: seatsKey(partnerId),
    UpdateExpression: 'SET usersInUse = usersInUse - :users, updatedAt = :at',
    ConditionExpression: 'usersInUse >= :users',
    ExpressionAttributeValues: { ':users': users, ':at': at },
  },
});

export const getLicence = async (id: string): Promise<NfrLicence | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: licenceKey(id) }));
  return result.Item ? licenceFromItem(result.Item) : undefined;
};

export const licencesOfPartner = async (partnerId: string, limit: number, cursor?: string): Promise<Page<NfrLicence>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: `PARTNER#${partnerId}#NFRLICENCES`, limit, cursor, newestFirst: true });
  return { ...page, items: page.items.map(licenceFromItem) };
};

/** The partner's active licences (at most 25 users' worth, so one page). */
export const activeLicencesOf = async (partnerId: string): Promise<NfrLicence[]> => {
  const page = await queryPage({ index: 'gsi2', partitionValue: activeIndex(partnerId), limit: 100 });
  return page.items.map(licenceFromItem).filter((licence) => licence.status === 'Active');
};

/** Users of the partner's active licences (consistent read of its counter). */
export const usersInUse = async (partnerId: string): Promise<number> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: seatsKey(partnerId), ConsistentRead: true }));
  return typeof result.Item?.usersInUse === 'number' ? result.Item.usersInUse : 0;
};
