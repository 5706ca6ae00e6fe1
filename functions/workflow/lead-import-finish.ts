import * as z from 'zod/mini';
import type { SharedSummary } from '#domain/lead-imports';
import { MAX_LISTED, newLeadsShared } from '#email/lead-emails';
import { sendEmail } from '#email/send';
import * as leadImports from '#store/lead-imports';
import * as partners from '#store/partners';
import { TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { recallPhaseInForce } from './lead-import.ts';
import { workflowTask } from './task.ts';

/**
 * The import's last step: each partner that received new leads hears once, in one
 * email to its Partner Contact listing them; then the job is Completed and the import
 * lock released. A retry after a failed email tells only the partners not yet told.
 */
const recallPhase = recallPhaseInForce();

/** The new leads of the import per partner: the count, and the first ones to list (bounded, whatever the file's size). */
const newLeadsByPartner = async (importId: string) => {
  const byPartner = new Map<string, { partnerName: string; count: number; listed: SharedSummary[] }>();
  for await (const chunk of leadImports.sharedByChunk(importId)) {
    for (const [partnerId, entry] of Object.entries(chunk)) {
      const total = byPartner.get(partnerId) ?? { partnerName: entry.partnerName, count: 0, listed: [] };
      total.count += entry.count;
      for (const lead of entry.leads) if (total.listed.length < MAX_LISTED) total.listed.push(lead);
      byPartner.set(partnerId, total);
    }
  }
  return byPartner;
};

export const finishImport = async (importId: string): Promise<{ status: string; partnersNotified: number }> => {
  const job = await leadImports.get(importId, true);
  if (!job) throw new Error(`No lead import ${importId}`);
  if (job.status !== 'Running') return { status: job.status, partnersNotified: job.partnersNotified ?? 0 };
  const byPartner = await newLeadsByPartner(importId);
  for (const [partnerId, leads] of byPartner) {
    if (!(await leadImports.markNotified(importId, partnerId, clock.now().toISOString()))) continue;
    try {
      const partner = await partners.get(partnerId);
      if (!partner?.partnerContact) {
        logger.warn('No Partner Contact to tell of new leads', { importId, partnerId });
        continue;
      }
      await sendEmail(newLeadsShared(partner, leads.listed, leads.count, importId, recallPhase));
    } catch (error) {
      await leadImports.unmarkNotified(importId, partnerId);
      throw error;
    }
  }
  const at = clock.now().toISOString();
  try {
    await leadImports.completed(importId, at, byPartner.size, {
      at,
      by: { id: 'system:lead-import', name: 'Lead import', kind: 'system' },
      action: 'completed',
      from: 'Running',
      to: 'Completed',
      details: { ...job.counts, partnersNotified: byPartner.size },
    });
  } catch (error) {
    if (!(error instanceof TransactionRefused)) throw error;
  }
  await leadImports.unlock(importId);
  logger.info('Lead import completed', { importId, ...job.counts, partnersNotified: byPartner.size });
  return { status: 'Completed', partnersNotified: byPartner.size };
};

const Input = z.object({ importId: z.string().check(z.minLength(1)) });

export const handler = workflowTask(Input, ({ importId }) => finishImport(importId));
