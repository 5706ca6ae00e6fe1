/**
 * One error type per meaning. Each becomes an RFC 9457 problem (application/problem+json)
 * in the HTTP error middleware; nothing else turns into a client-visible message.
 */

export interface FieldError {
  /** Dotted path of the field in the request body or query, e.g. `amountRequestedCents` or `query.status`. */
  field: string;
  message: string;
}

export abstract class Problem extends Error {
  abstract readonly status: number;
  /** Stable, documented identifier of the kind of problem. */
  abstract readonly type: string;
  abstract readonly title: string;
  /** Extra members of the problem document (e.g. `rule`, `errors`). */
  extensions(): Record<string, unknown> {
    return {};
  }
}

const problemType = (slug: string) => `urn:channel-prm:problem:${slug}`;

/** 400: the request is malformed; each field error names the field. */
export class BadInput extends Problem {
  readonly status = 400;
  readonly type = problemType('validation');
  readonly title = 'The request has invalid fields';
  constructor(readonly errors: FieldError[], message = describeFieldErrors(errors)) {
    super(message);
  }
  override extensions() {
    return { errors: this.errors };
  }
}

const describeFieldErrors = (errors: FieldError[]) =>
  errors.length === 0 ? 'The request is not valid.' : errors.map((e) => `${e.field}: ${e.message}`).join('; ');

/** 401: no usable identity. */
export class Unauthenticated extends Problem {
  readonly status = 401;
  readonly type = problemType('unauthenticated');
  readonly title = 'Sign-in required';
}

/** 403: signed in, but this role or privilege may not do this. */
export class Forbidden extends Problem {
  readonly status = 403;
  readonly type = problemType('forbidden');
  readonly title = 'Not allowed';
  constructor(message: string, readonly missing?: string) {
    super(message);
  }
  override extensions() {
    return this.missing ? { missing: this.missing } : {};
  }
}

/** 404: missing, or not the caller's to see (never reveals another partner's record). */
export class NotFound extends Problem {
  readonly status = 404;
  readonly type = problemType('not-found');
  readonly title = 'Not found';
  constructor(what = 'The record') {
    super(`${what} was not found.`);
  }
}

/** 409: the record is not in a state that allows this, or a uniqueness guard holds. */
export class Conflict extends Problem {
  readonly status = 409;
  readonly type = problemType('conflict');
  readonly title = 'Conflict with the current state';
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
  override extensions() {
    return this.details;
  }
}

/** 422: a business rule refused the request; `rule` names it (e.g. `mdf.max-half-of-total`). */
export class RuleRefused extends Problem {
  readonly status = 422;
  readonly type = problemType('rule-refused');
  readonly title = 'Refused by a program rule';
  constructor(readonly rule: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
  override extensions() {
    return { rule: this.rule, ...this.details };
  }
}

/** 422: the Idempotency-Key was already used with a different body. */
export class IdempotencyKeyReused extends Problem {
  readonly status = 422;
  readonly type = problemType('idempotency-key-reused');
  readonly title = 'Idempotency-Key reused with a different request';
}

/** 409: the first request with this Idempotency-Key is still being processed. */
export class IdempotencyInProgress extends Problem {
  readonly status = 409;
  readonly type = problemType('idempotency-in-progress');
  readonly title = 'A request with this Idempotency-Key is in progress';
}

/** 415: the body is not in a media type the route accepts. */
export class UnsupportedMediaType extends Problem {
  readonly status = 415;
  readonly type = problemType('unsupported-media-type');
  readonly title = 'Unsupported media type';
}

/** A setting the function needs is missing or malformed: fails the cold start with a clear message. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}
