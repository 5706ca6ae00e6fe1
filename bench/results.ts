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
  /** Queries of the due index and the items they read, by kind of due work. */
  dueByKind: Record<string, { queries: number; itemsRead: number }>;
  /** dueItemsRead ÷ itemsDue (undefined when nothing is due). */
  readRatio?: number | undefined;
  /** dueItemsReadOfKind ÷ itemsDue (undefined when nothing is due). */
  readRatioOfKind?: number | undefined;
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

export interface RecallSweepResults {
  targets: { readRatio: number; scans: number };
  dataset: {
    /** Joint leads shared with a partner, recall deadline later. */
    notDue: number;
    /** Joint leads whose recall deadline passed. */
    due: number;
    /** Partner Sponsored leads shared as long ago as the due ones (never recalled). */
    sponsoredOfSameAge: number;
    partnersWithDue: number;
    recallPhase: string;
    writeSeconds: number;
    /** Items of kind lead-recall in the due index (the seed's included), and those due now, counted before the sweep. */
    recallItemsInIndex: number;
    dueBefore: number;
  };
  runs: SweepRun[];
  checks: {
    /** Bench leads recalled after all sweeps. */
    recalled: number;
    /** All the due leads recalled, by the first sweep only. */
    recalledOnce: boolean;
    /** Recalled leads whose partner was still not told after all sweeps. */
    untoldAfterSweeps: number;
    noticesDueAfterSweeps: number;
    emailsFirstSweep: number;
    emailsLaterSweeps: number;
    /** Recalled leads added up in the recall counts per partner and campaign. */
    recallCounted: number;
    /** Partner Sponsored leads of the same age still shared, Pending, with no recall deadline. */
    sponsoredKept: number;
    /** First sweep: every item it read (due index, other Queries, GetItem) ÷ leads due. */
    allItemsReadPerDue?: number | undefined;
    emailsCaptured: number;
  };
}

/** One import of the throughput rounds, beside the mean of the raw rounds either side of it. */
export interface LeadImportRun {
  importMs: number;
  /** The POST handler's part of importMs (read, check and store the file, start the workflow). */
  handlerMs: number;
  leadsPerSecond: number;
  rawMs: number;
  rawItemsPerSecond: number;
  /** rawMs ÷ importMs: the import's throughput as a share of raw BatchWriteItem's. */
  ratio: number;
  /** The job's own figures when Completed. */
  counts: { processed: number; received: number; shared: number; joined: number; heldBack: number; failed: number; alreadyImported: number };
  chunks: number;
  partnersNotified?: number | undefined;
}

/** A memory run of the workflow's steps (one child process): growth above the state after the warm-up and a full collection. */
export interface WorkerMemory {
  /** Growth of the process's peak resident set (VmHWM, set back to the current RSS at the start; see peakReset). */
  peakRssGrowthMb: number;
  /** Whether the peak was set back at the start (Linux); if not, it is the peak since the process started (getrusage maxRSS). */
  peakReset: boolean;
  /** Peak V8 heap in use (sampled every millisecond) above the heap at the start. */
  peakHeapAboveStartMb: number;
  heapAtStartMb: number;
  /** Peak heap V8 had reserved (heapTotal) above the start: how far V8 grew its heap. */
  peakHeapTotalAboveStartMb: number;
  /** Peak memory outside the V8 heap (buffers: gzip, HTTP) above the start. */
  peakExternalAboveStartMb: number;
  rssAtStartMb: number;
  peakRssSampledAboveStartMb: number;
}

export interface LeadImportMemory {
  size: number;
  csvMb: number;
  /** The POST handler reading, checking and storing the file. */
  handler: { peakRssGrowthMb: number; peakReset: boolean };
  /** The workflow's steps importing the job and emailing the Partner Contacts. */
  worker: WorkerMemory;
  /** The same, with V8's old space capped (garbage collected as it goes). */
  capped: WorkerMemory;
  /** The largest heap left after a full collection, forced every few ms while the steps run: what the import keeps alive. */
  live: { liveHeapAboveStartMb: number; heapAtStartMb: number };
}

export interface LeadImportResults {
  targets: { ratio: number; memory: { growthPercent: number; slackMb: number } };
  leads: number;
  rounds: number;
  rawBatching: { itemsPerCall: number; callsInFlight: number };
  runs: LeadImportRun[];
  /** Median of the runs' ratios. */
  ratio: number;
  memory: {
    cappedHeapMb: number;
    liveSampleMs: number;
    bySize: LeadImportMemory[];
  };
  seconds: { throughput: number; memory: number };
}
