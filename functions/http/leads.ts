import { accepted, assigned, leadStaffRoles, partnerMaySee, rejected, statusChanged, type Lead } from '#domain/leads';
import type { Verdict } from '#domain/verdict';
import * as leadRecalls from '#store/lead-recalls';
import * as leads from '#store/leads';
import * as users from '#store/users';
import { clock } from '#shared/clock';
import { BadInput, Conflict, Forbidden, NotFound } from '#shared/errors';
import { actorOf, hasAnyRole, isPartnerUser, ok, type Auth, type HttpEvent } from '#shared/http';
import { httpApi, route } from '#shared/middleware/http-api';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { problemOf } from '#shared/refusals';
import { AssignLead, ChangeLeadStatus, HeldBackQuery, ListLeadsQuery, RecallCountsQuery, RejectLead } from './leads.schemas.ts';
import { leadDetail, leadSummary, type Audience } from './leads.views.ts';
import { idParam } from './schemas.ts';

/**
 * Leads as partner users work them: the leads they may see (an opportunity admin
 * sees the organisation's, others those assigned to them), accept, reject with a
 * reason, lead status in the allowed order, assignment. Any lead a partner user may
 * not see is not found. Marketing operations read any lead, the leads held back with
 * their reasons and the recall counts per partner and campaign.
 */
const isLeadStaff = (auth: Auth) => !isPartnerUser(auth) && hasAnyRole(auth, leadStaffRoles);

const pageOf = (page: { items: Lead[]; nextCursor?: string }, audience: Audience) => ({
  items: page.items.map((lead) => leadSummary(lead, audience)),
  ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
});

const list = async (event: HttpEvent<unknown, ListLeadsQuery>) => {
  const { auth, query } = event;
  const filter = { shareStatus: query.shareStatus, leadStatus: query.leadStatus, campaignId: query.campaignId };
  if (isPartnerUser(auth)) {
    const page = auth.privileges.includes('opportunityAdmin')
      ? await leads.listOfPartner(auth.partnerId, filter, query.limit, query.cursor)
      : await leads.listOfAssignee(auth.userId, filter, query.limit, query.cursor);
    // An assignee's list holds only leads of their organisation still shared: the filter is a second guard.
    return ok(pageOf({ ...page, items: page.items.filter((lead) => partnerMaySee(lead, { userId: auth.userId, partnerId: auth.partnerId, privileges: auth.privileges })) }, 'partner'));
  }
  if (!isLeadStaff(auth)) throw new Forbidden('Leads are for partner users and marketing operations.');
  if (!query.partnerId) throw new BadInput([{ field: 'query.partnerId', message: 'is required for marketing operations' }]);
  return ok(pageOf(await leads.listOfPartner(query.partnerId, filter, query.limit, query.cursor), 'internal'));
};

const heldBack = async (event: HttpEvent<unknown, HeldBackQuery>) => {
  if (!isLeadStaff(event.auth)) throw new Forbidden('Held-back leads are for marketing operations.', 'marketing-operations');
  return ok(pageOf(await leads.listHeldBack({ campaignId: event.query.campaignId }, event.query.limit, event.query.cursor), 'internal'));
};

const recallCounts = async (event: HttpEvent<unknown, RecallCountsQuery>) => {
  if (!isLeadStaff(event.auth)) throw new Forbidden('Recall counts are for marketing operations.', 'marketing-operations');
  const page = await leadRecalls.counts({ partnerId: event.query.partnerId, limit: event.query.limit, cursor: event.query.cursor });
  return ok({ items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
};

/** The lead as the caller may see it; anything else is not found. */
const visible = (lead: Lead | undefined, auth: Auth): { lead: Lead; audience: Audience } => {
  if (lead && isPartnerUser(auth) && partnerMaySee(lead, { userId: auth.userId, partnerId: auth.partnerId, privileges: auth.privileges })) return { lead, audience: 'partner' };
  if (lead && isLeadStaff(auth)) return { lead, audience: 'internal' };
  throw new NotFound('The lead');
};

const read = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  const { lead, audience } = visible(await leads.get(event.params.id), event.auth);
  return ok(leadDetail(lead, audience));
};

const ATTEMPTS = 3;

/**
 * A partner user's change to a lead they may see: read, decide (domain), write on the
 * version read; if someone changed it meanwhile (the recall sweep, a colleague),
 * decide again on what it is now.
 */
const change = async (event: HttpEvent<unknown, unknown, { id: string }>, decide: (lead: Lead, auth: Auth & { partnerId: string }, at: string) => Promise<Verdict<Lead>> | Verdict<Lead>) => {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const { lead, audience } = visible(await leads.get(event.params.id, true), event.auth);
    if (audience !== 'partner' || !isPartnerUser(event.auth)) throw new Forbidden('Partner users act on their leads.', 'partner user');
    const verdict = await decide(lead, event.auth, clock.now().toISOString());
    if (!verdict.ok) throw problemOf(verdict);
    if (verdict.value === lead || (await leads.replace(verdict.value, lead.version))) return ok(leadDetail(verdict.value, 'partner'));
  }
  throw new Conflict('The lead changed while it was being updated; read it again.');
};

const accept = (event: HttpEvent<unknown, unknown, { id: string }>) => change(event, (lead, auth, at) => accepted(lead, actorOf(auth), at));

const reject = (event: HttpEvent<RejectLead, unknown, { id: string }>) => change(event, (lead, auth, at) => rejected(lead, actorOf(auth), at, event.body.reason));

const updateStatus = (event: HttpEvent<ChangeLeadStatus, unknown, { id: string }>) =>
  change(event, (lead, auth, at) => statusChanged(lead, event.body.status, actorOf(auth), at, event.body.reason));

/** The opportunity admin gives the lead to a user of the organisation. */
const assign = (event: HttpEvent<AssignLead, unknown, { id: string }>) =>
  change(event, async (lead, auth, at) => {
    if (!auth.privileges.includes('opportunityAdmin')) throw new Forbidden('Only an opportunity admin assigns leads.', 'opportunityAdmin');
    const user = await users.get(event.body.userId);
    if (!user || user.partnerId !== auth.partnerId || !user.active) throw new NotFound('The user');
    return assigned(lead, user, actorOf(auth), at);
  });

export const handler = httpApi({
  'GET /leads': route(list, parseQuery(ListLeadsQuery)),
  'GET /leads/held-back': route(heldBack, parseQuery(HeldBackQuery)),
  'GET /leads/recalls': route(recallCounts, parseQuery(RecallCountsQuery)),
  'GET /leads/{id}': route(read, parsePath(idParam)),
  'POST /leads/{id}/accept': route(accept, parsePath(idParam)),
  'POST /leads/{id}/reject': route(reject, parsePath(idParam), parseBody(RejectLead)),
  'POST /leads/{id}/status': route(updateStatus, parsePath(idParam), parseBody(ChangeLeadStatus)),
  'POST /leads/{id}/assign': route(assign, parsePath(idParam), parseBody(AssignLead)),
});
