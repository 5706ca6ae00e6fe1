import { percentDone, type LeadImport, type ResultRow } from '#domain/lead-imports';
import type { HistoryEvent } from '#store/history';
import type { Page } from '#store/table';
import { historyView } from './history.views.ts';

/** How a lead import is shown to marketing operations. */
export const importView = (job: LeadImport, extra: { rows?: Page<ResultRow>; history?: readonly HistoryEvent[] } = {}) => ({
  id: job.id,
  status: job.status,
  format: job.format,
  ...(job.fileName ? { fileName: job.fileName } : {}),
  submittedBy: job.submittedBy.name,
  receivedAt: job.receivedAt,
  ...(job.startedAt ? { startedAt: job.startedAt } : {}),
  ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
  counts: job.counts,
  progress: { percent: percentDone(job), chunksDone: job.chunksDone, chunks: job.chunks },
  ...(job.partnersNotified !== undefined ? { partnersNotified: job.partnersNotified } : {}),
  ...(job.error ? { error: job.error } : {}),
  ...(extra.rows ? { rows: { items: extra.rows.items, ...(extra.rows.nextCursor ? { nextCursor: extra.rows.nextCursor } : {}) } } : {}),
  // Imports have no review levels; marketing operations read the names of who did what.
  ...(extra.history ? { history: historyView(extra.history, 'internal', []) } : {}),
});
