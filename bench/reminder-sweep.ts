import type { Server } from 'node:http';
import * as sesModule from 'aws-ses-v2-local';
import { stateMachineArnVariable, workflows, type WorkflowName } from '../lib/manifest.ts';
import { ensureTable, startDynamo } from '../local/dynamodb.ts';
import { localStateMachineArn } from '../local/sfn-endpoint.ts';
import { freePort, MAIL_FROM, TABLE_NAME } from '../local/stack.ts';
import type { ReminderSweepResults, ReminderSweepRun } from './results.ts';
import { dummyValue, progress, requiredSettings, rootDir, round, shuffle, writeResults } from './support.ts';

/**
 * The reminder sweep (`functions/sweeps/due-work.ts`, the scheduled `due-work` function) over a
 * table holding 10,000 Approved MDF requests whose next reminder to claim is due later and 100
 * whose reminder is due now. What it must read is the 100; the figure is items read by the due
 * queries ÷ items due (target ≤ 1.1), and no Scan at all.
 *
 * - DynamoDB Local in memory (same table and indexes as the CDK table), the local seed (partners,
 *   users, region calendars with holidays), SES captured by aws-ses-v2-local; nothing else answers
 *   (Step Functions and S3 endpoints point at a closed port: the sweep must not need them here).
 * - The request items: one request is written through the store's own code, `mdfRequests.create`
 *   then the `transitionItem` the final approval makes (Open → Approved, `nextReminderAt`,
 *   `reminderStage`, due index `duePk='mdf-claim-reminder'`, `dueAt`, with `nextReminder` of the
 *   region's calendar, as functions/approvals/mdf-request.ts does). The script builds the same item
 *   shape for the others and checks it against that stored item attribute by attribute before
 *   writing them with BatchWriteItem (REQUEST items only: history items carry no `duePk`).
 * - The real handler runs in-process, as the local stack runs it (local/functions.ts), twice.
 * - A middleware on the product's shared DynamoDB client (functions/shared/dynamodb-client.ts, the
 *   one every store module sends through) counts every command by name, the items each Query or
 *   Scan read (`ScannedCount`), and conditional-check failures: the figures do not rely on the
 *   sweep's own report, which is read and shown beside them. Another on the SES client counts emails.
 */
export const TARGET_READ_RATIO = 1.1;
export const TARGET_SCANS = 0;
const NOT_DUE = Number(process.env.BENCH_REMINDER_NOT_DUE ?? 10_000);
const DUE = Number(process.env.BENCH_REMINDER_DUE ?? 100);
const WRITE_PARALLEL = 8;
const DAY_MS = 86_400_000;

/** aws-ses-v2-local is CommonJS with a default export (as local/stack.ts reaches it). */
type StartSes = (config: { port: number; host: string }) => Promise<Server>;
const startSes: StartSes =
  ((sesModule as unknown as { default: StartSes | { default: StartSes } }).default as { default?: StartSes }).default ??
  (sesModule as unknown as { default: StartSes }).default;

type Region = 'AMER' | 'EMEA' | 'APAC' | 'PUBSEC';
/** A seeded partner, its MDF admin and a country in each region (local/seed.ts). */
const requesters: Record<Region, { partnerId: string; partnerName: string; user: { id: string; name: string; email: string }; country: string }> = {
  AMER: { partnerId: 'ptr_globex', partnerName: 'Globex Global Integrators', user: { id: 'usr_gina', name: 'Gina Globex', email: 'gina@globex.example' }, country: 'US' },
  EMEA: { partnerId: 'ptr_acme', partnerName: 'Acme Cloud Partners', user: { id: 'usr_alice', name: 'Alice Acme', email: 'alice@acme.example' }, country: 'DE' },
  APAC: { partnerId: 'ptr_initech', partnerName: 'Initech Managed Services', user: { id: 'usr_ivan', name: 'Ivan Initech', email: 'ivan@initech.example' }, country: 'JP' },
  PUBSEC: { partnerId: 'ptr_stark', partnerName: 'Stark Public Sector', user: { id: 'usr_pepper', name: 'Pepper Stark', email: 'pepper@stark.example' }, country: 'US' },
};
const regionList = Object.keys(requesters) as Region[];

type Item = Record<string, unknown>;

/** JSON with object keys sorted (DynamoDB does not keep the order of a map's keys). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([x], [y]) => x.localeCompare(y))) : inner,
  );

/** Attribute-by-attribute equality of two stored items. */
const differences = (a: Item, b: Item): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((name) => canonical(a[name]) !== canonical(b[name]));

interface Counter {
  commands: Record<string, number>;
  dueQueries: number;
  dueItemsRead: number;
  dueQueriesOfReminderKind: number;
  dueItemsReadOfReminderKind: number;
  otherQueries: number;
  otherItemsRead: number;
  scans: number;
  scannedByScans: number;
  errors: Record<string, number>;
}

const newCounter = (): Counter => ({
  commands: {},
  dueQueries: 0,
  dueItemsRead: 0,
  dueQueriesOfReminderKind: 0,
  dueItemsReadOfReminderKind: 0,
  otherQueries: 0,
  otherItemsRead: 0,
  scans: 0,
  scannedByScans: 0,
  errors: {},
});

/** A value of ExpressionAttributeValues, marshalled (`{ S: … }`) or not. */
const plain = (value: unknown): unknown => (value && typeof value === 'object' && 'S' in value ? (value as { S: unknown }).S : value);

const main = async (): Promise<void> => {
  const [dynamoPort, sesPort, closedPort] = await Promise.all([freePort(), freePort(), freePort()]);
  progress(`reminder-sweep: starting DynamoDB Local on ${dynamoPort} (in memory), SES capture on ${sesPort}`);
  const dynamo = await startDynamo({ port: dynamoPort });
  let ses: Server | undefined;
  try {
    ses = await startSes({ port: sesPort, host: '127.0.0.1' });
    const sesUrl = `http://127.0.0.1:${sesPort}`;
    // The environment CDK gives the function, pointed at the local endpoints (as local/stack.ts does).
    for (const name of requiredSettings()) process.env[name] ??= dummyValue(name);
    for (const name of Object.keys(workflows) as WorkflowName[]) process.env[stateMachineArnVariable(name)] = localStateMachineArn(name);
    const nowhere = `http://127.0.0.1:${closedPort}`;
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SES: sesUrl,
      AWS_ENDPOINT_URL_SFN: nowhere,
      AWS_ENDPOINT_URL_S3: nowhere,
      TABLE_NAME,
      MAIL_FROM,
      PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
      DECISION_TIMEOUT_DAYS: '30',
      POWERTOOLS_SERVICE_NAME: 'channel-prm',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    await ensureTable(dynamo.endpoint, TABLE_NAME);

    // Modules that read settings load only now, after the environment is set (as at a cold start).
    const { clock } = await import('../functions/shared/clock.ts');
    const { seed } = await import('../local/seed.ts');
    await seed(clock.now());
    const mdfRequests = await import('../functions/store/mdf-requests.ts');
    const calendars = await import('../functions/store/calendars.ts');
    const { db, tableName, transact } = await import('../functions/store/table.ts');
    const { systemActor } = await import('../functions/store/history.ts');
    const { nextReminder } = await import('../functions/domain/claims.ts');
    const { quarterOf } = await import('../functions/domain/calendar.ts');
    const { newId } = await import('../functions/shared/ids.ts');
    const { dynamoRawClient } = await import('../functions/shared/dynamodb-client.ts');
    const { ses: sesClient } = await import('../functions/shared/ses-client.ts');
    const { invokeFunction } = await import('../local/functions.ts');
    const { BatchGetCommand, BatchWriteCommand, GetCommand, QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    type MdfRequest = import('../functions/domain/mdf.ts').MdfRequest;

    const now = clock.now();
    const at = now.toISOString();
    const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const today = Date.parse(`${isoDay(now.getTime())}T00:00:00Z`);
    const timeZones = Object.fromEntries(await Promise.all(regionList.map(async (region) => [region, (await calendars.get(region)).timeZone] as const))) as Record<Region, string>;

    /** An Approved request as the final approval leaves it: its next reminder from the region's calendar. */
    const approvedRequest = (index: number, region: Region, endDate: string, reminderAt = now): MdfRequest => {
      const who = requesters[region];
      const reminder = nextReminder(endDate, timeZones[region], reminderAt);
      if (!reminder) throw new Error(`No reminder left for an activity ending ${endDate}`);
      const startDate = isoDay(Date.parse(`${endDate}T00:00:00Z`) - DAY_MS);
      const submittedAt = new Date(Math.min(now.getTime(), Date.parse(`${startDate}T00:00:00Z`)) - 20 * DAY_MS).toISOString();
      const id = newId('mdf');
      return {
        id,
        partnerId: who.partnerId,
        partnerName: who.partnerName,
        submittedBy: who.user,
        status: 'Approved',
        region,
        quarter: quarterOf(startDate),
        flexi: false,
        levels: ['cmm', 'marketing-lead', 'program-manager'],
        submittedAt,
        targetDate: isoDay(Date.parse(submittedAt) + 9 * DAY_MS),
        decidedAt: at,
        approvedAmountCents: 500_000,
        nextReminderAt: reminder.at,
        reminderStage: reminder.stage,
        executionName: id,
        version: 2,
        updatedAt: at,
        activityName: `Bench webinar ${index}`,
        activityType: 'webinar',
        delivery: 'virtual',
        description: 'A joint webinar on platform engineering.',
        startDate,
        endDate,
        totalCostCents: 1_000_000,
        targetContacts: 250,
        estimatedPipelineCents: 20_000_000,
        partnerInvestmentCents: 500_000,
        amountRequestedCents: 500_000,
        verticalIndustry: 'Financial services',
        segment: 'Enterprise',
        activityCountry: who.country,
      };
    };

    /** The item mdfRequests.create writes, after the final approval's transitionItem (checked below against the real one). */
    const itemOf = (request: MdfRequest): Item => ({
      pk: mdfRequests.partitionOf(request.id),
      sk: 'REQUEST',
      entity: 'mdf-request',
      gsi1pk: `PARTNER#${request.partnerId}#MDF`,
      gsi1sk: `${request.submittedAt}#${request.id}`,
      gsi2pk: `PARTNER#${request.partnerId}#MDF#${request.status}`,
      gsi2sk: `${request.submittedAt}#${request.id}`,
      duePk: mdfRequests.CLAIM_REMINDER_DUE,
      dueAt: request.nextReminderAt,
      ...request,
    });

    // 1. One request through the store's own code: create (Open), then the final approval's transition.
    const template = approvedRequest(0, 'EMEA', isoDay(today + 30 * DAY_MS));
    const { status: _s, decidedAt: _d, approvedAmountCents: _a, nextReminderAt, reminderStage, ...rest } = template;
    const open: MdfRequest = { ...rest, status: 'Open', version: 1, updatedAt: template.submittedAt };
    await mdfRequests.create(open, { at: open.submittedAt, by: systemActor('bench'), action: 'submitted', to: 'Open' }, open.submittedAt);
    await transact([
      mdfRequests.transitionItem(open, ['Open'], 'Approved', at, { decidedAt: at, approvedAmountCents: open.amountRequestedCents, nextReminderAt, reminderStage }, {
        kind: mdfRequests.CLAIM_REMINDER_DUE,
        at: nextReminderAt!,
      }),
    ]);
    const stored = (await db().send(new GetCommand({ TableName: tableName, Key: { pk: mdfRequests.partitionOf(template.id), sk: 'REQUEST' }, ConsistentRead: true }))).Item;
    if (!stored) throw new Error('The request written through the store is not there');
    const mismatch = differences(stored, itemOf(template));
    if (mismatch.length > 0) throw new Error(`The benchmark's item differs from the store's in: ${mismatch.join(', ')}`);

    // 2. The other 9,999 not due (activities ending 24 days ago to 90 days ahead: next reminder at stage 0, 1 or 2,
    //    all later than now) and 100 due (ended 3–13 days ago: the day-2 reminder is due, not yet sent).
    const items: Item[] = [];
    const notDueOffsets = [...Array.from({ length: 22 }, (_, k) => -24 + k), ...Array.from({ length: 90 }, (_, k) => k + 1)];
    for (let index = 1; index < NOT_DUE; index += 1) {
      const region = regionList[index % regionList.length]!;
      const request = approvedRequest(index, region, isoDay(today + notDueOffsets[index % notDueOffsets.length]! * DAY_MS));
      if (Date.parse(request.nextReminderAt!) <= now.getTime() + 3_600_000) throw new Error(`A not-due item would be due within the hour: ${request.nextReminderAt}`);
      items.push(itemOf(request));
    }
    const dueIds: string[] = [];
    for (let index = 0; index < DUE; index += 1) {
      const region = regionList[index % regionList.length]!;
      const endDate = isoDay(today - (3 + (index % 11)) * DAY_MS);
      // As approved before the first reminder's day: stage 0 pending, its instant now passed.
      const request = approvedRequest(NOT_DUE + index, region, endDate, new Date(Date.parse(`${endDate}T00:00:00Z`)));
      if (request.reminderStage !== 0 || Date.parse(request.nextReminderAt!) > now.getTime()) throw new Error(`A due item is not due: ${request.nextReminderAt}`);
      dueIds.push(request.id);
      items.push(itemOf(request));
    }
    shuffle(items);
    const writeStarted = performance.now();
    const batches: Item[][] = [];
    for (let index = 0; index < items.length; index += 25) batches.push(items.slice(index, index + 25));
    let nextBatch = 0;
    await Promise.all(
      Array.from({ length: WRITE_PARALLEL }, async () => {
        while (nextBatch < batches.length) {
          let pending: Record<string, unknown>[] = batches[nextBatch++]!.map((Item) => ({ PutRequest: { Item } }));
          for (let attempt = 0; pending.length > 0; attempt += 1) {
            if (attempt > 20) throw new Error('BatchWriteItem kept returning unprocessed items');
            const result = await db().send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
            pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
            if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
          }
        }
      }),
    );
    const writeSeconds = round((performance.now() - writeStarted) / 1000, 1);
    progress(`reminder-sweep: ${items.length + 1} request items written in ${writeSeconds} s`);

    const countDue = async (until: string): Promise<number> => {
      let count = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db().send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'due',
            KeyConditionExpression: 'duePk = :kind AND dueAt <= :until',
            ExpressionAttributeValues: { ':kind': mdfRequests.CLAIM_REMINDER_DUE, ':until': until },
            Select: 'COUNT',
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    };
    const inIndex = await countDue('9999');
    const dueBefore = await countDue(clock.now().toISOString());
    if (inIndex !== NOT_DUE + DUE || dueBefore !== DUE) throw new Error(`The due index holds ${inIndex} reminders, ${dueBefore} due now; expected ${NOT_DUE + DUE}, ${DUE}`);

    // 3. The counters: on the product's own clients, installed for the sweeps only.
    let counter = newCounter();
    let emailsSent = 0;
    let emailFailures = 0;
    /** Counting only while a sweep runs (not the benchmark's own checks). */
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
            if (plain(input.ExpressionAttributeValues?.[':kind']) === mdfRequests.CLAIM_REMINDER_DUE) {
              counter.dueQueriesOfReminderKind += 1;
              counter.dueItemsReadOfReminderKind += read;
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
      { step: 'initialize', name: 'benchReminderCounter' },
    );
    sesClient().middlewareStack.add(
      (next, context) => async (args) => {
        if (!counting) return next(args);
        try {
          const result = await next(args);
          if (String(context.commandName) === 'SendEmailCommand') emailsSent += 1;
          return result;
        } catch (error) {
          emailFailures += 1;
          throw error;
        }
      },
      { step: 'initialize', name: 'benchSesCounter' },
    );
    type Report = import('../functions/sweeps/due-work.ts').SweepReport;
    // Load the handler module before timing (its cold start is not the sweep's work).
    await import('../functions/sweeps/due-work.ts');

    const runSweep = async (label: string, itemsDue: number): Promise<ReminderSweepRun> => {
      counter = newCounter();
      emailsSent = 0;
      emailFailures = 0;
      counting = true;
      const started = performance.now();
      const report = (await invokeFunction('due-work', {}, rootDir)) as Report;
      const ms = performance.now() - started;
      counting = false;
      const reminder = report.kinds[mdfRequests.CLAIM_REMINDER_DUE] ?? { itemsRead: 0, done: 0, skipped: 0, failed: 0 };
      const done = reminder.done;
      const perDone = (value: number) => (done > 0 ? round(value / done, 2) : undefined);
      const updates = counter.commands.UpdateItem ?? 0;
      progress(`reminder-sweep: ${label}: ${done} done, ${counter.dueItemsRead} items read by the due queries, ${counter.scans} Scans, ${round(ms, 0)} ms`);
      return {
        label,
        itemsDue,
        ms: round(ms, 1),
        report: reminder,
        otherKinds: Object.fromEntries(Object.entries(report.kinds).filter(([kind]) => kind !== mdfRequests.CLAIM_REMINDER_DUE)),
        dueQueries: counter.dueQueries,
        dueItemsRead: counter.dueItemsRead,
        dueQueriesOfReminderKind: counter.dueQueriesOfReminderKind,
        dueItemsReadOfReminderKind: counter.dueItemsReadOfReminderKind,
        readRatio: itemsDue > 0 ? round(counter.dueItemsRead / itemsDue, 3) : undefined,
        scans: counter.scans,
        scannedByScans: counter.scannedByScans,
        commands: counter.commands,
        errors: counter.errors,
        calendarQueries: counter.otherQueries,
        calendarItemsRead: counter.otherItemsRead,
        perDoneItem: {
          conditionalUpdates: perDone(updates),
          calendarQueries: perDone(counter.otherQueries),
          calendarItemsRead: perDone(counter.otherItemsRead),
          emails: perDone(emailsSent),
        },
        emailsSent,
        emailFailures,
        msPerDoneItem: perDone(ms),
      };
    };

    const first = await runSweep('First sweep', DUE);
    // 4. After it: every due request moved on to its day-14 reminder, nothing due remains.
    const after = await db().send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: dueIds.map((id) => ({ pk: mdfRequests.partitionOf(id), sk: 'REQUEST' })), ConsistentRead: true } } }),
    );
    const movedOn = (after.Responses?.[tableName] ?? []).filter(
      (item) => item.reminderStage === 1 && item.duePk === mdfRequests.CLAIM_REMINDER_DUE && item.dueAt === item.nextReminderAt && String(item.dueAt) > clock.now().toISOString(),
    ).length;
    const dueAfterFirst = await countDue(clock.now().toISOString());
    const second = await runSweep('Second sweep', 0);
    const captured = (await (await fetch(`${sesUrl}/store`)).json()) as { emails?: unknown[] };

    const results: ReminderSweepResults = {
      targets: { readRatio: TARGET_READ_RATIO, scans: TARGET_SCANS },
      dataset: {
        notDue: NOT_DUE,
        due: DUE,
        regions: regionList,
        writeSeconds,
        reminderItemsInIndex: inIndex,
        dueBefore,
      },
      runs: [first, second],
      checks: { movedToDay14Reminder: movedOn, dueAfterFirstSweep: dueAfterFirst, emailsCaptured: captured.emails?.length ?? 0 },
    };
    writeResults('reminder-sweep', results);
  } finally {
    await new Promise<void>((resolve) => (ses ? ses.close(() => resolve()) : resolve()));
    await dynamo.stop();
  }
};

await main();
