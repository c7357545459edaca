/**
 * What went wrong, in the domain's words: the request is invalid, the caller may not do it, the
 * object is absent, it clashes with the current state, or the system cannot take it now. Each
 * edge maps a kind to its own answer (the HTTP api: 400, 403, 404, 409, 503).
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'unavailable';

/**
 * Typed domain errors. Each carries the Neutron error type that the HTTP edge puts in
 * `NeutronError.type`, and a kind; only the edge maps the kind to a status code.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    readonly neutronType: string,
    message: string,
    readonly detail = '',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly kind = 'invalid' as const;
  constructor(message: string, neutronType = 'HTTPBadRequest', detail = '') {
    super(neutronType, message, detail);
  }
}

/** A policy forbids the action for this caller (for example a tenant_id that is not the caller's). */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(message: string) {
    super('PolicyNotAuthorized', message);
  }
}

/**
 * A project's quota would be passed: Octavia's 403 with its own words (not a policy refusal, so
 * the edge keeps the message).
 */
export class QuotaExceeded extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(readonly resources: readonly string[]) {
    super('QuotaException', `Quota has been met for resources: ${resources.join(', ')}`);
  }
}

export class NotFound extends DomainError {
  readonly kind = 'not-found' as const;
  /** `resource` is Neutron's resource class name, so the type reads `PoolNotFound`, `VipNotFound`. */
  constructor(
    readonly resource: string,
    readonly id: string,
    message = `${resource} ${id} could not be found.`,
  ) {
    super(`${resource}NotFound`, message);
  }
}

export class Conflict extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(neutronType: string, message: string, detail = '') {
    super(neutronType, message, detail);
  }
}

/** Someone else appended to the stream between our read and our write; the handler decides again. */
export class ConcurrencyConflict extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(
    readonly stream: string,
    message = `Concurrent update of ${stream}; retry the request.`,
  ) {
    super('Conflict', message);
  }
}

/** The event log cannot accept writes (no quorum, not connected). */
export class Unavailable extends DomainError {
  readonly kind = 'unavailable' as const;
  constructor(message: string) {
    super('ServiceUnavailable', message);
  }
}
