import type { LeadImport } from '#domain/lead-imports';
import { isRecallPhase, type RecallPhase } from '#domain/recall';
import { ConfigurationError } from '#shared/errors';
import { optionalSetting } from '#shared/settings';
import { workflow } from '#shared/workflows';

/**
 * The lead import workflow as its callers see it: started for a job (the execution is
 * named after the job, so the import handler and the sweep can both start it safely).
 * The workflow's ARN is read on first use: the sweep loads this module for every kind
 * of due work, and only the import watch needs it.
 */
let importWorkflow: ReturnType<typeof workflow> | undefined;

export const startLeadImport = (job: Pick<LeadImport, 'id'>): Promise<void> =>
  (importWorkflow ??= workflow('lead-import')).start(job.id, { importId: job.id });

/**
 * The recall phase in force (`1`, `2` or `final`; CDK context `leadRecallPhase`,
 * default 1), read once. Leads shared from now on are recalled under it.
 */
export const recallPhaseInForce = (): RecallPhase => {
  const raw = optionalSetting('LEAD_RECALL_PHASE', '1').trim().toLowerCase();
  if (!isRecallPhase(raw)) throw new ConfigurationError(`Setting LEAD_RECALL_PHASE must be 1, 2 or final, got "${raw}".`);
  return raw;
};
