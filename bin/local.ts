import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startLocalStack } from '../local/stack.ts';

/**
 * `npm start`: the whole system on this machine. Data lives in .local/ and
 * survives a restart; `npm start -- --reset` starts from fresh seed data.
 *
 * Options: --reset, --in-memory, --port <api port> (default 3000), --data-dir <dir>,
 * --sweep-every <seconds> (default 60, 0 = off), --json (print one JSON line when
 * ready, for test harnesses), --free-ports (pick free ports for every service).
 */
const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    'in-memory': { type: 'boolean', default: false },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'sweep-every': { type: 'string' },
    json: { type: 'boolean', default: false },
    'free-ports': { type: 'boolean', default: false },
  },
});

const rootDir = resolve(import.meta.dirname, '..');
const port = async (flag: string | undefined, env: string | undefined, fallback: number) =>
  values['free-ports'] ? freePort() : Number(flag ?? env ?? fallback);

const quiet = values.json;
const log = (line: string) => {
  if (!quiet || line.startsWith('!')) process.stdout.write(`${line}\n`);
};

const stack = await startLocalStack({
  rootDir,
  apiPort: await port(values.port, process.env.PRM_PORT, 3000),
  dynamoPort: await port(undefined, process.env.PRM_DYNAMODB_PORT, 8000),
  sfnPort: await port(undefined, process.env.PRM_SFN_PORT, 8083),
  sesPort: await port(undefined, process.env.PRM_SES_PORT, 8005),
  s3Port: await port(undefined, process.env.PRM_S3_PORT, 4569),
  ...(values['in-memory'] ? {} : { dataDir: resolve(rootDir, values['data-dir'] ?? '.local') }),
  reset: values.reset,
  sweepEverySeconds: Number(values['sweep-every'] ?? process.env.PRM_SWEEP_EVERY ?? 60),
  log,
});

if (values.json) {
  process.stdout.write(`${JSON.stringify({ ready: true, urls: stack.urls, tokens: stack.tokens })}\n`);
} else {
  const lines = [
    '',
    'Channel PRM is running locally.',
    `  API            ${stack.urls.api}   (docs: ${stack.urls.docs})`,
    `  Emails         ${stack.urls.emails}   (every email sent, with clickable approval links)`,
    `  DynamoDB       ${stack.urls.dynamodb}`,
    `  Step Functions ${stack.urls.stepFunctions}`,
    `  S3             ${stack.urls.s3}   (claim files and signed letters)`,
    `  Clock          POST ${stack.urls.api}/_local/clock {"advance":"P2D"}  (moves time forward, then sweeps)`,
    stack.seeded ? '  Seed data written (fresh database).' : '  Existing data kept (npm start -- --reset for fresh seed data).',
    '',
    'Sign-in tokens (ID tokens valid 12 h; also in .local/tokens.json):',
    ...stack.tokens.flatMap((t) => [`  ${t.role} — ${t.email}`, `    ${t.token}`]),
    '',
    'Try:',
    `  curl -s -H "authorization: Bearer <token of alice@acme.example>" ${stack.urls.api}/mdf/requests`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`\n${signal}: stopping…`);
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
