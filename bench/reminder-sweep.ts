import type { ReminderSweepResults } from './results.ts';
import { progress, shuffle, writeResults } from './support.ts';
import { assertSameItem, countDue, startSweepBench, sweepRunner, writeItems } from './sweep-support.ts';

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
const DAY_MS = 86_400_000;

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

const main = async (): Promise<void> => {
  const bench = await startSweepBench('reminder-sweep');
  try {
    const { clock } = await import('../functions/shared/clock.ts');
    const mdfRequests = await import('../functions/store/mdf-requests.ts');
    const calendars = await import('../functions/store/calendars.ts');
    const { db, tableName, transact } = await import('../functions/store/table.ts');
    const { systemActor } = await import('../functions/store/history.ts');
    const { nextReminder } = await import('../functions/domain/claims.ts');
    const { quarterOf } = await import('../functions/domain/calendar.ts');
    const { newId } = await import('../functions/shared/ids.ts');
    const { BatchGetCommand, GetCommand } = await import('@aws-sdk/lib-dynamodb');
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
    assertSameItem('request', stored, itemOf(template));

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
    const writeSeconds = await writeItems(items);
    progress(`reminder-sweep: ${items.length + 1} request items written in ${writeSeconds} s`);

    const inIndex = await countDue(mdfRequests.CLAIM_REMINDER_DUE, '9999');
    const dueBefore = await countDue(mdfRequests.CLAIM_REMINDER_DUE, clock.now().toISOString());
    if (inIndex !== NOT_DUE + DUE || dueBefore !== DUE) throw new Error(`The due index holds ${inIndex} reminders, ${dueBefore} due now; expected ${NOT_DUE + DUE}, ${DUE}`);

    // 3. The real sweep, counted on the product's own clients.
    const runSweep = await sweepRunner(mdfRequests.CLAIM_REMINDER_DUE);
    const first = await runSweep('First sweep', DUE);
    // 4. After it: every due request moved on to its day-14 reminder, nothing due remains.
    const after = await db().send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: dueIds.map((id) => ({ pk: mdfRequests.partitionOf(id), sk: 'REQUEST' })), ConsistentRead: true } } }),
    );
    const movedOn = (after.Responses?.[tableName] ?? []).filter(
      (item) => item.reminderStage === 1 && item.duePk === mdfRequests.CLAIM_REMINDER_DUE && item.dueAt === item.nextReminderAt && String(item.dueAt) > clock.now().toISOString(),
    ).length;
    const dueAfterFirst = await countDue(mdfRequests.CLAIM_REMINDER_DUE, clock.now().toISOString());
    const second = await runSweep('Second sweep', 0);

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
      checks: { movedToDay14Reminder: movedOn, dueAfterFirstSweep: dueAfterFirst, emailsCaptured: await bench.emailsCaptured() },
    };
    writeResults('reminder-sweep', results);
  } finally {
    await bench.stop();
  }
};

await main();
