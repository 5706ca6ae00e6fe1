import type { DealRegistration } from '#domain/deal-registration';
import type { InternalRole } from '#domain/people';
import { registrationClosedLost } from '#email/dr-emails';
import { sendEmail } from '#email/send';
import * as registrations from '#store/deal-registrations';
import * as opportunities from '#store/opportunities';
import { transact, TransactionRefused, type TransactItem } from '#store/table';
import { clock } from '#shared/clock';
import { Conflict, NotFound } from '#shared/errors';
import { actorOf, hasAnyRole, isPartnerUser, ok, type HttpEvent } from '#shared/http';
import { logger } from '#shared/logger';
import { httpApi, route } from '#shared/middleware/http-api';
import { parseBody, parsePath } from '#shared/middleware/parse';
import { stopRegistrationReview } from '#workflow/registration-review';
import { ClosedLost } from './deal-registrations.schemas.ts';
import { registrationSummary } from './deal-registrations.views.ts';
import { idParam } from './schemas.ts';

/** Opportunities as the program team sees them, and closing one as lost. */
const salesRoles: readonly InternalRole[] = ['admin', 'ecosystem-operations', 'esm', 'asm'];

const requireSales = (event: HttpEvent) => {
  if (isPartnerUser(event.auth) || !hasAnyRole(event.auth, salesRoles)) throw new NotFound('The opportunity');
};

const read = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  requireSales(event);
  const opportunity = await opportunities.get(event.params.id);
  if (!opportunity) throw new NotFound('The opportunity');
  const [holder, linked] = await Promise.all([opportunities.holderOf(opportunity.id), opportunities.linkedRegistrations(opportunity.id)]);
  return ok({ ...opportunity, ...(holder ? { registeredTo: holder } : {}), registrations: (await registrations.getMany(linked)).map(registrationSummary) });
};

/** Registrations that end with the opportunity: approved ones, and ones still in review. */
const endsWithOpportunity = (registration: DealRegistration) =>
  ['Approved', 'Submitted', 'Pending Sales Review', 'Pending ASM Review', 'Returned'].includes(registration.status);

/**
 * The opportunity is lost: it closes, and every registration on it that is
 * approved or still in review becomes Closed Lost (an approved one stops holding
 * the opportunity), in one transaction; then reviews in flight stop and each
 * partner is told.
 */
const closedLost = async (event: HttpEvent<ClosedLost, unknown, { id: string }>) => {
  requireSales(event);
  const opportunity = await opportunities.get(event.params.id);
  if (!opportunity) throw new NotFound('The opportunity');
  if (!opportunities.isOpen(opportunity)) throw new Conflict(`The opportunity is already ${opportunity.stage}.`);
  const ending = (await registrations.getMany(await opportunities.linkedRegistrations(opportunity.id))).filter(endsWithOpportunity);
  const at = clock.now().toISOString();
  const by = actorOf(event.auth);
  const reason = event.body.reason ?? 'The opportunity was closed as lost.';
  const items: TransactItem[] = [
    opportunities.closedLostItem(opportunity.id, at),
    opportunities.historyItem(opportunity.id, { at, by, action: 'closed-lost', from: opportunity.stage, to: 'Closed Lost', reason }),
    ...ending.flatMap((registration) => [
      registrations.transitionItem(registration, registration.status, 'Closed Lost', at, { outcomeReason: reason, decidedAt: at }, ['resubmitTaskToken']),
      ...(registration.status === 'Approved' ? [opportunities.releaseItem(opportunity.id, registration.id)] : []),
      ...[registrations.PARTNER_CONTACT_DUE, registrations.EXPIRY_DUE, registrations.REVIEW_START_DUE].map((kind) => registrations.dueClearItem(registration.id, kind)),
      registrations.historyItem(registration.id, { at, by, action: 'closed-lost', from: registration.status, to: 'Closed Lost', reason }),
    ]),
  ];
  try {
    await transact(items);
  } catch (error) {
    if (error instanceof TransactionRefused) throw new Conflict('The opportunity or one of its registrations changed meanwhile; try again.');
    throw error;
  }
  for (const registration of ending) {
    if (registration.status !== 'Approved') {
      await stopRegistrationReview(registration, 'The opportunity was closed as lost').catch((error: Error) =>
        logger.warn('The registration review could not be stopped now; it ends by its own timeout', { registrationId: registration.id, error: error.name }),
      );
    }
    await sendEmail(registrationClosedLost({ ...registration, status: 'Closed Lost', outcomeReason: reason }));
  }
  return ok({ ...opportunity, stage: 'Closed Lost', closedAt: at, registrationsClosed: ending.map((registration) => registration.id) });
};

export const handler = httpApi({
  'GET /opportunities/{id}': route(read, parsePath(idParam)),
  'POST /opportunities/{id}/closed-lost': route(closedLost, parsePath(idParam), parseBody(ClosedLost)),
});
