import type { Approval } from '#domain/approval';
import { progressOf, type MdfRequest } from '#domain/mdf';
import type { HistoryEvent } from '#store/history';
import { historyView, type Audience } from './history.views.ts';

export type { Audience };

/**
 * How an MDF request is shown through the API. Partners see who acted on their
 * side by name and the program's side by role; internal users see names.
 */
const fieldsOf = (request: MdfRequest) => {
  const { executionName: _execution, version: _version, updatedAt: _updated, currentLevel: _level, targetDate: _target, submittedBy, ...fields } = request;
  return { ...fields, submittedBy: { id: submittedBy.id, name: submittedBy.name } };
};

export const summaryView = (request: MdfRequest) => ({
  ...fieldsOf(request),
  description: undefined,
  targetDate: request.targetDate,
  ...(request.status === 'Open' && request.currentLevel ? { currentLevel: request.currentLevel } : {}),
});

export const detailView = (
  request: MdfRequest,
  approvals: readonly Approval[],
  history: readonly HistoryEvent[],
  now: Date,
  audience: Audience,
) => {
  const progress = progressOf(request, approvals, now);
  return {
    ...fieldsOf(request),
    progress: audience === 'internal' ? progress : { ...progress, levels: progress.levels.map(({ decidedBy: _by, ...level }) => level) },
    history: historyView(history, audience, approvals),
  };
};
