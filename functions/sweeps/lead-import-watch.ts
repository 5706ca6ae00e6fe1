import { IMPORT_STALL_MS } from '#domain/lead-imports';
import * as leadImports from '#store/lead-imports';
import { TransactionRefused, type Item } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { startLeadImport } from '#workflow/lead-import';

/**
 * Due work `lead-import-watch`: an import that has not started (its workflow could not
 * be started when it arrived) is started; one that stopped making progress (its
 * workflow ended without saying so) is marked Failed with how far it got, and the
 * import lock released. Each chunk done moves the watch 30 minutes on.
 */
type Outcome = 'done' | 'skipped';

/** Looking again after this while an import waits for its turn. */
const LOOK_AGAIN_MS = 10 * 60_000;
/** An import that has not started after this long never will. */
const GIVE_UP_QUEUED_MS = 2 * 3_600_000;

const fail = async (id: string, from: string, reason: string): Promise<Outcome> => {
  const at = clock.now().toISOString();
  try {
    await leadImports.failed(id, at, reason, { at, by: { id: 'system:lead-import-watch', name: 'Lead import watch', kind: 'system' }, action: 'failed', from, to: 'Failed', reason });
  } catch (error) {
    if (error instanceof TransactionRefused) return 'skipped';
    throw error;
  }
  await leadImports.unlock(id);
  logger.error('Lead import marked Failed by the watch', { importId: id, reason });
  return 'done';
};

export const watchLeadImport = async (item: Item): Promise<Outcome> => {
  const job = leadImports.fromItem(item);
  const now = clock.now();
  if (job.status === 'Queued') {
    if (now.getTime() - Date.parse(job.receivedAt) > GIVE_UP_QUEUED_MS) {
      return fail(job.id, 'Queued', 'The import did not start within two hours; nothing was imported. Send the file again.');
    }
    await startLeadImport(job);
    await leadImports.watchAgain(job.id, new Date(now.getTime() + LOOK_AGAIN_MS).toISOString());
    return 'done';
  }
  if (job.status === 'Running') {
    // The index copy may be a moment old: only the job as it is now says whether it stalled.
    const current = await leadImports.get(job.id, true);
    if (current?.status !== 'Running' || now.getTime() - Date.parse(current.lastProgressAt ?? current.receivedAt) < IMPORT_STALL_MS) return 'skipped';
    return fail(
      job.id,
      'Running',
      `The import stopped making progress after ${job.counts.processed} of ${job.counts.received} rows (${job.chunksDone} of ${job.chunks} chunks); their leads are imported. Send the file again to import the rest: rows already imported are recognised, not duplicated.`,
    );
  }
  return 'skipped';
};
