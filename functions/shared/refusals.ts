import type { Refusal } from '#domain/verdict';
import { Conflict, Forbidden, RuleRefused, type Problem } from './errors.ts';

/**
 * A domain refusal as the API answers it: a missing privilege is 403, a state
 * that does not allow the move is 409, every other rule is 422 with its name.
 */
const forbiddenRules = new Set(['mdf.requires-mdf-admin']);
const conflictRules = new Set([
  'mdf.cancel-only-open-or-approved',
  'dr.one-approved-per-opportunity',
  'dr.resubmit-only-returned',
  'dr.extend-only-approved',
  'loa.letter-issued',
  'leads.with-the-partner',
  'leads.accept-or-reject-pending',
  'leads.status-after-acceptance',
  'leads.status-order',
]);

export const problemOf = (refusal: Refusal): Problem => {
  if (forbiddenRules.has(refusal.rule)) return new Forbidden(refusal.message, String(refusal.details?.missing ?? ''));
  if (conflictRules.has(refusal.rule)) return new Conflict(refusal.message, { rule: refusal.rule, ...refusal.details });
  return new RuleRefused(refusal.rule, refusal.message, refusal.details);
};
