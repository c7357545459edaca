import { DomainError, type DomainErrorKind } from '@lbaas/domain';
import { AuthenticationError } from '@lbaas/identity';
import { HttpException } from '@nestjs/common';

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

/** webob's names for the client errors Fastify raises of its own. */
const CLIENT_ERROR_TYPE: Readonly<Record<number, string>> = {
  400: 'HTTPBadRequest',
  408: 'HTTPRequestTimeout',
  411: 'HTTPLengthRequired',
  413: 'HTTPRequestEntityTooLarge',
  414: 'HTTPRequestURITooLong',
  415: 'HTTPUnsupportedMediaType',
  431: 'HTTPRequestHeaderFieldsTooLarge',
};

/**
 * Fastify's own refusals of a request, in the edge's terms. Nest hands them to the filters as
 * its HttpException with Fastify's status and words (a Content-Type that is no media type: 415,
 * raised by `leaveBodiesToTheGuard` before any route runs): the client's fault, not an
 * unexpected failure. The router's NotFoundException is the filters' own case.
 */
export function withFastifyRefusals(error: unknown): unknown {
  if (!(error instanceof HttpException)) return error;
  const status = error.getStatus();
  if (status < 400 || status > 499) return error;
  return new HttpError(status, CLIENT_ERROR_TYPE[status] ?? 'HTTPClientError', `${error.message}.`);
}

/** Any thrown value as a status and Neutron's error body; unknown errors become an opaque 500. */
export function toNeutronError(thrown: unknown): NeutronErrorAnswer {
  const error = withFastifyRefusals(thrown);
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
