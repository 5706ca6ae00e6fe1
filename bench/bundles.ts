import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../lib/bundling.ts';
import { functions, stateMachineArnVariable, workflows, type WorkflowName } from '../lib/manifest.ts';
import type { BundleFigure, BundleResults } from './results.ts';
import { dummyValue, median, outDir, percentile, progress, requiredSettings, rootDir, round, shuffle, writeResults } from './support.ts';

/**
 * Bundle size and module load time of every Lambda function in lib/manifest.ts.
 *
 * Each entry is bundled with esbuild using exactly `esbuildOptions` from lib/bundling.ts (the
 * options CDK's NodejsFunction gets), plus only what says what to read and where to write
 * (`entryPoints`, `outdir`, `absWorkingDir`), `logLevel` and a metafile: none changes the output. Load time: a fresh `node`
 * process imports the bundle and times the `import()`; the baseline is the same for the bare
 * `@aws-sdk/client-dynamodb` package as Node resolves it from node_modules. Runs alternate in a
 * new random order every repetition, so drift on the machine hits both sides alike.
 */
export const TARGET_SIZE_KB = 600;
export const TARGET_LOAD_RATIO = 1.5;
const REPETITIONS = Number(process.env.BENCH_LOAD_REPETITIONS ?? 15);
const MIN_REPETITIONS = Math.min(7, REPETITIONS);
/** Seconds of load measurements after which no new repetition starts (once MIN_REPETITIONS are done). */
const LOAD_BUDGET_SECONDS = Number(process.env.BENCH_LOAD_BUDGET_SECONDS ?? 120);
const BARE = '@aws-sdk/client-dynamodb';
const KB = 1024;

const bundleDir = resolve(outDir, 'bundles');
const loadRunner = resolve(rootDir, 'bench/load-once.mjs');

/** What a deployed function would find in its environment (dummy values): settings are read at load. */
const childEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(requiredSettings().map((name) => [name, dummyValue(name)])),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    TABLE_NAME: 'channel-prm-bench',
    MAIL_FROM: 'no-reply@bench.example',
    PUBLIC_BASE_URL: 'https://api.bench.example',
    DECISION_TIMEOUT_DAYS: '30',
    POWERTOOLS_SERVICE_NAME: 'channel-prm',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  for (const name of Object.keys(workflows) as WorkflowName[]) {
    env[stateMachineArnVariable(name)] = `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
  }
  // Nothing that would change how the child loads code: no loaders, no compile cache.
  delete env.NODE_OPTIONS;
  delete env.NODE_COMPILE_CACHE;
  return env;
};

interface Sample {
  ms?: number;
  error?: string;
}

const loadOnce = (url: string, env: NodeJS.ProcessEnv): Sample => {
  const child = spawnSync(process.execPath, [loadRunner, url], { env, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const line = child.stdout?.trim().split('\n').at(-1);
  let answer: { ms?: number; error?: string } = {};
  try {
    answer = line ? (JSON.parse(line) as typeof answer) : {};
  } catch {
    answer = { error: line };
  }
  if (child.status === 0 && typeof answer.ms === 'number') return { ms: answer.ms };
  return { error: answer.error ?? child.error?.message ?? `exit ${child.status ?? child.signal}: ${(child.stderr ?? '').slice(0, 300)}` };
};

/** node_modules/@scope/name/… → @scope/name; node_modules/name/… → name; anything else: the repository's own code. */
const packageOf = (path: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.replaceAll('\\', '/'));
  return match?.[1] ?? '(this repository)';
};

const topInputs = (metafile: Metafile, output: string, count: number) => {
  const inputs = Object.entries(metafile.outputs[output]?.inputs ?? {}).map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }));
  const byPackage = new Map<string, number>();
  for (const input of inputs) byPackage.set(packageOf(input.path), (byPackage.get(packageOf(input.path)) ?? 0) + input.bytes);
  return {
    modules: inputs.sort((a, b) => b.bytes - a.bytes).slice(0, count),
    packages: [...byPackage].map(([name, bytes]) => ({ path: name, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, count),
  };
};

const main = async (): Promise<void> => {
  rmSync(bundleDir, { recursive: true, force: true });
  const { version } = (await import('esbuild')) as { version: string };

  // 1. Bundle.
  const built: (BundleFigure & { url: string; metafile: Metafile; output: string })[] = [];
  for (const spec of functions) {
    const outdir = resolve(bundleDir, spec.name);
    mkdirSync(outdir, { recursive: true });
    const result = await build({
      ...esbuildOptions,
      absWorkingDir: rootDir,
      entryPoints: [resolve(rootDir, spec.entry)],
      outdir,
      metafile: true,
      logLevel: 'error',
    });
    const output = Object.keys(result.metafile.outputs).find((path) => path.endsWith('.mjs'));
    if (!output) throw new Error(`esbuild wrote no .mjs for ${spec.entry}`);
    const file = resolve(rootDir, output);
    const bytes = statSync(file).size;
    built.push({
      name: spec.name,
      entry: spec.entry,
      file: relative(rootDir, file),
      sizeBytes: bytes,
      sizeKB: round(bytes / KB, 1),
      gzipKB: round(gzipSync(readFileSync(file)).length / KB, 1),
      modules: Object.keys(result.metafile.outputs[output]?.inputs ?? {}).length,
      topPackage: topInputs(result.metafile, output, 1).packages[0] ?? { path: '–', bytes: 0 },
      loadSamples: 0,
      loadErrors: [],
      url: pathToFileURL(file).href,
      metafile: result.metafile,
      output,
    });
    progress(`bundles: ${spec.name} ${round(bytes / KB, 1)} KB (${basename(file)})`);
  }

  // 2. Load times, each in a fresh process, alternating with the bare SDK package.
  const bareUrl = import.meta.resolve(BARE);
  const env = childEnv();
  const samples = new Map<string, Sample[]>([[bareUrl, []], ...built.map((b) => [b.url, []] as [string, Sample[]])]);
  // The bare package is in every repetition twice: every ratio divides by its median.
  const loadStarted = Date.now();
  let repetitions = 0;
  for (let rep = 1; rep <= REPETITIONS; rep += 1) {
    for (const url of shuffle([bareUrl, ...samples.keys()])) samples.get(url)!.push(loadOnce(url, env));
    repetitions = rep;
    const elapsed = (Date.now() - loadStarted) / 1000;
    progress(`bundles: load repetition ${rep}/${REPETITIONS} (${Math.round(elapsed)} s)`);
    // Keeps `npm run bench` within its few minutes as the manifest grows: stop early, but never below 7 repetitions.
    if (rep >= MIN_REPETITIONS && elapsed > LOAD_BUDGET_SECONDS) break;
  }
  const timesOf = (url: string) => samples.get(url)!.flatMap((s) => (s.ms === undefined ? [] : [s.ms]));
  const errorsOf = (url: string) => [...new Set(samples.get(url)!.flatMap((s) => (s.error ? [s.error] : [])))];
  const bareMedian = median(timesOf(bareUrl));
  for (const bundle of built) {
    const times = timesOf(bundle.url);
    bundle.loadSamples = times.length;
    bundle.loadErrors = errorsOf(bundle.url);
    if (times.length > 0) {
      bundle.medianLoadMs = round(median(times), 1);
      bundle.loadP25Ms = round(percentile(times, 25), 1);
      bundle.loadP75Ms = round(percentile(times, 75), 1);
      bundle.loadRatio = round(median(times) / bareMedian, 2);
    }
  }

  const largest = built.reduce((a, b) => (b.sizeBytes > a.sizeBytes ? b : a));
  const top = topInputs(largest.metafile, largest.output, 5);
  const results: BundleResults = {
    esbuildVersion: version,
    repetitions,
    loadBudgetSeconds: LOAD_BUDGET_SECONDS,
    minRepetitions: MIN_REPETITIONS,
    targets: { sizeKB: TARGET_SIZE_KB, loadRatio: TARGET_LOAD_RATIO },
    bare: {
      specifier: BARE,
      resolved: relative(rootDir, fileURLToPath(bareUrl)),
      medianLoadMs: round(bareMedian, 1),
      loadP25Ms: round(percentile(timesOf(bareUrl), 25), 1),
      loadP75Ms: round(percentile(timesOf(bareUrl), 75), 1),
      loadSamples: timesOf(bareUrl).length,
      loadErrors: errorsOf(bareUrl),
    },
    bundles: built.map(({ url: _url, metafile: _metafile, output: _output, ...figure }) => figure),
    aboveSizeTarget: built.filter((b) => b.sizeKB > TARGET_SIZE_KB).map((b) => b.name),
    aboveLoadTarget: built.filter((b) => b.loadRatio !== undefined && b.loadRatio > TARGET_LOAD_RATIO).map((b) => b.name),
    failedToLoad: built.filter((b) => b.loadErrors.length > 0).map((b) => b.name),
    largest: { name: largest.name, topModules: top.modules, topPackages: top.packages },
  };
  writeResults('bundles', results);
};

await main();
