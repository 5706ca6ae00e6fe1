import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { WorkflowName } from '../../lib/manifest.ts';
import { localStateMachineArn, startSfnEndpoint, type SfnEndpoint } from '../../local/sfn-endpoint.ts';

/**
 * What the workflow tests share: a workflow file run as deployed (the ASL itself,
 * with the manifest's substitutions) by the local Step Functions endpoint, on a
 * clock the test moves, with stand-in task functions that record what the workflow
 * asked for and answer `{}` (or what the test's `answer` says), after throwing the
 * errors a test queued for them.
 */
export interface Call {
  functionName: string;
  payload: Record<string, unknown>;
}

export const THIRTY_DAYS = 30 * 86_400;
export const DAY_MS = 86_400_000;

export const namedError = (name: string, message = name): Error => Object.assign(new Error(message), { name });

export const eventually = async <T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
};

/**
 * Starts the endpoint before the file's tests and stops it after; each test starts
 * with no calls and no queued failures, and no execution it started waits on into
 * the next test (moving the clock there would time it out).
 */
export const workflowHarness = (options: { clock: string; answer?: (call: Call) => unknown }) => {
  let endpoint: SfnEndpoint | undefined;
  let client: SFNClient | undefined;
  let clockMs = Date.parse(options.clock);
  const calls: Call[] = [];
  /**
   * Errors the stand-ins throw, in turn, before they answer normally again: keyed by
   * function name, or `<function>#<step>` for one step of a function that has steps.
   */
  const failures = new Map<string, Error[]>();
  const started: string[] = [];

  beforeAll(async () => {
    endpoint = await startSfnEndpoint({
      port: 0,
      now: () => new Date(clockMs),
      invoke: async (functionName, payload) => {
        const call = { functionName, payload: payload as Record<string, unknown> };
        calls.push(call);
        const error = failures.get(`${functionName}#${String(call.payload.step)}`)?.shift() ?? failures.get(functionName)?.shift();
        if (error) throw error;
        return options.answer?.(call) ?? {};
      },
    });
    client = new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });

  afterAll(async () => {
    client?.destroy();
    await endpoint?.close();
  });

  beforeEach(() => {
    calls.length = 0;
    failures.clear();
    started.length = 0;
  });

  afterEach(async () => {
    for (const executionArn of started) {
      const execution = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
      if (execution.status === 'RUNNING') await harness.client.send(new StopExecutionCommand({ executionArn }));
    }
  });

  const harness = {
    calls,
    failures,
    get client(): SFNClient {
      if (!client) throw new Error('The workflow endpoint is not started yet');
      return client;
    },
    /** Starts an execution named `name`; its ARN. */
    start: async (workflow: WorkflowName, name: string, input: object): Promise<string> => {
      const execution = await harness.client.send(new StartExecutionCommand({ stateMachineArn: localStateMachineArn(workflow), name, input: JSON.stringify(input) }));
      const executionArn = execution.executionArn ?? '';
      started.push(executionArn);
      return executionArn;
    },
    finished: (executionArn: string, timeoutMs = 5000) =>
      eventually(async () => {
        const execution = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
        if (execution.status === 'RUNNING') throw new Error('still running');
        return execution;
      }, timeoutMs),
    statesEntered: async (executionArn: string) => {
      const history = await harness.client.send(new GetExecutionHistoryCommand({ executionArn }));
      return (history.events ?? []).filter((event) => event.type?.endsWith('StateEntered')).map((event) => event.stateEnteredEventDetails?.name);
    },
    /** Moves the clock on and lets the endpoint fail the tasks now overdue. */
    passDays: async (days: number) => {
      clockMs += days * DAY_MS;
      endpoint?.checkTimeouts();
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
  return harness;
};
