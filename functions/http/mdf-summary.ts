import { mdfStatuses, type MdfStatus } from '#domain/mdf';
import * as claims from '#store/claims';
import * as mdfRequests from '#store/mdf-requests';
import { Forbidden } from '#shared/errors';
import { isPartnerUser, ok, type HttpEvent } from '#shared/http';
import { httpApi, route } from '#shared/middleware/http-api';

/**
 * The partner's MDF dashboard: requests by status; approved, claimed and paid
 * totals; claims waiting for the partner; when the next reminders to claim go out.
 */
const summary = async (event: HttpEvent) => {
  if (!isPartnerUser(event.auth)) throw new Forbidden('The MDF dashboard is for partner users.');
  const [requests, allClaims] = await Promise.all([mdfRequests.allOfPartner(event.auth.partnerId), claims.allOfPartner(event.auth.partnerId)]);
  const byStatus = Object.fromEntries(mdfStatuses.map((status) => [status, 0])) as Record<MdfStatus, number>;
  for (const request of requests) byStatus[request.status] += 1;
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return ok({
    requestsByStatus: byStatus,
    approvedCents: sum(requests.filter((r) => r.status === 'Approved' || r.status === 'Closed').map((r) => r.approvedAmountCents ?? 0)),
    claimedCents: sum(allClaims.filter((c) => c.status !== 'Denied').map((c) => c.amountCents)),
    paidCents: sum(allClaims.filter((c) => c.status === 'Approved').map((c) => c.amountCents)),
    claimsAwaitingAction: allClaims
      .filter((c) => c.status === 'Open' && c.awaitingProof)
      .map((c) => ({ claimId: c.id, title: c.title, requestId: c.requestId, missing: c.awaitingProof?.kind, since: c.awaitingProof?.since })),
    nextReminders: requests
      .filter((r) => r.status === 'Approved' && !r.openClaimId && r.nextReminderAt)
      .map((r) => ({ requestId: r.id, activityName: r.activityName, endDate: r.endDate, nextReminderAt: r.nextReminderAt }))
      .sort((a, b) => String(a.nextReminderAt).localeCompare(String(b.nextReminderAt))),
  });
};

export const handler = httpApi({ 'GET /mdf/summary': route(summary) });
