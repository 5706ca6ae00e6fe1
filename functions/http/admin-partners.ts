import { emptyChecklist, type Partner } from '#domain/partner';
import type { User } from '#domain/people';
import * as partners from '#store/partners';
import { TransactionRefused } from '#store/table';
import * as users from '#store/users';
import { clock } from '#shared/clock';
import { BadInput, Conflict, Forbidden, NotFound } from '#shared/errors';
import { actorOf, created, hasAnyRole, ok, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { CreatePartner, CreateUser, ListQuery, ListUsersQuery, UpdatePartner, UpdateUser } from './admin.schemas.ts';
import { idParam } from './schemas.ts';

/** Program administration: partners (status, track, trainings, Partner Contact, marketing-ready checklist) and their users. */

const noCertifications = { solutionArchitect: false, professionalServicesEngineer: false };

const requireAdmin = (event: HttpEvent) => {
  if (!hasAnyRole(event.auth, ['admin'])) throw new Forbidden('Program administration is for administrators.', 'admin');
};

const createPartner = async (event: HttpEvent<CreatePartner>) => {
  requireAdmin(event);
  const at = clock.now().toISOString();
  const { marketingReady, certifications, ...fields } = event.body;
  const partner: Partner = {
    ...fields,
    id: newId('ptr'),
    marketingReady: { ...emptyChecklist(), ...marketingReady },
    certifications: { ...noCertifications, ...certifications },
    version: 1,
    createdAt: at,
    updatedAt: at,
  } as Partner;
  await partners.create(partner, { at, by: actorOf(event.auth), action: 'created', to: partner.status });
  return created(partner, `/admin/partners/${partner.id}`);
};

const listPartners = async (event: HttpEvent<unknown, ListQuery>) => {
  requireAdmin(event);
  return ok(await partners.list(event.query.limit, event.query.cursor));
};

const readPartner = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  requireAdmin(event);
  const partner = await partners.getWithHistory(event.params.id);
  if (!partner) throw new NotFound('The partner');
  return ok(partner);
};

const updatePartner = async (event: HttpEvent<UpdatePartner, unknown, { id: string }>) => {
  requireAdmin(event);
  const before = await partners.get(event.params.id);
  if (!before) throw new NotFound('The partner');
  const { reason, marketingReady, certifications, ...changes } = event.body;
  const at = clock.now().toISOString();
  const after: Partner = {
    ...before,
    ...changes,
    marketingReady: { ...before.marketingReady, ...marketingReady },
    certifications: { ...noCertifications, ...before.certifications, ...certifications },
    version: before.version + 1,
    updatedAt: at,
  } as Partner;
  const statusChanged = after.status !== before.status;
  try {
    await partners.replace(after, before.version, {
      at,
      by: actorOf(event.auth),
      action: statusChanged ? 'status-changed' : 'updated',
      ...(statusChanged ? { from: before.status, to: after.status } : {}),
      ...(reason ? { reason } : {}),
      details: { fields: Object.keys(event.body).filter((field) => field !== 'reason') },
    });
  } catch (error) {
    if (error instanceof TransactionRefused) throw new Conflict('The partner changed while you edited it; read it again and retry.');
    throw error;
  }
  return ok(after);
};

const createUser = async (event: HttpEvent<CreateUser>) => {
  requireAdmin(event);
  const body = event.body;
  if (body.partnerId && !(await partners.get(body.partnerId))) {
    throw new BadInput([{ field: 'partnerId', message: 'is not a partner of the program' }]);
  }
  if (body.managerId && !(await users.get(body.managerId))) {
    throw new BadInput([{ field: 'managerId', message: 'is not a user' }]);
  }
  const at = clock.now().toISOString();
  const user: User = {
    id: newId('usr'),
    email: body.email,
    name: body.name,
    ...(body.partnerId ? { partnerId: body.partnerId } : {}),
    privileges: body.privileges,
    roles: body.roles,
    ...(body.managerId ? { managerId: body.managerId } : {}),
    active: true,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await users.create(user);
  } catch (error) {
    if (error instanceof TransactionRefused) throw new Conflict(`A user with the email ${user.email} already exists.`, { field: 'email' });
    throw error;
  }
  return created(user, `/admin/users/${user.id}`);
};

const listUsers = async (event: HttpEvent<unknown, ListUsersQuery>) => {
  requireAdmin(event);
  const { partnerId, limit, cursor } = event.query;
  return ok(partnerId ? await users.listOfPartner(partnerId, limit, cursor) : await users.listInternal(limit, cursor));
};

const readUser = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  requireAdmin(event);
  const user = await users.get(event.params.id);
  if (!user) throw new NotFound('The user');
  return ok(user);
};

const updateUser = async (event: HttpEvent<UpdateUser, unknown, { id: string }>) => {
  requireAdmin(event);
  const before = await users.get(event.params.id);
  if (!before) throw new NotFound('The user');
  const { managerId, ...changes } = event.body;
  if (before.partnerId && changes.roles?.length) throw new BadInput([{ field: 'roles', message: 'partner users have privileges, not internal roles' }]);
  if (!before.partnerId && changes.privileges?.length) throw new BadInput([{ field: 'privileges', message: 'only partner users have privileges' }]);
  if (managerId && !(await users.get(managerId))) throw new BadInput([{ field: 'managerId', message: 'is not a user' }]);
  const { managerId: _previousManager, ...rest } = before;
  const after: User = {
    ...rest,
    ...changes,
    ...(managerId === null ? {} : managerId ? { managerId } : before.managerId ? { managerId: before.managerId } : {}),
    version: before.version + 1,
    updatedAt: clock.now().toISOString(),
  };
  try {
    await users.replace(after, before);
  } catch (error) {
    if (error instanceof TransactionRefused) throw new Conflict('The user changed meanwhile, or the new email belongs to another user.');
    throw error;
  }
  return ok(after);
};

export const handler = httpApi({
  'POST /admin/partners': route(createPartner, parseBody(CreatePartner), idempotent('POST /admin/partners')),
  'GET /admin/partners': route(listPartners, parseQuery(ListQuery)),
  'GET /admin/partners/{id}': route(readPartner, parsePath(idParam)),
  'PATCH /admin/partners/{id}': route(updatePartner, parsePath(idParam), parseBody(UpdatePartner)),
  'POST /admin/users': route(createUser, parseBody(CreateUser), idempotent('POST /admin/users')),
  'GET /admin/users': route(listUsers, parseQuery(ListUsersQuery)),
  'GET /admin/users/{id}': route(readUser, parsePath(idParam)),
  'PATCH /admin/users/{id}': route(updateUser, parsePath(idParam), parseBody(UpdateUser)),
});
