import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Starts the real local stack once for the e2e project, exactly as `npm start`
 * does (bin/local.ts), but in memory, on free ports and without the sweep timer
 * (tests run the sweep by moving the clock). Tests read the URLs and tokens with
 * `inject('stack')`.
 */
export interface StackInfo {
  urls: { api: string; docs: string; emails: string; dynamodb: string; stepFunctions: string };
  tokens: { role: string; id: string; email: string; name: string; token: string }[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

const root = resolve(import.meta.dirname, '../..');

const waitForReady = (child: ChildProcess): Promise<StackInfo> =>
  new Promise((resolvePromise, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`The local stack did not start within 90 s.\n${output}\n${errors}`)), 90_000);
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{') && candidate.includes('"ready"'));
      if (line) {
        clearTimeout(timer);
        resolvePromise(JSON.parse(line) as StackInfo);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The local stack exited with code ${code}.\n${output}\n${errors}`));
    });
  });

export default async function setup(project: TestProject) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--in-memory', '--free-ports', '--sweep-every', '0', '--json'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  const info = await waitForReady(child);
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (text.includes('!')) process.stderr.write(`[local stack] ${text}`);
  });
  project.provide('stack', info);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
}
