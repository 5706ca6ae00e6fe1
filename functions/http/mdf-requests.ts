import { checkCancel, checkSubmission, budgetQuarterOf, mdfStaffRoles, regionOf, type MdfRequest } from '#domain/mdf';
import { requestCanceled } from '#email/mdf-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import * as approvers from '#store/approvers';
import * as budgets from '#store/budgets';
import * as claims from '#store/claims';
import * as calendars from '#store/calendars';
import * as mdfRequests from '#store/mdf-requests';
import * as partners from '#store/partners';
import { transact, TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { BadInput, Conflict, Forbidden, NotFound } from '#shared/errors';
import { actorOf, created, hasAnyRole, isPartnerUser, ok, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { logger } from '#shared/logger';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { problemOf } from '#shared/refusals';
import { stopClaimReview } from '#workflow/claim-review';
import { startMdfApproval, stopMdfApproval } from '#workflow/mdf-approval';
import { CancelMdfRequest, ListMdfRequestsQuery, SubmitMdfRequest } from './mdf-requests.schemas.ts';
import { claimSummary } from './mdf-claims.views.ts';
import { detailView, summaryView } from './mdf-requests.views.ts';
import { idParam } from './schemas.ts';

/** MDF requests: partners submit and follow them; the CMM cancels them. */

/** If the workflow has not opened its first level by then, the sweep starts it. */
const WORKFLOW_START_GRACE_MS = 5 * 60_000;
/** If stopping the workflow of a canceled request failed, the sweep tries again after this. */
const WORKFLOW_STOP_RETRY_MS = 60_000;

const submit = async (event: HttpEvent<SubmitMdfRequest>) => {
  const { auth } = event;
  if (!isPartnerUser(auth)) throw new Forbidden('MDF requests are submitted by partner users.', 'partner user');
  const partner = await partners.get(auth.partnerId);
  if (!partner) throw new NotFound('Your partner organisation');
  const region = regionOf(event.body, partner);
  if (!region) throw new BadInput([{ field: 'activityCountry', message: 'has no approving region' }]);
  const [budget, calendar] = await Promise.all([budgets.get(region, budgetQuarterOf(event.body)), calendars.get(region)]);
  const now = clock.now();
  const verdict = checkSubmission(event.body, {
    partner,
    user: { id: auth.userId, name: auth.name, email: auth.email, privileges: auth.privileges },
    region,
    now,
    budget,
    calendar,
  });
  if (!verdict.ok) throw problemOf(verdict);

  const id = newId('mdf');
  const request: MdfRequest = { ...verdict.value, id, executionName: id, version: 1, updatedAt: verdict.value.submittedAt };
  await mdfRequests.create(
    request,
    { at: request.submittedAt, by: actorOf(auth), action: 'submitted', to: 'Open' },
    new Date(now.getTime() + WORKFLOW_START_GRACE_MS).toISOString(),
  );
  try {
    await startMdfApproval(request);
  } catch (error) {
    // The request is recorded and sits in the due index: the sweep starts its workflow.
    logger.warn('The approval workflow could not be started now; the sweep will start it', { requestId: id, error: (error as Error).name });
  }
  logger.info('MDF request submitted', { requestId: id, partnerId: partner.id, region, flexi: request.flexi });
  return created(detailView(request, [], [], now, 'partner'), `/mdf/requests/${id}`);
};

/** A partner user reads their own organisation's requests; MDF staff read any. Anything else is not found. */
const readable = (event: HttpEvent, request: MdfRequest): 'partner' | 'internal' => {
  if (isPartnerUser(event.auth)) {
    if (request.partnerId !== event.auth.partnerId) throw new NotFound('The MDF request');
    return 'partner';
  }
  if (!hasAnyRole(event.auth, mdfStaffRoles)) throw new NotFound('The MDF request');
  return 'internal';
};

const list = async (event: HttpEvent<unknown, ListMdfRequestsQuery>) => {
  const { auth, query } = event;
  let partnerId: string;
  if (isPartnerUser(auth)) partnerId = auth.partnerId;
  else if (hasAnyRole(auth, mdfStaffRoles)) {
    if (!query.partnerId) throw new BadInput([{ field: 'query.partnerId', message: 'is required for internal users' }]);
    partnerId = query.partnerId;
  } else throw new Forbidden('Only partner users and MDF staff list MDF requests.');
  const page = await mdfRequests.listOfPartner(partnerId, { status: query.status, limit: query.limit, cursor: query.cursor });
  return ok({ items: page.items.map(summaryView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
};

const read = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  const [found, itsClaims] = await Promise.all([mdfRequests.getWithPartition(event.params.id), claims.listOfRequest(event.params.id)]);
  if (!found) throw new NotFound('The MDF request');
  const audience = readable(event, found.request);
  return ok({ ...detailView(found.request, approvals.approvalsOf(found.items), found.history, clock.now(), audience), claims: itsClaims.map(claimSummary) });
};

const CANCEL_ATTEMPTS = 3;

/**
 * The CMM of the request's region (or a program administrator) cancels an Open or
 * Approved request: in one transaction the request becomes Canceled, a pending
 * level closes, an approved amount goes back to the budget; then the workflow is
 * stopped and the partner told.
 */
const cancel = async (event: HttpEvent<CancelMdfRequest, unknown, { id: string }>) => {
  const { auth } = event;
  if (isPartnerUser(auth) || !hasAnyRole(auth, ['cmm', 'admin'])) {
    if (isPartnerUser(auth)) await ensurePartnerCanSee(event);
    throw new Forbidden('Only the channel marketing manager of the request’s region cancels MDF requests.', 'cmm');
  }
  for (let attempt = 1; attempt <= CANCEL_ATTEMPTS; attempt += 1) {
    const found = await mdfRequests.getWithPartition(event.params.id);
    if (!found) throw new NotFound('The MDF request');
    const { request, items } = found;
    if (!hasAnyRole(auth, ['admin'])) {
      const cmm = await approvers.assigned('cmm', request.region);
      if (cmm?.userId !== auth.userId) throw new Forbidden(`Only the channel marketing manager of ${request.region} cancels this request.`, 'cmm');
    }
    const verdict = checkCancel(request);
    if (!verdict.ok) throw problemOf(verdict);

    const at = clock.now().toISOString();
    const pending = approvals.approvalsOf(items).filter((level) => level.status === 'Pending');
    // A claim under review goes with the request: its pending review level closes too.
    const claim = request.openClaimId ? await claims.getWithPartition(request.openClaimId) : undefined;
    const claimReviews = claim ? approvals.approvalsOf(claim.items).filter((level) => level.status === 'Pending') : [];
    const canceled: MdfRequest = { ...request, status: 'Canceled', outcomeReason: event.body.reason, decidedAt: request.decidedAt ?? at };
    try {
      await transact([
        mdfRequests.transitionItem(
          request,
          [request.status],
          'Canceled',
          at,
          { outcomeReason: event.body.reason },
          // Until the workflow is known to be stopped, the sweep keeps trying.
          { kind: mdfRequests.WORKFLOW_STOP_DUE, at: new Date(Date.parse(at) + WORKFLOW_STOP_RETRY_MS).toISOString() },
        ),
        ...pending.flatMap((level) => {
          const stored = approvals.storedOf(items, level.id);
          return stored ? approvals.closeItems(stored, mdfRequests.partitionOf(request.id), 'Canceled', at) : [];
        }),
        ...(request.status === 'Approved' && request.approvedAmountCents
          ? budgets.releaseItems({
              region: request.region,
              quarter: request.quarter,
              amountCents: request.approvedAmountCents,
              flexi: request.flexi,
              requestId: request.id,
              at,
              by: auth.userId,
              note: `MDF request "${request.activityName}" canceled`,
            })
          : []),
        ...(claim && claim.claim.status === 'Open'
          ? [
              claims.transitionItem(claim.claim.id, 'Open', 'Denied', at, { decidedAt: at, outcomeReason: `The MDF request was canceled: ${event.body.reason}` }),
              ...claimReviews.flatMap((level) => {
                const stored = approvals.storedOf(claim.items, level.id);
                return stored ? approvals.closeItems(stored, claims.partitionOf(claim.claim.id), 'Canceled', at) : [];
              }),
              claims.historyItem(claim.claim.id, { at, by: actorOf(auth), action: 'denied', from: 'Open', to: 'Denied', reason: 'The MDF request was canceled' }),
            ]
          : []),
        mdfRequests.historyItem(request.id, { at, by: actorOf(auth), action: 'canceled', from: request.status, to: 'Canceled', reason: event.body.reason }),
      ]);
    } catch (error) {
      if (error instanceof TransactionRefused) continue; // changed meanwhile (a decision, another cancel): read again
      throw error;
    }
    await sendEmail(requestCanceled(canceled));
    try {
      await stopMdfApproval(request, 'Canceled by the channel marketing manager');
      await mdfRequests.clearDue(request.id, mdfRequests.WORKFLOW_STOP_DUE);
    } catch (error) {
      logger.warn('The approval workflow could not be stopped now; the sweep will stop it', { requestId: request.id, error: (error as Error).name });
    }
    if (request.openClaimId) {
      // Its review ends by itself at the hard timeout if this fails: the claim is already Denied.
      await stopClaimReview({ id: request.openClaimId }, 'The MDF request was canceled').catch((error: Error) =>
        logger.warn('The claim review could not be stopped now', { claimId: request.openClaimId, error: error.name }),
      );
    }
    logger.info('MDF request canceled', { requestId: request.id });
    const after = await mdfRequests.getWithPartition(request.id);
    return ok(after ? detailView(after.request, approvals.approvalsOf(after.items), after.history, clock.now(), 'internal') : canceled);
  }
  throw new Conflict('The request changed while it was being canceled; try again.');
};

/** A partner user asking to cancel learns nothing about other partners' requests (404 before 403). */
const ensurePartnerCanSee = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  const request = await mdfRequests.get(event.params.id);
  if (!request || request.partnerId !== event.auth.partnerId) throw new NotFound('The MDF request');
};

export const handler = httpApi({
  'POST /mdf/requests': route(submit, parseBody(SubmitMdfRequest), idempotent('POST /mdf/requests')),
  'GET /mdf/requests': route(list, parseQuery(ListMdfRequestsQuery)),
  'GET /mdf/requests/{id}': route(read, parsePath(idParam)),
  'POST /mdf/requests/{id}/cancel': route(cancel, parsePath(idParam), parseBody(CancelMdfRequest)),
});
