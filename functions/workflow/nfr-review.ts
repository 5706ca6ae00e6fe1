import type { NfrRequest } from '#domain/nfr';
import { positiveIntegerSetting } from '#shared/settings';
import { workflow } from '#shared/workflows';

/**
 * The NFR request workflow as its callers see it: started for a request, named after
 * it (starting twice is harmless). The workflow's ARN is read on first use: the sweep
 * loads this module for every kind of due work, and only the review start needs it.
 */
let review: ReturnType<typeof workflow> | undefined;

/** The hard timeout of the help desk's review (configurable, default 30 days). */
export const decisionTimeoutSeconds = positiveIntegerSetting('DECISION_TIMEOUT_DAYS', 30) * 86_400;

export const startNfrReview = (request: Pick<NfrRequest, 'id'>): Promise<void> =>
  (review ??= workflow('nfr-request')).start(request.id, { requestId: request.id, decisionTimeoutSeconds });
