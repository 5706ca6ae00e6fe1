import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import * as sesModule from 'aws-ses-v2-local';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { stateMachineArnVariable, workflows, type WorkflowName } from '../lib/manifest.ts';
import { ensureTable, startDynamo } from '../local/dynamodb.ts';
import { localStateMachineArn, startSfnEndpoint, type SfnEndpoint } from '../local/sfn-endpoint.ts';
import { freePort, MAIL_FROM, TABLE_NAME } from '../local/stack.ts';
import { dummyValue, median, progress, requiredSettings, rootDir, round, writeResults } from './support.ts';

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
 * second from the POST to Completed. Raw: the lead items that import would write (built by the
 * same `importRow` and `toItem`, new emails) written with BatchWriteItem, 25 per call, 4 calls
 * in flight — the import's own batching — and nothing else. Rounds alternate raw and import
 * (raw, import, raw, import, raw, import, raw); each import is compared with the mean of the
 * raw runs either side; the median ratio is the figure.
 *
 * Memory (target: flat): each measurement in a fresh child process. `handler`: after a warm-up
 * import of 100 leads, the growth of the peak resident set (`maxRSS`) while the handler reads,
 * checks and stores an N-lead file (it necessarily holds the request body, which API Gateway
 * caps at 10 MB). `worker`: after a warm-up, the growth of the peak resident set and the peak
 * V8 heap (sampled every millisecond) while the workflow's steps import an N-lead job chunk by
 * chunk and email the Partner Contacts; `retained`: the largest heap left after a full collection
 * at the end of each chunk (what the import keeps alive, as opposed to garbage not yet collected);
 * `capped`: the worker again with V8's old space capped at 96 MB, so garbage is collected as it
 * goes: the import completes, and its peak is what it needs, not what V8 chose to keep.
 *
 * Writes bench/.out/lead-import.json (or `--out <file>`).
 */
export const TARGET_RATIO = 0.7;
const LEADS = Number(process.env.BENCH_IMPORT_LEADS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 5);
const MEMORY_SIZES = (process.env.BENCH_IMPORT_MEMORY_SIZES ?? '1000,5000,10000').split(',').map(Number);
const RAW_PARALLEL = 4;
/** The old-space limit of the `capped` memory run (the process holds about 50 MB of modules and clients before the import). */
const CAPPED_HEAP_MB = 96;

type StartSes = (config: { port: number; host: string }) => Promise<Server>;
const startSes: StartSes =
  ((sesModule as unknown as { default: StartSes | { default: StartSes } }).default as { default?: StartSes }).default ??
  (sesModule as unknown as { default: StartSes }).default;

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, child: { type: 'string' }, size: { type: 'string' }, dynamo: { type: 'string' }, ses: { type: 'string' }, tag: { type: 'string' } },
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

/** The environment CDK gives the functions, pointed at local endpoints (as local/stack.ts does). */
const setEnvironment = (dynamoEndpoint: string, sesUrl: string, sfnUrl: string) => {
  for (const name of requiredSettings()) process.env[name] ??= dummyValue(name);
  for (const name of Object.keys(workflows) as WorkflowName[]) process.env[stateMachineArnVariable(name)] = localStateMachineArn(name);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SES: sesUrl,
    AWS_ENDPOINT_URL_SFN: sfnUrl,
    TABLE_NAME,
    MAIL_FROM,
    LEAD_RECALL_PHASE: '1',
    POWERTOOLS_SERVICE_NAME: 'channel-prm',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
};

/** The API Gateway event of `POST /leads/import` as the local API server builds it, with marketing operations' claims. */
const importEvent = (csv: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /leads/import',
    rawPath: '/leads/import',
    rawQueryString: 'fileName=bench.csv',
    queryStringParameters: { fileName: 'bench.csv' },
    headers: { 'content-type': 'text/csv; charset=utf-8', host: '127.0.0.1' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method: 'POST', path: '/leads/import', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${Math.random()}`,
      routeKey: 'POST /leads/import',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      authorizer: { jwt: { claims: { userId: 'usr_mo', email: 'marketing.ops@channel.example', name: 'Mo Marketing-Ops', privileges: '', roles: 'marketing-operations' }, scopes: [] } },
    },
    body: csv,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

const postImport = async (csv: string): Promise<string> => {
  const { invokeFunction } = await import('../local/functions.ts');
  const response = (await invokeFunction('lead-imports', importEvent(csv), rootDir)) as APIGatewayProxyStructuredResultV2;
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

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

const child = async (mode: string, size: number): Promise<void> => {
  setEnvironment(String(args.dynamo), String(args.ses), 'http://127.0.0.1:9');
  const { importChunks, importNextChunk } = await import('../functions/workflow/lead-import-chunk.ts');
  const { finishImport } = await import('../functions/workflow/lead-import-finish.ts');
  const runJob = async (id: string) => {
    for (;;) if ((await importChunks(id)).done) break;
    await finishImport(id);
  };
  const tag = String(args.tag);
  // Warm-up: every module loaded, every client connected, one small import done.
  await runJob(await postImport(csvOf(`${tag}-warm`, 100)));
  const csv = csvOf(tag, size);
  (globalThis as { gc?: () => void }).gc?.();
  const before = { rss: maxRssMb(), heap: process.memoryUsage().heapUsed / 1048576 };
  if (mode === 'handler') {
    await postImport(csv);
    process.stdout.write(`${JSON.stringify({ mode, size, csvMb: round(csv.length / 1048576, 2), peakRssGrowthMb: round(maxRssMb() - before.rss, 1) })}\n`);
    return;
  }
  const id = await postImport(csv);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const start = { rss: maxRssMb(), heap: process.memoryUsage().heapUsed / 1048576 };
  if (mode === 'retained') {
    // What stays alive: the heap after a full collection at the end of every chunk.
    let retained = start.heap;
    for (;;) {
      const step = await importNextChunk(id);
      gc();
      retained = Math.max(retained, process.memoryUsage().heapUsed / 1048576);
      if (step.done) break;
    }
    await finishImport(id);
    process.stdout.write(`${JSON.stringify({ mode, size, retainedAboveStartMb: round(retained - start.heap, 1), heapAtStartMb: round(start.heap, 1) })}\n`);
    return;
  }
  let peakHeap = start.heap;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed / 1048576)), 1);
  await runJob(id);
  clearInterval(sampler);
  process.stdout.write(
    `${JSON.stringify({ mode, size, peakRssGrowthMb: round(maxRssMb() - start.rss, 1), peakHeapAboveStartMb: round(peakHeap - start.heap, 1), heapAtStartMb: round(start.heap, 1) })}\n`,
  );
};

/** Runs one measurement in a child process (asynchronously: this process serves the SES capture the child emails through). */
const measureMemory = (mode: string, size: number, dynamoEndpoint: string, sesUrl: string): Promise<Record<string, number | string>> =>
  new Promise((resolve, reject) => {
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
        `${mode}-${size}-${Date.now()}`,
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
      if (line) resolve(JSON.parse(line) as Record<string, number | string>);
      else reject(new Error(`memory child ${mode} ${size} failed: ${stderr.slice(-2000)}`));
    });
  });

// ---------------------------------------------------------------------------------------------
// Throughput

const main = async (): Promise<void> => {
  const [dynamoPort, sesPort, sfnPort] = await Promise.all([freePort(), freePort(), freePort()]);
  progress(`lead-import: starting DynamoDB Local on ${dynamoPort} (in memory), SES capture on ${sesPort}, Step Functions on ${sfnPort}`);
  const dynamo = await startDynamo({ port: dynamoPort });
  let ses: Server | undefined;
  let sfn: SfnEndpoint | undefined;
  try {
    ses = await startSes({ port: sesPort, host: '127.0.0.1' });
    const sesUrl = `http://127.0.0.1:${sesPort}`;
    setEnvironment(dynamo.endpoint, sesUrl, `http://127.0.0.1:${sfnPort}`);
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
    const { db, tableName } = await import('../functions/store/table.ts');
    const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');

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

    const rawWrite = async (items: Record<string, unknown>[]) => {
      const batches: Record<string, unknown>[][] = [];
      for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: RAW_PARALLEL }, async () => {
          for (let index = next++; index < batches.length; index = next++) {
            let requests = (batches[index] ?? []).map((Item) => ({ PutRequest: { Item } }));
            while (requests.length > 0) {
              const result = await db().send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
              requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
            }
          }
        }),
      );
      return performance.now() - started;
    };

    const importRun = async (tag: string) => {
      const csv = csvOf(tag, LEADS);
      const started = performance.now();
      const id = await postImport(csv);
      const received = performance.now();
      for (;;) {
        const job = await leadImports.get(id, true);
        if (job?.status === 'Completed' || job?.status === 'Failed') {
          const ms = performance.now() - started;
          if (job.status !== 'Completed') throw new Error(`import ${id} failed: ${job.error}`);
          return { id, ms, handlerMs: received - started, counts: job.counts, partnersNotified: job.partnersNotified, chunks: job.chunks };
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    // Warm both paths (module loading, connections, DynamoDB Local's JIT), untimed.
    await rawWrite(itemsOf(csvOf('warm-raw', LEADS)));
    await importRun('warm-import');

    const raws: number[] = [];
    const imports: Awaited<ReturnType<typeof importRun>>[] = [];
    for (let round_ = 0; round_ <= ROUNDS; round_ += 1) {
      const rawMs = await rawWrite(itemsOf(csvOf(`raw-${round_}`, LEADS)));
      raws.push(rawMs);
      progress(`lead-import: raw BatchWriteItem of ${LEADS} lead items: ${round(rawMs, 0)} ms (${round((LEADS * 1000) / rawMs, 0)} items/s)`);
      if (round_ === ROUNDS) break;
      const run = await importRun(`import-${round_}`);
      imports.push(run);
      progress(`lead-import: import of ${LEADS} leads: ${round(run.ms, 0)} ms (${round((LEADS * 1000) / run.ms, 0)} leads/s; handler ${round(run.handlerMs, 0)} ms)`);
    }
    const runs = imports.map((run, index) => {
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
    const memory: Record<string, number | string>[] = [];
    for (const size of MEMORY_SIZES) {
      for (const mode of ['handler', 'worker', 'retained', 'capped']) {
        const measured = await measureMemory(mode, size, dynamo.endpoint, sesUrl);
        progress(`lead-import: memory ${mode} ${size}: ${JSON.stringify(measured)}`);
        memory.push(measured);
      }
    }
    const of = (mode: string, key: string) => Object.fromEntries(memory.filter((entry) => entry.mode === mode).map((entry) => [entry.size, entry[key]]));
    writeResults('lead-import', {
      target: { ratio: TARGET_RATIO, memory: 'the worker’s peak does not grow with the file' },
      leads: LEADS,
      rawBatching: { itemsPerCall: 25, callsInFlight: RAW_PARALLEL },
      runs,
      ratio,
      meetsTarget: ratio >= TARGET_RATIO,
      memory,
      memoryBySize: {
        handlerPeakRssGrowthMb: of('handler', 'peakRssGrowthMb'),
        workerPeakRssGrowthMb: of('worker', 'peakRssGrowthMb'),
        workerPeakHeapAboveStartMb: of('worker', 'peakHeapAboveStartMb'),
        workerRetainedHeapAboveStartMb: of('retained', 'retainedAboveStartMb'),
        workerPeakRssGrowthMbWithHeapCapped: of('capped', 'peakRssGrowthMb'),
        workerPeakHeapAboveStartMbWithHeapCapped: of('capped', 'peakHeapAboveStartMb'),
        cappedHeapMb: CAPPED_HEAP_MB,
      },
    });
  } finally {
    await sfn?.close();
    await new Promise<void>((resolve) => (ses ? ses.close(() => resolve()) : resolve()));
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
