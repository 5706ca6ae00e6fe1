import { localDate } from '#domain/calendar';
import { checkDelegation, roleTitles, type Delegation } from '#domain/people';
import * as approvers from '#store/approvers';
import * as users from '#store/users';
import { clock } from '#shared/clock';
import { BadInput, Forbidden, NotFound } from '#shared/errors';
import { created, hasAnyRole, isPartnerUser, noContent, ok, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { problemOf } from '#shared/refusals';
import { AssignApprover, AssignmentParams, CreateDelegation, ListQuery } from './admin.schemas.ts';
import { idParam } from './schemas.ts';

/** Who approves what (per role and region), and the backups approvers name for their absences. */

const isAdmin = (event: HttpEvent) => hasAnyRole(event.auth, ['admin']);

const assign = async (event: HttpEvent<AssignApprover, unknown, AssignmentParams>) => {
  if (!isAdmin(event)) throw new Forbidden('Approvers are assigned by administrators.', 'admin');
  const { role, region } = event.params;
  const user = await users.get(event.body.userId);
  if (!user || user.partnerId) throw new BadInput([{ field: 'userId', message: 'is not an internal user' }]);
  if (!user.roles.includes(role)) {
    throw problemOf({ ok: false, rule: 'approvers.user-holds-role', message: `${user.name} does not hold the ${roleTitles[role]} role.` });
  }
  const assignment = { role, scope: region, userId: user.id, assignedAt: clock.now().toISOString(), assignedBy: event.auth.userId };
  await approvers.assign(assignment);
  return ok(assignment);
};

const listAssignments = async (event: HttpEvent<unknown, { limit: number; cursor?: string }>) => {
  if (!isAdmin(event)) throw new Forbidden('Approver assignments are visible to administrators.', 'admin');
  return ok(await approvers.listAssignments(event.query.limit, event.query.cursor));
};

/** An approver names a backup for their absence; administrators may do it for anyone. */
const delegate = async (event: HttpEvent<CreateDelegation>) => {
  const { auth, body } = event;
  if (isPartnerUser(auth)) throw new Forbidden('Delegations are for the program team.');
  const approverId = body.approverId ?? auth.userId;
  if (approverId !== auth.userId && !isAdmin(event)) throw new Forbidden('You can only name a backup for yourself.', 'admin');
  const [approver, backup] = await Promise.all([users.get(approverId), users.get(body.backupId)]);
  if (!approver || approver.partnerId) throw new BadInput([{ field: 'approverId', message: 'is not an internal user' }]);
  if (!backup || backup.partnerId || !backup.active) throw new BadInput([{ field: 'backupId', message: 'is not an active internal user' }]);
  const now = clock.now();
  const verdict = checkDelegation({ approverId, backupId: backup.id, from: body.from, to: body.to }, localDate(now, 'UTC'));
  if (!verdict.ok) throw problemOf(verdict);
  const delegation: Delegation = {
    id: newId('dlg'),
    approverId,
    backupId: backup.id,
    from: body.from,
    to: body.to,
    createdAt: now.toISOString(),
    createdBy: auth.userId,
  };
  await approvers.addDelegation(delegation);
  return created(delegation, `/delegations/${delegation.id}`);
};

const listDelegations = async (event: HttpEvent<unknown, { limit: number; cursor?: string }>) => {
  if (isPartnerUser(event.auth)) throw new Forbidden('Delegations are for the program team.');
  if (isAdmin(event)) return ok(await approvers.listDelegations(event.query.limit, event.query.cursor));
  return ok({ items: await approvers.delegationsOf(event.auth.userId) });
};

const removeDelegation = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  const delegation = await approvers.getDelegation(event.params.id);
  if (!delegation || (delegation.approverId !== event.auth.userId && !isAdmin(event))) throw new NotFound('The delegation');
  await approvers.removeDelegation(delegation.id);
  return noContent();
};

export const handler = httpApi({
  'PUT /admin/approvers/{role}/{region}': route(assign, parsePath(AssignmentParams), parseBody(AssignApprover)),
  'GET /admin/approvers': route(listAssignments, parseQuery(ListQuery)),
  'POST /delegations': route(delegate, parseBody(CreateDelegation), idempotent('POST /delegations')),
  'GET /delegations': route(listDelegations, parseQuery(ListQuery)),
  'DELETE /delegations/{id}': route(removeDelegation, parsePath(idParam)),
});
