import { percentDone, type LeadImport, type ResultRow } from '#domain/lead-imports';
import type { HistoryEvent } from '#store/history';
import type { Page } from '#store/table';

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
  ...(extra.history
    ? {
        history: extra.history.map((event) => ({
          at: event.at,
          by: event.by.name,
          action: event.action,
          ...(event.from ? { from: event.from } : {}),
          ...(event.to ? { to: event.to } : {}),
          ...(event.reason ? { reason: event.reason } : {}),
        })),
      }
    : {}),
});
