import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ensureTable, startDynamo } from '../local/dynamodb.ts';
import { startSfnEndpoint, type SfnEndpoint } from '../local/sfn-endpoint.ts';
import { freePort, TABLE_NAME } from '../local/stack.ts';
import type { LeadImportMemory, LeadImportResults, LeadImportRun, WorkerMemory } from './results.ts';
import { batchWriteItems, gatewayEvent, median, progress, rootDir, round, setLocalEnvironment, startSesCapture, writeResults, type SesCapture } from './support.ts';

/**
 * Import of 10,000 leads, end to end, against DynamoDB Local, divided by raw BatchWriteItem
 * throughput of the same lead items on the same DynamoDB Local in the same run; and the peak
 * memory of the import for files of 1,000, 5,000 and 10,000 leads.
 *
 * Throughput (target ≥ 0.7 of raw): the real `POST /leads/import` handler called in-process
 * with the API Gateway event of a 10,000-row CSV (marketing operations' JWT claims), then the
 * real `lead-import` workflow on the local Step Functions endpoint (statemachines/
 * lead-import.asl.json, task functions invoked in-process as local/functions.ts does) until
 * the job is Completed and the Partner Contacts are emailed (aws-ses-v2-local). Leads per
 * second from the POST to the end of the execution (watched every 5 ms on the in-process
 * endpoint, so the benchmark adds no reads of its own to DynamoDB Local). Raw: the lead items
 * that import would write (built by the same `importRow` and `toItem`, new emails) written
 * with BatchWriteItem, 25 per call, 4 calls in flight — the import's own batching — and
 * nothing else. Rounds alternate raw and import
 * (raw, import, raw, import, raw, import, raw); each import is compared with the mean of the
 * raw runs either side; the median ratio is the figure.
 *
 * Memory (target: flat): each measurement in a fresh child process. `handler`: after a warm-up
 * import of 100 leads, the growth of the peak resident set (Linux VmHWM, set back to the current
 * resident set just before, so the warm-up and building the file do not hide it) while the handler reads,
 * checks and stores an N-lead file (it necessarily holds the request body, which API Gateway
 * caps at 10 MB). `worker`: after a warm-up, the growth of the peak resident set and the peak
 * V8 heap (sampled every millisecond) while the workflow's steps (`importChunks` as the workflow
 * calls it, then `finishImport`) import an N-lead job chunk by chunk and email the Partner
 * Contacts; `live`: the same steps, the largest heap left after a full collection forced every
 * 50 ms (what the import keeps alive, as opposed to garbage not yet collected); `capped`: the
 * worker again with V8's old space capped at 96 MB, so garbage is collected as it goes. The
 * figures are judged flat when, from the second-largest file to the largest, they grow by at most
 * 10 % (or 1 MB, if more); bench/run.ts judges them.
 *
 * Writes bench/.out/lead-import.json (or `--out <file>`).
 */
export const TARGET_RATIO = 0.7;
/** Flat: a memory figure at the largest file at most this much above the next size down (percent, or the slack in MB if larger). */
export const TARGET_MEMORY_GROWTH_PERCENT = 10;
export const TARGET_MEMORY_SLACK_MB = 1;
const LEADS = Number(process.env.BENCH_IMPORT_LEADS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 5);
const MEMORY_SIZES = (process.env.BENCH_IMPORT_MEMORY_SIZES ?? '1000,5000,10000').split(',').map(Number);
const RAW_PARALLEL = 4;
/** The old-space limit of the `capped` memory run (the process holds about 50 MB of modules and clients before the import). */
const CAPPED_HEAP_MB = 96;
/** How often the `live` memory run forces a full collection and reads the heap. */
const LIVE_SAMPLE_MS = 50;

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, child: { type: 'string' }, size: { type: 'string' }, dynamo: { type: 'string' }, ses: { type: 'string' }, tag: { type: 'string' }, job: { type: 'string' } },
  strict: false,
});

/** The campaigns the generated leads are members of: Joint, MDF and Partner Sponsored, for two partners. */
const CAMPAIGNS = [
  { id: 'cmp_bench_acme_joint', type: 'Joint', partner: 'ptr_acme', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'chnl' },
  { id: 'cmp_bench_acme_mdf', type: 'MDF', partner: 'ptr_acme', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'chnl' },
  { id: 'cmp_bench_acme_sponsored', type: 'Partner Sponsored', partner: 'ptr_acme', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'ptnr' },
  { id: 'cmp_bench_globex_joint', type: 'Joint', partner: 'ptr_globex', channelPartnerName: 'Globex Global Integrators', budgetHolder: 'chnl' },
] as const;

/** An N-lead CSV as marketing operations export it: 1 in 20 held back (no phone). */
const csvOf = (tag: string, size: number): string => {
  const lines = ['Email,First Name,Last Name,Phone,Company,Title,Country,Campaign ID,Partner Account ID,Actively Worked'];
  for (let index = 0; index < size; index += 1) {
    const campaign = CAMPAIGNS[index % CAMPAIGNS.length] as (typeof CAMPAIGNS)[number];
    const phone = index % 20 === 19 ? '' : `+44 20 7946 ${String(index % 10_000).padStart(4, '0')}`;
    lines.push(`lead.${tag}.${index}@bench.example,Firstname${index},"Lastname, ${index}",${phone},Company ${index % 977} Ltd,Head of Platform,GB,${campaign.id},${campaign.partner},no`);
  }
  return lines.join('\r\n');
};

/** The environment CDK gives the functions, pointed at local endpoints (as local/stack.ts does); the import's logs at ERROR. */
const setEnvironment = (dynamodb: string, ses: string, sfn: string) => setLocalEnvironment({ dynamodb, ses, sfn }, { LEAD_RECALL_PHASE: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' });

/** Marketing operations' claims, as the authorizer passes them on. */
const marketingOps = { userId: 'usr_mo', email: 'marketing.ops@channel.example', name: 'Mo Marketing-Ops', privileges: '', roles: 'marketing-operations' };

const postImport = async (csv: string): Promise<string> => {
  const { invokeFunction } = await import('../local/functions.ts');
  const event = gatewayEvent({
    method: 'POST',
    path: '/leads/import',
    query: { fileName: 'bench.csv' },
    headers: { 'content-type': 'text/csv; charset=utf-8', 'user-agent': 'channel-prm-bench' },
    body: csv,
    claims: marketingOps,
  });
  const response = (await invokeFunction('lead-imports', event, rootDir)) as APIGatewayProxyStructuredResultV2;
  if (response.statusCode !== 202) throw new Error(`POST /leads/import answered ${response.statusCode}: ${response.body}`);
  return (JSON.parse(response.body ?? '{}') as { id: string }).id;
};

const createCampaigns = async () => {
  const campaigns = await import('../functions/store/campaigns.ts');
  const at = new Date().toISOString();
  for (const campaign of CAMPAIGNS) {
    if (await campaigns.get(campaign.id)) continue;
    await campaigns.create(
      { id: campaign.id, name: `Bench ${campaign.type} ${campaign.partner}`, type: campaign.type, channelPartnerName: campaign.channelPartnerName, budgetHolder: campaign.budgetHolder, status: 'In Progress', createdAt: at, updatedAt: at, version: 1 },
      { at, by: { id: 'system:bench', name: 'Bench', kind: 'system' }, action: 'created', to: 'In Progress' },
    );
  }
};

// ---------------------------------------------------------------------------------------------
// Memory, in a child process

const PROC_STATUS = '/proc/self/status';
/** The process's peak resident set in MB: VmHWM on Linux (which `resetPeakRss` sets back to the current RSS), elsewhere getrusage's maxRSS. */
const peakRssMb = () =>
  existsSync(PROC_STATUS) ? Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(PROC_STATUS, 'utf8'))?.[1] ?? Number.NaN) / 1024 : process.resourceUsage().maxRSS / 1024;
/** Sets the peak back to the current resident set (Linux ≥ 4.0), so what came before (warm-up, building the file) does not hide what is measured; false where it cannot. */
const resetPeakRss = (): boolean => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};

const child = async (mode: string, size: number): Promise<void> => {
  await setEnvironment(String(args.dynamo), String(args.ses), 'http://127.0.0.1:9');
  const { importChunks } = await import('../functions/workflow/lead-import-chunk.ts');
  const { finishImport } = await import('../functions/workflow/lead-import-finish.ts');
  const runJob = async (id: string) => {
    for (;;) if ((await importChunks(id)).done) break;
    await finishImport(id);
  };
  const tag = String(args.tag);
  // Warm-up: every module loaded, every client connected, one small import done.
  await runJob(await postImport(csvOf(`${tag}-warm`, 100)));
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  if (mode === 'handler') {
    const csv = csvOf(tag, size);
    gc();
    const peakReset = resetPeakRss();
    const before = peakRssMb();
    await postImport(csv);
    process.stdout.write(`${JSON.stringify({ mode, size, csvMb: round(csv.length / 1048576, 2), peakRssGrowthMb: round(peakRssMb() - before, 1), peakReset })}\n`);
    return;
  }
  // The parent posted the N-lead file: this process never held it, so its peak is the steps' alone.
  const id = String(args.job);
  gc();
  const peakReset = resetPeakRss();
  const start = { rss: peakRssMb(), heap: process.memoryUsage().heapUsed / 1048576 };
  if (mode === 'live') {
    // What the import keeps alive: the heap left after a full collection, forced every 50 ms while the steps run.
    let live = start.heap;
    const collector = setInterval(() => {
      gc();
      live = Math.max(live, process.memoryUsage().heapUsed / 1048576);
    }, LIVE_SAMPLE_MS);
    await runJob(id);
    clearInterval(collector);
    process.stdout.write(`${JSON.stringify({ mode, size, liveHeapAboveStartMb: round(live - start.heap, 1), heapAtStartMb: round(start.heap, 1) })}\n`);
    return;
  }
  const first = process.memoryUsage();
  const peak = { heap: first.heapUsed, heapTotal: first.heapTotal, external: first.external, rss: first.rss };
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peak.heap = Math.max(peak.heap, now.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, now.heapTotal);
    peak.external = Math.max(peak.external, now.external);
    peak.rss = Math.max(peak.rss, now.rss);
  }, 1);
  await runJob(id);
  clearInterval(sampler);
  const mb = (bytes: number) => round(bytes / 1048576, 1);
  process.stdout.write(
    `${JSON.stringify({
      mode,
      size,
      peakRssGrowthMb: round(peakRssMb() - start.rss, 1),
      peakHeapAboveStartMb: mb(peak.heap - first.heapUsed),
      heapAtStartMb: mb(first.heapUsed),
      peakHeapTotalAboveStartMb: mb(peak.heapTotal - first.heapTotal),
      peakExternalAboveStartMb: mb(peak.external - first.external),
      rssAtStartMb: mb(first.rss),
      peakRssSampledAboveStartMb: mb(peak.rss - first.rss),
      peakReset,
    })}\n`,
  );
};

/** Runs one measurement in a child process (asynchronously: this process serves the SES capture the child emails through). */
const measureMemory = async (mode: string, size: number, dynamoEndpoint: string, sesUrl: string): Promise<Record<string, number>> => {
  const tag = `${mode}-${size}-${Date.now()}`;
  const job = mode === 'handler' ? [] : ['--job', await postImport(csvOf(tag, size))];
  return new Promise((resolve, reject) => {
    const childProcess = spawn(
      process.execPath,
      [
        '--expose-gc',
        ...(mode === 'capped' ? [`--max-old-space-size=${CAPPED_HEAP_MB}`] : []),
        '--import',
        'tsx',
        'bench/lead-import.ts',
        '--child',
        mode,
        '--size',
        String(size),
        '--dynamo',
        dynamoEndpoint,
        '--ses',
        sesUrl,
        '--tag',
        tag,
        ...job,
      ],
      { cwd: rootDir, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    childProcess.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    childProcess.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => childProcess.kill('SIGKILL'), 600_000);
    childProcess.once('exit', () => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').reverse().find((candidate) => candidate.startsWith('{"mode"'));
      if (line) resolve(JSON.parse(line) as Record<string, number>);
      else reject(new Error(`memory child ${mode} ${size} failed: ${stderr.slice(-2000)}`));
    });
  });
};

// ---------------------------------------------------------------------------------------------
// Throughput

const main = async (): Promise<void> => {
  const [dynamoPort, sesPort, sfnPort] = await Promise.all([freePort(), freePort(), freePort()]);
  progress(`lead-import: starting DynamoDB Local on ${dynamoPort} (in memory), SES capture on ${sesPort}, Step Functions on ${sfnPort}`);
  const dynamo = await startDynamo({ port: dynamoPort });
  let ses: SesCapture | undefined;
  let sfn: SfnEndpoint | undefined;
  try {
    ses = await startSesCapture(sesPort);
    const sesUrl = ses.url;
    await setEnvironment(dynamo.endpoint, sesUrl, `http://127.0.0.1:${sfnPort}`);
    await ensureTable(dynamo.endpoint, TABLE_NAME);
    const { clock } = await import('../functions/shared/clock.ts');
    const { seed } = await import('../local/seed.ts');
    await seed(clock.now());
    await createCampaigns();
    const { invokeFunction } = await import('../local/functions.ts');
    sfn = await startSfnEndpoint({
      port: sfnPort,
      now: clock.now,
      definitions: { 'lead-import': 'file:statemachines/lead-import.asl.json' },
      invoke: (name, payload) => invokeFunction(name, payload, rootDir),
      rootDir,
    });
    const leadImports = await import('../functions/store/lead-imports.ts');
    const leadsStore = await import('../functions/store/leads.ts');
    const campaigns = await import('../functions/store/campaigns.ts');
    const partners = await import('../functions/store/partners.ts');
    const { importRow } = await import('../functions/domain/leads.ts');
    const { readLeadFile } = await import('../functions/http/lead-file.ts');

    const campaignMap = await campaigns.getMany(CAMPAIGNS.map((campaign) => campaign.id));
    const partnerMap = new Map((await Promise.all(['ptr_acme', 'ptr_globex'].map((id) => partners.get(id)))).flatMap((partner) => (partner ? [[partner.id, partner] as const] : [])));

    /** The lead items an import of this file would write, built by the product's own rules and key builder. */
    const itemsOf = (csv: string) => {
      const at = new Date().toISOString();
      const items: Record<string, unknown>[] = [];
      for (const read of readLeadFile({ headers: { 'content-type': 'text/csv' }, body: csv }).rows()) {
        if (!read.ok) continue;
        const result = importRow(undefined, read.row, {
          importId: 'imp_raw',
          at,
          phase: '1',
          actor: { id: 'usr_mo', name: 'Mo', kind: 'internal-user' },
          campaign: (id) => campaignMap.get(id),
          partner: (id) => partnerMap.get(id),
          defaultAssignee: (partner) => (partner.id === 'ptr_acme' ? { id: 'usr_lena', name: 'Lena Contact' } : undefined),
        });
        if (result.lead) items.push(leadsStore.toItem(result.lead));
      }
      return items;
    };

    /** The raw baseline: BatchWriteItem of the items, as many calls in flight as the import's `leads.putNew`. */
    const rawWrite = (items: Record<string, unknown>[]) => batchWriteItems(items, RAW_PARALLEL);

    const endpoint = sfn;
    const importRun = async (tag: string) => {
      const csv = csvOf(tag, LEADS);
      const started = performance.now();
      const id = await postImport(csv);
      const received = performance.now();
      // The execution (named after the job) ends right after its last step completes the job. Watched in
      // this process, on the local endpoint: polling the job would put reads of its own on DynamoDB Local.
      for (;;) {
        const execution = endpoint.executions().find((candidate) => candidate.name === id);
        if (execution && execution.status !== 'RUNNING') {
          const ms = performance.now() - started;
          const job = await leadImports.get(id, true);
          if (execution.status !== 'SUCCEEDED' || job?.status !== 'Completed') throw new Error(`import ${id}: execution ${execution.status}, job ${job?.status}: ${job?.error ?? execution.cause ?? ''}`);
          return { id, ms, handlerMs: received - started, counts: job.counts, partnersNotified: job.partnersNotified, chunks: job.chunks };
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    // Warm both paths (module loading, connections, DynamoDB Local's JIT), untimed.
    await rawWrite(itemsOf(csvOf('warm-raw', LEADS)));
    await importRun('warm-import');

    const throughputStarted = Date.now();
    const raws: number[] = [];
    const rawItems = new Set<number>();
    const imports: Awaited<ReturnType<typeof importRun>>[] = [];
    for (let round_ = 0; round_ <= ROUNDS; round_ += 1) {
      const items = itemsOf(csvOf(`raw-${round_}`, LEADS));
      rawItems.add(items.length);
      const rawMs = await rawWrite(items);
      raws.push(rawMs);
      progress(`lead-import: raw BatchWriteItem of ${items.length} lead items: ${round(rawMs, 0)} ms (${round((items.length * 1000) / rawMs, 0)} items/s)`);
      if (round_ === ROUNDS) break;
      const run = await importRun(`import-${round_}`);
      imports.push(run);
      progress(`lead-import: import of ${LEADS} leads: ${round(run.ms, 0)} ms (${round((LEADS * 1000) / run.ms, 0)} leads/s; handler ${round(run.handlerMs, 0)} ms)`);
    }
    if (rawItems.size !== 1 || !rawItems.has(LEADS)) throw new Error(`The raw rounds wrote ${[...rawItems].join(', ')} items, not one per lead (${LEADS})`);
    const runs: LeadImportRun[] = imports.map((run, index) => {
      const rawMs = ((raws[index] ?? 0) + (raws[index + 1] ?? 0)) / 2;
      return {
        importMs: round(run.ms, 1),
        handlerMs: round(run.handlerMs, 1),
        leadsPerSecond: round((LEADS * 1000) / run.ms, 1),
        rawMs: round(rawMs, 1),
        rawItemsPerSecond: round((LEADS * 1000) / rawMs, 1),
        ratio: round(rawMs / run.ms, 3),
        counts: run.counts,
        chunks: run.chunks,
        partnersNotified: run.partnersNotified,
      };
    });
    const ratio = median(runs.map((run) => run.ratio));
    progress(`lead-import: median ratio ${ratio} (target ≥ ${TARGET_RATIO})`);

    await sfn.close();
    sfn = undefined;
    const throughputSeconds = round((Date.now() - throughputStarted) / 1000, 1);

    const memoryStarted = Date.now();
    const bySize: LeadImportMemory[] = [];
    for (const size of MEMORY_SIZES) {
      const measured: Record<string, Record<string, number>> = {};
      for (const mode of ['handler', 'worker', 'live', 'capped']) {
        measured[mode] = await measureMemory(mode, size, dynamo.endpoint, sesUrl);
        progress(`lead-import: memory ${mode} ${size}: ${JSON.stringify(measured[mode])}`);
      }
      /** A child's figures, without the mode and size it repeats. */
      const figures = <T>(mode: string): T => {
        const { mode: _mode, size: _size, ...rest } = measured[mode] ?? {};
        return rest as T;
      };
      const { csvMb, ...handler } = figures<{ csvMb: number; peakRssGrowthMb: number; peakReset: boolean }>('handler');
      bySize.push({ size, csvMb, handler, worker: figures<WorkerMemory>('worker'), live: figures<LeadImportMemory['live']>('live'), capped: figures<WorkerMemory>('capped') });
    }
    const results: LeadImportResults = {
      targets: { ratio: TARGET_RATIO, memory: { growthPercent: TARGET_MEMORY_GROWTH_PERCENT, slackMb: TARGET_MEMORY_SLACK_MB } },
      leads: LEADS,
      rounds: ROUNDS,
      rawBatching: { itemsPerCall: 25, callsInFlight: RAW_PARALLEL },
      runs,
      ratio,
      memory: { cappedHeapMb: CAPPED_HEAP_MB, liveSampleMs: LIVE_SAMPLE_MS, bySize },
      seconds: { throughput: throughputSeconds, memory: round((Date.now() - memoryStarted) / 1000, 1) },
    };
    writeResults('lead-import', results);
  } finally {
    await sfn?.close();
    await ses?.close();
    await dynamo.stop();
  }
};

if (typeof args.child === 'string') {
  await child(args.child, Number(args.size));
  process.exit(0);
} else {
  await main();
  process.exit(0);
}
