import { campaignRefusals, type Campaign } from '#domain/campaigns';
import { leadStaffRoles } from '#domain/leads';
import type { Partner } from '#domain/partner';
import * as campaigns from '#store/campaigns';
import type { HistoryEvent } from '#store/history';
import * as partners from '#store/partners';
import { TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { BadInput, Conflict, Forbidden, NotFound } from '#shared/errors';
import { actorOf, created, hasAnyRole, ok, type Auth, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { CreateCampaign, ListCampaignsQuery, UpdateCampaign } from './campaigns.schemas.ts';
import { idParam } from './schemas.ts';

/**
 * Campaigns, maintained by marketing operations. Each campaign says whether it can
 * carry partner leads and, when it cannot, every reason why (its channel partner name
 * matches no partner account exactly, its budget holder is not chnl or ptnr, it is
 * Aborted).
 */
const requireLeadStaff = (auth: Auth) => {
  if (!hasAnyRole(auth, leadStaffRoles)) throw new Forbidden('Campaigns are maintained by marketing operations.', 'marketing-operations');
};

/** The view of each campaign, with the partners its name matches looked up once per name. */
const views = async (list: readonly Campaign[]) => {
  const named = new Map<string, Promise<Partner[]>>();
  for (const campaign of list) if (!named.has(campaign.channelPartnerName)) named.set(campaign.channelPartnerName, partners.withLegalName(campaign.channelPartnerName));
  return Promise.all(
    list.map(async (campaign) => {
      const whyNot = campaignRefusals(campaign, undefined, await named.get(campaign.channelPartnerName)).map(({ rule, message }) => ({ rule, message }));
      const { version: _version, ...fields } = campaign;
      return { ...fields, carriesPartnerLeads: whyNot.length === 0, whyNot };
    }),
  );
};

const historyView = (history: readonly HistoryEvent[]) =>
  history.map((event) => ({
    at: event.at,
    by: event.by.name,
    action: event.action,
    ...(event.from ? { from: event.from } : {}),
    ...(event.to ? { to: event.to } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
    ...(event.details ? { details: event.details } : {}),
  }));

const checkDates = (startDate: string | undefined, endDate: string | undefined) => {
  if (startDate && endDate && endDate < startDate) throw new BadInput([{ field: 'endDate', message: `is before the start date ${startDate}` }]);
};

const create = async (event: HttpEvent<CreateCampaign>) => {
  requireLeadStaff(event.auth);
  checkDates(event.body.startDate, event.body.endDate);
  const at = clock.now().toISOString();
  const campaign: Campaign = { ...event.body, id: newId('cmp'), createdAt: at, updatedAt: at, version: 1 };
  await campaigns.create(campaign, { at, by: actorOf(event.auth), action: 'created', to: campaign.status });
  const [view] = await views([campaign]);
  return created(view, `/campaigns/${campaign.id}`);
};

const list = async (event: HttpEvent<unknown, ListCampaignsQuery>) => {
  requireLeadStaff(event.auth);
  const page = await campaigns.list(event.query.limit, event.query.cursor);
  return ok({ items: await views(page.items), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
};

const read = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  requireLeadStaff(event.auth);
  const found = await campaigns.getWithHistory(event.params.id);
  if (!found) throw new NotFound('The campaign');
  const { history, ...campaign } = found;
  const [view] = await views([campaign]);
  return ok({ ...view, history: historyView(history) });
};

/** Changes a campaign; leads already shared keep the campaign as it was when they arrived. */
const update = async (event: HttpEvent<UpdateCampaign, unknown, { id: string }>) => {
  requireLeadStaff(event.auth);
  const before = await campaigns.get(event.params.id);
  if (!before) throw new NotFound('The campaign');
  const { reason, ...changes } = event.body;
  const after: Campaign = { ...before, ...changes, version: before.version + 1, updatedAt: clock.now().toISOString() };
  checkDates(after.startDate, after.endDate);
  const changedFields = Object.keys(changes).filter((field) => changes[field as keyof typeof changes] !== before[field as keyof Campaign]);
  if (changedFields.length === 0) {
    const [view] = await views([before]);
    return ok(view);
  }
  try {
    await campaigns.replace(after, before.version, {
      at: after.updatedAt,
      by: actorOf(event.auth),
      action: after.status !== before.status ? 'status-changed' : 'updated',
      ...(after.status !== before.status ? { from: before.status, to: after.status } : {}),
      ...(reason ? { reason } : {}),
      details: Object.fromEntries(changedFields.map((field) => [field, { from: before[field as keyof Campaign] ?? null, to: after[field as keyof Campaign] ?? null }])),
    });
  } catch (error) {
    if (error instanceof TransactionRefused) throw new Conflict('The campaign changed meanwhile; read it again and retry.');
    throw error;
  }
  const [view] = await views([after]);
  return ok(view);
};

export const handler = httpApi({
  'POST /campaigns': route(create, parseBody(CreateCampaign), idempotent('POST /campaigns')),
  'GET /campaigns': route(list, parseQuery(ListCampaignsQuery)),
  'GET /campaigns/{id}': route(read, parsePath(idParam)),
  'PATCH /campaigns/{id}': route(update, parsePath(idParam), parseBody(UpdateCampaign)),
});
