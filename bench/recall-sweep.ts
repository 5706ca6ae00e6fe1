import type { RecallSweepResults } from './results.ts';
import { progress, round, writeResults } from './support.ts';
import { countDue, startSweepBench, sweepRunner } from './sweep-support.ts';

/**
 * The lead recall sweep (`functions/sweeps/due-work.ts`, kinds `lead-recall` then
 * `lead-recall-notice`, `functions/sweeps/lead-recall.ts`) over a table holding 10,000 Joint
 * campaign leads shared with partners whose recall deadline is later, 100 whose deadline
 * passed, and 100 Partner Sponsored leads of the same age (never recalled, so never in the due
 * index). What it must read is the 100; the figure is items read by the due queries of kind
 * `lead-recall` ÷ items due (target ≤ 1.1), and no Scan at all. The sweep runs three times:
 * the 100 are recalled once and each partner gets one email.
 *
 * - The local seed, DynamoDB Local in memory and SES capture (bench/sweep-support.ts), with
 *   `LEAD_RECALL_PHASE=1`.
 * - Every lead is made by the product's own code: `importRow` (the routing rules, with the
 *   import's instant set to when the lead was shared) and `leads.putNew` (the store's
 *   BatchWriteItem, as the import writes new leads), so the items carry exactly the keys and
 *   due-index attributes the import gives them. Due leads were shared 31 days ago (recall
 *   phase 1: 30 days Pending), the others within the last 20 days.
 * - The real handler runs in-process, three times; the counts come from middleware on the
 *   product's DynamoDB and SES clients (bench/sweep-support.ts `sweepRunner`), not from the
 *   sweep's own report (shown beside them).
 */
export const TARGET_READ_RATIO = 1.1;
export const TARGET_SCANS = 0;
const NOT_DUE = Number(process.env.BENCH_RECALL_NOT_DUE ?? 10_000);
const DUE = Number(process.env.BENCH_RECALL_DUE ?? 100);
const SPONSORED = Number(process.env.BENCH_RECALL_SPONSORED ?? 100);
const RECALL_PHASE = '1';
const DAY_MS = 86_400_000;

const main = async (): Promise<void> => {
  const bench = await startSweepBench('recall-sweep', { LEAD_RECALL_PHASE: RECALL_PHASE });
  try {
    const { clock } = await import('../functions/shared/clock.ts');
    const campaigns = await import('../functions/store/campaigns.ts');
    const partners = await import('../functions/store/partners.ts');
    const leads = await import('../functions/store/leads.ts');
    const leadRecalls = await import('../functions/store/lead-recalls.ts');
    const { importRow } = await import('../functions/domain/leads.ts');
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
          phase: RECALL_PHASE,
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
    // The seed has leads of its own in the due index (not due now).
    const seededInIndex = await countDue(leads.RECALL_DUE, '9999');
    const seededDue = await countDue(leads.RECALL_DUE, at);
    const started = performance.now();
    for (let start = 0; start < notDue.length; start += 1000) await leads.putNew(notDue.slice(start, start + 1000));
    await leads.putNew([...due, ...sponsored]);
    const writeSeconds = round((performance.now() - started) / 1000, 1);
    const partnersWithDue = new Set(due.map((lead) => lead.partnerId)).size;
    progress(`recall-sweep: ${NOT_DUE + DUE + SPONSORED} leads written in ${writeSeconds} s`);

    const inIndex = await countDue(leads.RECALL_DUE, '9999');
    const dueBefore = await countDue(leads.RECALL_DUE, at);
    if (inIndex !== seededInIndex + NOT_DUE + DUE || dueBefore !== seededDue + DUE) {
      throw new Error(`The due index holds ${inIndex} recall items, ${dueBefore} due now; expected ${seededInIndex + NOT_DUE + DUE}, ${seededDue + DUE}`);
    }

    // The real sweep, three times, counted on the product's own clients.
    const runSweep = await sweepRunner(leads.RECALL_DUE);
    const runs = [await runSweep('First sweep', dueBefore), await runSweep('Second sweep', 0), await runSweep('Third sweep', 0)];
    const [first] = runs;

    // What the table says afterwards.
    const recalledNow = await leads.listRecalled({}, 500);
    const benchRecalled = recalledNow.items.filter((lead) => lead.email.endsWith('@bench.example'));
    const counts = await leadRecalls.counts({ limit: 100 });
    const countedBench = counts.items.filter((entry) => entry.campaignId.startsWith('cmp_bench_')).reduce((sum, entry) => sum + entry.recalled, 0);
    const sponsoredStill = await leads.getMany(sponsored.map((lead) => lead.id));

    const dataset = { notDue: NOT_DUE, due: DUE, sponsoredOfSameAge: SPONSORED, partnersWithDue, recallPhase: RECALL_PHASE, writeSeconds, recallItemsInIndex: inIndex, dueBefore };
    const results: RecallSweepResults = {
      targets: { readRatio: TARGET_READ_RATIO, scans: TARGET_SCANS },
      dataset,
      runs,
      checks: {
        recalled: benchRecalled.length,
        recalledOnce: benchRecalled.length === DUE && runs.slice(1).every((run) => run.report.done === 0),
        untoldAfterSweeps: benchRecalled.filter((lead) => lead.recallNoticePending).length,
        noticesDueAfterSweeps: await countDue(leads.RECALL_NOTICE_DUE, clock.now().toISOString()),
        emailsFirstSweep: first?.emailsSent ?? 0,
        emailsLaterSweeps: runs.slice(1).reduce((sum, run) => sum + run.emailsSent, 0),
        recallCounted: countedBench,
        sponsoredKept: [...sponsoredStill.values()].filter((lead) => lead.state === 'shared' && lead.shareStatus === 'Pending' && !lead.recallDueAt).length,
        allItemsReadPerDue: first && first.itemsDue > 0 ? round((first.dueItemsRead + first.otherItemsRead + (first.commands.GetItem ?? 0)) / first.itemsDue, 2) : undefined,
        emailsCaptured: await bench.emailsCaptured(),
      },
    };
    writeResults('recall-sweep', results);
  } finally {
    await bench.stop();
  }
};

await main();
