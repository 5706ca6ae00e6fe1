import { checkRenewals, checkRequester, checkWithinLimit, nfrLimit, type NfrLicence, type NfrRequest } from '#domain/nfr';
import type { InternalRole } from '#domain/people';
import * as approvals from '#store/approvals';
import * as nfr from '#store/nfr';
import * as partners from '#store/partners';
import { transact } from '#store/table';
import { clock } from '#shared/clock';
import { BadInput, Forbidden, NotFound } from '#shared/errors';
import { actorOf, created, hasAnyRole, isPartnerUser, ok, type Auth, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { logger } from '#shared/logger';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { problemOf } from '#shared/refusals';
import { startNfrReview } from '#workflow/nfr-review';
import { decideThroughApi } from './api-decision.ts';
import { historyView, reviewsView, type Audience } from './history.views.ts';
import { ListNfrLicencesQuery, ListNfrRequestsQuery, NfrDecision, RequestNfrLicence } from './nfr.schemas.ts';
import { idParam } from './schemas.ts';

/**
 * NFR licences: any signed-in user of an Authorized partner asks for licences for
 * the organisation; the partner help desk decides (link or API). Partner users see
 * their organisation's requests and licences (keys included); anything else is 404.
 */
export const nfrStaff: readonly InternalRole[] = ['admin', 'partner-help-desk'];

/** If the review has not opened by then, the sweep starts its workflow. */
const REVIEW_START_GRACE_MS = 5 * 60_000;

const requestView = (request: NfrRequest) => request;

const submit = async (event: HttpEvent<RequestNfrLicence>) => {
  const { auth, body } = event;
  if (!isPartnerUser(auth)) throw new Forbidden('NFR licences are requested by partner users for their organisation.');
  const partner = await partners.get(auth.partnerId);
  if (!partner) throw new NotFound('Your partner organisation');
  const allowed = checkRequester(partner);
  if (!allowed.ok) throw problemOf(allowed);
  const [inUse, active] = await Promise.all([nfr.usersInUse(partner.id), body.renews.length > 0 ? nfr.activeLicencesOf(partner.id) : Promise.resolve([])]);
  const renewals = checkRenewals(body.renews, active, partner.id);
  if (!renewals.ok) throw problemOf(renewals);
  const fits = checkWithinLimit(partner.track, inUse, body.users, renewals.value);
  if (!fits.ok) throw problemOf(fits);

  const now = clock.now();
  const at = now.toISOString();
  const request: NfrRequest = {
    id: newId('nfr'),
    partnerId: partner.id,
    partnerName: partner.legalName,
    track: partner.track,
    region: partner.homeRegion,
    contact: body.contact,
    users: body.users,
    plan: body.plan,
    renews: body.renews,
    status: 'Pending',
    requestedBy: { id: auth.userId, name: auth.name, email: auth.email },
    submittedAt: at,
    version: 1,
    updatedAt: at,
  };
  await transact(
    nfr.createItems(
      request,
      { at, by: actorOf(auth), action: 'requested', to: 'Pending', details: { users: request.users, plan: request.plan, renews: request.renews } },
      new Date(now.getTime() + REVIEW_START_GRACE_MS).toISOString(),
    ),
  );
  try {
    await startNfrReview(request);
  } catch (error) {
    logger.warn('The NFR review could not be started now; the sweep will start it', { requestId: request.id, error: (error as Error).name });
  }
  logger.info('NFR licences requested', { requestId: request.id, partnerId: partner.id, users: request.users });
  return created({ ...requestView(request), limit: { of: nfrLimit[partner.track], remainingIfGranted: fits.value.remainingAfter } }, `/nfr-requests/${request.id}`);
};

/** Partner users see their organisation's; the help desk and administrators see all; anyone else, nothing. */
const audienceFor = (auth: Auth, partnerId: string, what: string): Audience => {
  if (isPartnerUser(auth)) {
    if (partnerId !== auth.partnerId) throw new NotFound(what);
    return 'partner';
  }
  if (!hasAnyRole(auth, nfrStaff)) throw new NotFound(what);
  return 'internal';
};

const detailOf = async (id: string, auth: Auth) => {
  const found = await nfr.getRequestWithPartition(id);
  if (!found) throw new NotFound('The NFR request');
  const audience = audienceFor(auth, found.request.partnerId, 'The NFR request');
  const reviews = approvals.approvalsOf(found.items);
  return { ...requestView(found.request), reviews: reviewsView(reviews, audience), history: historyView(found.history, audience, reviews) };
};

const read = async (event: HttpEvent<unknown, unknown, { id: string }>) => ok(await detailOf(event.params.id, event.auth));

const list = async (event: HttpEvent<unknown, ListNfrRequestsQuery>) => {
  const { auth, query } = event;
  const only = (page: { items: NfrRequest[]; nextCursor?: string }) => ({ ...page, items: page.items.filter((r) => !query.status || r.status === query.status).map(requestView) });
  if (isPartnerUser(auth)) return ok(only(await nfr.requestsOfPartner(auth.partnerId, query.limit, query.cursor)));
  if (!hasAnyRole(auth, nfrStaff)) throw new Forbidden('NFR requests are for partners and the partner help desk.');
  if (query.partnerId) return ok(only(await nfr.requestsOfPartner(query.partnerId, query.limit, query.cursor)));
  return ok(await nfr.requestsInStatus(query.status ?? 'Pending', query.limit, query.cursor));
};

/** The help desk (the holder of the pending level, or their backup) decides through the API. */
const decision = async (event: HttpEvent<NfrDecision, unknown, { id: string }>) => {
  const { auth, body } = event;
  if (isPartnerUser(auth) || !hasAnyRole(auth, nfrStaff)) throw new NotFound('The NFR request');
  const outcome = await decideThroughApi('nfr-request', event.params.id, auth, { decision: body.decision, reason: body.reason }, 'this NFR request');
  return ok({ outcome, request: await detailOf(event.params.id, auth) });
};

const licenceView = (licence: NfrLicence) => licence;

const listLicences = async (event: HttpEvent<unknown, ListNfrLicencesQuery>) => {
  const { auth, query } = event;
  let partnerId: string;
  if (isPartnerUser(auth)) partnerId = auth.partnerId;
  else if (!hasAnyRole(auth, nfrStaff)) throw new Forbidden('NFR licences are for partners and the partner help desk.');
  else if (!query.partnerId) throw new BadInput([{ field: 'query.partnerId', message: 'is required: whose licences' }]);
  else partnerId = query.partnerId;
  const [page, inUse, partner] = await Promise.all([nfr.licencesOfPartner(partnerId, query.limit, query.cursor), nfr.usersInUse(partnerId), partners.get(partnerId)]);
  const limit = partner ? nfrLimit[partner.track] : undefined;
  return ok({ ...page, items: page.items.map(licenceView), usersInUse: inUse, ...(limit !== undefined ? { limit, remaining: Math.max(0, limit - inUse) } : {}) });
};

const readLicence = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  const licence = await nfr.getLicence(event.params.id);
  if (!licence) throw new NotFound('The NFR licence');
  audienceFor(event.auth, licence.partnerId, 'The NFR licence');
  return ok(licenceView(licence));
};

export const handler = httpApi({
  'POST /nfr-requests': route(submit, parseBody(RequestNfrLicence), idempotent('POST /nfr-requests')),
  'GET /nfr-requests': route(list, parseQuery(ListNfrRequestsQuery)),
  'GET /nfr-requests/{id}': route(read, parsePath(idParam)),
  'POST /nfr-requests/{id}/decision': route(decision, parsePath(idParam), parseBody(NfrDecision)),
  'GET /nfr-licences': route(listLicences, parseQuery(ListNfrLicencesQuery)),
  'GET /nfr-licences/{id}': route(readLicence, parsePath(idParam)),
});
