import { escalate } from '#approvals/escalate';
import { expiryReminderAt, type DealRegistration } from '#domain/deal-registration';
import { registrationExpired, registrationExpiresSoon } from '#email/dr-emails';
import { sendEmail } from '#email/send';
import * as approvals from '#store/approvals';
import * as registrations from '#store/deal-registrations';
import { systemActor } from '#store/history';
import * as opportunities from '#store/opportunities';
import { transactUnlessRefused, type Item } from '#store/table';
import { clock } from '#shared/clock';
import { startRegistrationReview } from '#workflow/registration-review';

/**
 * The deal registrations' due work. Each piece is claimed by a conditional write
 * on its due item before anything is sent, so repeated or overlapping sweeps do
 * it once.
 */
type Outcome = 'done' | 'skipped';

/**
 * The partner has not heard from GitLab within two business days: the reviewer
 * holding the registration is reminded and their backup asked (the level's
 * escalation, once).
 */
export const partnerContactOverdue = async (due: Item): Promise<Outcome> => {
  const id = String(due.registrationId);
  const at = clock.now().toISOString();
  const claimed = await transactUnlessRefused([
    registrations.dueDoneItem(id, registrations.PARTNER_CONTACT_DUE, String(due.dueAt)),
    registrations.historyItem(id, { at, by: systemActor('SLA sweep'), action: 'partner-contact-overdue', reason: 'The partner had not heard from GitLab within two business days.' }),
  ]);
  if (!claimed) return 'skipped';
  const found = await registrations.getWithPartition(id, true);
  const pendingItem = found?.items.find((item) => approvals.isApprovalItem(item) && item.status === 'Pending');
  if (pendingItem) await escalate(pendingItem);
  return 'done';
};

/** Fourteen days before the protection ends the partner is reminded; on the date the registration expires. */
export const expiryStep = async (due: Item): Promise<Outcome> => {
  const id = String(due.registrationId);
  const dueAt = String(due.dueAt);
  const expiresAt = String(due.expiresAt);
  const now = clock.now();
  const at = now.toISOString();
  const registration = await registrations.get(id);
  if (!registration || registration.status !== 'Approved' || registration.expiresAt !== expiresAt) return 'skipped';
  if (due.step === 'remind' && Date.parse(expiryReminderAt(expiresAt)) <= now.getTime() && Date.parse(expiresAt) > now.getTime()) {
    const moved = await transactUnlessRefused([
      registrations.dueMoveItem(id, registrations.EXPIRY_DUE, dueAt, expiresAt, { step: 'expire', expiresAt }),
      registrations.historyItem(id, { at, by: systemActor('expiry sweep'), action: 'expiry-reminder-sent', details: { expiresAt } }),
    ]);
    if (moved) await sendEmail(registrationExpiresSoon(registration));
    return moved ? 'done' : 'skipped';
  }
  const expired = await transactUnlessRefused(expiryItems(registration, dueAt, at));
  if (expired) await sendEmail(registrationExpired({ ...registration, status: 'Expired' }));
  return expired ? 'done' : 'skipped';
};

const expiryItems = (registration: DealRegistration, dueAt: string, at: string) => [
  registrations.transitionItem(registration, 'Approved', 'Expired', at, { decidedAt: at }),
  ...(registration.opportunityId ? [opportunities.releaseItem(registration.opportunityId, registration.id)] : []),
  registrations.dueDoneItem(registration.id, registrations.EXPIRY_DUE, dueAt),
  registrations.historyItem(registration.id, { at, by: systemActor('expiry sweep'), action: 'expired', from: 'Approved', to: 'Expired', details: { expiresAt: registration.expiresAt } }),
];

/** A registration whose review never opened: start its workflow (named after it, so harmless if it runs). */
export const reviewNotStarted = async (due: Item): Promise<Outcome> => {
  const id = String(due.registrationId);
  const registration = await registrations.get(id);
  if (registration?.status === 'Submitted') await startRegistrationReview(registration);
  const cleared = await transactUnlessRefused([registrations.dueDoneItem(id, registrations.REVIEW_START_DUE, String(due.dueAt))]);
  return cleared && registration?.status === 'Submitted' ? 'done' : 'skipped';
};
