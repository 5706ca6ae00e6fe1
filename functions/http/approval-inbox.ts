import * as z from 'zod/mini';
import * as approvals from '#store/approvals';
import { Forbidden } from '#shared/errors';
import { isPartnerUser, ok, type HttpEvent } from '#shared/http';
import { httpApi, route } from '#shared/middleware/http-api';
import { parseQuery } from '#shared/middleware/parse';
import { pageQuery } from './schemas.ts';

/** The signed-in approver's pending approvals (their own and those they hold as backup), soonest due first. */
export const InboxQuery = z.strictObject({ ...pageQuery() });
type InboxQuery = z.infer<typeof InboxQuery>;

const inbox = async (event: HttpEvent<unknown, InboxQuery>) => {
  if (isPartnerUser(event.auth)) throw new Forbidden('Approvals are decided by the program team.');
  const page = await approvals.inbox(event.auth.userId, event.query.limit, event.query.cursor);
  return ok(page);
};

export const handler = httpApi({ 'GET /approvals': route(inbox, parseQuery(InboxQuery)) });
