import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { localFunctionArn, localSubstitutions, startSfnEndpoint, substituteDefinition, type SfnEndpoint } from '../../local/sfn-endpoint.ts';

// ---------------------------------------------------------------------------------------------
// A small approval workflow: one level decided through a task token, then a plain Lambda call.

const approvalAsl = JSON.stringify({
  Comment: 'Test workflow for the local Step Functions endpoint',
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: '${AskFunctionArn}',
        Payload: {
          'id.$': '$.id',
          'taskToken.$': '$$.Task.Token',
          'link.$': "States.Format('https://approvals.example/decide?t={}', $$.Task.Token)",
        },
      },
      TimeoutSecondsPath: '$.timeoutSeconds',
      ResultPath: '$.decision',
      Catch: [
        { ErrorEquals: ['Denied'], ResultPath: '$.denial', Next: 'Denied' },
        // Listed before States.Timeout on purpose: in AWS, States.TaskFailed does not match a timeout.
        { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Broken' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'NotDecided' },
      ],
      Next: 'Tell',
    },
    Tell: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${TellFunctionArn}', Payload: { 'id.$': '$.id', 'decision.$': '$.decision' } },
      ResultSelector: { 'receipt.$': '$.Payload.receipt', 'status.$': '$.StatusCode' },
      ResultPath: '$.told',
      Catch: [{ ErrorEquals: ['Unreachable'], ResultPath: '$.failure', Next: 'PartnerUnreachable' }],
      End: true,
    },
    Denied: { Type: 'Pass', Result: 'denied', ResultPath: '$.outcome', End: true },
    Broken: { Type: 'Pass', Result: 'broken', ResultPath: '$.outcome', End: true },
    NotDecided: { Type: 'Pass', Result: 'not-decided', ResultPath: '$.outcome', End: true },
    PartnerUnreachable: { Type: 'Fail', Error: 'PartnerUnreachable', Cause: 'The partner could not be told' },
  },
});

/** Ends on its own after an hour on the clock, while waiting for a decision that never comes. */
const deadlineAsl = JSON.stringify({
  StartAt: 'Ask',
  TimeoutSeconds: 3600,
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: '${AskFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token' } },
      End: true,
    },
  },
});

const testSubstitutions = { AskFunctionArn: localFunctionArn('ask'), TellFunctionArn: localFunctionArn('tell') };
const testDefinitions = { 'test-approval': approvalAsl, 'test-deadline': deadlineAsl };

const DAY = 24 * 3600;

// ---------------------------------------------------------------------------------------------
// Harness

interface Call {
  functionName: string;
  payload: Record<string, unknown>;
}

/** Fake Lambda functions: records every call; `behaviour[name]` decides what a call returns or throws. */
const fakeFunctions = () => {
  const calls: Call[] = [];
  const behaviour: Record<string, (payload: Record<string, unknown>) => Promise<unknown>> = {};
  return {
    calls,
    behaviour,
    callsOf: (name: string) => calls.filter((c) => c.functionName === name),
    invoke: async (functionName: string, payload: unknown): Promise<unknown> => {
      calls.push({ functionName, payload: payload as Record<string, unknown> });
      const run = behaviour[functionName];
      return run ? run(payload as Record<string, unknown>) : { receipt: `${functionName}-receipt` };
    },
  };
};

/** A clock that only moves when told to. */
const movableClock = () => {
  let ms = Date.parse('2026-03-02T09:00:00.000Z');
  return { now: () => new Date(ms), advanceSeconds: (s: number) => (ms += s * 1000), ms: () => ms };
};

const running: { endpoint: SfnEndpoint; client: SFNClient }[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  for (const { endpoint, client } of running.splice(0)) {
    client.destroy();
    await endpoint.close();
  }
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const sfnClient = (url: string) =>
  new SFNClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

const startStack = async (
  options: {
    definitions?: Record<string, string> | null;
    stateFile?: string;
    functions?: ReturnType<typeof fakeFunctions>;
    clock?: ReturnType<typeof movableClock>;
  } = {},
) => {
  const functions = options.functions ?? fakeFunctions();
  const clock = options.clock ?? movableClock();
  const endpoint = await startSfnEndpoint({
    port: 0,
    invoke: functions.invoke,
    now: clock.now,
    ...(options.definitions === null ? {} : { definitions: options.definitions ?? testDefinitions, substitutions: testSubstitutions }),
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
  });
  const client = sfnClient(endpoint.url);
  running.push({ endpoint, client });
  return { endpoint, client, functions, clock };
};

const tempStateFile = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sfn-endpoint-'));
  tempDirs.push(dir);
  return join(dir, 'executions.json');
};

/** Retries `check` every few milliseconds until it passes (at most 3 s). */
const eventually = async <T>(check: () => T | Promise<T>, timeoutMs = 3000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
};

const describeExecution = (client: SFNClient, executionArn: string) => client.send(new DescribeExecutionCommand({ executionArn }));

const finished = (client: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> =>
  eventually(async () => {
    const described = await describeExecution(client, executionArn);
    expect(described.status).not.toBe('RUNNING');
    return described;
  });

/** The payload of the `n`-th call (1-based) of a function, once it has happened. */
const nthCall = (functions: ReturnType<typeof fakeFunctions>, name: string, n = 1) =>
  eventually(() => {
    const call = functions.callsOf(name)[n - 1];
    expect(call).toBeDefined();
    return call!.payload;
  });

const tokenOf = async (functions: ReturnType<typeof fakeFunctions>, n = 1) => String((await nthCall(functions, 'ask', n)).taskToken);

const startApproval = async (client: SFNClient, endpoint: SfnEndpoint, input: object, name?: string) =>
  client.send(
    new StartExecutionCommand({
      stateMachineArn: endpoint.stateMachineArn('test-approval'),
      input: JSON.stringify(input),
      ...(name ? { name } : {}),
    }),
  );

const errorNameOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected the call to fail');
};

// ---------------------------------------------------------------------------------------------

describe('local Step Functions endpoint: executions', () => {
  it('starts an execution, describes it while it waits and after it succeeded', async () => {
    // Prepare
    const { client, endpoint, functions, clock } = await startStack();

    // Act
    const started = await startApproval(client, endpoint, { id: 'req-1', timeoutSeconds: 600 }, 'req-1');
    const token = await tokenOf(functions);
    const whileWaiting = await describeExecution(client, started.executionArn!);
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: 'cmm' }) }));
    const done = await finished(client, started.executionArn!);

    // Assess
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:test-approval:req-1');
    expect(started.startDate).toEqual(clock.now());
    expect(whileWaiting).toMatchObject({
      status: 'RUNNING',
      name: 'req-1',
      stateMachineArn: endpoint.stateMachineArn('test-approval'),
      input: JSON.stringify({ id: 'req-1', timeoutSeconds: 600 }),
    });
    expect(whileWaiting.stopDate).toBeUndefined();
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stopDate).toEqual(clock.now());
    expect(JSON.parse(done.output!)).toEqual({
      id: 'req-1',
      timeoutSeconds: 600,
      decision: { approvedBy: 'cmm' },
      told: { receipt: 'tell-receipt', status: 200 },
    });
    expect(functions.callsOf('tell')[0]!.payload).toEqual({ id: 'req-1', decision: { approvedBy: 'cmm' } });
  });

  it('runs the real MDF approval definition with the manifest substitutions', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack({ definitions: null });
    const input = { requestId: 'mdf-7', decisionTimeoutSeconds: 30 * DAY, flexi: false };

    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: endpoint.stateMachineArn('mdf-request-approval'), input: JSON.stringify(input) }),
    );
    for (let level = 1; level <= 3; level++) {
      const payload = await nthCall(functions, 'ask-approver', level);
      await client.send(new SendTaskSuccessCommand({ taskToken: String(payload.taskToken), output: '{}' }));
    }
    const done = await finished(client, executionArn!);

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(functions.callsOf('ask-approver').map((c) => c.payload.level)).toEqual(['cmm', 'marketing-lead', 'program-manager']);
    expect(functions.callsOf('mdf-tell-partner').map((c) => c.payload)).toEqual([
      { requestId: 'mdf-7', outcome: 'received' },
      { requestId: 'mdf-7', outcome: 'approved' },
    ]);
    expect(localSubstitutions()).toMatchObject({ AskApproverFunctionArn: localFunctionArn('ask-approver') });
  });

  it('answers a second start with the same name and input while running with the same execution', async () => {
    // Prepare
    const { client, endpoint, clock } = await startStack();
    const first = await startApproval(client, endpoint, { id: 'a', timeoutSeconds: 60 }, 'same-name');
    clock.advanceSeconds(5);

    // Act
    const second = await startApproval(client, endpoint, { id: 'a', timeoutSeconds: 60 }, 'same-name');

    // Assess
    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate).toEqual(first.startDate);
    expect(endpoint.executions()).toHaveLength(1);
  });

  it('refuses the same name with another input, or once the first execution closed, with ExecutionAlreadyExists', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack();
    const first = await startApproval(client, endpoint, { id: 'a', timeoutSeconds: 60 }, 'taken');

    // Act
    const otherInput = await errorNameOf(startApproval(client, endpoint, { id: 'b', timeoutSeconds: 60 }, 'taken'));
    await client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(functions), output: '{}' }));
    await finished(client, first.executionArn!);
    const afterClose = await errorNameOf(startApproval(client, endpoint, { id: 'a', timeoutSeconds: 60 }, 'taken'));

    // Assess
    expect(otherInput).toBe('ExecutionAlreadyExists');
    expect(afterClose).toBe('ExecutionAlreadyExists');
  });

  it('names unknown machines, unknown executions, bad ARNs, names and inputs with the AWS error codes', async () => {
    // Prepare
    const { client, endpoint } = await startStack();
    const start = (stateMachineArn: string, extra: { name?: string; input?: string } = {}) =>
      errorNameOf(client.send(new StartExecutionCommand({ stateMachineArn, ...extra })));

    // Act
    const errors = {
      unknownMachine: await start('arn:aws:states:us-east-1:000000000000:stateMachine:nope'),
      badMachineArn: await start('not-an-arn'),
      badName: await start(endpoint.stateMachineArn('test-approval'), { name: 'has space' }),
      badInput: await start(endpoint.stateMachineArn('test-approval'), { input: '{not json' }),
      unknownExecution: await errorNameOf(describeExecution(client, 'arn:aws:states:us-east-1:000000000000:execution:test-approval:nope')),
      badExecutionArn: await errorNameOf(describeExecution(client, 'arn:nope')),
      unknownOperation: await errorNameOf(client.send(new ListStateMachinesCommand({}))),
    };

    // Assess
    expect(errors).toEqual({
      unknownMachine: 'StateMachineDoesNotExist',
      badMachineArn: 'InvalidArn',
      badName: 'InvalidName',
      badInput: 'InvalidExecutionInput',
      unknownExecution: 'ExecutionDoesNotExist',
      badExecutionArn: 'InvalidArn',
      unknownOperation: 'UnknownOperationException',
    });
  });

  it('is reached by a default client through the standard AWS_ENDPOINT_URL_SFN variable', async () => {
    // Prepare
    const { endpoint, functions } = await startStack();
    const saved = process.env.AWS_ENDPOINT_URL_SFN;
    process.env.AWS_ENDPOINT_URL_SFN = endpoint.url;
    const client = new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

    try {
      // Act
      const { executionArn } = await startApproval(client, endpoint, { id: 'env', timeoutSeconds: 60 });
      await tokenOf(functions);

      // Assess
      expect((await describeExecution(client, executionArn!)).status).toBe('RUNNING');
    } finally {
      client.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SFN;
      else process.env.AWS_ENDPOINT_URL_SFN = saved;
    }
  });

  it('runs hundreds of executions at once', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack();
    const count = 300;

    // Act
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) => startApproval(client, endpoint, { id: `r${i}`, timeoutSeconds: 60 }, `many-${i}`)),
    );
    await eventually(() => expect(functions.callsOf('ask')).toHaveLength(count));
    await Promise.all(
      functions.callsOf('ask').map((c) => client.send(new SendTaskSuccessCommand({ taskToken: String(c.payload.taskToken), output: '{}' }))),
    );
    await eventually(() => expect(endpoint.executions().filter((e) => e.status === 'SUCCEEDED')).toHaveLength(count));

    // Assess
    expect(new Set(started.map((s) => s.executionArn)).size).toBe(count);
    expect(functions.callsOf('tell')).toHaveLength(count);
  });
});

describe('local Step Functions endpoint: task tokens', () => {
  it('puts a fresh token wherever the task reads $$.Task.Token', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack();

    // Act
    await startApproval(client, endpoint, { id: 'a', timeoutSeconds: 60 });
    await startApproval(client, endpoint, { id: 'b', timeoutSeconds: 60 });
    const first = await nthCall(functions, 'ask', 1);
    const second = await nthCall(functions, 'ask', 2);

    // Assess
    expect(String(first.taskToken).length).toBeGreaterThan(64);
    expect(first.link).toBe(`https://approvals.example/decide?t=${String(first.taskToken)}`);
    expect(second.taskToken).not.toBe(first.taskToken);
    expect(JSON.stringify(functions.calls)).not.toContain('__local-sfn-task-token__');
  });

  it('fails the waiting task with the error named in SendTaskFailure, so Catch routes on that name', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack();
    const { executionArn } = await startApproval(client, endpoint, { id: 'd', timeoutSeconds: 60 });

    // Act
    await client.send(new SendTaskFailureCommand({ taskToken: await tokenOf(functions), error: 'Denied', cause: 'Out of budget' }));
    const done = await finished(client, executionArn!);

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'denied', denial: { Error: 'Denied', Cause: 'Out of budget' } });
    expect(functions.callsOf('tell')).toHaveLength(0);
  });

  it('fails a task under the name of the error its function threw', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack();
    functions.behaviour.ask = async () => {
      throw Object.assign(new Error('mail server down'), { name: 'Exploded' });
    };
    functions.behaviour.tell = async () => {
      throw Object.assign(new Error('no address'), { name: 'Unreachable' });
    };

    // Act
    const askFails = await startApproval(client, endpoint, { id: 'x', timeoutSeconds: 60 });
    const askDone = await finished(client, askFails.executionArn!);
    functions.behaviour.ask = async () => ({});
    const tellFails = await startApproval(client, endpoint, { id: 'y', timeoutSeconds: 60 });
    await client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(functions, 2), output: '{}' }));
    const tellDone = await finished(client, tellFails.executionArn!);

    // Assess
    expect(JSON.parse(askDone.output!)).toMatchObject({
      outcome: 'broken',
      failure: { Error: 'Exploded', Cause: JSON.stringify({ errorType: 'Exploded', errorMessage: 'mail server down' }) },
    });
    expect(tellDone).toMatchObject({ status: 'FAILED', error: 'PartnerUnreachable', cause: 'The partner could not be told' });
  });

  it('answers TaskTimedOut to a second answer on the same token, and to a heartbeat after it', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack();
    await startApproval(client, endpoint, { id: 'twice', timeoutSeconds: 60 });
    const taskToken = await tokenOf(functions);

    // Act
    await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    await client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    const again = await errorNameOf(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));
    const failAfter = await errorNameOf(client.send(new SendTaskFailureCommand({ taskToken, error: 'Denied' })));
    const heartbeatAfter = await errorNameOf(client.send(new SendTaskHeartbeatCommand({ taskToken })));

    // Assess
    expect([again, failAfter, heartbeatAfter]).toEqual(['TaskTimedOut', 'TaskTimedOut', 'TaskTimedOut']);
  });

  it('answers InvalidToken to garbage or forged tokens and InvalidOutput to output that is not JSON', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack();
    await startApproval(client, endpoint, { id: 'g', timeoutSeconds: 60 });
    const taskToken = await tokenOf(functions);
    const forged = `${taskToken.split('.')[0]}.${'A'.repeat(64)}`;

    // Act
    const garbage = await errorNameOf(client.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })));
    const forgedAnswer = await errorNameOf(client.send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' })));
    const notJson = await errorNameOf(client.send(new SendTaskSuccessCommand({ taskToken, output: 'approved' })));
    const heartbeat = await errorNameOf(client.send(new SendTaskHeartbeatCommand({ taskToken: 'garbage' })));

    // Assess
    expect({ garbage, forgedAnswer, notJson, heartbeat }).toEqual({
      garbage: 'InvalidToken',
      forgedAnswer: 'InvalidToken',
      notJson: 'InvalidOutput',
      heartbeat: 'InvalidToken',
    });
  });

  it('stops an execution as ABORTED with its error and cause, after which its token is dead', async () => {
    // Prepare
    const { client, endpoint, functions, clock } = await startStack();
    const { executionArn } = await startApproval(client, endpoint, { id: 's', timeoutSeconds: 60 });
    const taskToken = await tokenOf(functions);
    clock.advanceSeconds(30);

    // Act
    const stopped = await client.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'The partner withdrew it' }));
    const answer = await errorNameOf(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));
    clock.advanceSeconds(30);
    const stoppedAgain = await client.send(new StopExecutionCommand({ executionArn }));
    await new Promise((r) => setTimeout(r, 20));
    const described = await describeExecution(client, executionArn!);

    // Assess
    expect(stopped.stopDate).toEqual(new Date(clock.ms() - 30_000));
    expect(answer).toBe('TaskTimedOut');
    expect(stoppedAgain.stopDate).toEqual(stopped.stopDate);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'The partner withdrew it', stopDate: stopped.stopDate });
    expect(described.output).toBeUndefined();
    expect(functions.callsOf('tell')).toHaveLength(0);
  });
});

describe('local Step Functions endpoint: time', () => {
  it('times a 30-day task out only once the movable clock passes its deadline, as States.Timeout', async () => {
    // Prepare
    const { client, endpoint, functions, clock } = await startStack();
    const { executionArn } = await startApproval(client, endpoint, { id: 't', timeoutSeconds: 30 * DAY });
    const taskToken = await tokenOf(functions);

    // Act
    await new Promise((r) => setTimeout(r, 200));
    endpoint.checkTimeouts();
    const beforeDeadline = await describeExecution(client, executionArn!);
    clock.advanceSeconds(30 * DAY - 1);
    endpoint.checkTimeouts();
    await new Promise((r) => setTimeout(r, 20));
    const justBefore = await describeExecution(client, executionArn!);
    clock.advanceSeconds(2);
    endpoint.checkTimeouts();
    const done = await finished(client, executionArn!);
    const lateAnswer = await errorNameOf(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));

    // Assess
    expect(beforeDeadline.status).toBe('RUNNING');
    expect(justBefore.status).toBe('RUNNING');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'not-decided', timeout: { Error: 'States.Timeout' } });
    expect(lateAnswer).toBe('TaskTimedOut');
  });

  it("times the whole execution out on the clock after the machine's TimeoutSeconds", async () => {
    // Prepare
    const { client, endpoint, functions, clock } = await startStack();
    const { executionArn, startDate } = await client.send(
      new StartExecutionCommand({ stateMachineArn: endpoint.stateMachineArn('test-deadline'), input: '{}' }),
    );
    const taskToken = await tokenOf(functions);

    // Act
    clock.advanceSeconds(3601);
    endpoint.checkTimeouts();
    const described = await describeExecution(client, executionArn!);
    const answer = await errorNameOf(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));
    const history = await eventually(async () => {
      const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
      expect(events!.at(-1)!.type).toBe('ExecutionTimedOut');
      return events!;
    });

    // Assess
    expect(described).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', stopDate: new Date(startDate!.getTime() + 3600_000) });
    expect(answer).toBe('TaskTimedOut');
    expect(history.at(-1)!.executionTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
  });
});

describe('local Step Functions endpoint: restarts', () => {
  it('resumes an execution that waited for a token: the same token completes it and the function is not called again', async () => {
    // Prepare
    const stateFile = await tempStateFile();
    const clock = movableClock();
    const before = await startStack({ stateFile, clock });
    const { executionArn } = await startApproval(before.client, before.endpoint, { id: 'r', timeoutSeconds: 600 }, 'survivor');
    const taskToken = await tokenOf(before.functions);
    await before.endpoint.close();

    // Act
    const after = await startStack({ stateFile, clock });
    const resumed = await describeExecution(after.client, executionArn!);
    await after.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approvedBy: 'lead' }) }));
    const done = await finished(after.client, executionArn!);
    const { events } = await eventually(async () => {
      const history = await after.client.send(new GetExecutionHistoryCommand({ executionArn }));
      expect(history.events!.at(-1)!.type).toBe('ExecutionSucceeded');
      return history;
    });

    // Assess
    expect(resumed).toMatchObject({ status: 'RUNNING', name: 'survivor', input: JSON.stringify({ id: 'r', timeoutSeconds: 600 }) });
    expect(events!.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ id: 'r', decision: { approvedBy: 'lead' }, told: { receipt: 'tell-receipt' } });
    expect(before.functions.callsOf('ask')).toHaveLength(1);
    expect(after.functions.callsOf('ask')).toHaveLength(0);
    expect(after.functions.callsOf('tell')).toHaveLength(1);
  });

  it('keeps the deadline of a resumed wait on the clock', async () => {
    // Prepare
    const stateFile = await tempStateFile();
    const clock = movableClock();
    const before = await startStack({ stateFile, clock });
    const { executionArn } = await startApproval(before.client, before.endpoint, { id: 'late', timeoutSeconds: 2 * DAY }, 'late');
    await tokenOf(before.functions);
    clock.advanceSeconds(DAY);
    await before.endpoint.close();

    // Act
    const after = await startStack({ stateFile, clock });
    clock.advanceSeconds(DAY - 10);
    after.endpoint.checkTimeouts();
    await new Promise((r) => setTimeout(r, 20));
    const stillWaiting = await describeExecution(after.client, executionArn!);
    clock.advanceSeconds(11);
    after.endpoint.checkTimeouts();
    const done = await finished(after.client, executionArn!);

    // Assess
    expect(stillWaiting.status).toBe('RUNNING');
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'not-decided' });
  });

  it('closes an execution that was running a Lambda at shutdown as FAILED Local.Restarted, and keeps finished ones', async () => {
    // Prepare
    const stateFile = await tempStateFile();
    const before = await startStack({ stateFile });
    before.functions.behaviour.tell = () => new Promise(() => {});
    const finishedEarlier = await startApproval(before.client, before.endpoint, { id: 'f', timeoutSeconds: 60 }, 'denied-earlier');
    await before.client.send(new SendTaskFailureCommand({ taskToken: await tokenOf(before.functions, 1), error: 'Denied' }));
    await finished(before.client, finishedEarlier.executionArn!);
    const interrupted = await startApproval(before.client, before.endpoint, { id: 'i', timeoutSeconds: 60 }, 'interrupted');
    await before.client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(before.functions, 2), output: '{}' }));
    await nthCall(before.functions, 'tell');
    await before.endpoint.close();

    // Act
    const after = await startStack({ stateFile });
    const closed = await describeExecution(after.client, interrupted.executionArn!);
    const kept = await describeExecution(after.client, finishedEarlier.executionArn!);
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { executions: unknown[] };

    // Assess
    expect(closed).toMatchObject({ status: 'FAILED', error: 'Local.Restarted' });
    expect(kept).toMatchObject({ status: 'SUCCEEDED' });
    expect(JSON.parse(kept.output!)).toMatchObject({ outcome: 'denied' });
    expect(saved.executions).toHaveLength(2);
  });
});

describe('local Step Functions endpoint: history', () => {
  it('returns the state transitions in GetExecutionHistory and the raw event logs in-process', async () => {
    // Prepare
    const { client, endpoint, functions } = await startStack();
    const { executionArn } = await startApproval(client, endpoint, { id: 'h', timeoutSeconds: 60 });
    await client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(functions), output: '{"ok":true}' }));
    await finished(client, executionArn!);

    // Act
    const { events } = await eventually(async () => {
      const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));
      expect(history.events!.at(-1)!.type).toBe('ExecutionSucceeded');
      return history;
    });
    const reversed = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 2 }));
    const raw = endpoint.executions().find((e) => e.executionArn === executionArn)!;

    // Assess
    expect(events!.map((e) => [e.type, e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name])).toEqual([
      ['ExecutionStarted', undefined],
      ['TaskStateEntered', 'Ask'],
      ['TaskStateExited', 'Ask'],
      ['TaskStateEntered', 'Tell'],
      ['TaskStateExited', 'Tell'],
      ['ExecutionSucceeded', undefined],
    ]);
    expect(events!.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events![0]!.timestamp).toBeInstanceOf(Date);
    expect(JSON.parse(events![2]!.stateExitedEventDetails!.output!)).toMatchObject({ decision: { ok: true } });
    expect(reversed.events!.map((e) => e.type)).toEqual(['ExecutionSucceeded', 'TaskStateExited']);
    expect(reversed.nextToken).toBeDefined();
    expect(raw.events.filter((e) => e.type === 'StateEntered')).toHaveLength(2);
    expect(raw.status).toBe('SUCCEEDED');
  });
});

describe('local Step Functions endpoint: definitions', () => {
  it('substitutes ${placeholders} like DefinitionSubstitutions and fails loudly on one left over', async () => {
    // Prepare
    const text = '{"a":"${One}","b":"${One}-${Two}"}';

    // Act
    const substituted = substituteDefinition(text, { One: '1', Two: '2' });
    const missing = () => substituteDefinition(text, { One: '1' }, 'statemachines/x.asl.json');
    const starting = startSfnEndpoint({
      port: 0,
      invoke: async () => ({}),
      now: () => new Date(),
      definitions: { broken: approvalAsl },
      substitutions: { AskFunctionArn: localFunctionArn('ask') },
    });

    // Assess
    expect(substituted).toBe('{"a":"1","b":"1-2"}');
    expect(missing).toThrow('statemachines/x.asl.json: no substitution for ${Two}');
    await expect(starting).rejects.toThrow('no substitution for ${TellFunctionArn}');
  });
});
