import type { User } from '../functions/domain/people.ts';

/** A seeded user: a partner user (`partnerId`, privileges) or an internal user (roles), active, version 1. */
export const person = (id: string, name: string, email: string, extra: Partial<User>, at: string): User => ({
  id,
  name,
  email,
  privileges: [],
  roles: [],
  active: true,
  version: 1,
  createdAt: at,
  updatedAt: at,
  ...extra,
});
