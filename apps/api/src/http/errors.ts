import { DomainError, type DomainErrorKind } from '@lbaas/domain';
import { AuthenticationError } from '@lbaas/identity';

/** An error the edge answers itself (routing, parsing, auth), already in Neutron's terms. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly detail = '',
  ) {
    super(message);
  }
}

export interface NeutronErrorBody {
  NeutronError: { type: string; message: string; detail: string };
}

export interface NeutronErrorAnswer {
  readonly status: number;
  readonly body: NeutronErrorBody;
  /** A failure nobody planned for: logged with the request id, answered without a word of it. */
  readonly unexpected: boolean;
  /** `WWW-Authenticate` of a 401. */
  readonly challenge?: string;
}

/** The HTTP status of each kind of domain error: the one place the domain meets HTTP. */
export const STATUS_OF_KIND: Readonly<Record<DomainErrorKind, number>> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
};

/** Any thrown value as a status and Neutron's error body; unknown errors become an opaque 500. */
export function toNeutronError(error: unknown): NeutronErrorAnswer {
  if (error instanceof AuthenticationError) {
    const [status, type] = error.kind === 'unauthenticated' ? [401, 'HTTPUnauthorized'] : [503, 'ServiceUnavailable'];
    return {
      status,
      body: { NeutronError: { type, message: error.message, detail: '' } },
      unexpected: false,
      ...(error.challenge ? { challenge: error.challenge } : {}),
    };
  }
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { NeutronError: { type: error.type, message: error.message, detail: error.detail } },
      unexpected: false,
    };
  }
  if (error instanceof DomainError) {
    return {
      status: STATUS_OF_KIND[error.kind],
      body: { NeutronError: { type: error.neutronType, message: error.message, detail: error.detail } },
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: {
      NeutronError: { type: 'HTTPInternalServerError', message: 'The server could not complete the request; see its log.', detail: '' },
    },
    unexpected: true,
  };
}
