/** What each benchmark script writes (JSON) and bench/run.ts reads to write bench/README.md. */

export interface InputBytes {
  path: string;
  bytes: number;
}

export interface BundleFigure {
  name: string;
  entry: string;
  file: string;
  sizeBytes: number;
  sizeKB: number;
  gzipKB: number;
  modules: number;
  /** The package with the most bytes in this bundle (node_modules name, or `(this repository)`). */
  topPackage: InputBytes;
  medianLoadMs?: number;
  /** Interquartile range of the load times: how noisy the median is. */
  loadP25Ms?: number;
  loadP75Ms?: number;
  loadRatio?: number;
  loadSamples: number;
  loadErrors: string[];
}

export interface BundleResults {
  esbuildVersion: string;
  repetitions: number;
  /** No new repetition starts after this many seconds of loading, once minRepetitions are done. */
  loadBudgetSeconds: number;
  minRepetitions: number;
  targets: { sizeKB: number; loadRatio: number };
  bare: { specifier: string; resolved: string; medianLoadMs: number; loadP25Ms: number; loadP75Ms: number; loadSamples: number; loadErrors: string[] };
  bundles: BundleFigure[];
  aboveSizeTarget: string[];
  aboveLoadTarget: string[];
  /** Functions whose bundle threw while loading (at least once). */
  failedToLoad: string[];
  largest: { name: string; topModules: InputBytes[]; topPackages: InputBytes[] };
}

export interface LatencySummary {
  calls: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export type SubmitOperation = 'handler' | 'handlerWithIdempotencyKey' | 'raw' | 'rawAndStartExecution';

export interface SubmitResults {
  rounds: number;
  warmupRounds: number;
  pauseMs: number;
  seconds: number;
  targets: { p50Ratio: number; p99Ratio: number };
  figures: Record<SubmitOperation, LatencySummary>;
  ratios: {
    handlerVsRaw: { p50: number; p99: number };
    handlerWithIdempotencyKeyVsRaw: { p50: number; p99: number };
    handlerVsRawAndStartExecution: { p50: number; p99: number };
  };
  checks: {
    handlerCalls: number;
    non201Answers: number;
    firstFailure?: string | undefined;
    executionsStartedByHandler: number;
    /** DynamoDB operations of one call, in the order they were sent (recorded once, before the timed rounds). */
    dynamoOperations: { handler: string[]; handlerWithIdempotencyKey: string[]; raw: string[] };
  };
}

export interface TransitionPath {
  path: string;
  description: string;
  status: string;
  transitions: number;
  statesEntered: number;
  retries: number;
  states: string[];
  historyEvents: number;
  usdPerExecution: number;
  usdPerMillionExecutions: number;
}

export interface TransitionResults {
  definition: string;
  targets: { transitions: number };
  usdPer1000Transitions: number;
  approverTasksCalled: number;
  paths: TransitionPath[];
}

export interface SweepKindCounts {
  itemsRead: number;
  done: number;
  skipped: number;
  failed: number;
}

/** One run of the due-work sweep, as counted on the product's DynamoDB and SES clients, with the sweep's own report. */
export interface SweepRun {
  label: string;
  /** The kind of due work the benchmark is about. */
  kind: string;
  itemsDue: number;
  ms: number;
  /** The sweep's report for `kind`. */
  report: SweepKindCounts;
  /** The sweep's report for the other kinds of due work. */
  otherKinds: Record<string, SweepKindCounts>;
  /** Queries of the due index (every kind) and the items they read (ScannedCount). */
  dueQueries: number;
  dueItemsRead: number;
  dueQueriesOfKind: number;
  dueItemsReadOfKind: number;
  /** dueItemsRead ÷ itemsDue (undefined when nothing is due). */
  readRatio?: number | undefined;
  scans: number;
  scannedByScans: number;
  /** DynamoDB commands by name. */
  commands: Record<string, number>;
  /** Errors DynamoDB answered, by name (e.g. ConditionalCheckFailedException). */
  errors: Record<string, number>;
  /** Queries that are not of the due index (e.g. a region calendar's partition) and the items they read. */
  otherQueries: number;
  otherItemsRead: number;
  perDoneItem: {
    getItems?: number | undefined;
    conditionalUpdates?: number | undefined;
    transactions?: number | undefined;
    otherQueries?: number | undefined;
    otherItemsRead?: number | undefined;
    emails?: number | undefined;
  };
  emailsSent: number;
  emailFailures: number;
  msPerDoneItem?: number | undefined;
}

export interface ReminderSweepResults {
  targets: { readRatio: number; scans: number };
  dataset: {
    notDue: number;
    due: number;
    regions: string[];
    writeSeconds: number;
    /** Items of kind mdf-claim-reminder in the due index, and those due now, counted before the sweep. */
    reminderItemsInIndex: number;
    dueBefore: number;
  };
  runs: SweepRun[];
  checks: {
    /** Due requests that, after the first sweep, wait for their day-14 reminder (stage 1, due later). */
    movedToDay14Reminder: number;
    dueAfterFirstSweep: number;
    /** Emails aws-ses-v2-local holds after both sweeps. */
    emailsCaptured: number;
  };
}

export interface ExpirySweepResults {
  targets: { readRatio: number; scans: number };
  dataset: {
    notDue: number;
    dueForReminder: number;
    dueForExpiry: number;
    regions: string[];
    writeSeconds: number;
    /** Items of kind dr-expiry in the due index, and those due now, counted before the sweep. */
    expiryItemsInIndex: number;
    dueBefore: number;
  };
  runs: SweepRun[];
  checks: {
    /** Registrations reminded by the first sweep: still Approved, their due item moved to the expiry date. */
    remindedAndWaiting: number;
    /** Registrations Expired by the first sweep, their opportunity's guard released. */
    expired: number;
    guardsReleased: number;
    dueAfterFirstSweep: number;
    emailsCaptured: number;
  };
}
