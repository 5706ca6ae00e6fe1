import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { resolve } from 'node:path';
import type { BundleResults, ExpirySweepResults, LeadImportMemory, LeadImportResults, RecallSweepResults, ReminderSweepResults, SubmitResults, SweepRun, TransitionResults } from './results.ts';
import { outDir, rootDir } from './support.ts';

/**
 * `npm run bench`: runs each benchmark script in its own Node process, one after the other (so
 * they do not disturb each other), then rewrites bench/README.md with this run's figures, the
 * targets beside them, and the machine they were measured on. Benchmarks are not tests: nothing
 * here asserts; a script that fails is reported in the README and makes the exit code 1.
 */
interface Script {
  name: 'bundles' | 'submit-latency' | 'approval-transitions' | 'reminder-sweep' | 'expiry-sweep' | 'lead-import' | 'recall-sweep';
  file: string;
  timeoutSeconds: number;
}

const scripts: Script[] = [
  { name: 'bundles', file: 'bench/bundles.ts', timeoutSeconds: 240 },
  { name: 'submit-latency', file: 'bench/submit-latency.ts', timeoutSeconds: 180 },
  { name: 'approval-transitions', file: 'bench/approval-transitions.ts', timeoutSeconds: 60 },
  { name: 'reminder-sweep', file: 'bench/reminder-sweep.ts', timeoutSeconds: 240 },
  { name: 'expiry-sweep', file: 'bench/expiry-sweep.ts', timeoutSeconds: 300 },
  // About 3 minutes on an idle 2-core machine: 7 raw and 6 import rounds of 10,000 leads, then 12 memory processes.
  { name: 'lead-import', file: 'bench/lead-import.ts', timeoutSeconds: 1200 },
  { name: 'recall-sweep', file: 'bench/recall-sweep.ts', timeoutSeconds: 300 },
];

const say = (line: string) => void process.stderr.write(`${line}\n`);

const runScript = (script: Script): { results?: unknown; error?: string; seconds: number } => {
  const out = resolve(outDir, `${script.name}.json`);
  rmSync(out, { force: true });
  const started = Date.now();
  say(`\n▶ ${script.file}`);
  // stdout of a script is the product's own log output (discarded); progress comes on stderr.
  const child = spawnSync(process.execPath, ['--import', 'tsx', script.file, '--out', out], {
    cwd: rootDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: script.timeoutSeconds * 1000,
    killSignal: 'SIGTERM',
  });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  if (child.error) return { error: child.error.message, seconds };
  if (child.status !== 0) return { error: `exited with ${child.signal ?? `code ${child.status}`}`, seconds };
  if (!existsSync(out)) return { error: 'wrote no results', seconds };
  return { results: JSON.parse(readFileSync(out, 'utf8')) as unknown, seconds };
};

// ---------------------------------------------------------------------------------------------
// The machine

const machine = () => {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const distribution = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1];
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return {
    cpu: cpuModel,
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${distribution ? `${distribution}, ` : ''}${type()} ${release()} ${arch()}`,
    java: java.status === 0 ? (java.stderr || java.stdout).split('\n')[0]?.trim() : undefined,
  };
};

// ---------------------------------------------------------------------------------------------
// README

const verdict = (ok: boolean, miss = 'above target') => (ok ? 'within target' : `**${miss}**`);
const fmt = (value: number | undefined, digits = 1) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

const bundlesSection = (r: BundleResults): string => {
  const largest = r.bundles.find((b) => b.name === r.largest.name);
  const total = largest?.sizeBytes ?? 1;
  const above = [...new Set([...r.aboveSizeTarget, ...r.aboveLoadTarget])];
  const failures = r.bundles.filter((b) => b.loadErrors.length > 0);
  return `## 1. Bundle size and load time — \`bench/bundles.ts\`

**How it is measured.** Every function in \`lib/manifest.ts\` is bundled with esbuild ${r.esbuildVersion} using exactly
\`esbuildOptions\` from \`lib/bundling.ts\` (the options the CDK \`NodejsFunction\`s get: ESM, minified, tree-shaken,
AWS SDK bundled), adding only \`entryPoints\`, \`outdir\` (\`bench/.out/bundles/\`), the working directory, the log level
and a metafile, none of which changes the output. Size is the
minified \`.mjs\` on disk (1 KB = 1,024 bytes; gzip size for reference). Load time is the \`await import()\` of the
bundle timed inside a fresh \`node\` process (\`bench/load-once.mjs\`, dummy settings such as \`TABLE_NAME\` in its
environment, no compile cache), against the same for the bare \`${r.bare.specifier}\` package as Node resolves it
(\`${r.bare.resolved}\` and its dependencies from node_modules); ${r.repetitions} repetitions, each loading every bundle
once and the bare package twice, in a new random order (no new repetition starts after ${r.loadBudgetSeconds} s once ${r.minRepetitions} are done); medians,
and the ratio bundle ÷ bare.

Bare \`${r.bare.specifier}\`: median **${fmt(r.bare.medianLoadMs)} ms** (p25–p75 ${fmt(r.bare.loadP25Ms)}–${fmt(r.bare.loadP75Ms)} ms; ${r.bare.loadSamples} loads${r.bare.loadErrors.length ? `, errors: ${r.bare.loadErrors.join('; ')}` : ''}).

${table(
  ['Function', 'Size (KB)', 'gzip (KB)', 'Modules', 'Largest package (KB)', 'Median load (ms)', 'p25–p75 (ms)', 'Load ÷ bare', 'Size ≤ ' + r.targets.sizeKB + ' KB', 'Load ≤ ' + r.targets.loadRatio + '×'],
  r.bundles.map((b) => [
    `\`${b.name}\``,
    fmt(b.sizeKB),
    fmt(b.gzipKB),
    b.modules,
    `\`${b.topPackage.path}\` ${fmt(b.topPackage.bytes / 1024)}`,
    b.medianLoadMs === undefined ? `failed to load: ${b.loadErrors.join('; ').replaceAll('|', '\\|')}` : fmt(b.medianLoadMs),
    b.loadP25Ms === undefined ? '–' : `${fmt(b.loadP25Ms)}–${fmt(b.loadP75Ms)}`,
    b.loadRatio === undefined ? '–' : `${fmt(b.loadRatio, 2)}×`,
    verdict(b.sizeKB <= r.targets.sizeKB),
    b.loadRatio === undefined ? '**failed to load**' : verdict(b.loadRatio <= r.targets.loadRatio),
  ]),
)}

Above target: ${above.length === 0 ? 'none.' : `${r.aboveSizeTarget.length} of ${r.bundles.length} on size (${r.aboveSizeTarget.map((n) => `\`${n}\``).join(', ') || 'none'}), ${r.aboveLoadTarget.length} on load time (${r.aboveLoadTarget.map((n) => `\`${n}\``).join(', ') || 'none'}).`}
${failures.length ? `\n**Failed to load** (the error the bundle threw): ${failures.map((b) => `\`${b.name}\` — ${b.loadErrors.join('; ')}`).join('; ')}.\n` : ''}
What to trim — the largest bundle, \`${r.largest.name}\` (${fmt(largest?.sizeKB)} KB), by bytes in the output (esbuild metafile):

${table(
  ['Top 5 input modules', 'KB', 'Share'],
  r.largest.topModules.map((m) => [`\`${m.path}\``, fmt(m.bytes / 1024), `${fmt((m.bytes / total) * 100)} %`]),
)}

${table(
  ['The same bytes summed by package', 'KB', 'Share'],
  r.largest.topPackages.map((m) => [`\`${m.path}\``, fmt(m.bytes / 1024), `${fmt((m.bytes / total) * 100)} %`]),
)}
`;
};

const submitSection = (r: SubmitResults): string => {
  const f = r.figures;
  const row = (label: string, s: SubmitResults['figures']['raw']) => [label, s.calls, fmt(s.p50Ms, 2), fmt(s.p90Ms, 2), fmt(s.p99Ms, 2), fmt(s.maxMs, 2)];
  const ok50 = r.ratios.handlerVsRaw.p50 <= r.targets.p50Ratio;
  const ok99 = r.ratios.handlerVsRaw.p99 <= r.targets.p99Ratio;
  return `## 2. Submit latency — \`bench/submit-latency.ts\`

**How it is measured.** DynamoDB Local (in memory, same table and indexes as the CDK table) and the local Step
Functions endpoint run in the benchmark's machine; the local seed is written. The real handler
\`functions/http/mdf-requests.ts\` is called in-process the way the local stack calls it (\`local/functions.ts\`), with
the API Gateway HTTP API (payload 2.0) event \`local/api-server.ts\` builds for \`POST /mdf/requests\`, carrying the
JWT claims of the seeded partner user \`usr_alice\` (Acme, EMEA; a valid request in Germany, a target market: three
levels). The **raw** baseline makes the DynamoDB calls the handler makes, directly with the same document client:
GetItem partner, then GetItem budget ∥ Query of the region's calendar partition, then TransactWriteItems of the
request Put + history Put (items copied from one the handler wrote, with a new id: same items, same sizes, same
conditions). The four kinds of call are interleaved in a new random order every round, ${r.warmupRounds} warm-up
rounds then ${r.rounds} measured rounds, a ${r.pauseMs} ms pause before each call; each call timed with
\`performance.now()\`. p99 of ${r.rounds} calls is the ${Math.ceil(r.rounds * 0.99)}th slowest (nearest rank).
The handler logs at INFO as deployed (stdout, discarded). Took ${fmt(r.seconds)} s. DynamoDB Local (Java, on this
machine) is not DynamoDB: the absolute milliseconds say little about AWS, the ratio says what the handler adds.

**What the ratio measures** — what the handler does beyond the raw calls: the middy middleware chain (Powertools
logger context, problem+json error handler, JWT claims → caller), the body's JSON parse and zod validation
(Powertools parser), the Idempotency-Key middleware (without the header it only looks for it), the domain checks
(\`checkSubmission\`: requester, fields, budget, flexi; seven business days on the region's calendar), building the
item and the detail view (JSON response), one INFO log line, and the **StartExecution** call to the local Step
Functions endpoint over HTTP (in AWS a StartExecution is a network round trip of its own; here it is a loopback
call to an in-process endpoint). With an Idempotency-Key, Powertools also writes its record before the handler runs
(conditional PutItem, IN_PROGRESS) and updates it after (UpdateItem, COMPLETED, with the response).

${table(
  ['Call', 'Calls', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'max (ms)'],
  [
    row('Handler, no Idempotency-Key', f.handler),
    row('Handler, fresh Idempotency-Key per call', f.handlerWithIdempotencyKey),
    row('Raw DynamoDB calls', f.raw),
    row('Raw DynamoDB calls + StartExecution', f.rawAndStartExecution),
  ],
)}

${table(
  ['Ratio', 'p50', 'Target', '', 'p99', 'Target', ''],
  [
    ['Handler ÷ raw', `${fmt(r.ratios.handlerVsRaw.p50, 2)}×`, `≤ ${r.targets.p50Ratio}×`, verdict(ok50), `${fmt(r.ratios.handlerVsRaw.p99, 2)}×`, `≤ ${r.targets.p99Ratio}×`, verdict(ok99)],
    [
      'Handler with Idempotency-Key ÷ raw (separate figure)',
      `${fmt(r.ratios.handlerWithIdempotencyKeyVsRaw.p50, 2)}×`,
      '–',
      '',
      `${fmt(r.ratios.handlerWithIdempotencyKeyVsRaw.p99, 2)}×`,
      '–',
      '',
    ],
    ['Handler ÷ (raw + StartExecution): the in-process work alone', `${fmt(r.ratios.handlerVsRawAndStartExecution.p50, 2)}×`, '–', '', `${fmt(r.ratios.handlerVsRawAndStartExecution.p99, 2)}×`, '–', ''],
  ],
)}

Checks: ${r.checks.handlerCalls} handler calls, ${r.checks.non201Answers} answered other than 201${r.checks.firstFailure ? ` (first: ${r.checks.firstFailure})` : ''};
${r.checks.executionsStartedByHandler} of them started their workflow execution on the local endpoint. DynamoDB operations of one
call, as sent through the shared client: handler ${r.checks.dynamoOperations.handler.join(', ')}; raw
${r.checks.dynamoOperations.raw.join(', ')}; handler with Idempotency-Key ${r.checks.dynamoOperations.handlerWithIdempotencyKey.join(', ')}.
`;
};

const transitionsSection = (r: TransitionResults): string => {
  const approved = r.paths.find((p) => p.path === 'approved');
  return `## 3. Approval workflow state transitions — \`bench/approval-transitions.ts\`

**How it is measured.** One execution per path of the real \`${r.definition}\` on the local Step Functions endpoint
(\`local/sfn-endpoint.ts\`), with fake task functions: the approver task answers its task token at once
(SendTaskSuccess, or SendTaskFailure \`Denied\` where the path denies), the partner email task returns \`{}\`. The
count comes from GetExecutionHistory. **Counting rule:** AWS bills a Standard workflow per state transition,
counted each time a step of the workflow is executed, including retries; so one transition per \`…StateEntered\`
event in the history, plus one per retry attempt (\`StateRetried\` in the raw event logs; none occur here).
Starting and ending the execution are not steps. Cost at $${r.usdPer1000Transitions} per 1,000 transitions
(Lambda invocations, DynamoDB and SES are not in it).

${table(
  ['Path', 'Status', 'Transitions', 'Target', '', 'USD per request', 'USD per million requests', 'States entered'],
  r.paths.map((p) => [
    p.description,
    p.status,
    p.transitions,
    `≤ ${r.targets.transitions}`,
    verdict(p.transitions <= r.targets.transitions),
    `$${p.usdPerExecution.toFixed(6)}`,
    `$${p.usdPerMillionExecutions.toFixed(2)}`,
    p.states.join(' → '),
  ]),
)}

An approved request (three levels) costs **${approved ? `${approved.transitions} transitions = $${approved.usdPerExecution.toFixed(6)}` : '–'}** in Step Functions.
`;
};

const plainNumber = (value: number | undefined) => (value === undefined ? '–' : String(value));

const listed = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([name, count]) => `${count} ${name}`)
    .join(', ') || 'none';

/**
 * Which items read a sweep's figure counts: those of every kind of due work (the sweep must read
 * nothing that is not due, whatever the kind), or those of the benchmark's own kind only.
 */
type ReadsCounted = 'every kind' | 'this kind';
const readRatioOf = (run: SweepRun, counted: ReadsCounted) => (counted === 'every kind' ? run.readRatio : run.readRatioOfKind);
const itemsReadOf = (run: SweepRun, counted: ReadsCounted) => (counted === 'every kind' ? run.dueItemsRead : run.dueItemsReadOfKind);

const sweepHeader = (counted: ReadsCounted = 'every kind') => [
  'Run',
  'Items due',
  "Sweep's report (this kind)",
  'Items read by the due queries',
  counted === 'every kind' ? 'Read ÷ due' : 'Read (this kind) ÷ due',
  'Scans',
  'DynamoDB commands',
  'DynamoDB errors',
  'Emails sent',
  'Time (ms)',
];

const sweepRow = (run: SweepRun, targets: { readRatio: number; scans: number }, counted: ReadsCounted = 'every kind') => [
  run.label,
  run.itemsDue,
  `${run.report.done} done, ${run.report.skipped} skipped, ${run.report.failed} failed; read ${run.report.itemsRead}`,
  `${run.dueItemsRead} (${run.dueQueries} Queries; ${run.dueItemsReadOfKind} by ${run.dueQueriesOfKind} of kind \`${run.kind}\`)`,
  readRatioOf(run, counted) === undefined ? '– (nothing due)' : `${fmt(readRatioOf(run, counted), 2)} (≤ ${targets.readRatio}) ${verdict((readRatioOf(run, counted) ?? Infinity) <= targets.readRatio)}`,
  `${run.scans} (= ${targets.scans}) ${verdict(run.scans <= targets.scans)}`,
  listed(run.commands),
  listed(run.errors),
  `${run.emailsSent}${run.emailFailures ? ` (${run.emailFailures} failed)` : ''}`,
  fmt(run.ms, 0),
];

const sweepSummaryRows = (
  name: string,
  r: { targets: { readRatio: number; scans: number }; runs: SweepRun[] },
  population: number,
  counted: ReadsCounted = 'every kind',
): string[][] => {
  const rows: string[][] = [];
  const first = r.runs[0];
  if (first) {
    rows.push([
      `${name}: items read ÷ items due${counted === 'this kind' ? ` (\`${first.kind}\`)` : ''}`,
      `${fmt(readRatioOf(first, counted), 2)} (${itemsReadOf(first, counted)} read for ${first.itemsDue} due among ${population.toLocaleString('en-US')})`,
      `≤ ${r.targets.readRatio}`,
      verdict((readRatioOf(first, counted) ?? Infinity) <= r.targets.readRatio),
    ]);
  }
  const scans = r.runs.reduce((sum, run) => sum + run.scans, 0);
  rows.push([`${name}: Scans (${r.runs.length === 2 ? 'both' : `all ${r.runs.length}`} sweeps)`, String(scans), `${r.targets.scans}`, verdict(scans <= r.targets.scans)]);
  return rows;
};

const reminderSection = (r: ReminderSweepResults): string => {
  const [first, second] = r.runs;
  return `## 4. Reminder sweep — \`bench/reminder-sweep.ts\`

**How it is measured.** DynamoDB Local (in memory, same table and indexes as the CDK table) with the local seed
(partners, users, region calendars with their holidays), SES captured by aws-ses-v2-local (the Step Functions and S3
endpoints point at a closed port: the sweep must not need them). The table gets ${r.dataset.notDue.toLocaleString('en-US')} Approved MDF requests whose
next reminder to claim is due later (activities ending 24 days ago to 90 days ahead, next reminder on day 2, 14 or 28)
and ${r.dataset.due} whose day-2 reminder is due now, in ${r.dataset.regions.join(', ')}. One of them is written through the store's own code
(\`mdfRequests.create\`, then the final approval's \`transitionItem\` to Approved with \`nextReminderAt\`,
\`reminderStage\` and the due index \`duePk='mdf-claim-reminder'\`, \`dueAt\` from \`nextReminder\` on the region's calendar);
the others have the same item shape, checked attribute by attribute against that stored item, and are written with
BatchWriteItem (${fmt(r.dataset.writeSeconds)} s; REQUEST items only, history items carry no \`duePk\`). Before the sweep the due index
holds ${r.dataset.reminderItemsInIndex.toLocaleString('en-US')} reminders, ${r.dataset.dueBefore} due now. The real \`due-work\` handler
(\`functions/sweeps/due-work.ts\`) then runs in-process as the local stack runs it, twice. A middleware on the product's
shared DynamoDB client (the one every store module sends through) counts each command by name, the items each Query or
Scan read (\`ScannedCount\`) and the errors DynamoDB answered; another on the SES client counts the emails. The sweep's
own report (\`kinds['mdf-claim-reminder']\`) is shown beside them. **Items read ÷ items due** is the \`ScannedCount\` of every
Query of the due index in the sweep (every kind of due work${first ? `: ${Object.keys(first.dueByKind ?? {}).length} kinds` : ''}) divided by the ${r.dataset.due} due items. Time is the
handler call, module already loaded, measured on the wall clock.

${table(sweepHeader(), r.runs.map((run) => sweepRow(run, r.targets)))}
${
  first
    ? `
Per reminder sent (first sweep, averages): ${plainNumber(first.perDoneItem.conditionalUpdates)} conditional UpdateItem (claims the stage and moves
the item to its next reminder: \`reminderSent\`), ${plainNumber(first.perDoneItem.otherQueries)} Query of the region's calendar
partition (${plainNumber(first.perDoneItem.otherItemsRead)} items read: the seeded holidays of its region; the calendar is read once per item, not once per region), ${plainNumber(first.perDoneItem.emails)} SES
SendEmail; ${fmt(first.msPerDoneItem, 1)} ms of sweep time per reminder (8 at a time; the first sweep's time includes creating the SES client and its first connection). The ${first.dueQueries} due-index Queries are
${first.dueQueriesOfKind} of \`mdf-claim-reminder\` (a page of 100, then an empty page after its LastEvaluatedKey) and one per
other kind (nothing due). After it, ${r.checks.movedToDay14Reminder} of the ${r.dataset.due} requests wait for their day-14 reminder
(stage 1, due later), ${r.checks.dueAfterFirstSweep} reminders are due, and aws-ses-v2-local holds ${r.checks.emailsCaptured} emails
after both sweeps.`
    : ''
}
${second ? `\nThe second sweep finds nothing due: ${second.report.done} done, ${second.dueItemsRead} items read, ${second.emailsSent} emails, only its ${second.dueQueries} due-index Queries.\n` : ''}`;
};

const expirySection = (r: ExpirySweepResults): string => {
  const [first, second] = r.runs;
  const due = r.dataset.dueForReminder + r.dataset.dueForExpiry;
  return `## 5. Deal-registration expiry sweep — \`bench/expiry-sweep.ts\`

**How it is measured.** As the reminder sweep (same harness, \`bench/sweep-support.ts\`). The table gets ${r.dataset.notDue.toLocaleString('en-US')} Approved
deal registrations whose expiry work is due later (approved 1–75 days ago, their reminder 14 days before expiry still ahead; or reminded
already and expiring in 1–13 days) and ${due} whose work is due now: ${r.dataset.dueForReminder} reach the reminder 14 days before expiry,
${r.dataset.dueForExpiry} their expiry date (approval + 90 days), in ${r.dataset.regions.join(', ')}. One registration is written through the store's
own code (\`createItems\`, then the ASM approval's items: Approved with \`expiresAt\`, the opportunity's guard, the due item
\`DUE#dr-expiry\`); the others have the same items, checked attribute by attribute, written with BatchWriteItem
(${fmt(r.dataset.writeSeconds)} s; per registration its item, its due item and its opportunity's guard). Before the sweep the due index
holds ${r.dataset.expiryItemsInIndex.toLocaleString('en-US')} expiry items, ${r.dataset.dueBefore} due now. **Items read ÷ items due** is the \`ScannedCount\` of every Query of the
due index in the sweep (every kind of due work) divided by the ${due} due items.

${table(sweepHeader(), r.runs.map((run) => sweepRow(run, r.targets)))}
${
  first
    ? `
Per piece of work done (first sweep, averages): ${plainNumber(first.perDoneItem.getItems)} GetItem (the registration, to check it is still Approved
with that expiry), ${plainNumber(first.perDoneItem.transactions)} TransactWriteItems (the reminder moves its due item to the expiry date; the expiry marks the
registration Expired, releases the opportunity's guard and deletes the due item, each conditional), ${plainNumber(first.perDoneItem.emails)} SES SendEmail;
${fmt(first.msPerDoneItem, 1)} ms of sweep time per piece of work (8 at a time). After it, ${r.checks.remindedAndWaiting} of the ${r.dataset.dueForReminder} reminded
registrations are still Approved and wait for their expiry date, ${r.checks.expired} of ${r.dataset.dueForExpiry} are Expired with ${r.checks.guardsReleased}
opportunity guards released, ${r.checks.dueAfterFirstSweep} expiry items are due, and aws-ses-v2-local holds ${r.checks.emailsCaptured} emails after both sweeps.`
    : ''
}
${second ? `\nThe second sweep finds nothing due: ${second.report.done} done, ${second.dueItemsRead} items read, ${second.emailsSent} emails, only its ${second.dueQueries} due-index Queries.\n` : ''}`;
};

/** The lead import's memory figures, each judged for flatness by file size. */
const memoryFigures = (cappedHeapMb: number): { label: string; summary: string; of: (m: LeadImportMemory) => number }[] => [
  { label: 'Handler: peak RSS growth (MB)', summary: 'POST handler, peak RSS growth', of: (m) => m.handler.peakRssGrowthMb },
  { label: 'Worker: peak RSS growth (MB)', summary: 'worker, peak RSS growth', of: (m) => m.worker.peakRssGrowthMb },
  { label: 'Worker: peak heap in use above start (MB)', summary: 'worker, peak heap in use', of: (m) => m.worker.peakHeapAboveStartMb },
  { label: 'Worker: heap reserved, growth (MB)', summary: 'worker, heap reserved', of: (m) => m.worker.peakHeapTotalAboveStartMb },
  { label: 'Live heap above start (MB)', summary: 'live heap (what the import holds)', of: (m) => m.live.liveHeapAboveStartMb },
  { label: `Capped ${cappedHeapMb} MB: peak RSS growth (MB)`, summary: `worker capped at ${cappedHeapMb} MB, peak RSS growth`, of: (m) => m.capped.peakRssGrowthMb },
  { label: 'Capped: peak heap in use above start (MB)', summary: `worker capped at ${cappedHeapMb} MB, peak heap in use`, of: (m) => m.capped.peakHeapAboveStartMb },
];

/** A memory figure from the second-largest file to the largest: its growth, the growth allowed, and whether it stayed flat. */
const flatness = (r: LeadImportResults, of: (m: LeadImportMemory) => number) => {
  const [from, to] = r.memory.bySize.slice(-2);
  if (!from || !to || from === to) return undefined;
  const growthMb = of(to) - of(from);
  const allowedMb = Math.max((of(from) * r.targets.memory.growthPercent) / 100, r.targets.memory.slackMb);
  return { from: from.size, to: to.size, growthMb, allowedMb, flat: growthMb <= allowedMb };
};

const signed = (value: number) => `${value >= 0 ? '+' : ''}${fmt(value)}`;

const leadImportSection = (r: LeadImportResults): string => {
  const ok = r.ratio >= r.targets.ratio;
  const sizes = r.memory.bySize;
  const figures = memoryFigures(r.memory.cappedHeapMb);
  const [from, to] = sizes.slice(-2);
  const reset = sizes.every((m) => m.handler.peakReset && m.worker.peakReset && m.capped.peakReset);
  const counts = r.runs[0]?.counts;
  return `## 6. Lead import — \`bench/lead-import.ts\`

**How throughput is measured.** DynamoDB Local (in memory, same table and indexes as the CDK table) with the local seed and
four bench campaigns (Joint, MDF and Partner Sponsored for Acme, Joint for Globex), SES captured by aws-ses-v2-local, and the
local Step Functions endpoint running the real \`statemachines/lead-import.asl.json\` with its task functions invoked
in-process (as \`local/functions.ts\` does). **Import**: the real \`POST /leads/import\` handler (\`functions/http/lead-imports.ts\`)
called in-process with the API Gateway event of a ${r.leads.toLocaleString('en-US')}-row CSV (marketing operations' claims; one row in 20
without a phone, so held back), then the workflow until the job is Completed and the Partner Contacts are emailed; timed from
the POST to the end of the workflow's execution (watched every 5 ms on the in-process endpoint, so the benchmark adds no reads
of its own to DynamoDB Local; the job is then read as Completed). **Raw**: the lead items that file's import writes (built by the same
\`importRow\` and \`leads.toItem\`, new emails: ${r.leads.toLocaleString('en-US')} items) written with BatchWriteItem, ${r.rawBatching.itemsPerCall} per call, ${r.rawBatching.callsInFlight} calls in flight (the
batching of the import's own \`leads.putNew\`), and nothing else. After an untimed warm-up of each, raw and import alternate,
${r.rounds} imports between ${r.rounds + 1} raw runs (DynamoDB Local speeds up as its JIT warms, so each import is compared with the mean of
the raw runs either side); the figure is the median of raw time ÷ import time, i.e. the import's leads per second as a share of
raw BatchWriteItem's items per second. What the import does beyond the raw writes: the handler parses and checks the file
and stores it as gzipped chunks, then starts the workflow; the workflow's steps take the import lock, read each chunk, read
the leads its rows name (one consistent BatchGetItem per 100), look up campaigns, partners and default assignees, apply
the routing rules, write the new leads (\`leads.putNew\`) and record the chunk's figures and result rows in one transaction;
the last step emails the Partner Contacts and completes the job. Took ${fmt(r.seconds.throughput, 0)} s.

${table(
  ['Import', 'Import (ms)', 'of which the POST handler (ms)', 'Leads/s', 'Raw, mean either side (ms)', 'Raw items/s', 'Import ÷ raw throughput', 'Chunks', 'Partners emailed'],
  r.runs.map((run, index) => [index + 1, fmt(run.importMs, 0), fmt(run.handlerMs, 0), fmt(run.leadsPerSecond, 0), fmt(run.rawMs, 0), fmt(run.rawItemsPerSecond, 0), fmt(run.ratio, 2), run.chunks, plainNumber(run.partnersNotified)]),
)}

**Median import ÷ raw throughput: ${fmt(r.ratio, 2)}** (≥ ${r.targets.ratio}) — ${verdict(ok, 'below target')}.${
    counts ? ` Every import's job: ${counts.received.toLocaleString('en-US')} rows received, ${counts.shared.toLocaleString('en-US')} shared, ${counts.heldBack} held back, ${counts.failed} failed.` : ''
  }

**How memory is measured.** Each figure in a fresh Node process (\`--expose-gc\`) on the same DynamoDB Local, after a warm-up
import of 100 leads in that process (every module loaded, every client connected) and a full collection. Resident-set
figures are the growth of the process's peak resident set (${reset ? 'Linux \`VmHWM\`, set back to the current resident set just before the measured work, so neither the warm-up nor building the file counts' : '**getrusage \`maxRSS\`: the peak could not be set back, so the warm-up counts in the baseline**'}).
**Handler**: the POST handler reading, checking and storing an N-lead file (it holds the whole request body, as the API
Gateway event carries it; the file is at most 10,000 leads). The other runs import a job the parent process posted, so the
process never held the file: the workflow's steps (\`importChunks\` as the workflow calls it, several 2,000-row chunks per
invocation, then \`finishImport\`). **Worker**: peak resident set, and the peak V8 heap in use and reserved, sampled every
millisecond. **Live**: the heap left after a full collection forced every ${r.memory.liveSampleMs} ms while the steps run — what the import
keeps alive, as opposed to garbage V8 has not collected yet. **Capped**: the worker with V8's old space capped at
${r.memory.cappedHeapMb} MB (about 50 MB is modules and clients), so garbage is collected as it goes, as in a Lambda function with little memory.
**Flat**: from ${from && to && from !== to ? `${from.size.toLocaleString('en-US')} to ${to.size.toLocaleString('en-US')}` : 'the second-largest file to the largest'} leads (the two largest files, both several chunks long) a figure
grows by at most ${r.targets.memory.growthPercent} % or ${r.targets.memory.slackMb} MB, whichever is more. Peak figures include garbage: how high they go depends on when
V8 collects (compare the heap reserved) and varies from run to run by several MB; the live heap is what the import holds. Took ${fmt(r.seconds.memory, 0)} s.

${table(
  ['Leads', 'CSV (MB)', ...figures.map((f) => f.label)],
  [
    ...sizes.map((m) => [m.size.toLocaleString('en-US'), fmt(m.csvMb, 2), ...figures.map((f) => fmt(f.of(m)))]),
    [
      '**Flat?**',
      '',
      ...figures.map((f) => {
        const judged = flatness(r, f.of);
        return judged ? `${signed(judged.growthMb)} MB (≤ +${fmt(judged.allowedMb)}) ${verdict(judged.flat, 'grows with the file')}` : '–';
      }),
    ],
  ],
)}
`;
};

const recallSection = (r: RecallSweepResults): string => {
  const [first, ...later] = r.runs;
  const notices = first?.dueByKind['lead-recall-notice'];
  const recalledByFirst = first?.report.done ?? 0;
  const everyKindDue = (first?.itemsDue ?? 0) + recalledByFirst;
  const leaseAttempts = (first?.commands.PutItem ?? 0) - recalledByFirst;
  return `## 7. Lead recall sweep — \`bench/recall-sweep.ts\`

**How it is measured.** As the reminder sweep (same harness, \`bench/sweep-support.ts\`), with \`LEAD_RECALL_PHASE=${r.dataset.recallPhase}\`
(recall after 30 days Pending). The table gets ${r.dataset.notDue.toLocaleString('en-US')} Joint campaign leads shared with Acme and Globex whose recall
deadline is later (shared 0–19 days ago), ${r.dataset.due} whose deadline passed (shared 31 days ago), and ${r.dataset.sponsoredOfSameAge} Partner Sponsored
leads shared 31 days ago (never recalled, so never in the due index). Every lead is made by the product's own code: \`importRow\`
(the import's routing rules, with the import's instant set to when the lead was shared) and \`leads.putNew\` (the import's
BatchWriteItem; ${fmt(r.dataset.writeSeconds)} s), so the items carry exactly the keys and due-index attributes an import gives them. Before the
sweep the due index holds ${r.dataset.recallItemsInIndex.toLocaleString('en-US')} \`lead-recall\` items (the seed's included), ${r.dataset.dueBefore} due now. The real \`due-work\` handler
runs in-process ${r.runs.length} times, counted on the product's DynamoDB and SES clients. **Items read ÷ items due** is the \`ScannedCount\`
of the due-index Queries of kind \`lead-recall\` divided by the ${r.dataset.due} leads due.

${table(sweepHeader('this kind'), r.runs.map((run) => sweepRow(run, r.targets, 'this kind')))}
${
  first
    ? `
**Every kind of due work**: the first sweep's due-index Queries read ${first.dueItemsRead} items for ${first.itemsDue} leads due (${fmt(first.readRatio, 2)} per lead). The
other ${first.dueItemsRead - first.dueItemsReadOfKind} are \`lead-recall-notice\` items (${notices ? `${notices.itemsRead} read by ${notices.queries} Queries` : 'none'}): recalling a lead puts it in the due index again, due
at once, until its partner is told, so the same sweep reads each recalled lead a second time. Counted as due items (${recalledByFirst} recalled
by this sweep), every kind reads ${first.dueItemsRead} for ${everyKindDue} due: ${fmt(everyKindDue > 0 ? first.dueItemsRead / everyKindDue : undefined, 2)}. The notice step does ${first.otherKinds['lead-recall-notice']?.done ?? 0} pieces of work for those
${notices?.itemsRead ?? 0} items (one per partner; the others are skipped, told with the first of their partner): per partner it takes a lease
(a conditional PutItem: ${leaseAttempts} attempts, the PutItems beyond the ${recalledByFirst} recalls; the sweep's ${first.errors.ConditionalCheckFailedException ?? 0} ConditionalCheckFailedException
are attempts that found the lease taken, items of one partner being worked 8 at a time), Queries the partner's untold recalled
leads (${first.otherQueries} Queries, ${first.otherItemsRead} items read), marks them told with the recall counts in TransactWriteItems (${first.commands.TransactWriteItems ?? 0}), reads the
partner (GetItem ${first.commands.GetItem ?? 0}), sends one email and releases the lease (DeleteItem ${first.commands.DeleteItem ?? 0}). Every item the first sweep read,
due index, other Queries and GetItem together: ${plainNumber(r.checks.allItemsReadPerDue)} per lead due (no target).

Per lead recalled (first sweep): one conditional PutItem (the lead replaced at the version read); ${fmt(first.msPerDoneItem, 1)} ms of sweep
time per lead recalled (8 at a time), the notices included.`
    : ''
}

Checks after the ${r.runs.length} sweeps: ${r.checks.recalled} bench leads recalled (${r.checks.recalledOnce ? 'all by the first sweep, none again later' : '**not all once, by the first sweep**'}),
${r.checks.untoldAfterSweeps} recalled leads still untold and ${r.checks.noticesDueAfterSweeps} notices due; ${r.checks.emailsFirstSweep} emails in the first sweep for
${r.dataset.partnersWithDue} partners, ${r.checks.emailsLaterSweeps} later (aws-ses-v2-local holds ${r.checks.emailsCaptured}); ${r.checks.recallCounted} recalls in the per-partner,
per-campaign counts; ${r.checks.sponsoredKept} of ${r.dataset.sponsoredOfSameAge} Partner Sponsored leads still shared and Pending.
${later.length ? `\nThe later sweeps find nothing due: ${later.map((run) => `${run.report.done} done, ${run.dueItemsRead} items read, ${run.emailsSent} emails, ${run.dueQueries} due-index Queries`).join('; ')}.\n` : ''}`;
};

interface Outcomes {
  bundles?: BundleResults | undefined;
  submit?: SubmitResults | undefined;
  transitions?: TransitionResults | undefined;
  reminders?: ReminderSweepResults | undefined;
  expiries?: ExpirySweepResults | undefined;
  leadImport?: LeadImportResults | undefined;
  recalls?: RecallSweepResults | undefined;
}

const summarySection = ({ bundles: b, submit: s, transitions: t, reminders: r, expiries: e, leadImport: l, recalls: c }: Outcomes): string => {
  const rows: string[][] = [];
  if (b) {
    const biggest = b.bundles.reduce((x, y) => (y.sizeKB > x.sizeKB ? y : x));
    const loaded = b.bundles.filter((x) => x.loadRatio !== undefined);
    const slowest = loaded.length ? loaded.reduce((x, y) => ((y.loadRatio ?? 0) > (x.loadRatio ?? 0) ? y : x)) : undefined;
    rows.push(['Largest bundle', `${fmt(biggest.sizeKB)} KB (\`${biggest.name}\`)`, `≤ ${b.targets.sizeKB} KB each`, verdict(b.aboveSizeTarget.length === 0) + (b.aboveSizeTarget.length ? ` (${b.aboveSizeTarget.length} of ${b.bundles.length})` : '')]);
    rows.push([
      'Slowest bundle load ÷ bare client-dynamodb',
      slowest ? `${fmt(slowest.loadRatio, 2)}× (\`${slowest.name}\`)` : '–',
      `≤ ${b.targets.loadRatio}×`,
      verdict(b.aboveLoadTarget.length === 0) +
        (b.aboveLoadTarget.length ? ` (${b.aboveLoadTarget.length} of ${b.bundles.length})` : '') +
        (b.failedToLoad.length ? `; **${b.failedToLoad.length} failed to load** (${b.failedToLoad.map((n) => `\`${n}\``).join(', ')})` : ''),
    ]);
  }
  if (s) {
    rows.push(['Submit p50, handler ÷ raw DynamoDB calls', `${fmt(s.ratios.handlerVsRaw.p50, 2)}× (${fmt(s.figures.handler.p50Ms)} ms ÷ ${fmt(s.figures.raw.p50Ms)} ms)`, `≤ ${s.targets.p50Ratio}×`, verdict(s.ratios.handlerVsRaw.p50 <= s.targets.p50Ratio)]);
    rows.push(['Submit p99, handler ÷ raw DynamoDB calls', `${fmt(s.ratios.handlerVsRaw.p99, 2)}× (${fmt(s.figures.handler.p99Ms)} ms ÷ ${fmt(s.figures.raw.p99Ms)} ms)`, `≤ ${s.targets.p99Ratio}×`, verdict(s.ratios.handlerVsRaw.p99 <= s.targets.p99Ratio)]);
  }
  if (t) {
    for (const p of t.paths) rows.push([`Transitions: ${p.description}`, `${p.transitions} ($${p.usdPerExecution.toFixed(6)})`, `≤ ${t.targets.transitions}`, verdict(p.transitions <= t.targets.transitions)]);
  }
  if (r) rows.push(...sweepSummaryRows('Reminder sweep', r, r.dataset.notDue + r.dataset.due));
  if (e) rows.push(...sweepSummaryRows('Expiry sweep', e, e.dataset.notDue + e.dataset.dueForReminder + e.dataset.dueForExpiry));
  if (l) {
    const median = l.runs.length ? `median of ${l.runs.length}` : 'no runs';
    rows.push([`Lead import of ${l.leads.toLocaleString('en-US')}: throughput ÷ raw BatchWriteItem`, `${fmt(l.ratio, 2)} (${median}; ${l.runs.map((run) => fmt(run.ratio, 2)).join(', ')})`, `≥ ${l.targets.ratio}`, verdict(l.ratio >= l.targets.ratio, 'below target')]);
    const sizes = l.memory.bySize.map((m) => m.size.toLocaleString('en-US')).join(' / ');
    for (const figure of memoryFigures(l.memory.cappedHeapMb).filter((f) => !/heap reserved|worker, peak heap in use/.test(f.summary))) {
      const judged = flatness(l, figure.of);
      rows.push([
        `Lead import memory by file size (${sizes} leads): ${figure.summary}`,
        `${l.memory.bySize.map((m) => fmt(figure.of(m))).join(' / ')} MB`,
        judged ? `flat: ≤ +${fmt(judged.allowedMb)} MB from ${judged.from.toLocaleString('en-US')} to ${judged.to.toLocaleString('en-US')}` : 'flat',
        judged ? `${verdict(judged.flat, 'grows with the file')} (${signed(judged.growthMb)} MB)` : '–',
      ]);
    }
  }
  if (c) rows.push(...sweepSummaryRows('Recall sweep', c, c.dataset.notDue + c.dataset.due + c.dataset.sponsoredOfSameAge, 'this kind'));
  return table(['Figure', 'Measured', 'Target', ''], rows);
};

const main = (): void => {
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const loadBefore = loadavg()[0] ?? 0;
  const loadAfterScript = new Map<Script['name'], number>();
  const outcomes = new Map<Script['name'], ReturnType<typeof runScript>>();
  for (const script of scripts) {
    const outcome = runScript(script);
    outcomes.set(script.name, outcome);
    loadAfterScript.set(script.name, loadavg()[0] ?? 0);
    say(outcome.error ? `✗ ${script.name}: ${outcome.error} (${outcome.seconds} s)` : `✓ ${script.name} (${outcome.seconds} s)`);
  }
  const totalSeconds = Math.round((Date.now() - started) / 1000);
  const loadAfter = loadavg()[0] ?? 0;
  const busy = Math.max(loadBefore, loadAfter, ...loadAfterScript.values()) > cpus().length;
  const bundles = outcomes.get('bundles')?.results as BundleResults | undefined;
  const submit = outcomes.get('submit-latency')?.results as SubmitResults | undefined;
  const transitions = outcomes.get('approval-transitions')?.results as TransitionResults | undefined;
  const reminders = outcomes.get('reminder-sweep')?.results as ReminderSweepResults | undefined;
  const expiries = outcomes.get('expiry-sweep')?.results as ExpirySweepResults | undefined;
  const leadImport = outcomes.get('lead-import')?.results as LeadImportResults | undefined;
  const recalls = outcomes.get('recall-sweep')?.results as RecallSweepResults | undefined;
  const m = machine();
  const failed = [...outcomes].filter(([, o]) => o.error);
  const date = new Date();

  const readme = `# Benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`) on every run: the figures below are this run's, measured
${date.toISOString().replace('T', ' ').slice(0, 16)} UTC on the machine below. They are measurements, not
tests: nothing here asserts, nothing runs in \`npm test\`. Compare figures only between runs on the same machine.

| Machine | |
| --- | --- |
| CPU | ${m.cpu} |
| Cores | ${m.cores} (logical CPUs seen by Node) |
| RAM | ${m.ramGiB} GiB |
| Node | ${m.node} |
| OS | ${m.os} |
| Java (DynamoDB Local) | ${m.java ?? 'not found'} |
| Load average (1 min): start, then after each script | ${[loadBefore, ...scripts.map((s) => loadAfterScript.get(s.name) ?? Number.NaN)].map((l) => l.toFixed(2)).join(' → ')} (${scripts.map((s) => s.name).join(', ')}); ${busy ? `**the machine was busy**: above its ${m.cores} cores, other work (e.g. other sessions' test runs) competed with the benchmarks, so the timings are noisier and slower than on an idle machine` : `at or below its ${m.cores} cores`} |

The whole run took ${totalSeconds} s (${scripts.map((s) => `${s.name} ${outcomes.get(s.name)?.seconds ?? '–'} s`).join(', ')}).
${failed.length ? `\n**Failed this run:** ${failed.map(([name, o]) => `\`${name}\` (${o.error})`).join(', ')}; its section is missing.\n` : ''}
## Summary

${summarySection({ bundles, submit, transitions, reminders, expiries, leadImport, recalls })}

Each script runs on its own too (\`npx tsx bench/<name>.ts\`; results in \`bench/.out/<name>.json\`); only
\`npm run bench\` rewrites this file.

${bundles ? bundlesSection(bundles) : ''}
${submit ? submitSection(submit) : ''}
${transitions ? transitionsSection(transitions) : ''}
${reminders ? reminderSection(reminders) : ''}
${expiries ? expirySection(expiries) : ''}
${leadImport ? leadImportSection(leadImport) : ''}
${recalls ? recallSection(recalls) : ''}`;
  writeFileSync(resolve(rootDir, 'bench/README.md'), `${readme.replace(/\n{3,}/g, '\n\n').trimEnd()}\n`);
  say(`\nbench/README.md written (${totalSeconds} s).`);
  if (failed.length) process.exitCode = 1;
};

main();
