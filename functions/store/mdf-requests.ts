import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApprovalLevel, MdfRequest, MdfStatus } from '#domain/mdf';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { queryPage, queryPartition, recordOf, tableName, db, transact, type Item, type Page, type TransactItem } from './table.ts';

/**
 * MDF requests. The request, its approval levels and its history share one
 * partition, so the detail view and the confirm page read it with one Query.
 * Access patterns:
 * - a request: GetItem pk=MDF#<id>, sk=REQUEST
 * - a request with approvals and history: Query pk=MDF#<id>
 * - a partner's requests, newest first: Query gsi1 gsi1pk=PARTNER#<partner>#MDF, gsi1sk=<submittedAt>#<id>
 * - a partner's requests in one status: Query gsi2 gsi2pk=PARTNER#<partner>#MDF#<status>, gsi2sk=<submittedAt>#<id>
 * - requests whose workflow has not confirmed its start: due index duePk=mdf-workflow-start
 * - canceled requests whose workflow is not yet stopped: due index duePk=mdf-workflow-stop
 */
const REQUEST = 'REQUEST';
export const partitionOf = (id: string): string => `MDF#${id}`;
const key = (id: string) => ({ pk: partitionOf(id), sk: REQUEST });

export const WORKFLOW_START_DUE = 'mdf-workflow-start';
/** A canceled request whose workflow is not yet known to be stopped. */
export const WORKFLOW_STOP_DUE = 'mdf-workflow-stop';

const byPartner = (partnerId: string) => `PARTNER#${partnerId}#MDF`;
const byPartnerAndStatus = (partnerId: string, status: MdfStatus) => `PARTNER#${partnerId}#MDF#${status}`;

export const isRequestItem = (item: Item): boolean => item.sk === REQUEST;

export const fromItem = (item: Item): MdfRequest => recordOf<MdfRequest>(item);

/**
 * Writes a new request with its first history event. Until the first approval
 * level opens, the request sits in the due index: if starting the workflow failed,
 * the sweep starts it (the execution name is the request id, so starting twice is harmless).
 */
export const create = (request: MdfRequest, event: HistoryEvent, workflowStartDueAt: string): Promise<void> =>
  transact([
    {
      Put: {
        TableName: tableName,
        Item: {
          ...key(request.id),
          entity: 'mdf-request',
          gsi1pk: byPartner(request.partnerId),
          gsi1sk: `${request.submittedAt}#${request.id}`,
          gsi2pk: byPartnerAndStatus(request.partnerId, request.status),
          gsi2sk: `${request.submittedAt}#${request.id}`,
          duePk: WORKFLOW_START_DUE,
          dueAt: workflowStartDueAt,
          ...request,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    historyPut(partitionOf(request.id), event),
  ]);

export const get = async (id: string): Promise<MdfRequest | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id) }));
  return result.Item ? fromItem(result.Item) : undefined;
};

export interface RequestPartition {
  request: MdfRequest;
  /** Every item of the partition (approval items are read by the approvals store). */
  items: Item[];
  history: HistoryEvent[];
}

export const getWithPartition = async (id: string, consistent = false): Promise<RequestPartition | undefined> => {
  const items = await queryPartition(partitionOf(id), undefined, consistent);
  const requestItem = items.find(isRequestItem);
  return requestItem ? { request: fromItem(requestItem), items, history: historyOf(items) } : undefined;
};

export const listOfPartner = async (
  partnerId: string,
  options: { status?: MdfStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<MdfRequest>> => {
  const page = options.status
    ? await queryPage({ index: 'gsi2', partitionValue: byPartnerAndStatus(partnerId, options.status), limit: options.limit, cursor: options.cursor, newestFirst: true })
    : await queryPage({ index: 'gsi1', partitionValue: byPartner(partnerId), limit: options.limit, cursor: options.cursor, newestFirst: true });
  return { ...page, items: page.items.map(fromItem) };
};

/**
 * Moves a request from one of `from` to `to`, setting `changes` too: one Update,
 * refused when the request is no longer in one of `from` (someone else got there first).
 * The request leaves the due index, unless `due` puts it back for follow-up work.
 */
export const transitionItem = (
  request: Pick<MdfRequest, 'id' | 'partnerId'>,
  from: readonly MdfStatus[],
  to: MdfStatus,
  at: string,
  changes: Partial<Pick<MdfRequest, 'decidedAt' | 'outcomeReason' | 'approvedAmountCents'>> = {},
  due?: { kind: string; at: string },
): TransactItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':to': to,
    ':byStatus': byPartnerAndStatus(request.partnerId, to),
    ':at': at,
    ':one': 1,
  };
  const sets = ['#status = :to', 'gsi2pk = :byStatus', 'updatedAt = :at', 'version = version + :one'];
  if (due) {
    sets.push('duePk = :dueKind', 'dueAt = :dueAt');
    values[':dueKind'] = due.kind;
    values[':dueAt'] = due.at;
  }
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  const fromNames = from.map((_, index) => `:from${index}`);
  from.forEach((status, index) => (values[`:from${index}`] = status));
  return {
    Update: {
      TableName: tableName,
      Key: key(request.id),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${due ? 'currentLevel' : 'currentLevel, duePk, dueAt'}`,
      ConditionExpression: `#status IN (${fromNames.join(', ')})`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** The request is now waiting at `level` (and its workflow has evidently started). Refused unless Open. */
export const atLevelItem = (id: string, level: ApprovalLevel, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(id),
    UpdateExpression: 'SET currentLevel = :level, updatedAt = :at, version = version + :one REMOVE duePk, dueAt',
    ConditionExpression: '#status = :open',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':level': level, ':at': at, ':one': 1, ':open': 'Open' },
  },
});

/** Records a level decision that does not change the status (approve below the final level), refused unless Open. */
export const stillOpenItem = (id: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(id),
    UpdateExpression: 'SET updatedAt = :at, version = version + :one',
    ConditionExpression: '#status = :open',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':at': at, ':one': 1, ':open': 'Open' },
  },
});

/** The follow-up work of kind `kind` is done: the request leaves the due index (no-op when it already left). */
export const clearDue = async (id: string, kind: string): Promise<void> => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: key(id),
        UpdateExpression: 'REMOVE duePk, dueAt',
        ConditionExpression: 'duePk = :due',
        ExpressionAttributeValues: { ':due': kind },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};

export const historyItem = (id: string, event: HistoryEvent): TransactItem => historyPut(partitionOf(id), event);
