import type { Claim } from '#domain/claims';
import { positiveIntegerSetting } from '#shared/settings';
import { workflow } from '#shared/workflows';

/**
 * The claim review workflow as its callers see it: started for a claim (named
 * after the claim, so starting twice is harmless), stopped when its request is
 * canceled.
 */
const review = workflow('mdf-claim-review');

/** The hard timeout of the CMM's review and of the wait for a missing proof (default 30 days). */
export const decisionTimeoutSeconds = positiveIntegerSetting('DECISION_TIMEOUT_DAYS', 30) * 86_400;

export const startClaimReview = (claim: Pick<Claim, 'id'>): Promise<void> =>
  review.start(claim.id, { claimId: claim.id, decisionTimeoutSeconds, proofTimeoutSeconds: decisionTimeoutSeconds });

export const stopClaimReview = (claim: Pick<Claim, 'id'>, cause: string): Promise<void> => review.stop(claim.id, cause);
