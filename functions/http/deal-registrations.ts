import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  checkExtension,
  checkFields,
  checkRegistrant,
  checkResubmission,
  emailDomain,
  newRegistration,
  nextExpiryStep,
  normalizedCompany,
  partnerContactDueAt,
  type DealRegistration,
  type PossibleDuplicate,
  type RegistrationFields,
  type RegistrationStatus,
} from '#domain/deal-registration';
import { checkConvertible, converted, partnerMaySee, registrationCustomer } from '#domain/leads';
import type { Partner } from '#domain/partner';
import type { InternalRole } from '#domain/people';
import { approvingRegion, type Region } from '#domain/regions';
import * as accounts from '#store/accounts';
import * as approvals from '#store/approvals';
import * as calendars from '#store/calendars';
import * as registrations from '#store/deal-registrations';
import * as leads from '#store/leads';
import * as opportunities from '#store/opportunities';
import * as partners from '#store/partners';
import { transact, TransactionRefused, type TransactItem } from '#store/table';
import { clock } from '#shared/clock';
import { BadInput, Conflict, Forbidden, NotFound, type Problem } from '#shared/errors';
import { actorOf, created, hasAnyRole, isPartnerUser, ok, type Auth, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { logger } from '#shared/logger';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { problemOf } from '#shared/refusals';
import { stepFunctions } from '#shared/sfn-client';
import { startRegistrationReview } from '#workflow/registration-review';
import {
  ConvertLead,
  Extension,
  ListRegistrationsQuery,
  RegistrationDecision,
  ResubmitRegistration,
  SubmitRegistration,
} from './deal-registrations.schemas.ts';
import { decideThroughApi } from './api-decision.ts';
import { registrationDetail, registrationSummary, type Audience } from './deal-registrations.views.ts';
import { idParam } from './schemas.ts';

/**
 * Deal registrations: an Authorized partner with a trained seller registers an
 * opportunity (an ESM does it for alliance and GSI partners); operations, the ESM
 * and the ASM review it; the partner edits and resubmits a returned one.
 */
export const registrationStaff: readonly InternalRole[] = ['admin', 'ecosystem-operations', 'esm', 'asm'];

/** If the review has not opened by then, the sweep starts its workflow. */
const REVIEW_START_GRACE_MS = 5 * 60_000;

/** Open registrations and open opportunities of the same customer (name or email domain): shown to operations. */
const possibleDuplicates = async (customer: RegistrationFields['customer'], excluding?: string): Promise<PossibleDuplicate[]> => {
  const name = normalizedCompany(customer.companyName);
  const domain = emailDomain(customer.contactEmail);
  const [found, byName, byDomain] = await Promise.all([
    registrations.openRegistrationsOfCustomer(name, domain, excluding),
    accounts.byName(name),
    domain ? accounts.byDomain(domain) : Promise.resolve([]),
  ]);
  const matchedAccounts = new Map<string, 'customer name' | 'email domain'>();
  for (const account of byName) matchedAccounts.set(account.id, 'customer name');
  for (const account of byDomain) if (!matchedAccounts.has(account.id)) matchedAccounts.set(account.id, 'email domain');
  const openOpportunities = (
    await Promise.all([...matchedAccounts].map(async ([accountId, matchedOn]) => (await opportunities.ofAccount(accountId)).filter(opportunities.isOpen).map((opportunity) => ({ opportunity, matchedOn }))))
  ).flat();
  return [
    ...found.map(({ registration, matchedOn }) => ({
      kind: 'registration' as const,
      id: registration.id,
      matchedOn,
      label: `${registration.customer.companyName} by ${registration.partnerName}`,
      status: registration.status,
    })),
    ...openOpportunities.map(({ opportunity, matchedOn }) => ({ kind: 'opportunity' as const, id: opportunity.id, matchedOn, label: opportunity.name, status: opportunity.stage })),
  ];
};

const regionFor = (country: string, partner: { homeRegion: Region }): Region => {
  const region = approvingRegion(country, partner.homeRegion);
  if (!region) throw new BadInput([{ field: 'customer.country', message: 'has no reviewing region' }]);
  return region;
};

interface Registrant {
  partner: Partner;
  by: 'partner-user' | 'esm';
}

/**
 * The submission both ways in share (a new registration, a converted lead): the
 * registrant's rules, the fields' rules, possible duplicates; the registration, its
 * history and its due times in one transaction with whatever else the caller must
 * change with it; then its review starts (or the sweep starts it).
 */
const register = async (
  auth: Auth,
  { partner, by }: Registrant,
  fields: RegistrationFields,
  alongside?: (registration: DealRegistration) => { items: TransactItem[]; refused: () => Problem },
): Promise<DealRegistration> => {
  const registrant = checkRegistrant(partner, by);
  if (!registrant.ok) throw problemOf(registrant);
  const region = regionFor(fields.customer.country, partner);
  const now = clock.now();
  const calendar = await calendars.get(region);
  const fieldsOk = checkFields(fields, now, calendar.timeZone);
  if (!fieldsOk.ok) throw problemOf(fieldsOk);

  const registration = newRegistration(fields, {
    id: newId('dr'),
    partner,
    by: { id: auth.userId, name: auth.name, email: auth.email, onBehalf: by === 'esm' },
    region,
    now,
    duplicates: await possibleDuplicates(fields.customer),
  });
  const also = alongside?.(registration);
  const details = { duplicates: registration.possibleDuplicates.length, ...(fields.leadId ? { leadId: fields.leadId } : {}) };
  try {
    await transact([
      ...registrations.createItems(
        registration,
        { normalizedName: normalizedCompany(fields.customer.companyName), domain: emailDomain(fields.customer.contactEmail) },
        { at: registration.submittedAt, by: actorOf(auth), action: 'submitted', to: 'Submitted', details },
        [
          registrations.dueItem(registration.id, registrations.PARTNER_CONTACT_DUE, partnerContactDueAt(now, calendar).toISOString()),
          registrations.dueItem(registration.id, registrations.REVIEW_START_DUE, new Date(now.getTime() + REVIEW_START_GRACE_MS).toISOString()),
        ],
      ),
      ...(also?.items ?? []),
    ]);
  } catch (error) {
    if (also && error instanceof TransactionRefused) throw also.refused();
    throw error;
  }
  try {
    await startRegistrationReview(registration);
  } catch (error) {
    logger.warn('The registration review could not be started now; the sweep will start it', { registrationId: registration.id, error: (error as Error).name });
  }
  logger.info('Deal registration submitted', { registrationId: registration.id, partnerId: partner.id, duplicates: registration.possibleDuplicates.length, leadId: fields.leadId });
  return registration;
};

const submit = async (event: HttpEvent<SubmitRegistration>) => {
  const { auth, body } = event;
  let partnerId: string;
  let by: Registrant['by'];
  if (isPartnerUser(auth)) {
    if (body.partnerId && body.partnerId !== auth.partnerId) throw new BadInput([{ field: 'partnerId', message: 'partner users register for their own organisation' }]);
    partnerId = auth.partnerId;
    by = 'partner-user';
  } else if (hasAnyRole(auth, ['esm'])) {
    if (!body.partnerId) throw new BadInput([{ field: 'partnerId', message: 'is required when an ESM registers for an alliance or GSI partner' }]);
    partnerId = body.partnerId;
    by = 'esm';
  } else throw new Forbidden('Deals are registered by partner users, or by an ESM for alliance and GSI partners.');
  const partner = await partners.get(partnerId);
  if (!partner) throw by === 'esm' ? new BadInput([{ field: 'partnerId', message: 'is not a partner of the program' }]) : new NotFound('Your partner organisation');
  const { partnerId: _partner, ...fields } = body;
  const registration = await register(auth, { partner, by }, fields);
  return created(registrationDetail(registration, [], [], undefined, by === 'esm' ? 'internal' : 'partner'), `/deal-registrations/${registration.id}`);
};

/**
 * A partner user converts an accepted lead they may see into a deal registration:
 * the registration starts with the lead's customer and carries its campaign and the
 * lead; the lead becomes Converted to DR in the same transaction, so neither exists
 * without the other. Submitted like any registration (same rules, same review).
 */
const convert = async (event: HttpEvent<ConvertLead, unknown, { id: string }>) => {
  const { auth, body } = event;
  const lead = await leads.get(event.params.id, true);
  if (!lead || !isPartnerUser(auth) || !partnerMaySee(lead, { userId: auth.userId, partnerId: auth.partnerId, privileges: auth.privileges })) throw new NotFound('The lead');
  const { customer: corrections, ...rest } = body;
  const { customer, missing } = registrationCustomer(lead, corrections);
  if (missing.length > 0) throw new BadInput(missing.map((part) => ({ field: `customer.${part}`, message: 'is required: the lead has none' })));
  const fields: RegistrationFields = { ...rest, customer: customer as RegistrationFields['customer'], campaignId: lead.campaignId, leadId: lead.id };
  const convertible = checkConvertible(lead);
  if (!convertible.ok) throw problemOf(convertible);
  const partner = await partners.get(auth.partnerId);
  if (!partner) throw new NotFound('Your partner organisation');
  const registration = await register(auth, { partner, by: 'partner-user' }, fields, (opened) => {
    const verdict = converted(lead, opened.id, actorOf(auth), opened.submittedAt);
    if (!verdict.ok) throw problemOf(verdict);
    // Written on the version read: a lead changed meanwhile (recalled, converted by a colleague) refuses the whole transaction.
    return { items: [leads.replaceItem(verdict.value, lead.version)], refused: () => new Conflict('The lead changed while it was being converted; read it again.') };
  });
  return created(registrationDetail(registration, [], [], undefined, 'partner'), `/deal-registrations/${registration.id}`);
};

/**
 * Partner users see their organisation's registrations with `opportunityAdmin`,
 * otherwise only what they submitted; the program team sees all. Anything else is
 * not found.
 */
const audienceFor = (auth: Auth, registration: DealRegistration): Audience => {
  if (isPartnerUser(auth)) {
    const visible = registration.partnerId === auth.partnerId && (auth.privileges.includes('opportunityAdmin') || registration.submittedBy.id === auth.userId);
    if (!visible) throw new NotFound('The deal registration');
    return 'partner';
  }
  if (!hasAnyRole(auth, registrationStaff)) throw new NotFound('The deal registration');
  return 'internal';
};

const detailOf = async (id: string, auth: Auth) => {
  const found = await registrations.getWithPartition(id);
  if (!found) throw new NotFound('The deal registration');
  const audience = audienceFor(auth, found.registration);
  const contactDue = registrations.dueOf(found.items, registrations.PARTNER_CONTACT_DUE);
  return registrationDetail(found.registration, approvals.approvalsOf(found.items), found.history, contactDue?.dueAt, audience);
};

const read = async (event: HttpEvent<unknown, unknown, { id: string }>) => ok(await detailOf(event.params.id, event.auth));

/** The queue each reviewing role sees by default. */
const defaultQueue: Partial<Record<InternalRole, RegistrationStatus>> = {
  'ecosystem-operations': 'Submitted',
  esm: 'Pending Sales Review',
  asm: 'Pending ASM Review',
};

const list = async (event: HttpEvent<unknown, ListRegistrationsQuery>) => {
  const { auth, query } = event;
  if (isPartnerUser(auth)) {
    const page = await registrations.listOfPartner(auth.partnerId, {
      limit: query.limit,
      cursor: query.cursor,
      ...(auth.privileges.includes('opportunityAdmin') ? {} : { submittedBy: auth.userId }),
    });
    return ok({ ...page, items: page.items.filter((r) => !query.status || r.status === query.status).map(registrationSummary) });
  }
  if (!hasAnyRole(auth, registrationStaff)) throw new Forbidden('Deal registrations are for partners and the program team.');
  if (query.partnerId) {
    const page = await registrations.listOfPartner(query.partnerId, { limit: query.limit, cursor: query.cursor });
    return ok({ ...page, items: page.items.filter((r) => !query.status || r.status === query.status).map(registrationSummary) });
  }
  const status = query.status ?? auth.roles.map((role) => defaultQueue[role]).find(Boolean);
  if (!status) throw new BadInput([{ field: 'query.status', message: 'is required: which queue' }]);
  const page = await registrations.listByStatus(status, query.limit, query.cursor);
  // An ESM's sales-review queue is the registrations assigned to them.
  const mine = status === 'Pending Sales Review' && hasAnyRole(auth, ['esm']) && !hasAnyRole(auth, ['admin', 'ecosystem-operations']);
  return ok({ ...page, items: page.items.filter((r) => !mine || r.esmId === auth.userId).map(registrationSummary) });
};

/** The partner edits a Returned registration and resubmits it: the review starts again at operations. */
const resubmit = async (event: HttpEvent<ResubmitRegistration, unknown, { id: string }>) => {
  const { auth, body } = event;
  const found = await registrations.getWithPartition(event.params.id);
  if (!found || !isPartnerUser(auth)) throw new NotFound('The deal registration');
  const before = found.registration;
  audienceFor(auth, before);
  const verdict = checkResubmission(before);
  if (!verdict.ok) throw problemOf(verdict);
  const now = clock.now();
  const calendar = await calendars.get(before.region);
  const fieldsOk = checkFields(body, now, calendar.timeZone);
  if (!fieldsOk.ok) throw problemOf(fieldsOk);
  const at = now.toISOString();
  const { returnComments: _comments, ...kept } = before;
  const after: DealRegistration = {
    ...kept,
    ...body,
    status: 'Submitted',
    region: regionFor(body.customer.country, { homeRegion: before.region }),
    round: before.round + 1,
    // The opportunity operations linked it to in an earlier round is its own, not a duplicate.
    possibleDuplicates: (await possibleDuplicates(body.customer, before.id)).filter((duplicate) => duplicate.id !== before.opportunityId),
    version: before.version + 1,
    updatedAt: at,
  };
  try {
    await transact(
      registrations.resubmittedItems(
        before,
        after,
        { normalizedName: normalizedCompany(body.customer.companyName), domain: emailDomain(body.customer.contactEmail) },
        { at, by: actorOf(auth), action: 'resubmitted', from: 'Returned', to: 'Submitted', details: { round: after.round } },
        [registrations.dueItem(before.id, registrations.PARTNER_CONTACT_DUE, partnerContactDueAt(now, calendar).toISOString())],
        registrations.waitingTokenOf(found.items),
      ),
    );
  } catch (error) {
    if (error instanceof TransactionRefused) throw new Conflict('The registration changed meanwhile; read it again.');
    throw error;
  }
  // The workflow waits for this: wake it (if it is not waiting yet, its wait ends by itself on seeing the resubmission).
  const taskToken = await registrations.takeResubmitToken(before.id);
  if (taskToken) await stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ resubmitted: true, round: after.round }) }));
  return ok(await detailOf(before.id, auth));
};

/** A reviewer who holds the pending level (approver or backup) decides through the API. */
const decision = async (event: HttpEvent<RegistrationDecision, unknown, { id: string }>) => {
  const { auth, body } = event;
  if (isPartnerUser(auth) || !hasAnyRole(auth, registrationStaff)) throw new NotFound('The deal registration');
  const { decision: choice, reason, ...details } = body;
  const outcome = await decideThroughApi(
    'deal-registration',
    event.params.id,
    auth,
    { decision: choice, reason, details: Object.fromEntries(Object.entries(details).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) },
    'this registration',
  );
  return ok({ outcome, registration: await detailOf(event.params.id, auth) });
};

/** Standard (+30 days, once) or non-standard (a later date, operations) extension of an approved registration. */
const extend = async (event: HttpEvent<Extension, unknown, { id: string }>) => {
  const { auth, body } = event;
  if (isPartnerUser(auth) || !hasAnyRole(auth, registrationStaff)) throw new NotFound('The deal registration');
  const registration = await registrations.get(event.params.id);
  if (!registration) throw new NotFound('The deal registration');
  const now = clock.now();
  const verdict = checkExtension(registration, { kind: body.kind, ...(body.expiresAt ? { newExpiry: body.expiresAt } : {}) }, auth.roles, now);
  if (!verdict.ok) throw problemOf(verdict);
  const at = now.toISOString();
  const { expiresAt } = verdict.value;
  const next = nextExpiryStep(expiresAt, now);
  try {
    await transact([
      registrations.updateItem(registration, 'Approved', at, { expiresAt, ...(body.kind === 'standard' ? { standardExtensionUsed: true } : {}) }),
      registrations.dueItem(registration.id, registrations.EXPIRY_DUE, next.at, { step: next.step, expiresAt }),
      registrations.historyItem(registration.id, {
        at,
        by: actorOf(auth),
        action: body.kind === 'standard' ? 'extended' : 'expiry-set',
        from: 'Approved',
        to: 'Approved',
        details: { previousExpiry: registration.expiresAt, expiresAt },
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) throw new Conflict('The registration changed meanwhile (it may have expired); read it again.');
    throw error;
  }
  return ok(await detailOf(registration.id, auth));
};

export const handler = httpApi({
  'POST /deal-registrations': route(submit, parseBody(SubmitRegistration), idempotent('POST /deal-registrations')),
  'GET /deal-registrations': route(list, parseQuery(ListRegistrationsQuery)),
  'GET /deal-registrations/{id}': route(read, parsePath(idParam)),
  'PUT /deal-registrations/{id}': route(resubmit, parsePath(idParam), parseBody(ResubmitRegistration)),
  'POST /deal-registrations/{id}/decision': route(decision, parsePath(idParam), parseBody(RegistrationDecision)),
  'POST /deal-registrations/{id}/extension': route(extend, parsePath(idParam), parseBody(Extension)),
  'POST /leads/{id}/convert': route(convert, parsePath(idParam), parseBody(ConvertLead), idempotent('POST /leads/{id}/convert')),
});

