import type { LoaRequest } from '#domain/loa';
import { positiveIntegerSetting } from '#shared/settings';
import { workflow } from '#shared/workflows';

/**
 * The Letter of Authorization workflow as its callers see it: started for a request,
 * named after it, so the submit handler and the sweep can both start it safely.
 */
const review = workflow('loa-request');

/** The hard timeout of each level's wait (default 30 days). */
export const decisionTimeoutSeconds = positiveIntegerSetting('DECISION_TIMEOUT_DAYS', 30) * 86_400;

export const startLoaReview = (request: Pick<LoaRequest, 'id'>): Promise<void> => review.start(request.id, { loaId: request.id, decisionTimeoutSeconds });
