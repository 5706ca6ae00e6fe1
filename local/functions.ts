import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { functions, type FunctionSpec } from '../lib/manifest.ts';

/**
 * The product's Lambda handlers, loaded from the manifest's entries and called the
 * way Lambda calls them (event, context). Modules load on first use, after the
 * local environment is set, exactly as a cold start reads its settings.
 */
type Handler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<string, Promise<Handler>>();

export const specOf = (name: string): FunctionSpec => {
  const spec = functions.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`No function named ${name} in lib/manifest.ts`);
  return spec;
};

const load = (spec: FunctionSpec, rootDir: string): Promise<Handler> => {
  let handler = loaded.get(spec.name);
  if (!handler) {
    handler = import(pathToFileURL(resolve(rootDir, spec.entry)).href).then((module: { handler?: Handler }) => {
      if (typeof module.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
      return module.handler;
    });
    loaded.set(spec.name, handler);
  }
  return handler;
};

const contextFor = (spec: FunctionSpec): Context => {
  const started = Date.now();
  const timeoutMs = (spec.timeoutSeconds ?? 10) * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${spec.name}`,
    memoryLimitInMB: String(spec.memoryMb ?? 512),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export const invokeFunction = async (name: string, event: unknown, rootDir: string): Promise<unknown> => {
  const spec = specOf(name);
  const handler = await load(spec, rootDir);
  return handler(event, contextFor(spec));
};
