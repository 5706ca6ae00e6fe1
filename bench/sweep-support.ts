import { ensureTable, startDynamo } from '../local/dynamodb.ts';
import { freePort, TABLE_NAME } from '../local/stack.ts';
import type { SweepKindCounts, SweepRun } from './results.ts';
import { batchWriteItems, progress, rootDir, round, setLocalEnvironment, startSesCapture, type SesCapture } from './support.ts';

/**
 * What the sweep benchmarks share: a table in DynamoDB Local (in memory, the CDK table's indexes)
 * with the local seed, SES captured by aws-ses-v2-local, and nothing else answering (Step Functions
 * and S3 point at a closed port: a sweep must not need them); bulk writes; counting the due index;
 * and running the real `due-work` handler in-process, counted on the product's own clients.
 */
type Item = Record<string, unknown>;

export interface SweepBench {
  sesUrl: string;
  /** Emails aws-ses-v2-local holds. */
  emailsCaptured: () => Promise<number>;
  stop: () => Promise<void>;
}

/**
 * Starts DynamoDB Local and SES capture, gives this process the environment CDK gives the
 * function (pointed at them, as local/stack.ts does; `settings` adds to it), creates the table
 * and seeds it. Modules that read settings must be imported only after this (as at a cold start).
 */
export const startSweepBench = async (name: string, settings: Record<string, string> = {}): Promise<SweepBench> => {
  const [dynamoPort, sesPort, closedPort] = await Promise.all([freePort(), freePort(), freePort()]);
  progress(`${name}: starting DynamoDB Local on ${dynamoPort} (in memory), SES capture on ${sesPort}`);
  const dynamo = await startDynamo({ port: dynamoPort });
  let ses: SesCapture | undefined;
  const stop = async () => {
    await ses?.close();
    await dynamo.stop();
  };
  try {
    ses = await startSesCapture(sesPort);
    const nowhere = `http://127.0.0.1:${closedPort}`;
    await setLocalEnvironment({ dynamodb: dynamo.endpoint, ses: ses.url, sfn: nowhere, s3: nowhere }, settings);
    await ensureTable(dynamo.endpoint, TABLE_NAME);
    const { clock } = await import('../functions/shared/clock.ts');
    const { seed } = await import('../local/seed.ts');
    await seed(clock.now());
    return { sesUrl: ses.url, emailsCaptured: ses.emailsCaptured, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** JSON with object keys sorted (DynamoDB does not keep the order of a map's keys). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([x], [y]) => x.localeCompare(y))) : inner,
  );

/** Throws unless the item the benchmark built has the attributes of the one the store wrote. */
export const assertSameItem = (what: string, stored: Item | undefined, built: Item): void => {
  if (!stored) throw new Error(`The ${what} written through the store is not there`);
  const mismatch = [...new Set([...Object.keys(stored), ...Object.keys(built)])].filter((name) => canonical(stored[name]) !== canonical(built[name]));
  if (mismatch.length > 0) throw new Error(`The benchmark's ${what} differs from the store's in: ${mismatch.join(', ')}`);
};

/** BatchWriteItem, 25 at a time, 8 batches in flight, retrying unprocessed items. Returns the seconds it took. */
export const writeItems = async (items: Item[]): Promise<number> => round((await batchWriteItems(items, 8)) / 1000, 1);

/** Items of one kind in the due index with dueAt ≤ `until` (Select COUNT). */
export const countDue = async (kind: string, until: string): Promise<number> => {
  const { db, tableName } = await import('../functions/store/table.ts');
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'due',
        KeyConditionExpression: 'duePk = :kind AND dueAt <= :until',
        ExpressionAttributeValues: { ':kind': kind, ':until': until },
        Select: 'COUNT',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
};

interface Counter {
  commands: Record<string, number>;
  dueQueries: number;
  dueItemsRead: number;
  dueQueriesOfKind: number;
  dueItemsReadOfKind: number;
  dueByKind: Record<string, { queries: number; itemsRead: number }>;
  otherQueries: number;
  otherItemsRead: number;
  scans: number;
  scannedByScans: number;
  errors: Record<string, number>;
  emailsSent: number;
  emailFailures: number;
}

const newCounter = (): Counter => ({
  commands: {},
  dueQueries: 0,
  dueItemsRead: 0,
  dueQueriesOfKind: 0,
  dueItemsReadOfKind: 0,
  dueByKind: {},
  otherQueries: 0,
  otherItemsRead: 0,
  scans: 0,
  scannedByScans: 0,
  errors: {},
  emailsSent: 0,
  emailFailures: 0,
});

/** A value of ExpressionAttributeValues, marshalled (`{ S: … }`) or not. */
const plain = (value: unknown): unknown => (value && typeof value === 'object' && 'S' in value ? (value as { S: unknown }).S : value);

/**
 * Counts, while a sweep runs, on the product's shared DynamoDB client (the one every store module
 * sends through): each command by name, the items each Query or Scan read (`ScannedCount`), the
 * errors DynamoDB answered; and on its SES client the emails. Then runs the real `due-work`
 * handler in-process (as local/functions.ts does) and returns the figures for `kind` beside the
 * sweep's own report. The figures do not rely on that report.
 */
export const sweepRunner = async (kind: string): Promise<(label: string, itemsDue: number) => Promise<SweepRun>> => {
  const { dynamoRawClient } = await import('../functions/shared/dynamodb-client.ts');
  const { ses } = await import('../functions/shared/ses-client.ts');
  const { invokeFunction } = await import('../local/functions.ts');
  let counter = newCounter();
  let counting = false;
  dynamoRawClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (!counting) return next(args);
      const name = String(context.commandName).replace(/Command$/, '');
      counter.commands[name] = (counter.commands[name] ?? 0) + 1;
      const input = args.input as { IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> };
      try {
        const result = await next(args);
        const output = result.output as { ScannedCount?: number; Count?: number };
        const read = output.ScannedCount ?? output.Count ?? 0;
        if (name === 'Scan') {
          counter.scans += 1;
          counter.scannedByScans += read;
        } else if (name === 'Query' && input.IndexName === 'due') {
          counter.dueQueries += 1;
          counter.dueItemsRead += read;
          const dueKind = String(plain(input.ExpressionAttributeValues?.[':kind']));
          const byKind = (counter.dueByKind[dueKind] ??= { queries: 0, itemsRead: 0 });
          byKind.queries += 1;
          byKind.itemsRead += read;
          if (dueKind === kind) {
            counter.dueQueriesOfKind += 1;
            counter.dueItemsReadOfKind += read;
          }
        } else if (name === 'Query') {
          counter.otherQueries += 1;
          counter.otherItemsRead += read;
        }
        return result;
      } catch (error) {
        const errorName = (error as Error).name;
        counter.errors[errorName] = (counter.errors[errorName] ?? 0) + 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchSweepCounter' },
  );
  ses().middlewareStack.add(
    (next, context) => async (args) => {
      if (!counting) return next(args);
      try {
        const result = await next(args);
        if (String(context.commandName) === 'SendEmailCommand') counter.emailsSent += 1;
        return result;
      } catch (error) {
        counter.emailFailures += 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchSweepSesCounter' },
  );
  type Report = import('../functions/sweeps/due-work.ts').SweepReport;
  // Load the handler module before timing (its cold start is not the sweep's work).
  await import('../functions/sweeps/due-work.ts');

  return async (label, itemsDue) => {
    counter = newCounter();
    counting = true;
    const started = performance.now();
    const report = (await invokeFunction('due-work', {}, rootDir)) as Report;
    const ms = performance.now() - started;
    counting = false;
    const ofKind: SweepKindCounts = report.kinds[kind] ?? { itemsRead: 0, done: 0, skipped: 0, failed: 0 };
    const done = ofKind.done;
    const perDone = (value: number) => (done > 0 ? round(value / done, 2) : undefined);
    progress(`${kind}: ${label}: ${done} done, ${counter.dueItemsRead} items read by the due queries, ${counter.scans} Scans, ${round(ms, 0)} ms`);
    return {
      label,
      kind,
      itemsDue,
      ms: round(ms, 1),
      report: ofKind,
      otherKinds: Object.fromEntries(Object.entries(report.kinds).filter(([other]) => other !== kind)),
      dueQueries: counter.dueQueries,
      dueItemsRead: counter.dueItemsRead,
      dueQueriesOfKind: counter.dueQueriesOfKind,
      dueItemsReadOfKind: counter.dueItemsReadOfKind,
      dueByKind: counter.dueByKind,
      readRatio: itemsDue > 0 ? round(counter.dueItemsRead / itemsDue, 3) : undefined,
      readRatioOfKind: itemsDue > 0 ? round(counter.dueItemsReadOfKind / itemsDue, 3) : undefined,
      scans: counter.scans,
      scannedByScans: counter.scannedByScans,
      commands: counter.commands,
      errors: counter.errors,
      otherQueries: counter.otherQueries,
      otherItemsRead: counter.otherItemsRead,
      perDoneItem: {
        getItems: perDone(counter.commands.GetItem ?? 0),
        conditionalUpdates: perDone(counter.commands.UpdateItem ?? 0),
        transactions: perDone(counter.commands.TransactWriteItems ?? 0),
        otherQueries: perDone(counter.otherQueries),
        otherItemsRead: perDone(counter.otherItemsRead),
        emails: perDone(counter.emailsSent),
      },
      emailsSent: counter.emailsSent,
      emailFailures: counter.emailFailures,
      msPerDoneItem: perDone(ms),
    };
  };
};
