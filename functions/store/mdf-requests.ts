import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApprovalLevel, MdfRequest, MdfStatus } from '#domain/mdf';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { queryPage, queryPartition, recordOf, setDefined, tableName, db, transact, type Item, type Page, type TransactItem } from './table.ts';

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
 * - approved requests due a reminder to claim: due index duePk=mdf-claim-reminder
 */
const REQUEST = 'REQUEST';
export const partitionOf = (id: string): string => `MDF#${id}`;
const key = (id: string) => ({ pk: partitionOf(id), sk: REQUEST });

export const WORKFLOW_START_DUE = 'mdf-workflow-start';
/** A canceled request whose workflow is not yet known to be stopped. */
export const WORKFLOW_STOP_DUE = 'mdf-workflow-stop';
/** An approved request without a claim: the next reminder to claim. */
export const CLAIM_REMINDER_DUE = 'mdf-claim-reminder';

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
  changes: Partial<Pick<MdfRequest, 'decidedAt' | 'outcomeReason' | 'approvedAmountCents' | 'nextReminderAt' | 'reminderStage'>> = {},
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
  setDefined(changes, names, values, sets);
  const fromNames = from.map((_, index) => `:from${index}`);
  from.forEach((status, index) => (values[`:from${index}`] = status));
  return {
    Update: {
      TableName: tableName,
      Key: key(request.id),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${[
        'currentLevel',
        'openClaimId',
        ...(due ? [] : ['duePk', 'dueAt']),
        ...('nextReminderAt' in changes ? [] : ['nextReminderAt', 'reminderStage']),
      ].join(', ')}`,
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

/**
 * A claim is in: the request holds it (one open claim at a time) and reminders
 * stop for good. Refused unless the request is Approved without an open claim.
 */
export const claimOpenedItem = (id: string, claimId: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(id),
    UpdateExpression: 'SET openClaimId = :claim, updatedAt = :at, version = version + :one REMOVE duePk, dueAt, nextReminderAt, reminderStage',
    ConditionExpression: '#status = :approved AND attribute_not_exists(openClaimId)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':claim': claimId, ':at': at, ':one': 1, ':approved': 'Approved' },
  },
});

/** The open claim was denied: the request may take another claim. */
export const claimReleasedItem = (id: string, claimId: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(id),
    UpdateExpression: 'SET updatedAt = :at, version = version + :one REMOVE openClaimId',
    ConditionExpression: 'openClaimId = :claim',
    ExpressionAttributeValues: { ':claim': claimId, ':at': at, ':one': 1 },
  },
});

/**
 * Reminder `stage` went out: move to the next one (or leave the due index after the
 * last), exactly once: refused when another sweep already moved it, a claim came in
 * or the request is no longer Approved.
 */
export const reminderSent = async (id: string, stage: number, dueAt: string, next: { stage: number; at: string } | undefined, at: string): Promise<boolean> => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: key(id),
        UpdateExpression: next
          ? 'SET dueAt = :nextAt, nextReminderAt = :nextAt, reminderStage = :nextStage, updatedAt = :at'
          : 'SET updatedAt = :at REMOVE duePk, dueAt, nextReminderAt, reminderStage',
        ConditionExpression: 'duePk = :due AND dueAt = :dueAt AND reminderStage = :stage AND #status = :approved AND attribute_not_exists(openClaimId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':due': CLAIM_REMINDER_DUE,
          ':dueAt': dueAt,
          ':stage': stage,
          ':approved': 'Approved',
          ':at': at,
          ...(next ? { ':nextAt': next.at, ':nextStage': next.stage } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
};

/** The reminder could not be sent after all: put stage `stage` back, unless the request moved on meanwhile. */
export const reminderUnsent = async (id: string, stage: number, dueAt: string, next: { stage: number } | undefined): Promise<void> => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: key(id),
        UpdateExpression: 'SET duePk = :due, dueAt = :dueAt, nextReminderAt = :dueAt, reminderStage = :stage',
        ConditionExpression: next
          ? 'reminderStage = :nextStage AND #status = :approved AND attribute_not_exists(openClaimId)'
          : 'attribute_not_exists(reminderStage) AND #status = :approved AND attribute_not_exists(openClaimId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':due': CLAIM_REMINDER_DUE,
          ':dueAt': dueAt,
          ':stage': stage,
          ':approved': 'Approved',
          ...(next ? { ':nextStage': next.stage } : {}),
        },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};

/** Every request of a partner (the dashboard adds them up). */
export const allOfPartner = async (partnerId: string): Promise<MdfRequest[]> => {
  const requests: MdfRequest[] = [];
  let cursor: string | undefined;
  do {
    const page = await listOfPartner(partnerId, { limit: 100, cursor });
    requests.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return requests;
};

export const historyItem = (id: string, event: HistoryEvent): TransactItem => historyPut(partitionOf(id), event);
