import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StackInfo } from './global-setup.ts';

/**
 * `npm start` keeps its data: stopped and started again on the same data
 * directory, the system still has the request, and the link emailed before the
 * restart still decides, with the workflow carrying on where it waited.
 * (Its own stack, not the shared one: this test stops it.)
 */
const root = resolve(import.meta.dirname, '../..');
let dataDir: string;
let running: ChildProcess | undefined;

const startStack = (reset: boolean): Promise<StackInfo> =>
  new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bin/local.ts', '--data-dir', dataDir, '--free-ports', '--sweep-every', '0', '--json', ...(reset ? ['--reset'] : [])],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' } },
    );
    running = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{') && candidate.includes('"ready"'));
      if (line) done(JSON.parse(line) as StackInfo);
    });
    child.once('exit', (code) => fail(new Error(`stack exited with ${code}: ${output}`)));
  });

const stopStack = async () => {
  const child = running;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGINT');
  await exited;
};

afterAll(async () => {
  await stopStack();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const api = (stack: StackInfo, as: string) => async (method: string, path: string, body?: unknown) => {
  const token = stack.tokens.find((t) => t.email === as)?.token ?? '';
  const response = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as any };
};

const emailsTo = async (stack: StackInfo, to: string) =>
  ((await (await fetch(`${stack.urls.emails}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text: string } }[] }).emails.filter((email) =>
    email.destination.to.includes(to),
  );

const eventually = async <T>(check: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await check();
    } catch (error) {
      if (attempt > 150) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
};

describe('local data across a restart', () => {
  it('a request and its waiting approval survive a restart: the emailed link still decides and the workflow goes on', async () => {
    // Prepare: a first run submits a request and the CMM is emailed
    dataDir = await mkdtemp(join(tmpdir(), 'prm-restart-'));
    const first = await startStack(true);
    const clock = (await (await fetch(`${first.urls.api}/_local/clock`)).json()) as { now: string };
    const start = new Date(Date.parse(clock.now) + 40 * 86_400_000).toISOString().slice(0, 10);
    const submitted = await api(first, 'alice@acme.example')('POST', '/mdf/requests', {
      activityName: 'Restart Summit',
      activityType: 'webinar',
      delivery: 'virtual',
      description: 'A webinar',
      startDate: start,
      endDate: start,
      totalCostCents: 400_000,
      targetContacts: 100,
      estimatedPipelineCents: 1_000_000,
      partnerInvestmentCents: 200_000,
      amountRequestedCents: 200_000,
      verticalIndustry: 'Retail',
      segment: 'Mid-market',
      activityCountry: 'DE',
    });
    expect(submitted.status).toBe(201);
    const email = await eventually(async () => {
      const [found] = await emailsTo(first, 'cmm.emea@channel.example');
      if (!found) throw new Error('no email yet');
      return found;
    });
    const link = new URL(/(http\S+\/approvals\/\S+)/.exec(email.body.text)?.[1] ?? '');

    // Act: stop, start again on the same data, decide on the link from before the restart
    await stopStack();
    const second = await startStack(false);
    const sameLink = new URL(`${second.urls.api}${link.pathname}${link.search}`);
    const decided = await fetch(`${sameLink.origin}${sameLink.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: sameLink.searchParams.get('t') ?? '', decision: 'approve' }),
    });

    // Assess: the request is still there, the decision counted, and the workflow asked the next level
    expect(decided.status).toBe(200);
    const read = await api(second, 'alice@acme.example')('GET', `/mdf/requests/${submitted.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.progress.levels[0].status).toBe('Approved');
    await eventually(async () => {
      const [next] = await emailsTo(second, 'lead.emea@channel.example');
      if (!next?.body.text.includes('Restart Summit')) throw new Error('the next level was not asked yet');
    });
  });
});
