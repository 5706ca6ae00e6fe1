import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Shared by the benchmark scripts: where the repository is, small statistics, settings, and where results go. */
export const rootDir = resolve(import.meta.dirname, '..');
export const outDir = resolve(rootDir, 'bench/.out');

/** The p-th percentile (0–100) of `values`, nearest-rank method (always one of the measured values). */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
};

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Fisher–Yates, in place. */
export const shuffle = <T>(items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

export const progress = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Writes a script's results as JSON: to `--out <file>` when given (bench/run.ts passes it),
 * otherwise to bench/.out/<name>.json. Also prints them on stderr when run on its own.
 */
export const writeResults = (name: string, results: unknown): string => {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: false });
  const file = typeof values.out === 'string' ? resolve(values.out) : resolve(outDir, `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  if (typeof values.out !== 'string') progress(JSON.stringify(results, null, 2));
  return file;
};

/**
 * Names of the required settings the functions read (`setting('NAME')` in functions/): every one gets
 * a dummy value, so a setting added later does not make the bundles fail to load here.
 */
export const requiredSettings = (): string[] => {
  const names = new Set<string>();
  const files = readdirSync(resolve(rootDir, 'functions'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  for (const file of files) {
    for (const match of readFileSync(resolve(rootDir, 'functions', file), 'utf8').matchAll(/\bsetting\(\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(match[1]!);
  }
  return [...names];
};

export const dummyValue = (name: string): string => {
  if (name.endsWith('_ARN')) return `arn:aws:states:us-east-1:000000000000:stateMachine:${name.toLowerCase()}`;
  if (name.endsWith('_URL')) return 'https://bench.example';
  if (name.endsWith('_DAYS') || name.endsWith('_SECONDS')) return '30';
  return `bench-${name.toLowerCase().replaceAll('_', '-')}`;
};
