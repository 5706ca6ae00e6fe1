import type { MiddlewareObj } from '@middy/core';
import { partnerPrivileges, type PartnerPrivilege } from '#domain/partner';
import { internalRoles, type InternalRole } from '#domain/people';
import { Unauthenticated } from '../errors.ts';
import type { Auth } from '../http.ts';

/**
 * The caller's identity from the JWT claims the API Gateway authorizer verified
 * (the pre-token trigger put them there from the table). HTTP APIs hand claims over
 * as strings, lists as `[a b]`; lists also arrive space- or comma-separated.
 */
type Claims = Record<string, string | number | boolean | string[] | undefined>;

const listClaim = (value: Claims[string]): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((entry) => entry !== '');
};

const stringClaim = (value: Claims[string]): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export const authFromClaims = (claims: Claims | undefined): Auth => {
  const userId = stringClaim(claims?.userId);
  if (!claims || !userId) throw new Unauthenticated('The token does not identify a user of the program.');
  const partnerId = stringClaim(claims.partnerId);
  return {
    userId,
    email: stringClaim(claims.email) ?? '',
    name: stringClaim(claims.name) ?? stringClaim(claims.email) ?? userId,
    ...(partnerId ? { partnerId } : {}),
    privileges: listClaim(claims.privileges).filter((p): p is PartnerPrivilege => (partnerPrivileges as readonly string[]).includes(p)),
    roles: partnerId ? [] : listClaim(claims.roles).filter((r): r is InternalRole => (internalRoles as readonly string[]).includes(r)),
  };
};

interface EventWithClaims {
  requestContext?: { authorizer?: { jwt?: { claims?: Claims } } };
  auth?: Auth;
}

/** Adds `event.auth`; refuses with 401 when the claims do not name a user. */
export const authClaims = (): MiddlewareObj<EventWithClaims> => ({
  before: async (request) => {
    request.event.auth = authFromClaims(request.event.requestContext?.authorizer?.jwt?.claims);
  },
});
