import type { Reason, RowOutcome, ShareStatus } from './leads.ts';

/**
 * An import of leads by marketing operations: a job that runs in the background and
 * says, as it goes, what happened to every row. A job never leaves leads half-written
 * without saying so: each chunk's leads and the job's figures move together.
 */
export const importStatuses = ['Queued', 'Running', 'Completed', 'Failed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

export const importFormats = ['csv', 'json'] as const;
export type ImportFormat = (typeof importFormats)[number];

export interface ImportCounts {
  /** Rows in the file. */
  received: number;
  /** Rows done so far. */
  processed: number;
  /** New leads shared with a partner (routed). */
  shared: number;
  /** Leads held back, with reasons. */
  heldBack: number;
  /** Leads that joined another campaign and stay where they are (first campaign wins). */
  joined: number;
  /** Rows already imported before (same email and campaign): nothing new. */
  alreadyImported: number;
  /** Rows that could not become a lead (line numbers in the results). */
  failed: number;
}

/** An import without progress for this long is marked Failed by the sweep's watch (each chunk done moves the watch this far on). */
export const IMPORT_STALL_MS = 30 * 60_000;

export const emptyCounts = (received: number): ImportCounts => ({ received, processed: 0, shared: 0, heldBack: 0, joined: 0, alreadyImported: 0, failed: 0 });

export interface LeadImport {
  id: string;
  format: ImportFormat;
  fileName?: string;
  status: ImportStatus;
  submittedBy: { id: string; name: string; email: string };
  receivedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The file, stored as this many chunks of rows. */
  chunks: number;
  chunksDone: number;
  counts: ImportCounts;
  /** Partner Contacts emailed about their new leads. */
  partnersNotified?: number;
  /** Why the import failed, in words for marketing operations. */
  error?: string;
  lastProgressAt?: string;
  version: number;
  updatedAt: string;
}

/** What can happen to a row other than its lead being shared. */
export const rowOutcomesNotShared = ['held-back', 'joined', 'already-imported', 'failed'] as const;

/** One row whose lead was not shared, as the job reports it. */
export interface ResultRow {
  line: number;
  email?: string;
  leadId?: string;
  outcome: (typeof rowOutcomesNotShared)[number];
  reasons: Reason[];
}

/** A new lead, as the Partner Contact's email lists it. */
export interface SharedSummary {
  leadId: string;
  name: string;
  company?: string;
  campaignName: string;
  shareStatus: ShareStatus;
}

/** Which count a row's outcome adds to. */
export const countOf: Record<RowOutcome['kind'], keyof ImportCounts> = {
  shared: 'shared',
  'held-back': 'heldBack',
  joined: 'joined',
  'already-imported': 'alreadyImported',
  failed: 'failed',
};

export const percentDone = (job: Pick<LeadImport, 'counts' | 'status'>): number =>
  job.status === 'Completed' ? 100 : job.counts.received === 0 ? 0 : Math.floor((job.counts.processed * 100) / job.counts.received);
