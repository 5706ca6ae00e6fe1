import type { DealRegistration } from '#domain/deal-registration';
import { positiveIntegerSetting } from '#shared/settings';
import { workflow } from '#shared/workflows';

/**
 * The deal registration review workflow as its callers see it: started for a
 * registration (named after it, so starting twice is harmless), stopped when the
 * opportunity is lost while it is in review.
 */
const review = workflow('deal-registration');

/** The hard timeout of each review level, and of the wait for a resubmission (default 30 days). */
export const decisionTimeoutSeconds = positiveIntegerSetting('DECISION_TIMEOUT_DAYS', 30) * 86_400;

export const startRegistrationReview = (registration: Pick<DealRegistration, 'id'>): Promise<void> =>
  review.start(registration.id, { registrationId: registration.id, decisionTimeoutSeconds, resubmissionTimeoutSeconds: decisionTimeoutSeconds });

export const stopRegistrationReview = (registration: Pick<DealRegistration, 'id'>, cause: string): Promise<void> => review.stop(registration.id, cause);
