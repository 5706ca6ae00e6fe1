import { BatchGetCommand, GetCommand, UpdateCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { openStatuses, type DealRegistration, type RegistrationStatus } from '#domain/deal-registration';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { db, queryPage, queryPartition, recordOf, setDefined, tableName, type Item, type Page, type TransactItem } from './table.ts';

/**
 * Deal registrations. The registration, its review levels, its history and its
 * pieces of due work share one partition. Access patterns:
 * - a registration: GetItem pk=DR#<id>, sk=DR
 * - a registration with reviews, history and due work: Query pk=DR#<id>
 * - a partner's registrations, newest first: Query gsi1 gsi1pk=PARTNER#<partner>#DR, gsi1sk=<submittedAt>#<id>
 *   (a user without opportunityAdmin: the same, filtered to what they submitted)
 * - registrations in one status (an internal queue): Query gsi2 gsi2pk=DRSTATUS#<status>, gsi2sk=<submittedAt>#<id>
 * - registrations of a customer, for duplicates: Query pk=DRNAME#<normalised company> or pk=DRDOMAIN#<email domain>
 * - due work (partner contact SLA, review start, expiry reminder and expiry): due index duePk=<kind>, items pk=DR#<id>, sk=DUE#<kind>
 */
export const PARTNER_CONTACT_DUE = 'dr-partner-contact';
export const EXPIRY_DUE = 'dr-expiry';
/** The review workflow has not opened its first level yet: the sweep starts it. */
export const REVIEW_START_DUE = 'dr-review-start';

const REGISTRATION = 'DR';
export const partitionOf = (id: string): string => `DR#${id}`;
const key = (id: string) => ({ pk: partitionOf(id), sk: REGISTRATION });
const dueKey = (id: string, kind: string) => ({ pk: partitionOf(id), sk: `DUE#${kind}` });

/** Beside the registration the store keeps the workflow's token while it waits for the partner to resubmit. */
interface StoredRegistration extends DealRegistration {
  resubmitTaskToken?: string;
}

export const isRegistrationItem = (item: Item): boolean => item.sk === REGISTRATION;
export const fromItem = (item: Item): DealRegistration => {
  const { resubmitTaskToken: _token, ...registration } = recordOf<StoredRegistration>(item);
  return registration;
};

const indexKeys = (registration: Pick<DealRegistration, 'partnerId' | 'submittedAt' | 'id' | 'status'>) => ({
  gsi1pk: `PARTNER#${registration.partnerId}#DR`,
  gsi1sk: `${registration.submittedAt}#${registration.id}`,
  gsi2pk: `DRSTATUS#${registration.status}`,
  gsi2sk: `${registration.submittedAt}#${registration.id}`,
});

/** Keys under which a registration is found as a possible duplicate of a later one. */
const customerKeyItems = (registration: DealRegistration, normalizedName: string, domain: string | undefined): TransactItem[] => [
  { Put: { TableName: tableName, Item: { pk: `DRNAME#${normalizedName}`, sk: `DR#${registration.id}`, entity: 'dr-customer-key', registrationId: registration.id } } },
  ...(domain
    ? [{ Put: { TableName: tableName, Item: { pk: `DRDOMAIN#${domain}`, sk: `DR#${registration.id}`, entity: 'dr-customer-key', registrationId: registration.id } } }]
    : []),
];

export const dueItem = (id: string, kind: string, dueAt: string, details: Record<string, unknown> = {}): TransactItem => ({
  Put: { TableName: tableName, Item: { ...dueKey(id, kind), entity: 'dr-due', duePk: kind, dueAt, registrationId: id, ...details } },
});

/** Done with a piece of due work: refused when it is not there (someone else did it). */
export const dueDoneItem = (id: string, kind: string, dueAt?: string): TransactItem => ({
  Delete: {
    TableName: tableName,
    Key: dueKey(id, kind),
    ConditionExpression: dueAt ? 'dueAt = :dueAt' : 'attribute_exists(pk)',
    ...(dueAt ? { ExpressionAttributeValues: { ':dueAt': dueAt } } : {}),
  },
});

/** Moves a piece of due work to its next step, once: refused when someone moved it already. */
export const dueMoveItem = (id: string, kind: string, fromDueAt: string, toDueAt: string, details: Record<string, unknown>): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: { ...dueKey(id, kind), entity: 'dr-due', duePk: kind, dueAt: toDueAt, registrationId: id, ...details },
    ConditionExpression: 'dueAt = :from',
    ExpressionAttributeValues: { ':from': fromDueAt },
  },
});

/** Clears a piece of due work if it is there (no condition). */
export const dueClearItem = (id: string, kind: string): TransactItem => ({ Delete: { TableName: tableName, Key: dueKey(id, kind) } });

export const createItems = (
  registration: DealRegistration,
  customer: { normalizedName: string; domain: string | undefined },
  event: HistoryEvent,
  due: TransactItem[],
): TransactItem[] => [
  {
    Put: {
      TableName: tableName,
      Item: { ...key(registration.id), entity: 'deal-registration', ...indexKeys(registration), ...registration },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  ...customerKeyItems(registration, customer.normalizedName, customer.domain),
  historyPut(partitionOf(registration.id), event),
  ...due,
];

export const get = async (id: string): Promise<DealRegistration | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id) }));
  return result.Item ? fromItem(result.Item) : undefined;
};

export interface RegistrationPartition {
  registration: DealRegistration;
  history: HistoryEvent[];
  items: Item[];
}

export const getWithPartition = async (id: string, consistent = false): Promise<RegistrationPartition | undefined> => {
  const items = await queryPartition(partitionOf(id), undefined, consistent);
  const item = items.find(isRegistrationItem);
  return item ? { registration: fromItem(item), history: historyOf(items), items } : undefined;
};

export const getMany = async (ids: readonly string[]): Promise<DealRegistration[]> => {
  const found: DealRegistration[] = [];
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(start, start + 100).map(key);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await db().send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
      found.push(...(result.Responses?.[tableName] ?? []).map(fromItem));
      keys = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
};

/** Open registrations filed under this customer name or email domain (other than `excluding`). */
export const openRegistrationsOfCustomer = async (normalizedName: string, domain: string | undefined, excluding?: string): Promise<{ registration: DealRegistration; matchedOn: 'customer name' | 'email domain' }[]> => {
  const [byName, byDomain] = await Promise.all([
    queryPartition(`DRNAME#${normalizedName}`),
    domain ? queryPartition(`DRDOMAIN#${domain}`) : Promise.resolve([]),
  ]);
  const matched = new Map<string, 'customer name' | 'email domain'>();
  for (const item of byName) matched.set(String(item.registrationId), 'customer name');
  for (const item of byDomain) if (!matched.has(String(item.registrationId))) matched.set(String(item.registrationId), 'email domain');
  matched.delete(excluding ?? '');
  const registrations = await getMany([...matched.keys()]);
  return registrations
    .filter((registration) => openStatuses.has(registration.status))
    .map((registration) => ({ registration, matchedOn: matched.get(registration.id) ?? 'customer name' }));
};

export const listOfPartner = async (partnerId: string, options: { limit: number; cursor?: string | undefined; submittedBy?: string | undefined }): Promise<Page<DealRegistration>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: `PARTNER#${partnerId}#DR`, limit: options.limit, cursor: options.cursor, newestFirst: true });
  const items = page.items.map(fromItem).filter((registration) => !options.submittedBy || registration.submittedBy.id === options.submittedBy);
  return { ...page, items };
};

export const listByStatus = async (status: RegistrationStatus, limit: number, cursor?: string): Promise<Page<DealRegistration>> => {
  const page = await queryPage({ index: 'gsi2', partitionValue: `DRSTATUS#${status}`, limit, cursor });
  return { ...page, items: page.items.map(fromItem) };
};

type Changes = Partial<
  Pick<
    DealRegistration,
    'accountId' | 'opportunityId' | 'createdOpportunity' | 'esmId' | 'esmName' | 'approvedAt' | 'expiresAt' | 'standardExtensionUsed' | 'returnComments' | 'outcomeReason' | 'decidedAt'
  >
>;

/** Adds `SET #field = :field` for each defined change. */
/**
 * Moves a registration from `from` to `to` (refused when it is no longer `from`),
 * setting `changes` and keeping the status queue index in step.
 */
export const transitionItem = (
  registration: Pick<DealRegistration, 'id'>,
  from: RegistrationStatus,
  to: RegistrationStatus,
  at: string,
  changes: Changes = {},
  remove: string[] = [],
): TransactItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':from': from, ':to': to, ':queue': `DRSTATUS#${to}`, ':at': at, ':one': 1 };
  const sets = ['#status = :to', 'gsi2pk = :queue', 'updatedAt = :at', 'version = version + :one'];
  setDefined(changes, names, values, sets);
  return {
    Update: {
      TableName: tableName,
      Key: key(registration.id),
      UpdateExpression: `SET ${sets.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** Changes that keep the status (an extension, a recorded note): refused unless the status is `status`. */
export const updateItem = (registration: Pick<DealRegistration, 'id'>, status: RegistrationStatus, at: string, changes: Changes): TransactItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':status': status, ':at': at, ':one': 1 };
  const sets = ['updatedAt = :at', 'version = version + :one'];
  setDefined(changes, names, values, sets);
  return {
    Update: {
      TableName: tableName,
      Key: key(registration.id),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#status = :status',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** The token of the workflow waiting for the resubmission, as read with the registration's partition. */
export const waitingTokenOf = (items: readonly Item[]): string | undefined => {
  const token = items.find(isRegistrationItem)?.resubmitTaskToken;
  return typeof token === 'string' ? token : undefined;
};

/**
 * The partner edited a Returned registration and resubmits it: new fields, back to
 * Submitted, next round; the customer keys follow a changed customer. The token of
 * the workflow waiting for it (`waitingToken`, as read) is kept for
 * `takeResubmitToken`; refused if the workflow began waiting meanwhile.
 */
export const resubmittedItems = (
  before: DealRegistration,
  after: DealRegistration,
  customer: { normalizedName: string; domain: string | undefined },
  event: HistoryEvent,
  due: TransactItem[],
  waitingToken?: string,
): TransactItem[] => [
  {
    Put: {
      TableName: tableName,
      Item: { ...key(after.id), entity: 'deal-registration', ...indexKeys(after), ...after, ...(waitingToken ? { resubmitTaskToken: waitingToken } : {}) },
      ConditionExpression: `#status = :returned AND version = :version AND ${waitingToken ? 'resubmitTaskToken = :token' : 'attribute_not_exists(resubmitTaskToken)'}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':returned': 'Returned', ':version': before.version, ...(waitingToken ? { ':token': waitingToken } : {}) },
    },
  },
  ...customerKeyItems(after, customer.normalizedName, customer.domain),
  historyPut(partitionOf(after.id), event),
  ...due,
];

/** The workflow waits for the partner to resubmit: keep its token (refused unless Returned). */
export const awaitResubmissionItem = (id: string, taskToken: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(id),
    UpdateExpression: 'SET resubmitTaskToken = :token, updatedAt = :at',
    ConditionExpression: '#status = :returned',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':token': taskToken, ':at': at, ':returned': 'Returned' },
  },
});

/** The workflow's token for the resubmission, taken once (undefined when none waits). */
export const takeResubmitToken = async (id: string): Promise<string | undefined> => {
  try {
    const result = await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: key(id),
        UpdateExpression: 'REMOVE resubmitTaskToken',
        ConditionExpression: 'attribute_exists(resubmitTaskToken)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    const token = result.Attributes?.resubmitTaskToken;
    return typeof token === 'string' ? token : undefined;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
};

/** A piece of due work of a registration, among its partition's items. */
export const dueOf = (items: readonly Item[], kind: string): { dueAt: string; step?: string; expiresAt?: string } | undefined => {
  const item = items.find((candidate) => candidate.sk === `DUE#${kind}`);
  return item ? { dueAt: String(item.dueAt), ...(item.step ? { step: String(item.step) } : {}), ...(item.expiresAt ? { expiresAt: String(item.expiresAt) } : {}) } : undefined;
};

export const historyItem = (id: string, event: HistoryEvent): TransactItem => historyPut(partitionOf(id), event);
