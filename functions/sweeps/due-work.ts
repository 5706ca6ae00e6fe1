import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { escalate } from '#approvals/escalate';
import { tellWorkflow } from '#approvals/tell-workflow';
import * as approvals from '#store/approvals';
import type { StoredApproval } from '#store/approvals';
import { dueNow } from '#store/due';
import * as mdfRequests from '#store/mdf-requests';
import { recordOf, type Item } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { daysBetween, localDate } from '#domain/calendar';
import { nextReminder } from '#domain/claims';
import { claimReminder } from '#email/claim-emails';
import { sendEmail } from '#email/send';
import * as calendars from '#store/calendars';
import * as claims from '#store/claims';
import * as registrations from '#store/deal-registrations';
import { startClaimReview } from '#workflow/claim-review';
import { expiryStep, partnerContactOverdue, reviewNotStarted } from './registration-work.ts';
import { startMdfApproval, stopMdfApproval } from '#workflow/mdf-approval';
import * as leadImports from '#store/lead-imports';
import * as leads from '#store/leads';
import { watchLeadImport } from './lead-import-watch.ts';
import { recallDueLead, tellRecalledPartner } from './lead-recall.ts';
import * as loaRequests from '#store/loa-requests';
import { loaReviewNotStarted, validityStep } from './loa-work.ts';
import * as nfr from '#store/nfr';
import { licenceExpired, reviewNotStarted as nfrReviewNotStarted } from './nfr-work.ts';

/**
 * The scheduled sweep: for each kind of due work, it reads only the items that
 * are due now from the sparse due index (no Scan) and does the work. Each kind's
 * work ends with a conditional write that takes the item out of the index, so a
 * sweep that runs twice, or two sweeps at once, do each piece of work once.
 */
type Outcome = 'done' | 'skipped';
type DueWork = (item: Item) => Promise<Outcome>;

/** An approval level passed its SLA: remind the approver, send the backup a link of their own. */
const slaMissed: DueWork = async (item) => ((await escalate(item)) === 'escalated' ? 'done' : 'skipped');

/** A decision was recorded but the workflow was not told (it was unreachable): tell it now. */
const untoldDecision: DueWork = async (item) => ((await tellWorkflow(String(item.pk), recordOf<StoredApproval>(item))) ? 'done' : 'skipped');

/** A request whose workflow never opened its first level: start it (same name, so harmless if it runs). */
const unstartedWorkflow: DueWork = async (item) => {
  const request = mdfRequests.fromItem(item);
  if (request.status === 'Open') await startMdfApproval(request);
  await mdfRequests.clearDue(request.id, mdfRequests.WORKFLOW_START_DUE);
  return request.status === 'Open' ? 'done' : 'skipped';
};

/** A canceled request whose workflow could not be stopped at the time: stop it now. */
const unstoppedWorkflow: DueWork = async (item) => {
  const request = mdfRequests.fromItem(item);
  await stopMdfApproval(request, 'Canceled by the channel marketing manager');
  await mdfRequests.clearDue(request.id, mdfRequests.WORKFLOW_STOP_DUE);
  return 'done';
};

/**
 * An approved request without a claim: remind the partner on day 2, 14 and 28
 * after the end date. The stage is claimed by a conditional write first (so
 * overlapping or repeated sweeps send it once); should the email fail, the stage
 * is given back for the next sweep.
 */
const reminderToClaim: DueWork = async (item) => {
  const request = mdfRequests.fromItem(item);
  const stage = request.reminderStage ?? 0;
  const dueAt = String(item.dueAt);
  const calendar = await calendars.get(request.region);
  const now = clock.now();
  const next = nextReminder(request.endDate, calendar.timeZone, now, stage + 1);
  if (!(await mdfRequests.reminderSent(request.id, stage, dueAt, next, now.toISOString()))) return 'skipped';
  try {
    await sendEmail(claimReminder(request, daysBetween(request.endDate, localDate(now, calendar.timeZone)), next === undefined));
  } catch (error) {
    await mdfRequests.reminderUnsent(request.id, stage, dueAt, next);
    throw error;
  }
  return 'done';
};

/** A claim whose review never opened: start its workflow (named after the claim, so harmless if it runs). */
const unstartedClaimReview: DueWork = async (item) => {
  const claim = claims.fromItem(item);
  if (claim.status === 'Open') await startClaimReview(claim);
  await claims.clearReviewStartDue(claim.id);
  return claim.status === 'Open' ? 'done' : 'skipped';
};

export const dueWork: Record<string, DueWork> = {
  [approvals.SLA_DUE]: slaMissed,
  [approvals.SIGNAL_DUE]: untoldDecision,
  [mdfRequests.WORKFLOW_START_DUE]: unstartedWorkflow,
  [mdfRequests.WORKFLOW_STOP_DUE]: unstoppedWorkflow,
  [mdfRequests.CLAIM_REMINDER_DUE]: reminderToClaim,
  [claims.REVIEW_START_DUE]: unstartedClaimReview,
  [registrations.PARTNER_CONTACT_DUE]: partnerContactOverdue,
  [registrations.EXPIRY_DUE]: expiryStep,
  [registrations.REVIEW_START_DUE]: reviewNotStarted,
  // Leads (issue 6): recall before telling, so one sweep recalls and tells each partner once.
  [leads.RECALL_DUE]: recallDueLead,
  [leads.RECALL_NOTICE_DUE]: tellRecalledPartner,
  [leadImports.WATCH_DUE]: watchLeadImport,
  // Letters of Authorization
  [loaRequests.REVIEW_START_DUE]: loaReviewNotStarted,
  [loaRequests.VALIDITY_DUE]: validityStep,
  // NFR licences: expiry frees the licence's users; a review that never opened is started.
  [nfr.EXPIRY_DUE]: licenceExpired,
  [nfr.REVIEW_START_DUE]: nfrReviewNotStarted,
};

export interface SweepReport {
  at: string;
  /** Per kind: items read from the index, work done, skipped (already done elsewhere), failed. */
  kinds: Record<string, { itemsRead: number; done: number; skipped: number; failed: number }>;
}

const PARALLEL = 8;

export const sweep = async (now: Date, kinds: Record<string, DueWork> = dueWork): Promise<SweepReport> => {
  const report: SweepReport = { at: now.toISOString(), kinds: {} };
  for (const [kind, work] of Object.entries(kinds)) {
    const counts = { itemsRead: 0, done: 0, skipped: 0, failed: 0 };
    report.kinds[kind] = counts;
    let startKey: Record<string, unknown> | undefined;
    do {
      const batch = await dueNow(kind, now, 100, startKey);
      counts.itemsRead += batch.itemsRead;
      for (let index = 0; index < batch.items.length; index += PARALLEL) {
        await Promise.all(
          batch.items.slice(index, index + PARALLEL).map(async (item) => {
            try {
              counts[await work(item)] += 1;
            } catch (error) {
              counts.failed += 1;
              logger.error('Due work failed; it stays due for the next sweep', { kind, pk: String(item.pk), error: error as Error });
            }
          }),
        );
      }
      startKey = batch.nextKey;
    } while (startKey);
  }
  logger.info('Sweep finished', { report });
  return report;
};

export const handler = middy(async () => sweep(clock.now())).use(injectLambdaContext(logger));
