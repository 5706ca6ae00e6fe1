import { decideAsUser, type DecisionRequest } from '#approvals/decide';
import { Conflict, NotFound } from '#shared/errors';
import type { Auth } from '#shared/http';
import { problemOf } from '#shared/refusals';

/**
 * A signed-in reviewer who holds a subject's pending level (approver or backup)
 * decides it through the API, with the same machinery as the emailed link. The
 * outcome in words, or the problem the API answers: no level waiting for this user
 * is not found, a level decided meanwhile a conflict, a subject's refusal its rule.
 */
export const decideThroughApi = async (subjectKind: string, subjectId: string, auth: Auth, request: DecisionRequest, what: string): Promise<string> => {
  const result = await decideAsUser(subjectKind, subjectId, { id: auth.userId, name: auth.name }, request);
  switch (result.kind) {
    case 'invalid':
      throw new NotFound(`A review of ${what} waiting for you`);
    case 'closed':
      throw new Conflict(result.message);
    case 'refused':
      throw problemOf(result.refusal);
    case 'decided':
      return result.outcome;
  }
};
