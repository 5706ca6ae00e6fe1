import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as sesModule from 'aws-ses-v2-local';
import { stateMachineArnVariable, workflows, type WorkflowName } from '../lib/manifest.ts';
import { clock, clockOffsetMs, onClockMoved, setClockOffset } from '../functions/shared/clock.ts';
import { startApiServer, type LocalRequest, type LocalResponse } from './api-server.ts';
import { ensureTable, startDynamo } from './dynamodb.ts';
import { startS3 } from './s3.ts';
import { invokeFunction } from './functions.ts';
import { startIdentity } from './identity.ts';
import { seed, type SeededUser } from './seed.ts';
import { localStateMachineArn, startSfnEndpoint } from './sfn-endpoint.ts';

/**
 * The whole system on one machine, with the same handlers as the cloud: only
 * the endpoints differ (DynamoDB Local, the local Step Functions endpoint, SES
 * capture). Also the local-only conveniences: the movable clock, the sweep
 * timer, seed data and sign-in tokens.
 */
export interface LocalStackOptions {
  rootDir: string;
  apiPort: number;
  dynamoPort: number;
  sfnPort: number;
  sesPort: number;
  s3Port: number;
  /** Where data survives restarts; undefined keeps everything in memory. */
  dataDir?: string;
  reset?: boolean;
  /** Real seconds between sweeps; 0 turns the timer off. */
  sweepEverySeconds: number;
  log(line: string): void;
}

export interface SignInToken extends SeededUser {
  token: string;
}

export interface LocalStack {
  urls: { api: string; docs: string; emails: string; dynamodb: string; stepFunctions: string; s3: string };
  tokens: SignInToken[];
  seeded: boolean;
  close(): Promise<void>;
}

export const TABLE_NAME = 'channel-prm-local';
export const MAIL_FROM = 'no-reply@channel-prm.local';
export const ATTACHMENTS_BUCKET = 'channel-prm-attachments-local';

/** A free TCP port on loopback (for tests that run beside a developer's `npm start`). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });

/** aws-ses-v2-local is CommonJS with a default export: reach it the same way under tsx and Node. */
type StartSes = (config: { port: number; host: string }) => Promise<Server>;
const startSes: StartSes = ((sesModule as unknown as { default: StartSes | { default: StartSes } }).default as { default?: StartSes }).default ??
  ((sesModule as unknown as { default: StartSes }).default);

const json = (status: number, body: unknown): LocalResponse => ({ status, body: JSON.stringify(body, null, 2) });

/** `P2D`, `PT3H`, `P1DT12H30M` → milliseconds. */
const durationMs = (value: string): number | undefined => {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) return undefined;
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000 + Number(s) * 1000;
};

export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const { dataDir, log } = options;
  if (dataDir && options.reset) rmSync(dataDir, { recursive: true, force: true });
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const clockFile = dataDir ? join(dataDir, 'clock.json') : undefined;
  if (clockFile && existsSync(clockFile)) setClockOffset((JSON.parse(readFileSync(clockFile, 'utf8')) as { offsetMs: number }).offsetMs);

  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: Error) => log(`! while stopping: ${error.message}`));
  };
  try {
    const dynamo = await startDynamo({ port: options.dynamoPort, ...(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {}) });
    closers.push(() => dynamo.stop());
    const ses: Server = await startSes({ port: options.sesPort, host: '127.0.0.1' });
    closers.push(() => new Promise<void>((resolve) => ses.close(() => resolve())));
    const sesUrl = `http://127.0.0.1:${options.sesPort}`;
    const s3 = await startS3({ port: options.s3Port, bucket: ATTACHMENTS_BUCKET, ...(dataDir ? { directory: join(dataDir, 's3') } : {}) });
    closers.push(() => s3.close());
    const sfnUrl = `http://127.0.0.1:${options.sfnPort}`;

    // The environment every deployed function gets from CDK, here for all of them at once.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      // Any key does for DynamoDB Local, the SFN endpoint and SES capture; s3rver accepts only its own.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnUrl,
      AWS_ENDPOINT_URL_SES: sesUrl,
      AWS_ENDPOINT_URL_S3: s3.url,
      S3_FORCE_PATH_STYLE: 'true',
      ATTACHMENTS_BUCKET,
      TABLE_NAME,
      MAIL_FROM,
      PUBLIC_BASE_URL: apiUrl,
      DECISION_TIMEOUT_DAYS: process.env.DECISION_TIMEOUT_DAYS ?? '30',
      POWERTOOLS_SERVICE_NAME: 'channel-prm',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    for (const name of Object.keys(workflows) as WorkflowName[]) process.env[stateMachineArnVariable(name)] = localStateMachineArn(name);

    await ensureTable(dynamo.endpoint, TABLE_NAME);
    const invoke = (name: string, event: unknown) => invokeFunction(name, event, options.rootDir);
    // What S3 notifications do in the cloud: each upload runs the upload function.
    s3.onUpload((event) => void invoke('attachment-uploaded', event).catch((error: Error) => log(`! attachment-uploaded: ${error.message}`)));
    const sfn = await startSfnEndpoint({
      port: options.sfnPort,
      ...(dataDir ? { stateFile: join(dataDir, 'sfn-executions.json') } : {}),
      invoke,
      now: clock.now,
      log,
      rootDir: options.rootDir,
    });
    closers.push(() => sfn.close());
    const stopWatching = onClockMoved(() => sfn.checkTimeouts());
    closers.push(async () => void stopWatching());

    const identity = await startIdentity(`${apiUrl}/_local/idp`, dataDir ? join(dataDir, 'jwt-key.json') : undefined);
    const seeded = await seed(clock.now());
    const users = await import('../functions/store/users.ts');
    const { claimsOf } = await import('../functions/auth/claims.ts');
    const tokenFor = async (email: string) => {
      const user = await users.getByEmail(email);
      return user ? identity.sign(claimsOf(user)) : undefined;
    };
    const tokens: SignInToken[] = [];
    for (const role of seeded.roles) {
      const token = await tokenFor(role.email);
      if (token) tokens.push({ ...role, token });
    }

    let sweeping: Promise<unknown> | undefined;
    const runSweep = async () => {
      if (!sweeping) sweeping = invoke('due-work', {}).finally(() => (sweeping = undefined));
      return sweeping;
    };

    const local = async (request: LocalRequest): Promise<LocalResponse | undefined> => {
      const route = `${request.method} ${request.path}`;
      const body = (): Record<string, unknown> => {
        try {
          return request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
        } catch {
          return {};
        }
      };
      switch (route) {
        case 'GET /':
          return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: landingPage(apiUrl, sesUrl, tokens) };
        case 'GET /_local/clock':
          return json(200, { now: clock.now().toISOString(), offsetMs: clockOffsetMs() });
        case 'POST /_local/clock': {
          const input = body();
          const advance = typeof input.advance === 'string' ? durationMs(input.advance) : undefined;
          const to = typeof input.to === 'string' ? Date.parse(input.to) : undefined;
          const target = advance !== undefined ? clock.now().getTime() + advance : to;
          if (target === undefined || Number.isNaN(target)) return json(400, { message: 'Send {"advance": "P2D"} (ISO 8601 duration) or {"to": "<ISO instant>"}' });
          if (target < clock.now().getTime()) return json(400, { message: 'The clock only moves forward' });
          setClockOffset(clockOffsetMs() + (target - clock.now().getTime()));
          if (clockFile) writeFileSync(clockFile, JSON.stringify({ offsetMs: clockOffsetMs() }));
          const report = input.sweep === false ? undefined : await runSweep();
          return json(200, { now: clock.now().toISOString(), offsetMs: clockOffsetMs(), ...(report ? { sweep: report } : {}) });
        }
        case 'POST /_local/sweep':
          return json(200, await runSweep());
        case 'POST /_local/token': {
          const email = body().email;
          const token = typeof email === 'string' ? await tokenFor(email) : undefined;
          return token ? json(200, { token }) : json(404, { message: 'No user with that email' });
        }
        case 'GET /_local/tokens':
          return json(200, tokens);
        case 'GET /_local/executions':
          return json(
            200,
            sfn.executions().map(({ events: _events, ...execution }) => execution),
          );
        default:
          return undefined;
      }
    };

    const api = await startApiServer({ port: options.apiPort, identity, invoke: (name, event) => invoke(name, event), local, log });
    closers.push(() => api.close());
    if (options.sweepEverySeconds > 0) {
      const timer = setInterval(() => void runSweep().catch((error: Error) => log(`! sweep: ${error.message}`)), options.sweepEverySeconds * 1000);
      closers.push(async () => clearInterval(timer));
    }
    closers.push(async () => {
      await sweeping?.catch(() => undefined);
    });
    if (dataDir) writeFileSync(join(dataDir, 'tokens.json'), JSON.stringify(tokens, null, 2), { mode: 0o600 });
    return {
      urls: { api: apiUrl, docs: `${apiUrl}/docs`, emails: sesUrl, dynamodb: dynamo.endpoint, stepFunctions: sfnUrl, s3: s3.url },
      tokens,
      seeded: seeded.seeded,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};

const escape = (value: string) => value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const landingPage = (apiUrl: string, sesUrl: string, tokens: SignInToken[]) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Channel PRM (local)</title><style>body{font-family:system-ui,sans-serif;max-width:900px;margin:24px auto;padding:0 16px}code,textarea{font-size:12px}textarea{width:100%;height:3.2em}</style></head><body>
<h1>Channel PRM — local stack</h1>
<ul><li><a href="${sesUrl}">Captured emails</a> (approval links are clickable there)</li><li><a href="${apiUrl}/docs">API docs</a> · <a href="${apiUrl}/openapi.json">openapi.json</a></li><li><code>POST ${apiUrl}/_local/clock {"advance":"P2D"}</code> moves time forward and runs the sweep</li></ul>
<h2>Sign-in tokens</h2>${tokens.map((t) => `<p><b>${escape(t.role)}</b> — ${escape(t.email)}<br><textarea readonly>${t.token}</textarea></p>`).join('')}</body></html>`;
