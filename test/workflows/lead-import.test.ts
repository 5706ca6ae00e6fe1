import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStateMachineArn, startSfnEndpoint, type SfnEndpoint } from '../../local/sfn-endpoint.ts';

/**
 * Every path of statemachines/lead-import.asl.json as deployed, on the local endpoint,
 * with stand-in task functions scripted per import: chunk after chunk until done,
 * waiting its turn while another import holds the lock, and every failure ending in a
 * job record that says why.
 */
type Script = (call: number, payload: Record<string, unknown>) => unknown;
interface Call {
  functionName: string;
  payload: Record<string, unknown>;
}

let endpoint: SfnEndpoint;
let client: SFNClient;
/** Every call, of every import: each test reads its own import's (the tests run at the same time). */
const calls: Call[] = [];
const scripts = new Map<string, Record<string, Script>>();

const failure = (name: string, message: string) => Object.assign(new Error(message), { name });

beforeAll(async () => {
  endpoint = await startSfnEndpoint({
    port: 0,
    now: () => new Date(),
    definitions: { 'lead-import': 'file:statemachines/lead-import.asl.json' },
    invoke: async (functionName, payload) => {
      const input = payload as Record<string, unknown>;
      calls.push({ functionName, payload: input });
      const script = scripts.get(String(input.importId))?.[functionName];
      const count = calls.filter((call) => call.functionName === functionName && call.payload.importId === input.importId).length;
      return script ? script(count, input) : {};
    },
  });
  client = new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

let counter = 0;
const start = async (script: Record<string, Script>) => {
  counter += 1;
  const importId = `imp_workflow_${counter}`;
  scripts.set(importId, script);
  const started = await client.send(
    new StartExecutionCommand({ stateMachineArn: localStateMachineArn('lead-import'), name: importId, input: JSON.stringify({ importId }) }),
  );
  return { importId, executionArn: started.executionArn ?? '' };
};

const finished = async (executionArn: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    if (Date.now() > deadline) throw new Error('still running');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const steps = (importId: string) => calls.filter((call) => call.payload.importId === importId).map((call) => call.functionName);

/** A chunk step that reports `chunks` chunks, one per call. */
const chunks = (total: number): Script => (call) => ({ done: call >= total, chunksDone: call, chunks: total });
const finishes: Script = () => ({ status: 'Completed', partnersNotified: 2 });

describe.concurrent('lead import workflow', () => {
  it('imports chunk after chunk until the file is done, then tells the Partner Contacts once', async () => {
    // Prepare + Act
    const { importId, executionArn } = await start({ 'lead-import-chunk': chunks(3), 'lead-import-finish': finishes });

    // Assess
    const execution = await finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(steps(importId)).toEqual(['lead-import-chunk', 'lead-import-chunk', 'lead-import-chunk', 'lead-import-finish']);
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ importId, progress: { done: true, chunksDone: 3, chunks: 3 }, outcome: { status: 'Completed', partnersNotified: 2 } });
  });

  it('waits its turn while another import holds the lock, then runs', async () => {
    // Prepare + Act: the first attempt finds the lock taken
    const { importId, executionArn } = await start({
      'lead-import-chunk': (call) => {
        if (call === 1) throw failure('Leads.ImportBusy', 'Import imp_other is running');
        return { done: true, chunksDone: 1, chunks: 1 };
      },
      'lead-import-finish': finishes,
    });

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(steps(importId)).toEqual(['lead-import-chunk', 'lead-import-chunk', 'lead-import-finish']);
  }, 30_000);

  it('a chunk that keeps failing after its retries ends the import as Failed, the job told why', async () => {
    // Prepare + Act
    const { importId, executionArn } = await start({
      'lead-import-chunk': () => {
        throw failure('ProvisionedThroughputExceededException', 'Throughput exceeded');
      },
    });

    // Assess
    const execution = await finished(executionArn);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('LeadImportFailed');
    expect(steps(importId)).toEqual(['lead-import-chunk', 'lead-import-chunk', 'lead-import-chunk', 'lead-import-failed']);
    const recorded = calls.find((call) => call.functionName === 'lead-import-failed' && call.payload.importId === importId)?.payload;
    expect(recorded).toMatchObject({ importId, error: { Error: 'ProvisionedThroughputExceededException' } });
  }, 30_000);

  it('an email that fails once is retried, and the import completes', async () => {
    // Prepare + Act
    const { importId, executionArn } = await start({
      'lead-import-chunk': chunks(1),
      'lead-import-finish': (call) => {
        if (call === 1) throw failure('MessageRejected', 'SES is unavailable');
        return { status: 'Completed', partnersNotified: 1 };
      },
    });

    // Assess
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    expect(steps(importId)).toEqual(['lead-import-chunk', 'lead-import-finish', 'lead-import-finish']);
  }, 30_000);
});
