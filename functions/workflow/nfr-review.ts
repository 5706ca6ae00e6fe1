import type { NfrRequest } from '#domain/nfr';
import { positiveIntegerSetting } from '#shared/settings';
import { workflow } from '#shared/workflows';

/** The NFR request workflow as its callers see it: started for a request, named after it (starting twice is harmless). */
const review = workflow('nfr-request');

/** The hard timeout of the help desk's review (configurable, default 30 days). */
export const decisionTimeoutSeconds = positiveIntegerSetting('DECISION_TIMEOUT_DAYS', 30) * 86_400;

export const startNfrReview = (request: Pick<NfrRequest, 'id'>): Promise<void> => review.start(request.id, { requestId: request.id, decisionTimeoutSeconds });
