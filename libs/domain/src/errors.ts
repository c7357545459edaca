/**
 * Typed domain errors. Each carries the Neutron error type that the HTTP edge puts in
 * `NeutronError.type`; only the edge maps the class to a status code.
 */
export abstract class DomainError extends Error {
  abstract readonly status: 400 | 403 | 404 | 409 | 503;
  constructor(readonly neutronType: string, message: string, readonly detail = '') {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly status = 400 as const;
  constructor(message: string, neutronType = 'HTTPBadRequest', detail = '') {
    super(neutronType, message, detail);
  }
}

/** A policy forbids the action for this caller (for example a tenant_id that is not the caller's). */
export class Forbidden extends DomainError {
  readonly status = 403 as const;
  constructor(message: string) {
    super('PolicyNotAuthorized', message);
  }
}

export class NotFound extends DomainError {
  readonly status = 404 as const;
  /** `kind` is Neutron's resource class name, so the type reads `PoolNotFound`, `VipNotFound`. */
  constructor(readonly kind: string, readonly id: string, message = `${kind} ${id} could not be found.`) {
    super(`${kind}NotFound`, message);
  }
}

export class Conflict extends DomainError {
  readonly status = 409 as const;
  constructor(neutronType: string, message: string, detail = '') {
    super(neutronType, message, detail);
  }
}

/** Someone else appended to the stream between our read and our write; the handler decides again. */
export class ConcurrencyConflict extends DomainError {
  readonly status = 409 as const;
  constructor(readonly stream: string, message = `Concurrent update of ${stream}; retry the request.`) {
    super('Conflict', message);
  }
}

/** The event log cannot accept writes (no quorum, not connected). */
export class Unavailable extends DomainError {
  readonly status = 503 as const;
  constructor(message: string) {
    super('ServiceUnavailable', message);
  }
}
