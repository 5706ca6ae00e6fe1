import { randomUUID } from 'node:crypto';
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

// ---------------------------------------------------------------------------------------------
// The local services the scripts run the product against. Their modules load only when asked
// for (bench/bundles.ts and bench/run.ts use this file and need none of them).

/** aws-ses-v2-local, capturing the emails the product sends (its `/store` lists them). */
export interface SesCapture {
  url: string;
  /** Emails it holds. */
  emailsCaptured: () => Promise<number>;
  close: () => Promise<void>;
}

/** Starts aws-ses-v2-local on 127.0.0.1:`port` (CommonJS with a default export, reached as local/stack.ts reaches it). */
export const startSesCapture = async (port: number): Promise<SesCapture> => {
  type StartSes = (config: { port: number; host: string }) => Promise<import('node:http').Server>;
  const sesModule = (await import('aws-ses-v2-local')) as unknown as { default: StartSes | { default: StartSes } };
  const startSes = (sesModule.default as { default?: StartSes }).default ?? (sesModule.default as StartSes);
  const server = await startSes({ port, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    emailsCaptured: async () => ((await (await fetch(`${url}/store`)).json()) as { emails?: unknown[] }).emails?.length ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * Writes items to the product's table with BatchWriteItem through its own document client, 25
 * per call, `parallel` calls in flight, retrying unprocessed items. Returns the milliseconds it took.
 */
export const batchWriteItems = async (items: Record<string, unknown>[], parallel: number): Promise<number> => {
  const { db, tableName } = await import('../functions/store/table.ts');
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const batches: Record<string, unknown>[][] = [];
  for (let index = 0; index < items.length; index += 25) batches.push(items.slice(index, index + 25));
  let nextBatch = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
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
  return performance.now() - started;
};

/** Where the functions' AWS clients are pointed; a service left out is not set here. */
export interface LocalEndpoints {
  dynamodb: string;
  ses?: string;
  sfn?: string;
  s3?: string;
}

/**
 * Gives this process the environment CDK gives the functions, pointed at local endpoints (as
 * local/stack.ts does): a dummy value for every required setting not set yet, the local state
 * machine ARNs, credentials, the table, the sender, Powertools at INFO as deployed; `settings`
 * adds or overrides. Modules that read settings must be imported only after this (as at a cold start).
 */
export const setLocalEnvironment = async (endpoints: LocalEndpoints, settings: Record<string, string> = {}): Promise<void> => {
  const { stateMachineArnVariable, workflows } = await import('../lib/manifest.ts');
  const { localStateMachineArn } = await import('../local/sfn-endpoint.ts');
  const { MAIL_FROM, TABLE_NAME } = await import('../local/stack.ts');
  for (const name of requiredSettings()) process.env[name] ??= dummyValue(name);
  for (const workflow of Object.keys(workflows) as (keyof typeof workflows)[]) process.env[stateMachineArnVariable(workflow)] = localStateMachineArn(workflow);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    ...(endpoints.ses ? { AWS_ENDPOINT_URL_SES: endpoints.ses } : {}),
    ...(endpoints.sfn ? { AWS_ENDPOINT_URL_SFN: endpoints.sfn } : {}),
    ...(endpoints.s3 ? { AWS_ENDPOINT_URL_S3: endpoints.s3 } : {}),
    TABLE_NAME,
    MAIL_FROM,
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    DECISION_TIMEOUT_DAYS: '30',
    POWERTOOLS_SERVICE_NAME: 'channel-prm',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...settings,
  });
};

/**
 * The API Gateway HTTP API (payload 2.0) event local/api-server.ts builds for a request, with the
 * claims its authorizer passes on (every claim a string, as API Gateway hands them over).
 */
export const gatewayEvent = (request: {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  claims: Record<string, string>;
}): import('aws-lambda').APIGatewayProxyEventV2 => {
  const now = new Date();
  const routeKey = `${request.method} ${request.path}`;
  const headers: Record<string, string> = { host: '127.0.0.1:3000', ...request.headers, 'x-forwarded-proto': 'http' };
  const query = request.query ?? {};
  return {
    version: '2.0',
    routeKey,
    rawPath: request.path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host,
      domainPrefix: 'local',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { jwt: { claims: request.claims, scopes: [] } },
    } as import('aws-lambda').APIGatewayProxyEventV2['requestContext'],
    body: request.body,
    isBase64Encoded: false,
  };
};
