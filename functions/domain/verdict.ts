/**
 * What a rule answers. A refusal names its rule (`mdf.max-half-of-total`) and says,
 * in words a partner understands, what is wrong; the API, the confirm page and the
 * emails all show the same message.
 */
export interface Refusal {
  ok: false;
  rule: string;
  message: string;
  /** Further facts for the client (e.g. the remaining budget, every violated rule). */
  details?: Record<string, unknown>;
}

export type Verdict<T> = { ok: true; value: T } | Refusal;

export const accept = <T>(value: T): Verdict<T> => ({ ok: true, value });

export const refuse = (rule: string, message: string, details?: Record<string, unknown>): Refusal =>
  details === undefined ? { ok: false, rule, message } : { ok: false, rule, message, details };
