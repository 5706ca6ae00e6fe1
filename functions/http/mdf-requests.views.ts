import type { Approval } from '#domain/approval';
import { progressOf, type MdfRequest } from '#domain/mdf';
import { roleTitles } from '#domain/people';
import type { HistoryEvent } from '#store/history';

/**
 * How an MDF request is shown through the API. Partners see who acted on their
 * side by name and the program's side by role; internal users see names.
 */
export type Audience = 'partner' | 'internal';

const actorLabel = (event: HistoryEvent, audience: Audience, approvals: readonly Approval[]): string => {
  const by = event.by;
  if (audience === 'internal' || by.kind === 'partner-user') {
    return by.onBehalfOf ? `${by.name} (for ${by.onBehalfOf.name})` : by.name;
  }
  if (by.kind === 'system') return 'Channel program';
  const level = typeof event.details?.level === 'string' ? event.details.level : undefined;
  const approval = approvals.find((candidate) => candidate.level === level);
  return approval ? `The ${roleTitles[approval.role]}` : 'The channel program';
};

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
    history: history.map((event) => ({
      at: event.at,
      by: actorLabel(event, audience, approvals),
      action: event.action,
      ...(event.from ? { from: event.from } : {}),
      ...(event.to ? { to: event.to } : {}),
      ...(event.reason ? { reason: event.reason } : {}),
    })),
  };
};
