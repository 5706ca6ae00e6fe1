import { checkDetails, checkLetterAvailable, checkRequester, loaStatusAtLevel, newLoaRequest, type LoaRequest, type LoaStatus } from '#domain/loa';
import type { InternalRole } from '#domain/people';
import * as approvals from '#store/approvals';
import * as calendars from '#store/calendars';
import * as loaRequests from '#store/loa-requests';
import * as partners from '#store/partners';
import { transact } from '#store/table';
import { letterFileName, presignLetter } from '#storage/letters';
import { clock } from '#shared/clock';
import { BadInput, Forbidden, NotFound } from '#shared/errors';
import { actorOf, created, hasAnyRole, isPartnerUser, ok, type Auth, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { logger } from '#shared/logger';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { problemOf } from '#shared/refusals';
import { startLoaReview } from '#workflow/loa-review';
import { decideThroughApi } from './api-decision.ts';
import { ListLoaQuery, LoaDecision, SubmitLoaRequest } from './loa-requests.schemas.ts';
import { loaDetail, loaSummary, type Audience } from './loa-requests.views.ts';
import { idParam } from './schemas.ts';

/**
 * Letters of Authorization: a signed-in user of an Authorized partner asks for one;
 * operations, legal and the PAO decide (from their emails, or here through the API);
 * the partner follows it and downloads the signed letter through a short-lived link.
 * Another partner's request is not found.
 */
export const loaStaff: readonly InternalRole[] = ['admin', 'ecosystem-operations', 'legal', 'pao'];

/** If the review has not opened by then, the sweep starts its workflow. */
const REVIEW_START_GRACE_MS = 5 * 60_000;

const submit = async (event: HttpEvent<SubmitLoaRequest>) => {
  const { auth, body } = event;
  if (!isPartnerUser(auth)) throw new Forbidden('Letters of Authorization are requested by partner users.');
  const partner = await partners.get(auth.partnerId);
  if (!partner) throw new NotFound('Your partner organisation');
  const requester = checkRequester(partner);
  if (!requester.ok) throw problemOf(requester);
  const details = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as SubmitLoaRequest;
  const detailsOk = checkDetails(details);
  if (!detailsOk.ok) throw problemOf(detailsOk);

  const now = clock.now();
  const calendar = await calendars.get(partner.homeRegion);
  const request = newLoaRequest(details, {
    id: newId('loa'),
    partner,
    timeZone: calendar.timeZone,
    by: { id: auth.userId, name: auth.name, email: auth.email },
    now,
  });
  await transact(
    loaRequests.createItems(request, { at: request.submittedAt, by: actorOf(auth), action: 'submitted', to: 'Submitted' }, [
      loaRequests.dueItem(request.id, loaRequests.REVIEW_START_DUE, new Date(now.getTime() + REVIEW_START_GRACE_MS).toISOString()),
    ]),
  );
  try {
    await startLoaReview(request);
  } catch (error) {
    logger.warn('The letter review could not be started now; the sweep will start it', { loaId: request.id, error: (error as Error).name });
  }
  logger.info('Letter of Authorization requested', { loaId: request.id, partnerId: partner.id });
  return created(loaDetail(request, [], [], 'partner'), `/loa-requests/${request.id}`);
};

/** Any user of the partner sees the organisation's letters; the program team sees all; anyone else: not found. */
const audienceFor = (auth: Auth, request: LoaRequest): Audience => {
  if (isPartnerUser(auth)) {
    if (request.partnerId !== auth.partnerId) throw new NotFound('The Letter of Authorization request');
    return 'partner';
  }
  if (!hasAnyRole(auth, loaStaff)) throw new NotFound('The Letter of Authorization request');
  return 'internal';
};

const detailOf = async (id: string, auth: Auth) => {
  const found = await loaRequests.getWithPartition(id);
  if (!found) throw new NotFound('The Letter of Authorization request');
  const audience = audienceFor(auth, found.request);
  return loaDetail(found.request, approvals.approvalsOf(found.items), found.history, audience);
};

const read = async (event: HttpEvent<unknown, unknown, { id: string }>) => ok(await detailOf(event.params.id, event.auth));

/** The queue each reviewing role sees by default. */
const defaultQueue: Partial<Record<InternalRole, LoaStatus>> = {
  'ecosystem-operations': loaStatusAtLevel.operations,
  legal: loaStatusAtLevel.legal,
  pao: loaStatusAtLevel.pao,
};

const list = async (event: HttpEvent<unknown, ListLoaQuery>) => {
  const { auth, query } = event;
  if (isPartnerUser(auth)) {
    if (query.partnerId && query.partnerId !== auth.partnerId) throw new BadInput([{ field: 'query.partnerId', message: 'partner users see their own organisation only' }]);
    const page = await loaRequests.listOfPartner(auth.partnerId, query.limit, query.cursor);
    return ok({ ...page, items: page.items.filter((r) => !query.status || r.status === query.status).map(loaSummary) });
  }
  if (!hasAnyRole(auth, loaStaff)) throw new Forbidden('Letters of Authorization are for partners and the program team.');
  if (query.partnerId) {
    const page = await loaRequests.listOfPartner(query.partnerId, query.limit, query.cursor);
    return ok({ ...page, items: page.items.filter((r) => !query.status || r.status === query.status).map(loaSummary) });
  }
  const status = query.status ?? auth.roles.map((role) => defaultQueue[role]).find(Boolean);
  if (!status) throw new BadInput([{ field: 'query.status', message: 'is required: which queue' }]);
  const page = await loaRequests.listByStatus(status, query.limit, query.cursor);
  return ok({ ...page, items: page.items.map(loaSummary) });
};

/** A reviewer who holds the pending level (approver or backup) decides through the API. */
const decision = async (event: HttpEvent<LoaDecision, unknown, { id: string }>) => {
  const { auth, body } = event;
  if (isPartnerUser(auth) || !hasAnyRole(auth, loaStaff)) throw new NotFound('The Letter of Authorization request');
  const outcome = await decideThroughApi(
    'loa-request',
    event.params.id,
    auth,
    { decision: body.decision, reason: body.reason, details: body.initials !== undefined ? { initials: body.initials } : {} },
    'this Letter of Authorization',
  );
  return ok({ outcome, request: await detailOf(event.params.id, auth) });
};

/** The signed letter, for its partner only: a short-lived presigned download of the private object. */
const letter = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  const { auth } = event;
  const request = await loaRequests.get(event.params.id);
  if (!request || !isPartnerUser(auth) || request.partnerId !== auth.partnerId) throw new NotFound('The Letter of Authorization');
  const available = checkLetterAvailable(request);
  if (!available.ok) throw problemOf(available);
  const download = await presignLetter(available.value, letterFileName(request.id));
  return ok({ ...download, fileName: letterFileName(request.id), contentType: 'application/pdf' });
};

export const handler = httpApi({
  'POST /loa-requests': route(submit, parseBody(SubmitLoaRequest), idempotent('POST /loa-requests')),
  'GET /loa-requests': route(list, parseQuery(ListLoaQuery)),
  'GET /loa-requests/{id}': route(read, parsePath(idParam)),
  'POST /loa-requests/{id}/decision': route(decision, parsePath(idParam), parseBody(LoaDecision)),
  'GET /loa-requests/{id}/letter': route(letter, parsePath(idParam)),
});
