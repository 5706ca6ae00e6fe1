import type { Server } from 'node:http';
import * as sesModule from 'aws-ses-v2-local';
import { stateMachineArnVariable, workflows, type WorkflowName } from '../lib/manifest.ts';
import { ensureTable, startDynamo } from '../local/dynamodb.ts';
import { localStateMachineArn } from '../local/sfn-endpoint.ts';
import { freePort, MAIL_FROM, TABLE_NAME } from '../local/stack.ts';
import { dummyValue, progress, requiredSettings, round, writeResults } from './support.ts';

/**
 * The lead recall sweep (`functions/sweeps/due-work.ts`, kinds `lead-recall` then
 * `lead-recall-notice`) over a table holding 10,000 Joint campaign leads shared with
 * partners whose recall deadline is later, 100 whose deadline passed, and 100 Partner
 * Sponsored leads of the same age (never recalled, so never in the due index). What it
 * must read is the 100; the figure is items read by the due queries of kind
 * `lead-recall` ÷ items due (target ≤ 1.1), and no Scan at all. The sweep runs three
 * times: the 100 are recalled once and each partner gets one email.
 *
 * - DynamoDB Local in memory (same table and indexes as the CDK table), the local seed, SES
 *   captured by aws-ses-v2-local; Step Functions and S3 point at a closed port.
 * - Every lead is made by the product's own code: `importRow` (the routing rules, with the
 *   import's instant set to when the lead was shared) and `leads.putNew` (the store's
 *   BatchWriteItem), so the items carry exactly the keys and due-index attributes the import
 *   gives them. Due leads were shared 31 days ago (recall phase 1: 30 days Pending), the others
 *   within the last 20 days.
 * - The real `due-work` handler runs in-process, as the local stack runs it (local/functions.ts).
 * - A middleware on the product's shared DynamoDB client counts every command by name and the
 *   items each Query read (`ScannedCount`), by index and due kind; another on the SES client
 *   counts emails. The sweep's own report is shown beside them.
 *
 * Writes bench/.out/recall-sweep.json (or `--out <file>`).
 */
export const TARGET_READ_RATIO = 1.1;
const NOT_DUE = Number(process.env.BENCH_RECALL_NOT_DUE ?? 10_000);
const DUE = Number(process.env.BENCH_RECALL_DUE ?? 100);
const SPONSORED = Number(process.env.BENCH_RECALL_SPONSORED ?? 100);
const DAY_MS = 86_400_000;
const SWEEPS = 3;

type StartSes = (config: { port: number; host: string }) => Promise<Server>;
const startSes: StartSes =
  ((sesModule as unknown as { default: StartSes | { default: StartSes } }).default as { default?: StartSes }).default ??
  (sesModule as unknown as { default: StartSes }).default;

interface Counter {
  commands: Record<string, number>;
  /** Due-index Queries and the items they read, per due kind. */
  due: Record<string, { queries: number; itemsRead: number }>;
  /** Other Queries (the partner's untold recalled leads, lists) and the items they read. */
  otherQueries: number;
  otherItemsRead: number;
  scans: number;
  conditionalFailures: number;
  emails: number;
}

const newCounter = (): Counter => ({ commands: {}, due: {}, otherQueries: 0, otherItemsRead: 0, scans: 0, conditionalFailures: 0, emails: 0 });
const plain = (value: unknown): unknown => (value && typeof value === 'object' && 'S' in value ? (value as { S: unknown }).S : value);

const main = async (): Promise<void> => {
  const [dynamoPort, sesPort, closedPort] = await Promise.all([freePort(), freePort(), freePort()]);
  progress(`recall-sweep: starting DynamoDB Local on ${dynamoPort} (in memory), SES capture on ${sesPort}`);
  const dynamo = await startDynamo({ port: dynamoPort });
  let ses: Server | undefined;
  try {
    ses = await startSes({ port: sesPort, host: '127.0.0.1' });
    for (const name of requiredSettings()) process.env[name] ??= dummyValue(name);
    for (const name of Object.keys(workflows) as WorkflowName[]) process.env[stateMachineArnVariable(name)] = localStateMachineArn(name);
    const nowhere = `http://127.0.0.1:${closedPort}`;
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SES: `http://127.0.0.1:${sesPort}`,
      AWS_ENDPOINT_URL_SFN: nowhere,
      AWS_ENDPOINT_URL_S3: nowhere,
      TABLE_NAME,
      MAIL_FROM,
      LEAD_RECALL_PHASE: '1',
      POWERTOOLS_SERVICE_NAME: 'channel-prm',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    await ensureTable(dynamo.endpoint, TABLE_NAME);

    // Modules that read settings load only now, after the environment is set (as at a cold start).
    const { clock } = await import('../functions/shared/clock.ts');
    const { seed } = await import('../local/seed.ts');
    await seed(clock.now());
    const campaigns = await import('../functions/store/campaigns.ts');
    const partners = await import('../functions/store/partners.ts');
    const leads = await import('../functions/store/leads.ts');
    const leadRecalls = await import('../functions/store/lead-recalls.ts');
    const { importRow } = await import('../functions/domain/leads.ts');
    const { dynamoRawClient } = await import('../functions/shared/dynamodb-client.ts');
    const { ses: sesClient } = await import('../functions/shared/ses-client.ts');
    const { invokeFunction } = await import('../local/functions.ts');
    const { rootDir } = await import('./support.ts');
    type Lead = import('../functions/domain/leads.ts').Lead;
    type Campaign = import('../functions/domain/campaigns.ts').Campaign;

    const now = clock.now();
    const at = now.toISOString();
    const actor = { id: 'system:bench', name: 'Bench', kind: 'system' as const };
    const newCampaigns: Campaign[] = [
      { id: 'cmp_bench_acme_joint', name: 'Bench Acme joint webinar', type: 'Joint', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'chnl', status: 'In Progress', createdAt: at, updatedAt: at, version: 1 },
      { id: 'cmp_bench_globex_joint', name: 'Bench Globex joint summit', type: 'Joint', channelPartnerName: 'Globex Global Integrators', budgetHolder: 'chnl', status: 'In Progress', createdAt: at, updatedAt: at, version: 1 },
      { id: 'cmp_bench_acme_sponsored', name: 'Bench Acme sponsored booth', type: 'Partner Sponsored', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'ptnr', status: 'In Progress', createdAt: at, updatedAt: at, version: 1 },
    ];
    for (const campaign of newCampaigns) await campaigns.create(campaign, { at, by: actor, action: 'created', to: campaign.status });
    const byId = new Map(newCampaigns.map((campaign) => [campaign.id, campaign]));
    const partnerList = await Promise.all(['ptr_acme', 'ptr_globex'].map((id) => partners.get(id)));
    const partnersById = new Map(partnerList.flatMap((partner) => (partner ? [[partner.id, partner] as const] : [])));
    const jointOf = (index: number) => (index % 2 === 0 ? { campaignId: 'cmp_bench_acme_joint', partnerAccountId: 'ptr_acme' } : { campaignId: 'cmp_bench_globex_joint', partnerAccountId: 'ptr_globex' });

    /** A lead routed by the import rules as if imported `daysAgo` days ago. */
    const leadShared = (label: string, index: number, daysAgo: number, target: { campaignId: string; partnerAccountId: string }): Lead => {
      const sharedAt = new Date(now.getTime() - daysAgo * DAY_MS - (index % 1000) * 1000).toISOString();
      const result = importRow(
        undefined,
        { line: index + 2, email: `${label}.${index}@bench.example`, firstName: 'Bench', lastName: `Lead ${index}`, phone: '+44 20 7946 0000', company: `Company ${index}`, country: 'GB', ...target },
        {
          importId: 'imp_bench',
          at: sharedAt,
          phase: '1',
          actor,
          campaign: (id) => byId.get(id),
          partner: (id) => partnersById.get(id),
          defaultAssignee: () => undefined,
        },
      );
      if (!result.lead || result.outcome.kind !== 'shared') throw new Error(`bench lead ${label} ${index} was not shared: ${JSON.stringify(result.outcome)}`);
      return result.lead;
    };

    progress(`recall-sweep: writing ${NOT_DUE} Joint leads not yet due, ${DUE} due, ${SPONSORED} Partner Sponsored of the same age (importRow + leads.putNew)`);
    const notDue = Array.from({ length: NOT_DUE }, (_, index) => leadShared('later', index, index % 20, jointOf(index)));
    const due = Array.from({ length: DUE }, (_, index) => leadShared('due', index, 31, jointOf(index)));
    const sponsored = Array.from({ length: SPONSORED }, (_, index) => leadShared('sponsored', index, 31, { campaignId: 'cmp_bench_acme_sponsored', partnerAccountId: 'ptr_acme' }));
    for (let start = 0; start < notDue.length; start += 1000) await leads.putNew(notDue.slice(start, start + 1000));
    await leads.putNew([...due, ...sponsored]);
    const dueNow = [...notDue, ...due].filter((lead) => lead.recallDueAt && Date.parse(lead.recallDueAt) <= now.getTime()).length;
    if (dueNow !== DUE) throw new Error(`expected ${DUE} leads due, built ${dueNow}`);
    const partnersWithDue = new Set(due.map((lead) => lead.partnerId)).size;

    // Count what the sweep asks DynamoDB and SES, below the product's own clients.
    let counter = newCounter();
    dynamoRawClient().middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? 'unknown');
        counter.commands[name] = (counter.commands[name] ?? 0) + 1;
        const input = args.input as { IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> };
        try {
          const result = await next(args);
          const output = result.output as { ScannedCount?: number; Count?: number };
          if (name === 'QueryCommand') {
            const read = output.ScannedCount ?? output.Count ?? 0;
            if (input.IndexName === 'due') {
              const kind = String(plain(input.ExpressionAttributeValues?.[':kind']));
              const entry = (counter.due[kind] ??= { queries: 0, itemsRead: 0 });
              entry.queries += 1;
              entry.itemsRead += read;
            } else {
              counter.otherQueries += 1;
              counter.otherItemsRead += read;
            }
          }
          if (name === 'ScanCommand') counter.scans += 1;
          return result;
        } catch (error) {
          if ((error as Error).name === 'ConditionalCheckFailedException' || (error as Error).name === 'TransactionCanceledException') counter.conditionalFailures += 1;
          throw error;
        }
      },
      { step: 'initialize', name: 'benchCounter' },
    );
    sesClient().middlewareStack.add(
      (next) => async (args) => {
        counter.emails += 1;
        return next(args);
      },
      { step: 'initialize', name: 'benchEmailCounter' },
    );

    const runs = [];
    for (let run = 1; run <= SWEEPS; run += 1) {
      counter = newCounter();
      const started = performance.now();
      const report = (await invokeFunction('due-work', {}, rootDir)) as { kinds: Record<string, { itemsRead: number; done: number; skipped: number; failed: number }> };
      const ms = performance.now() - started;
      const recallReads = counter.due['lead-recall'] ?? { queries: 0, itemsRead: 0 };
      const noticeReads = counter.due['lead-recall-notice'] ?? { queries: 0, itemsRead: 0 };
      const allDueReads = Object.values(counter.due).reduce((sum, entry) => sum + entry.itemsRead, 0);
      runs.push({
        run,
        itemsDue: run === 1 ? DUE : 0,
        report: { recall: report.kinds['lead-recall'], notice: report.kinds['lead-recall-notice'] },
        recallKind: { queries: recallReads.queries, itemsRead: recallReads.itemsRead, readPerDue: run === 1 ? round(recallReads.itemsRead / DUE, 3) : null },
        noticeKind: { queries: noticeReads.queries, itemsRead: noticeReads.itemsRead },
        dueIndexItemsReadAllKinds: allDueReads,
        otherQueries: counter.otherQueries,
        otherItemsRead: counter.otherItemsRead,
        allItemsReadPerDue: run === 1 ? round((allDueReads + counter.otherItemsRead + (counter.commands.GetItemCommand ?? 0)) / DUE, 3) : null,
        scans: counter.scans,
        conditionalFailures: counter.conditionalFailures,
        commands: counter.commands,
        emails: counter.emails,
        ms: round(ms, 1),
      });
      progress(`recall-sweep: sweep ${run}: recalled ${report.kinds['lead-recall']?.done}, told ${report.kinds['lead-recall-notice']?.done}, lead-recall read ${recallReads.itemsRead}, emails ${counter.emails}, ${round(ms, 0)} ms`);
    }

    // What the table says afterwards.
    const recalledNow = await leads.listRecalled({}, 500);
    const benchRecalled = recalledNow.items.filter((lead) => lead.email.endsWith('@bench.example'));
    const counts = await leadRecalls.counts({ limit: 100 });
    const countedBench = counts.items.filter((entry) => entry.campaignId.startsWith('cmp_bench_')).reduce((sum, entry) => sum + entry.recalled, 0);
    const sponsoredStill = await leads.getMany(sponsored.slice(0, 100).map((lead) => lead.id));
    const first = runs[0];
    const results = {
      target: { readPerDue: TARGET_READ_RATIO, scans: 0 },
      dataset: { notDue: NOT_DUE, due: DUE, sponsoredOfSameAge: SPONSORED, partnersWithDue, recallPhase: '1' },
      runs,
      checks: {
        recalledOnce: benchRecalled.length === DUE && runs.slice(1).every((run) => (run.report.recall?.done ?? 0) === 0),
        recalled: benchRecalled.length,
        untoldAfterSweeps: benchRecalled.filter((lead) => lead.recallNoticePending).length,
        emailsFirstSweep: first?.emails ?? 0,
        emailsLaterSweeps: runs.slice(1).reduce((sum, run) => sum + run.emails, 0),
        oneEmailPerPartner: (first?.emails ?? 0) === partnersWithDue && runs.slice(1).every((run) => run.emails === 0),
        recallCountsAddUp: countedBench === DUE,
        sponsoredKept: [...sponsoredStill.values()].every((lead) => lead.state === 'shared' && lead.shareStatus === 'Pending'),
        scans: runs.reduce((sum, run) => sum + run.scans, 0),
      },
      readPerDue: first?.recallKind.readPerDue ?? null,
      meetsTarget: (first?.recallKind.readPerDue ?? Infinity) <= TARGET_READ_RATIO && runs.every((run) => run.scans === 0),
    };
    writeResults('recall-sweep', results);
  } finally {
    await new Promise<void>((resolve) => (ses ? ses.close(() => resolve()) : resolve()));
    await dynamo.stop();
  }
};

await main();
process.exit(0);
