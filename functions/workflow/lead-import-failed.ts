import * as z from 'zod/mini';
import * as leadImports from '#store/lead-imports';
import { TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { workflowTask } from './task.ts';

/**
 * The import could not go on (a step failed after its retries, or waited too long for
 * another import): the job says so, with how far it got, and the lock is released.
 * The rows already done are imported; sending the file again finishes it, as rows
 * already imported are recognised and not duplicated.
 */
const Input = z.object({
  importId: z.string().check(z.minLength(1)),
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

/** The error in words for marketing operations (never a stack trace). */
const describe = (error: { Error?: string | undefined; Cause?: string | undefined } | undefined): string => {
  if (error?.Error === 'Leads.ImportBusy') return 'Another import kept running for too long; this one could not take its turn.';
  if (error?.Error === 'States.Timeout') return 'A step of the import took too long.';
  let message = error?.Error ?? 'unknown error';
  try {
    const cause = JSON.parse(error?.Cause ?? '') as { errorMessage?: string };
    if (cause.errorMessage) message = `${message}: ${cause.errorMessage}`;
  } catch {
    // The cause is not the Lambda error's JSON: the error name says enough.
  }
  return `A step of the import failed (${message.slice(0, 300)}).`;
};

export const recordImportFailed = async (importId: string, error?: { Error?: string | undefined; Cause?: string | undefined }): Promise<{ status: string }> => {
  const job = await leadImports.get(importId, true);
  if (!job) throw new Error(`No lead import ${importId}`);
  const at = clock.now().toISOString();
  const done = `${job.counts.processed} of ${job.counts.received} rows were done (${job.chunksDone} of ${job.chunks} chunks); their leads are imported. Send the file again to import the rest: rows already imported are recognised, not duplicated.`;
  const reason = `${describe(error)} ${done}`;
  try {
    await leadImports.failed(importId, at, reason, {
      at,
      by: { id: 'system:lead-import', name: 'Lead import', kind: 'system' },
      action: 'failed',
      from: job.status,
      to: 'Failed',
      reason,
    });
  } catch (failure) {
    if (!(failure instanceof TransactionRefused)) throw failure;
  }
  await leadImports.unlock(importId);
  logger.error('Lead import failed', { importId, error: error?.Error });
  return { status: 'Failed' };
};

export const handler = workflowTask(Input, ({ importId, error }) => recordImportFailed(importId, error));
