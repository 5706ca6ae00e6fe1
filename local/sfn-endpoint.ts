/**
 * A local AWS Step Functions endpoint: answers the AWS JSON 1.0 protocol that the real
 * `SFNClient` speaks (point it here with `AWS_ENDPOINT_URL_SFN`), and runs the real
 * `statemachines/*.asl.json` files with `aws-local-stepfunctions`. Nothing in `functions/`
 * knows it is local.
 *
 * Operations: StartExecution, DescribeExecution, StopExecution, SendTaskSuccess,
 * SendTaskFailure, SendTaskHeartbeat, GetExecutionHistory. Anything else answers
 * 400 `UnknownOperationException`.
 *
 * Task states run through `overrides.taskResourceLocalHandlers`:
 * - `arn:aws:states:::lambda:invoke` calls `invoke(functionName, Payload)` and returns the
 *   integration's shape `{ Payload, StatusCode: 200, ExecutedVersion: '$LATEST' }`;
 * - `arn:aws:states:::lambda:invoke.waitForTaskToken` mints a task token, puts it into the
 *   Payload where `$$.Task.Token` was read, calls `invoke` and waits for SendTaskSuccess or
 *   SendTaskFailure with that token;
 * - a plain Lambda function ARN calls `invoke` with the state's input and returns the result.
 * An error thrown by `invoke` fails the task with an error of the same `name`, so `Retry` and
 * `Catch` match it as they would the Lambda's `errorType` in AWS.
 *
 * Time: task timeouts (`TimeoutSeconds`/`TimeoutSecondsPath`) and the machine's top-level
 * `TimeoutSeconds` are measured on the injected, movable clock (`now`), not on real timers; see
 * `forTheLibrary` for why the library gets a slightly adjusted copy of each definition.
 * `Wait` states and `Retry` intervals still run on real time (the library's own timers).
 *
 * Restarts: with `stateFile`, executions are kept in a JSON file. An execution that was waiting
 * for a task token when the endpoint stopped is resumed on the next start: the same token works,
 * with the same deadline, and the task function is not called again (the approval email with the
 * link was already sent). An execution that was doing anything else at that moment (running a
 * Lambda, waiting in a `Wait` state or between retries, or waiting inside a Map/Parallel) cannot
 * be resumed faithfully and is closed as FAILED with error `Local.Restarted`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { taskFunctions, workflows, type WorkflowName } from '../lib/manifest.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** The pseudo ARN of a local Lambda function; its last segment is the function's manifest name. */
export const localFunctionArn = (name: string): string => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;

/** The pseudo ARN of a local state machine. */
export const localStateMachineArn = (name: string): string => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;

/** What CDK's DefinitionSubstitutions hold in the cloud, with local function ARNs: `${AskApproverFunctionArn}` → …:function:ask-approver. */
export const localSubstitutions = (): Record<string, string> =>
  Object.fromEntries(taskFunctions.map((f) => [f.substitution, localFunctionArn(f.name)]));

/**
 * Replaces `${Name}` placeholders in ASL text exactly as CDK DefinitionSubstitutions does (plain
 * text replacement), and fails if any placeholder is left without a value.
 */
export const substituteDefinition = (aslText: string, substitutions: Record<string, string>, source = 'definition'): string => {
  const missing = new Set<string>();
  const text = aslText.replace(/\$\{([^}]*)\}/g, (whole, key: string) => {
    const value = substitutions[key];
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(`${source}: no substitution for ${[...missing].map((k) => '${' + k + '}').join(', ')}`);
  }
  return text;
};

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One event of the library's `eventLogs` (timestamps moved onto the injected clock). */
export type LibraryEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** An execution as seen in-process (for benchmarks and tests). */
export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** The execution input, as the JSON text it was started with. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** The library's raw event logs, in order (ExecutionStarted, StateEntered, StateExited, …). */
  events: LibraryEvent[];
}

export interface SfnEndpointOptions {
  /** 0 = pick a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** JSON file where executions are persisted, so that a restart resumes waiting ones (omit = memory only). */
  stateFile?: string;
  /** Invokes the Lambda function named `functionName` (the local pseudo ARN's last segment) with `payload`, returns its result (or throws the error the function threw). */
  invoke: (functionName: string, payload: unknown) => Promise<unknown>;
  /** The movable clock (functions/shared/clock.ts `clock.now`). */
  now: () => Date;
  log?: (line: string) => void;
  /**
   * State machines to register instead of the ones in lib/manifest.ts `workflows` (tests): name →
   * ASL text with `${placeholders}`, `file:<path relative to rootDir>`, or a parsed definition.
   */
  definitions?: Record<string, string | object>;
  /** Extra substitutions, on top of `localSubstitutions()`. */
  substitutions?: Record<string, string>;
  /** Repository root, where `workflows[*].file` are read from. Default: the parent of local/. */
  rootDir?: string;
  /** How often timeouts are checked against `now()`; default 1000 ms. */
  timeoutCheckIntervalMs?: number;
}

export interface SfnEndpoint {
  /** `http://host:port`, the value for AWS_ENDPOINT_URL_SFN. */
  url: string;
  port: number;
  stateMachineArn(name: WorkflowName | (string & {})): string;
  /** Fails overdue tasks with `States.Timeout` (and overdue executions with TIMED_OUT). Call it right after moving the clock. */
  checkTimeouts(): void;
  /** Every execution this endpoint knows, with the library's raw event logs. */
  executions(): LocalExecution[];
  /** Stops accepting requests, persists running executions and halts their runs. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Definitions

/** Replaced by the real token in a task's Payload; `$$.Task.Token` reads it from the context object. */
const TOKEN_PLACEHOLDER = '__local-sfn-task-token__';

/**
 * Task timeout handed to the library instead of the definition's own: far beyond any real wait, and
 * below setTimeout's limit of 2^31-1 ms (2_000_000 s = 23 days).
 */
const LIBRARY_TASK_TIMEOUT_SECONDS = 2_000_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

type TaskKind = 'invoke' | 'invokeWaitForToken' | 'lambdaArn';

interface TaskInfo {
  kind: TaskKind;
  resource: string;
  /** Whether the state is in the machine's top-level `States` (not in a Map or Parallel). */
  topLevel: boolean;
  inputPath?: string | null;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
}

interface Machine {
  name: string;
  arn: string;
  /** The copy the library runs (see `forTheLibrary`). */
  definition: StateMachineDefinition;
  library: StateMachine;
  tasks: Map<string, TaskInfo>;
  topLevelStates: Set<string>;
  /** The machine's top-level TimeoutSeconds, enforced on the injected clock. */
  timeoutSeconds?: number;
  /** Copies starting at a given state, used to resume a waiting execution. */
  resumeCopies: Map<string, StateMachine>;
}

const taskKind = (resource: string, where: string): TaskKind => {
  if (resource === 'arn:aws:states:::lambda:invoke') return 'invoke';
  if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') return 'invokeWaitForToken';
  if (/^arn:aws:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(resource)) return 'lambdaArn';
  throw new Error(`${where}: the local Step Functions endpoint cannot run resource ${resource}`);
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The copy of a definition the library runs. It differs from the deployed one in one way only,
 * and only about the timer, not the flow: the library enforces a Task's timeout with a real
 * `setTimeout`, which (1) ignores our movable clock, (2) overflows above 2^31-1 ms, so a 30-day
 * timeout would fire after 1 ms, and (3) defaults to 60 s when a Task has none (AWS: 99999999 s).
 * So every Task gets a huge safe `TimeoutSeconds` here, the machine's top-level `TimeoutSeconds`
 * is removed, and the original timeouts are enforced by this endpoint against `now()`
 * (`checkTimeouts`).
 */
const forTheLibrary = (
  states: Record<string, unknown>,
  where: string,
  tasks: Map<string, TaskInfo>,
  topLevel: boolean,
): Record<string, unknown> => {
  const copy: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(states)) {
    if (!isObject(raw)) throw new Error(`${where}: state ${name} is not an object`);
    const state: Record<string, unknown> = { ...raw };
    if (state.Type === 'Task') {
      if (tasks.has(name)) throw new Error(`${where}: two Task states are named ${name}; local task handlers are keyed by state name`);
      const resource = String(state.Resource);
      const info: TaskInfo = { kind: taskKind(resource, `${where}: state ${name}`), resource, topLevel };
      if ('InputPath' in state) info.inputPath = state.InputPath as string | null;
      if (typeof state.TimeoutSeconds === 'number') info.timeoutSeconds = state.TimeoutSeconds;
      if (typeof state.TimeoutSecondsPath === 'string') info.timeoutSecondsPath = state.TimeoutSecondsPath;
      tasks.set(name, info);
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = LIBRARY_TASK_TIMEOUT_SECONDS;
    }
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      state.Branches = state.Branches.map((branch: unknown, i: number) => nested(branch, `${where}: ${name} branch ${i}`, tasks));
    }
    if (state.Type === 'Map') {
      for (const key of ['Iterator', 'ItemProcessor'] as const) {
        if (key in state) state[key] = nested(state[key], `${where}: ${name}`, tasks);
      }
    }
    copy[name] = state;
  }
  return copy;
};

const nested = (machine: unknown, where: string, tasks: Map<string, TaskInfo>): unknown => {
  if (!isObject(machine) || !isObject(machine.States)) throw new Error(`${where}: has no States`);
  return { ...machine, States: forTheLibrary(machine.States, where, tasks, false) };
};

/**
 * The library validates a definition (asl-validator) in its constructor, which takes 250-500 ms;
 * a StateMachine holds no per-run state, so one instance per definition text serves every endpoint
 * started in this process.
 */
const validated = new Map<string, StateMachine>();
const validatedMachine = (definition: StateMachineDefinition): StateMachine => {
  const key = JSON.stringify(definition);
  let machine = validated.get(key);
  if (!machine) {
    machine = new StateMachine(definition);
    validated.set(key, machine);
  }
  return machine;
};

const buildMachine = (name: string, definitionText: string, source: string): Machine => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definitionText);
  } catch (error) {
    throw new Error(`${source}: not valid JSON after substitution: ${(error as Error).message}`);
  }
  if (!isObject(parsed) || !isObject(parsed.States) || typeof parsed.StartAt !== 'string') {
    throw new Error(`${source}: not a state machine definition (StartAt and States are required)`);
  }
  if (parsed.QueryLanguage === 'JSONata') throw new Error(`${source}: JSONata is not supported locally; write JSONPath ASL`);
  const tasks = new Map<string, TaskInfo>();
  const definition = { ...parsed, States: forTheLibrary(parsed.States, source, tasks, true) } as Record<string, unknown>;
  const timeoutSeconds = typeof parsed.TimeoutSeconds === 'number' ? parsed.TimeoutSeconds : undefined;
  delete definition.TimeoutSeconds;
  let library: StateMachine;
  try {
    library = validatedMachine(definition as unknown as StateMachineDefinition);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
  return {
    name,
    arn: localStateMachineArn(name),
    definition: definition as unknown as StateMachineDefinition,
    library,
    tasks,
    topLevelStates: new Set(Object.keys(parsed.States)),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    resumeCopies: new Map(),
  };
};

const resumeCopy = (machine: Machine, stateName: string): StateMachine => {
  let copy = machine.resumeCopies.get(stateName);
  if (!copy) {
    // Derived from a definition the library already validated; only StartAt differs.
    copy = new StateMachine({ ...machine.definition, StartAt: stateName }, { validationOptions: { noValidate: true } });
    machine.resumeCopies.set(stateName, copy);
  }
  return copy;
};

// ---------------------------------------------------------------------------------------------
// Errors

/** An error answered to the API caller: HTTP 400, `{"__type": code, "message": …}`. */
class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Ends a halted run (StopExecution, execution timeout, close): neither `Retry` nor `Catch` may
 * match it (the library reads `isRetryable`/`isCatchable`), so the run leaves its current state at
 * once and clears its own timers.
 */
class HaltError extends Error {
  override name = 'Local.Halted';
  get isRetryable(): boolean {
    return false;
  }
  get isCatchable(): boolean {
    return false;
  }
}

/** `States.Runtime`, which AWS does not let `Retry`/`Catch` match either. */
class StatesRuntime extends HaltError {
  override name = 'States.Runtime';
}

/** The error a task fails with: its `name` is what `Retry`/`Catch` match, its message becomes the `Cause`. */
const namedError = (name: string, message: string): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};

/** As AWS reports a Lambda function's error: Error = errorType, Cause = JSON with errorType and errorMessage. */
const functionError = (thrown: unknown): Error => {
  const errorType = thrown instanceof Error ? thrown.name : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  return namedError(errorType, JSON.stringify({ errorType, errorMessage }));
};

/**
 * The library treats a `States.Timeout` specially only when it is an instance of its own (not
 * exported) `StatesTimeoutError`: `States.TaskFailed` in a Retry/Catch must not match a timeout.
 * So a timeout we raise must be such an instance; the class is obtained once by letting the library
 * time out a tiny Task after 1 ms.
 */
let timeoutErrorClass: Promise<(new () => Error) | undefined> | undefined;
const probeTimeoutErrorClass = (): Promise<(new () => Error) | undefined> =>
  (timeoutErrorClass ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: { Probe: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 0.001, End: true } },
      } as StateMachineDefinition,
      { validationOptions: { noValidate: true } },
    );
    try {
      await probe.run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<never>(() => {}) } } }).result;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as new () => Error;
    }
    return undefined;
  })());

// ---------------------------------------------------------------------------------------------
// Executions

interface Wait {
  stateName: string;
  /** Set for waitForTaskToken tasks. */
  token?: string;
  /** The state's raw input (before InputPath), to resume it after a restart. */
  rawInput?: Json;
  /** Epoch ms on the injected clock. */
  deadline?: number;
  topLevel: boolean;
  resolve: (value: Json) => void;
  reject: (error: Error) => void;
}

interface Execution {
  executionArn: string;
  machine: Machine;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** The machine's TimeoutSeconds as an epoch-ms deadline on the injected clock. */
  deadline?: number;
  events: LibraryEvent[];
  /** SHA-256 of every token minted for this execution (dead tokens answer TaskTimedOut, not InvalidToken). */
  issuedTokens: Set<string>;
  // Runtime only:
  waits: Set<Wait>;
  run?: { abort: () => void };
  lastEntered?: { name: string; input: Json };
  /** Set while resuming: the first call of this state re-registers the saved token instead of invoking. */
  resume?: { stateName: string; token: string; deadline?: number; rawInput: Json };
}

interface PersistedExecution {
  executionArn: string;
  stateMachineName: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  deadline?: string;
  events: LibraryEvent[];
  issuedTokens: string[];
  /** Present when the execution was waiting for a task token it can resume. */
  waiting?: { stateName: string; rawInput: Json; token: string; deadline?: string };
}

interface PersistedState {
  version: 1;
  executions: PersistedExecution[];
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

const executionArnOf = (machine: string, name: string): string =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machine}:${name}`;

const EXECUTION_ARN = /^arn:aws:states:[a-z0-9-]+:\d{12}:execution:([^:]+):([^:]+)$/;
const STATE_MACHINE_ARN = /^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/;
/** AWS: 1-80 characters, no whitespace, brackets, wildcards, listed specials or control characters. */
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** Reads a JSONPath reference path (`$`, `$.a.b`, `$['a'][0]`) from a value. */
const readPath = (path: string, value: unknown): { found: boolean; value?: unknown } => {
  if (!path.startsWith('$')) return { found: false };
  let current: unknown = value;
  const segment = /^(?:\.([A-Za-z_$][\w$-]*)|\['([^']*)'\]|\["([^"]*)"\]|\[(\d+)\])/;
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match = segment.exec(rest);
    if (!match) return { found: false };
    rest = rest.slice(match[0].length);
    const key = match[1] ?? match[2] ?? match[3];
    if (key !== undefined) {
      if (!isObject(current) || !(key in current)) return { found: false };
      current = current[key];
    } else {
      const index = Number(match[4]);
      if (!Array.isArray(current) || index >= current.length) return { found: false };
      current = current[index];
    }
  }
  return { found: true, value: current };
};

/** Puts `token` wherever the placeholder appears in string values of `value`. */
const withToken = (value: unknown, token: string): unknown => {
  if (typeof value === 'string') return value.includes(TOKEN_PLACEHOLDER) ? value.replaceAll(TOKEN_PLACEHOLDER, token) : value;
  if (Array.isArray(value)) return value.map((v) => withToken(v, token));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withToken(v, token)]));
  return value;
};

const functionNameOf = (nameOrArn: unknown): string => {
  if (typeof nameOrArn !== 'string' || nameOrArn === '') throw new StatesRuntime('The Lambda task has no FunctionName');
  const match = /(?:^|:)function:([^:]+)/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
};

const seconds = (ms: number): number => ms / 1000;
const iso = (ms: number): string => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// The endpoint

export async function startSfnEndpoint(opts: SfnEndpointOptions): Promise<SfnEndpoint> {
  const log = opts.log ?? (() => {});
  const nowMs = (): number => opts.now().getTime();
  const rootDir = opts.rootDir ?? resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const substitutions = { ...localSubstitutions(), ...opts.substitutions };
  const TimeoutError = await probeTimeoutErrorClass();
  if (!TimeoutError) log('sfn: could not obtain the library States.Timeout class; States.TaskFailed will also match timeouts');
  const timeoutError = (): Error => (TimeoutError ? new TimeoutError() : namedError('States.Timeout', 'States.Timeout'));

  // Machines ----------------------------------------------------------------------------------
  const machines = new Map<string, Machine>();
  const sources: Record<string, string | object> =
    opts.definitions ?? Object.fromEntries(Object.entries(workflows).map(([name, w]) => [name, `file:${w.file}`]));
  for (const [name, source] of Object.entries(sources)) {
    let text: string;
    let where = `state machine ${name}`;
    if (typeof source === 'string' && source.startsWith('file:')) {
      where = source.slice('file:'.length);
      text = await readFile(resolve(rootDir, where), 'utf8');
    } else {
      text = typeof source === 'string' ? source : JSON.stringify(source);
    }
    machines.set(name, buildMachine(name, substituteDefinition(text, substitutions, where), where));
  }

  // Executions --------------------------------------------------------------------------------
  const executions = new Map<string, Execution>();
  let closing = false;

  // Persistence: whole-file JSON, written atomically (temp + rename), debounced.
  let dirty = false;
  let writeTimer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;

  const serialize = (): PersistedState => ({
    version: 1,
    executions: [...executions.values()].map((e) => {
      const persisted: PersistedExecution = {
        executionArn: e.executionArn,
        stateMachineName: e.machine.name,
        name: e.name,
        input: e.input,
        status: e.status,
        startDate: iso(e.startDate),
        events: e.events,
        issuedTokens: [...e.issuedTokens],
      };
      if (e.stopDate !== undefined) persisted.stopDate = iso(e.stopDate);
      if (e.output !== undefined) persisted.output = e.output;
      if (e.error !== undefined) persisted.error = e.error;
      if (e.cause !== undefined) persisted.cause = e.cause;
      if (e.deadline !== undefined) persisted.deadline = iso(e.deadline);
      const waits = [...e.waits];
      const only = waits[0];
      if (e.status === 'RUNNING' && waits.length === 1 && only?.token && only.topLevel && only.rawInput !== undefined) {
        persisted.waiting = { stateName: only.stateName, rawInput: only.rawInput, token: only.token };
        if (only.deadline !== undefined) persisted.waiting.deadline = iso(only.deadline);
      }
      return persisted;
    }),
  });

  const writeNow = async (): Promise<void> => {
    if (!opts.stateFile) return;
    while (writing) await writing;
    if (!dirty) return;
    dirty = false;
    const file = opts.stateFile;
    const text = JSON.stringify(serialize());
    writing = (async () => {
      const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
      await mkdir(dirname(file), { recursive: true });
      await writeFile(temp, text);
      await rename(temp, file);
    })()
      .catch((error: unknown) => log(`sfn: could not write ${file}: ${(error as Error).message}`))
      .finally(() => {
        writing = undefined;
      });
    await writing;
  };

  const changed = (): void => {
    if (!opts.stateFile) return;
    dirty = true;
    if (closing || writeTimer) return;
    writeTimer = setTimeout(() => {
      writeTimer = undefined;
      void writeNow();
    }, 100);
    writeTimer.unref();
  };

  const settle = (wait: Wait, execution: Execution): boolean => {
    if (!execution.waits.delete(wait)) return false;
    changed();
    return true;
  };

  /** Rejects every pending task of an execution and aborts its run (the library then clears its timers). */
  const halt = (execution: Execution): void => {
    execution.run?.abort();
    for (const wait of [...execution.waits]) {
      execution.waits.delete(wait);
      wait.reject(new HaltError('The execution was stopped'));
    }
    execution.resume = undefined;
  };

  const close = (execution: Execution, status: ExecutionStatus, fields: { output?: string; error?: string; cause?: string; stopDate?: number }): void => {
    execution.status = status;
    execution.stopDate = fields.stopDate ?? nowMs();
    if (fields.output !== undefined) execution.output = fields.output;
    if (fields.error !== undefined) execution.error = fields.error;
    if (fields.cause !== undefined) execution.cause = fields.cause;
    changed();
    log(`sfn: ${execution.machine.name}/${execution.name} ${status}${fields.error ? ` (${fields.error})` : ''}`);
  };

  const call = (functionName: string, payload: unknown): Promise<unknown> => Promise.resolve().then(() => opts.invoke(functionName, payload));

  /** Runs one Task state (the local handler given to the library for every Task). */
  const runTask = async (execution: Execution, stateName: string, info: TaskInfo, input: unknown): Promise<Json> => {
    if (execution.status !== 'RUNNING' || closing) throw new HaltError('The execution is not running');
    const startedAt = nowMs();
    const wait = { stateName, topLevel: info.topLevel } as Wait;
    const settled = new Promise<Json>((resolve, reject) => {
      wait.resolve = resolve;
      wait.reject = reject;
    });
    // Registered at once, so that a stop or a close halts it; removed when the task settles.
    execution.waits.add(wait);

    const resume = execution.resume?.stateName === stateName ? execution.resume : undefined;
    if (resume) {
      execution.resume = undefined;
      wait.rawInput = resume.rawInput;
    } else if (info.topLevel && (info.kind === 'invokeWaitForToken' || info.timeoutSecondsPath)) {
      // The library calls this handler in the same tick as it logs StateEntered with the state's raw
      // input; one macrotask later the background consumer of eventLogs has recorded it.
      await new Promise((r) => setImmediate(r));
      if (execution.lastEntered?.name === stateName) wait.rawInput = execution.lastEntered.input;
      if (!execution.waits.has(wait)) return settled; // halted meanwhile
    }

    // The deadline, on the injected clock.
    if (resume) {
      if (resume.deadline !== undefined) wait.deadline = resume.deadline;
    } else if (info.timeoutSeconds !== undefined) {
      wait.deadline = startedAt + info.timeoutSeconds * 1000;
    } else if (info.timeoutSecondsPath) {
      // AWS reads TimeoutSecondsPath from the state input (after InputPath, before Parameters).
      let effective: unknown = wait.rawInput ?? input;
      if (wait.rawInput !== undefined && info.inputPath !== undefined) {
        effective = info.inputPath === null ? {} : readPath(info.inputPath, wait.rawInput).value;
      }
      const found = readPath(info.timeoutSecondsPath, effective);
      const timeout = found.value;
      if (!found.found || typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1) {
        settle(wait, execution);
        throw new StatesRuntime(`TimeoutSecondsPath ${info.timeoutSecondsPath} of state ${stateName} is not a positive integer`);
      }
      wait.deadline = startedAt + timeout * 1000;
    }

    const params = isObject(input) ? input : {};
    const functionName = functionNameOf(info.kind === 'lambdaArn' ? info.resource : params.FunctionName);
    const payload = info.kind === 'lambdaArn' ? input : (params.Payload ?? {});

    if (info.kind === 'invokeWaitForToken') {
      if (resume) {
        wait.token = resume.token;
        log(`sfn: ${execution.machine.name}/${execution.name} resumed waiting in ${stateName}`);
      } else {
        const token = `${Buffer.from(execution.executionArn).toString('base64url')}.${randomBytes(48).toString('base64url')}`;
        wait.token = token;
        execution.issuedTokens.add(hashToken(token));
        changed();
        call(functionName, withToken(payload, token)).catch((thrown: unknown) => {
          if (settle(wait, execution)) wait.reject(functionError(thrown));
        });
      }
      return settled;
    }

    changed();
    call(functionName, payload).then(
      (result) => {
        if (!settle(wait, execution)) return;
        const value = (result === undefined ? null : result) as Json;
        wait.resolve(info.kind === 'invoke' ? { Payload: value, StatusCode: 200, ExecutedVersion: '$LATEST' } : value);
      },
      (thrown: unknown) => {
        if (settle(wait, execution)) wait.reject(functionError(thrown));
      },
    );
    return settled;
  };

  const handlersFor = (execution: Execution): Record<string, (input: unknown) => Promise<Json>> =>
    Object.fromEntries(
      [...execution.machine.tasks].map(([stateName, info]) => [stateName, (input: unknown) => runTask(execution, stateName, info, input)]),
    );

  const consume = async (execution: Execution, events: AsyncGenerator<LibraryEvent>, resumed: boolean): Promise<void> => {
    // A resumed run starts again at the waiting state: its ExecutionStarted and its StateEntered for
    // that state are already in the history.
    const alreadyLogged = new Set<string>(resumed ? ['ExecutionStarted', 'StateEntered'] : []);
    for await (const event of events) {
      if (alreadyLogged.delete(event.type)) continue;
      const shifted = { ...event, timestamp: event.timestamp + (nowMs() - Date.now()) } as LibraryEvent;
      if (shifted.type === 'ExecutionAborted' && execution.status === 'TIMED_OUT') (shifted as { type: string }).type = 'ExecutionTimeout';
      if (shifted.type === 'ExecutionAborted' && closing) continue; // a close halts the run; the execution goes on after a restart
      execution.events.push(shifted);
      if (shifted.type === 'StateEntered' && shifted.index === undefined && execution.machine.topLevelStates.has(shifted.state.name)) {
        execution.lastEntered = { name: shifted.state.name, input: shifted.state.input as Json };
      }
    }
    changed();
  };

  const launch = (execution: Execution, library: StateMachine, input: Json, resumed: boolean): void => {
    const context = {
      Execution: {
        Id: execution.executionArn,
        Name: execution.name,
        Input: JSON.parse(execution.input) as Json,
        StartTime: iso(execution.startDate),
        RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-state-machine`,
      },
      StateMachine: { Id: execution.machine.arn, Name: execution.machine.name },
      Task: { Token: TOKEN_PLACEHOLDER },
    };
    const run = library.run(input, {
      overrides: { taskResourceLocalHandlers: handlersFor(execution) as never },
      noThrowOnAbort: true,
      context,
    });
    execution.run = run;
    void consume(execution, run.eventLogs, resumed);
    run.result.then(
      (output) => {
        if (execution.run !== run || execution.status !== 'RUNNING' || closing) return;
        close(execution, 'SUCCEEDED', { output: JSON.stringify(output ?? null) });
      },
      (error: unknown) => {
        if (execution.run !== run || execution.status !== 'RUNNING' || closing) return;
        const cause = (error as { cause?: unknown }).cause;
        const failure = cause instanceof Error ? cause : (error as Error);
        close(execution, 'FAILED', { error: failure.name, cause: failure.message });
      },
    );
  };

  const checkTimeouts = (): void => {
    if (closing) return;
    const now = nowMs();
    for (const execution of executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      if (execution.deadline !== undefined && now >= execution.deadline) {
        close(execution, 'TIMED_OUT', { error: 'States.Timeout', stopDate: execution.deadline });
        halt(execution);
        continue;
      }
      for (const wait of [...execution.waits]) {
        if (wait.deadline !== undefined && now >= wait.deadline && settle(wait, execution)) {
          log(`sfn: ${execution.machine.name}/${execution.name} ${wait.stateName} timed out`);
          wait.reject(timeoutError());
        }
      }
    }
  };

  // Restore ----------------------------------------------------------------------------------
  if (opts.stateFile) {
    let state: PersistedState | undefined;
    try {
      state = JSON.parse(await readFile(opts.stateFile, 'utf8')) as PersistedState;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${opts.stateFile}: ${(error as Error).message}`);
    }
    for (const saved of state?.executions ?? []) {
      const machine = machines.get(saved.stateMachineName);
      if (!machine) {
        log(`sfn: dropped ${saved.executionArn}: no state machine ${saved.stateMachineName}`);
        continue;
      }
      const execution: Execution = {
        executionArn: saved.executionArn,
        machine,
        name: saved.name,
        input: saved.input,
        status: saved.status,
        startDate: Date.parse(saved.startDate),
        events: saved.events ?? [],
        issuedTokens: new Set(saved.issuedTokens ?? []),
        waits: new Set(),
      };
      if (saved.stopDate) execution.stopDate = Date.parse(saved.stopDate);
      if (saved.output !== undefined) execution.output = saved.output;
      if (saved.error !== undefined) execution.error = saved.error;
      if (saved.cause !== undefined) execution.cause = saved.cause;
      if (saved.deadline) execution.deadline = Date.parse(saved.deadline);
      executions.set(execution.executionArn, execution);
      if (execution.status !== 'RUNNING') continue;
      const waiting = saved.waiting;
      if (waiting && machine.tasks.get(waiting.stateName)?.kind === 'invokeWaitForToken' && machine.topLevelStates.has(waiting.stateName)) {
        execution.resume = { stateName: waiting.stateName, token: waiting.token, rawInput: waiting.rawInput };
        if (waiting.deadline) execution.resume.deadline = Date.parse(waiting.deadline);
        execution.lastEntered = { name: waiting.stateName, input: waiting.rawInput };
        launch(execution, resumeCopy(machine, waiting.stateName), waiting.rawInput, true);
      } else {
        close(execution, 'FAILED', {
          error: 'Local.Restarted',
          cause: 'The local stack stopped while this execution was running a step that cannot be resumed (only waits for a task token are resumed)',
        });
      }
    }
    changed();
    checkTimeouts(); // waits whose deadline passed while the stack was down
  }

  // API -----------------------------------------------------------------------------------------
  const str = (body: JsonObject, key: string, required: boolean): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null) {
      if (required) throw new ApiError('ValidationException', `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (typeof value !== 'string') throw new ApiError('SerializationException', `${key} must be a string`);
    return value;
  };

  const findExecution = (arn: string): Execution => {
    if (!EXECUTION_ARN.test(arn)) throw new ApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    const execution = executions.get(arn);
    if (!execution) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  };

  const findWait = (token: string | undefined): { execution: Execution; wait: Wait } => {
    const [arnPart, secret, extra] = (token ?? '').split('.');
    if (!arnPart || !secret || extra !== undefined || token!.length > 2048) throw new ApiError('InvalidToken', 'Invalid Token');
    const execution = executions.get(Buffer.from(arnPart, 'base64url').toString('utf8'));
    if (!execution || !execution.issuedTokens.has(hashToken(token!))) throw new ApiError('InvalidToken', 'Invalid Token');
    const wait = [...execution.waits].find((w) => w.token === token);
    if (!wait) throw new ApiError('TaskTimedOut', 'Task Timed Out');
    return { execution, wait };
  };

  const describe = (e: Execution): JsonObject => {
    const out: JsonObject = {
      executionArn: e.executionArn,
      stateMachineArn: e.machine.arn,
      name: e.name,
      status: e.status,
      startDate: seconds(e.startDate),
      input: e.input,
      inputDetails: { included: true },
    };
    if (e.stopDate !== undefined) out.stopDate = seconds(e.stopDate);
    if (e.status === 'SUCCEEDED' && e.output !== undefined) {
      out.output = e.output;
      out.outputDetails = { included: true };
    }
    if (e.error) out.error = e.error;
    if (e.cause) out.cause = e.cause;
    return out;
  };

  const historyEvents = (e: Execution, includeData: boolean): JsonObject[] => {
    const data = (value: unknown): string | undefined => (includeData ? JSON.stringify(value ?? null) : undefined);
    const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
    const out: JsonObject[] = [];
    for (const event of e.events) {
      let entry: JsonObject | undefined;
      const type = (event as { type: string }).type;
      switch (event.type) {
        case 'ExecutionStarted':
          entry = { type, executionStartedEventDetails: { input: data(event.input) ?? null, roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-state-machine` } };
          break;
        case 'ExecutionSucceeded':
          entry = { type, executionSucceededEventDetails: { output: data(event.output) ?? null } };
          break;
        case 'ExecutionFailed':
          entry = { type, executionFailedEventDetails: { error: event.Error, cause: text(event.Cause) } };
          break;
        case 'ExecutionAborted':
          entry = { type, executionAbortedEventDetails: { ...(e.error ? { error: e.error } : {}), ...(e.cause ? { cause: e.cause } : {}) } };
          break;
        case 'ExecutionTimeout':
          entry = { type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: 'States.Timeout' } };
          break;
        case 'StateEntered':
          entry = { type: `${event.state.type}StateEntered`, stateEnteredEventDetails: { name: event.state.name, input: data(event.state.input) ?? null } };
          break;
        case 'StateExited':
          entry = { type: `${event.state.type}StateExited`, stateExitedEventDetails: { name: event.state.name, output: data(event.state.output) ?? null } };
          break;
        case 'StateFailed':
          if (event.state.type === 'Task') {
            const timedOut = event.Error === 'States.Timeout';
            entry = {
              type: timedOut ? 'TaskTimedOut' : 'TaskFailed',
              [timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: { resourceType: 'lambda', resource: 'invoke', error: event.Error, cause: text(event.Cause) },
            };
          }
          break;
        case 'MapIterationStarted':
        case 'MapIterationSucceeded':
        case 'MapIterationFailed': {
          const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
          entry = { type, [key]: { name: event.parentState.name, index: event.index } };
          break;
        }
        default:
          break; // StateRetried, StateCaught and Parallel branch events have no AWS counterpart
      }
      if (!entry) continue;
      const id = out.length + 1;
      out.push({ timestamp: seconds(event.timestamp), id, previousEventId: id - 1, ...entry });
    }
    return out;
  };

  const operations: Record<string, (body: JsonObject) => JsonObject> = {
    StartExecution: (body) => {
      const machineArn = str(body, 'stateMachineArn', true)!;
      const match = STATE_MACHINE_ARN.exec(machineArn);
      if (!match) throw new ApiError('InvalidArn', `Invalid Arn: '${machineArn}'`);
      const machine = machines.get(match[1]!);
      if (!machine || machine.arn !== machineArn) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${machineArn}'`);
      const name = str(body, 'name', false) ?? randomUUID();
      if (name.length < 1 || name.length > 80 || INVALID_NAME.test(name)) throw new ApiError('InvalidName', `Invalid Name: '${name}'`);
      const input = str(body, 'input', false) ?? '{}';
      let parsedInput: Json;
      try {
        parsedInput = JSON.parse(input) as Json;
      } catch {
        throw new ApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${input.slice(0, 100)}'`);
      }
      const executionArn = executionArnOf(machine.name, name);
      const existing = executions.get(executionArn);
      if (existing) {
        // AWS: same name and input while the execution is open → the same answer; otherwise ExecutionAlreadyExists.
        if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: seconds(existing.startDate) };
        throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const execution: Execution = {
        executionArn,
        machine,
        name,
        input,
        status: 'RUNNING',
        startDate: nowMs(),
        events: [],
        issuedTokens: new Set(),
        waits: new Set(),
      };
      if (machine.timeoutSeconds !== undefined) execution.deadline = execution.startDate + machine.timeoutSeconds * 1000;
      executions.set(executionArn, execution);
      changed();
      log(`sfn: ${machine.name}/${name} started`);
      launch(execution, machine.library, parsedInput, false);
      return { executionArn, startDate: seconds(execution.startDate) };
    },

    DescribeExecution: (body) => describe(findExecution(str(body, 'executionArn', true)!)),

    StopExecution: (body) => {
      const execution = findExecution(str(body, 'executionArn', true)!);
      if (execution.status === 'RUNNING') {
        const error = str(body, 'error', false);
        const cause = str(body, 'cause', false);
        close(execution, 'ABORTED', { ...(error ? { error } : {}), ...(cause ? { cause } : {}) });
        halt(execution);
      }
      return { stopDate: seconds(execution.stopDate!) };
    },

    SendTaskSuccess: (body) => {
      const output = str(body, 'output', true)!;
      const { execution, wait } = findWait(str(body, 'taskToken', true));
      let value: Json;
      try {
        value = JSON.parse(output) as Json;
      } catch {
        throw new ApiError('InvalidOutput', 'Invalid Output: the task output is not valid JSON');
      }
      settle(wait, execution);
      wait.resolve(value);
      return {};
    },

    SendTaskFailure: (body) => {
      const error = str(body, 'error', false) ?? '';
      const cause = str(body, 'cause', false) ?? '';
      const { execution, wait } = findWait(str(body, 'taskToken', true));
      settle(wait, execution);
      wait.reject(namedError(error, cause));
      return {};
    },

    SendTaskHeartbeat: (body) => {
      findWait(str(body, 'taskToken', true));
      return {};
    },

    GetExecutionHistory: (body) => {
      const execution = findExecution(str(body, 'executionArn', true)!);
      let events = historyEvents(execution, body.includeExecutionData !== false);
      if (body.reverseOrder === true) events = events.reverse();
      const maxResults = typeof body.maxResults === 'number' && body.maxResults > 0 ? Math.min(body.maxResults, 1000) : 100;
      const start = typeof body.nextToken === 'string' ? Number.parseInt(body.nextToken, 10) || 0 : 0;
      const page = events.slice(start, start + maxResults);
      const out: JsonObject = { events: page };
      if (start + maxResults < events.length) out.nextToken = String(start + maxResults);
      return out;
    },
  };

  const send = (res: ServerResponse, status: number, body: JsonObject, errorCode?: string): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...(errorCode ? { 'x-amzn-errortype': errorCode } : {}),
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 4 * 1024 * 1024) {
        send(res, 413, { __type: 'ValidationException', message: 'Request too large' }, 'ValidationException');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
    try {
      const run = req.method === 'POST' ? operations[operation] : undefined;
      if (!run) throw new ApiError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
      let body: unknown;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        throw new ApiError('SerializationException', 'The request body is not valid JSON');
      }
      if (!isObject(body)) throw new ApiError('SerializationException', 'The request body must be a JSON object');
      send(res, 200, run(body as JsonObject));
    } catch (error) {
      if (error instanceof ApiError) {
        send(res, 400, { __type: error.code, message: error.message }, error.code);
      } else {
        log(`sfn: ${operation} failed: ${(error as Error).stack ?? String(error)}`);
        send(res, 500, { __type: 'InternalFailure', message: 'Internal error in the local Step Functions endpoint' }, 'InternalFailure');
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`sfn: request failed: ${(error as Error).message}`);
      if (res.headersSent) res.destroy();
      else send(res, 500, { __type: 'InternalFailure', message: 'Internal error in the local Step Functions endpoint' }, 'InternalFailure');
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  const interval = setInterval(checkTimeouts, opts.timeoutCheckIntervalMs ?? 1000);
  interval.unref();
  log(`sfn: listening on ${url} (${[...machines.keys()].join(', ')})`);

  return {
    url,
    port,
    stateMachineArn: (name) => localStateMachineArn(name),
    checkTimeouts,
    executions: () =>
      [...executions.values()].map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.machine.arn,
        name: e.name,
        status: e.status,
        startDate: new Date(e.startDate),
        ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
        input: e.input,
        ...(e.output !== undefined ? { output: e.output } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.cause !== undefined ? { cause: e.cause } : {}),
        events: [...e.events],
      })),
    close: async () => {
      if (closing) return;
      clearInterval(interval);
      // Let handlers that are registering a wait finish, then persist before halting the runs.
      await new Promise((r) => setImmediate(r));
      closing = true;
      if (writeTimer) clearTimeout(writeTimer);
      writeTimer = undefined;
      dirty = true;
      await writeNow();
      for (const execution of executions.values()) if (execution.status === 'RUNNING') halt(execution);
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}
