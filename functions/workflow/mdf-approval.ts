import type { MdfRequest } from '#domain/mdf';
import { positiveIntegerSetting } from '#shared/settings';
import { workflow } from '#shared/workflows';

/**
 * The MDF approval workflow as its callers see it: start it for a request (the
 * execution is named after the request, so the submit handler and the sweep can
 * both start it safely), stop it when the request is canceled.
 */
const approval = workflow('mdf-request-approval');

/** The hard timeout of each level's wait (configurable, default 30 days). */
export const decisionTimeoutSeconds = positiveIntegerSetting('DECISION_TIMEOUT_DAYS', 30) * 86_400;

export const startMdfApproval = (request: Pick<MdfRequest, 'id' | 'executionName' | 'flexi'>): Promise<void> =>
  approval.start(request.executionName, { requestId: request.id, flexi: request.flexi, decisionTimeoutSeconds });

export const stopMdfApproval = (request: Pick<MdfRequest, 'executionName'>, cause: string): Promise<void> =>
  approval.stop(request.executionName, cause);
