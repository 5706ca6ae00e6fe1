import * as z from 'zod/mini';
import { defaultPlan, nfrPlans, nfrRequestStatuses } from '#domain/nfr';
import { described, named, pageQuery, reason, text, whole } from './schemas.ts';

/** NFR licences: what partners and the help desk send. */

const id = z.string().check(z.minLength(1), z.maxLength(100));

export const RequestNfrLicence = named(
  'RequestNfrLicence',
  z.strictObject({
    contact: described(
      z.strictObject({ name: text(200), email: z.email('must be an email address').check(z.maxLength(254), z.toLowerCase()) }),
      'Who receives the licence key',
    ),
    users: described(whole(1, 1000, 'number of users'), 'Number of users of the licence; counts against the limit (Select 25, Open 10 users of active licences)'),
    plan: described(z._default(z.enum(nfrPlans), defaultPlan), 'GitLab plan; Ultimate when not given'),
    renews: described(
      z._default(z.array(id).check(z.maxLength(25)), []),
      "Ids of the organisation's active licences this renews: a renewal starts a new year, and the renewed licences stop counting once it is granted",
    ),
  }),
);
export type RequestNfrLicence = z.infer<typeof RequestNfrLicence>;

export const ListNfrRequestsQuery = z.strictObject({
  status: described(z.optional(z.enum(nfrRequestStatuses)), 'Help desk: the queue (Pending when neither this nor partnerId is given)'),
  partnerId: described(z.optional(id), 'Help desk: one partner’s requests'),
  ...pageQuery(),
});
export type ListNfrRequestsQuery = z.infer<typeof ListNfrRequestsQuery>;

export const ListNfrLicencesQuery = z.strictObject({
  partnerId: described(z.optional(id), 'Help desk: whose licences (required for internal users)'),
  ...pageQuery(),
});
export type ListNfrLicencesQuery = z.infer<typeof ListNfrLicencesQuery>;

export const NfrDecision = named(
  'NfrDecision',
  z.strictObject({
    decision: z.enum(['approve', 'deny']),
    reason: described(z.optional(reason), 'Deny: why (the requester is told)'),
  }),
);
export type NfrDecision = z.infer<typeof NfrDecision>;
