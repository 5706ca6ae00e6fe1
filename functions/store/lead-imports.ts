import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ImportCounts, ImportStatus, LeadImport, ResultRow, SharedSummary } from '#domain/lead-imports';
import type { ReadRow } from '#domain/lead-rows';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { db, isConditionFailure, queryPage, queryPartition, recordOf, tableName, transact, type Item, type Page, type TransactItem } from './table.ts';

/**
 * Lead imports: the job, its file (as chunks of parsed rows), what happened to each
 * chunk's rows, and the lock that lets one import run at a time. The job, its
 * results, its history and the Partner Contacts already told share one partition;
 * the file has a partition of its own (the job's view never reads it). Access patterns:
 * - an import: GetItem pk=LEADIMPORT#<id>, sk=JOB
 * - imports, newest first: Query gsi1 gsi1pk=LEADIMPORTS, gsi1sk=<receivedAt>#<id>
 * - an import's history: Query pk=LEADIMPORT#<id>, begins_with HISTORY#
 * - rows not shared (held back, failed, joined, already imported), in file order: Query pk=LEADIMPORT#<id>, begins_with RESULT#
 * - new leads per partner, chunk by chunk: Query pk=LEADIMPORT#<id>, begins_with SHARED#
 * - a Partner Contact told of the import: GetItem/PutItem pk=LEADIMPORT#<id>, sk=NOTIFIED#<partner>
 * - one chunk of the file: GetItem pk=LEADIMPORTFILE#<id>, sk=CHUNK#<n> (rows as gzipped JSON; removed by TTL after 30 days)
 * - the import lock: GetItem/PutItem pk=LEADIMPORT#LOCK, sk=LOCK (conditional)
 * - imports that did not start or stopped making progress: due index duePk=lead-import-watch
 */
export const WATCH_DUE = 'lead-import-watch';
const JOB = 'JOB';
export const partitionOf = (id: string): string => `LEADIMPORT#${id}`;
const key = (id: string) => ({ pk: partitionOf(id), sk: JOB });
const fileKey = (id: string, chunk: number) => ({ pk: `LEADIMPORTFILE#${id}`, sk: `CHUNK#${String(chunk).padStart(5, '0')}` });
const resultKey = (id: string, chunk: number, part: number) => ({ pk: partitionOf(id), sk: `RESULT#${String(chunk).padStart(5, '0')}#${String(part).padStart(3, '0')}` });
const sharedKey = (id: string, chunk: number) => ({ pk: partitionOf(id), sk: `SHARED#${String(chunk).padStart(5, '0')}` });
const notifiedKey = (id: string, partnerId: string) => ({ pk: partitionOf(id), sk: `NOTIFIED#${partnerId}` });
const LOCK = { pk: 'LEADIMPORT#LOCK', sk: 'LOCK' };

/** Days an import's file is kept after it arrived (its results stay with the job). */
const FILE_DAYS = 30;
/** Result rows per item, so a chunk of held-back rows with many reasons stays far below the item size limit. */
const RESULT_ROWS_PER_ITEM = 100;

/** A chunk's new leads for one partner: how many, and the first ones (the email lists at most 200). */
export interface SharedOfChunk {
  partnerName: string;
  count: number;
  leads: SharedSummary[];
}

const toItem = (job: LeadImport, dueAt: string | undefined): Item => ({
  ...key(job.id),
  entity: 'lead-import',
  gsi1pk: 'LEADIMPORTS',
  gsi1sk: `${job.receivedAt}#${job.id}`,
  ...(dueAt ? { duePk: WATCH_DUE, dueAt } : {}),
  ...job,
});

export const fromItem = (item: Item): LeadImport => recordOf<LeadImport>(item);

/** A stored chunk stays well below DynamoDB's 400 KB item limit. */
const MAX_CHUNK_BYTES = 300_000;

/** Rows as a chunk stores them: gzipped JSON (a fraction of the write units of the text). */
export interface PackedChunk {
  count: number;
  packed: Uint8Array;
}

/**
 * Rows packed for storage, as one chunk, or several when they do not compress below the
 * item limit (long, unusual values): halves, and halves of those, as needed.
 */
export const packChunks = (rows: readonly ReadRow[]): PackedChunk[] => {
  const packed = gzipSync(JSON.stringify(rows));
  if (packed.length <= MAX_CHUNK_BYTES || rows.length <= 1) return [{ count: rows.length, packed }];
  const half = Math.ceil(rows.length / 2);
  return [...packChunks(rows.slice(0, half)), ...packChunks(rows.slice(half))];
};

/** One chunk of the file. Written before the job, so a job never names a missing chunk. */
export const putChunk = async (id: string, chunk: number, rows: PackedChunk, at: Date): Promise<void> => {
  await db().send(
    new PutCommand({
      TableName: tableName,
      Item: { ...fileKey(id, chunk), entity: 'lead-import-chunk', rows: rows.packed, count: rows.count, ttl: Math.floor(at.getTime() / 1000) + FILE_DAYS * 86_400 },
    }),
  );
};

export const chunk = async (id: string, index: number): Promise<ReadRow[] | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: fileKey(id, index), ConsistentRead: true }));
  const rows = result.Item?.rows;
  return rows instanceof Uint8Array ? (JSON.parse(gunzipSync(rows).toString('utf8')) as ReadRow[]) : undefined;
};

/** Records a new import (its chunks already stored) with its first history event; it waits in the due index until it runs. */
export const create = (job: LeadImport, event: HistoryEvent, watchAt: string): Promise<void> =>
  transact([
    { Put: { TableName: tableName, Item: toItem(job, watchAt), ConditionExpression: 'attribute_not_exists(pk)' } },
    historyPut(partitionOf(job.id), event),
  ]);

export const get = async (id: string, consistent = false): Promise<LeadImport | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id), ...(consistent ? { ConsistentRead: true } : {}) }));
  return result.Item ? fromItem(result.Item) : undefined;
};

export const history = async (id: string): Promise<HistoryEvent[]> => historyOf(await queryPartition(partitionOf(id), 'HISTORY#'));

export const list = async (limit: number, cursor?: string): Promise<Page<LeadImport>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: 'LEADIMPORTS', limit, cursor, newestFirst: true });
  return { ...page, items: page.items.map(fromItem) };
};

/** Rows not shared, in file order, a page of result items at a time (each holds up to 100 rows). */
export const results = async (id: string, items: number, cursor?: string): Promise<Page<ResultRow>> => {
  const page = await queryPage({ partitionValue: partitionOf(id), sortPrefix: 'RESULT#', limit: items, cursor });
  return { ...page, items: page.items.flatMap((item) => (Array.isArray(item.rows) ? (item.rows as ResultRow[]) : [])) };
};

/** The new leads of each chunk by partner, one chunk at a time (bounded memory however large the import). */
export async function* sharedByChunk(id: string): AsyncGenerator<Record<string, SharedOfChunk>> {
  let cursor: string | undefined;
  do {
    const page = await queryPage({ partitionValue: partitionOf(id), sortPrefix: 'SHARED#', limit: 1, cursor });
    for (const item of page.items) yield (item.partners ?? {}) as Record<string, SharedOfChunk>;
    cursor = page.nextCursor;
  } while (cursor);
}

const changeStatus = (
  id: string,
  from: readonly ImportStatus[],
  to: ImportStatus,
  at: string,
  sets: Record<string, unknown>,
  due: string | undefined,
): TransactItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':to': to, ':at': at, ':one': 1 };
  const expressions = ['#status = :to', 'updatedAt = :at', 'version = version + :one'];
  for (const [field, value] of Object.entries(sets)) {
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    expressions.push(`#${field} = :${field}`);
  }
  if (due) {
    expressions.push('duePk = :duePk', 'dueAt = :dueAt');
    values[':duePk'] = WATCH_DUE;
    values[':dueAt'] = due;
  }
  from.forEach((status, index) => (values[`:from${index}`] = status));
  return {
    Update: {
      TableName: tableName,
      Key: key(id),
      UpdateExpression: `SET ${expressions.join(', ')}${due ? '' : ' REMOVE duePk, dueAt'}`,
      ConditionExpression: `#status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** Queued → Running, once (refused when it already runs or ended). */
export const started = (id: string, at: string, watchAt: string, event: HistoryEvent): Promise<void> =>
  transact([changeStatus(id, ['Queued'], 'Running', at, { startedAt: at, lastProgressAt: at }, watchAt), historyPut(partitionOf(id), event)]);

/**
 * Chunk `chunk` is done: its figures are added to the job's, its rows not shared and
 * its new leads recorded, in one transaction that only the first attempt at this
 * chunk can make (the job must still be Running at `chunk` chunks done).
 */
export const chunkDone = (
  id: string,
  chunk: number,
  added: ImportCounts,
  rows: readonly ResultRow[],
  shared: Record<string, SharedOfChunk>,
  at: string,
  watchAt: string,
): Promise<void> => {
  const counts = Object.entries(added).filter(([, value]) => value !== 0);
  const names: Record<string, string> = { '#status': 'status', '#counts': 'counts' };
  const values: Record<string, unknown> = { ':chunk': chunk, ':next': chunk + 1, ':running': 'Running', ':at': at, ':due': WATCH_DUE, ':watch': watchAt, ':one': 1 };
  counts.forEach(([field, value], index) => {
    names[`#c${index}`] = field;
    values[`:c${index}`] = value;
  });
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName,
        Key: key(id),
        UpdateExpression: `SET chunksDone = :next, lastProgressAt = :at, updatedAt = :at, duePk = :due, dueAt = :watch ADD version :one${
          counts.length ? `, ${counts.map((_, index) => `#counts.#c${index} :c${index}`).join(', ')}` : ''
        }`,
        ConditionExpression: 'chunksDone = :chunk AND #status = :running',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
  for (let start = 0, part = 0; start < rows.length; start += RESULT_ROWS_PER_ITEM, part += 1) {
    items.push({ Put: { TableName: tableName, Item: { ...resultKey(id, chunk, part), entity: 'lead-import-result', rows: rows.slice(start, start + RESULT_ROWS_PER_ITEM) } } });
  }
  if (Object.keys(shared).length > 0) items.push({ Put: { TableName: tableName, Item: { ...sharedKey(id, chunk), entity: 'lead-import-shared', partners: shared } } });
  return transact(items);
};

/** Running → Completed, leaving the due index. */
export const completed = (id: string, at: string, partnersNotified: number, event: HistoryEvent): Promise<void> =>
  transact([changeStatus(id, ['Running'], 'Completed', at, { finishedAt: at, partnersNotified }, undefined), historyPut(partitionOf(id), event)]);

/** Queued or Running → Failed, saying why (refused when the import already ended). */
export const failed = (id: string, at: string, error: string, event: HistoryEvent): Promise<void> =>
  transact([changeStatus(id, ['Queued', 'Running'], 'Failed', at, { finishedAt: at, error }, undefined), historyPut(partitionOf(id), event)]);

/** The job waits a little longer for its turn: the watch looks again at `watchAt`. */
export const watchAgain = async (id: string, watchAt: string): Promise<void> => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: key(id),
        UpdateExpression: 'SET dueAt = :at',
        ConditionExpression: 'duePk = :due',
        ExpressionAttributeValues: { ':at': watchAt, ':due': WATCH_DUE },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

/** Records that the partner's Partner Contact is being told; false when another attempt already did. */
export const markNotified = async (id: string, partnerId: string, at: string): Promise<boolean> => {
  try {
    await db().send(new PutCommand({ TableName: tableName, Item: { ...notifiedKey(id, partnerId), entity: 'lead-import-notified', at }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** The email could not be sent: the next attempt tells the partner. */
export const unmarkNotified = async (id: string, partnerId: string): Promise<void> => {
  await db().send(new DeleteCommand({ TableName: tableName, Key: notifiedKey(id, partnerId) }));
};

/**
 * Takes (or keeps) the import lock for `id` until `until`: refused while another
 * import holds it and has not let it lapse. Returns the holder when refused.
 */
export const lock = async (id: string, now: Date, holdMs: number): Promise<{ held: true } | { held: false; by: string; until: string }> => {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName,
        Item: { ...LOCK, entity: 'lead-import-lock', importId: id, until: new Date(now.getTime() + holdMs).toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR importId = :me OR #until < :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':me': id, ':now': now.toISOString() },
      }),
    );
    return { held: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const holder = await db().send(new GetCommand({ TableName: tableName, Key: LOCK, ConsistentRead: true }));
    return { held: false, by: String(holder.Item?.importId ?? 'another import'), until: String(holder.Item?.until ?? '') };
  }
};

export const unlock = async (id: string): Promise<void> => {
  try {
    await db().send(new DeleteCommand({ TableName: tableName, Key: LOCK, ConditionExpression: 'importId = :me', ExpressionAttributeValues: { ':me': id } }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};
