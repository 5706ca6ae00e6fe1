import { dealRegistrationSubject } from './deal-registration.ts';
import { loaRequestSubject } from './loa-request.ts';
import { mdfClaimSubject } from './mdf-claim.ts';
import { mdfRequestSubject } from './mdf-request.ts';
import { nfrRequestSubject } from './nfr-request.ts';
import type { ApprovalSubject } from './subjects.ts';

/** Every kind of subject decided through approval links. */
const subjects = new Map<string, ApprovalSubject<unknown>>([
  [mdfRequestSubject.kind, mdfRequestSubject as ApprovalSubject<unknown>],
  [mdfClaimSubject.kind, mdfClaimSubject as ApprovalSubject<unknown>],
  [dealRegistrationSubject.kind, dealRegistrationSubject as ApprovalSubject<unknown>],
  [loaRequestSubject.kind, loaRequestSubject as ApprovalSubject<unknown>],
  [nfrRequestSubject.kind, nfrRequestSubject as ApprovalSubject<unknown>],
]);

export const subjectOf = (kind: string): ApprovalSubject<unknown> => {
  const subject = subjects.get(kind);
  if (!subject) throw new Error(`Unknown approval subject: ${kind}`);
  return subject;
};
