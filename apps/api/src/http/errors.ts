import { DomainError } from '@lbaas/domain';
import { AuthenticationError } from '@lbaas/identity';

/** An error the edge answers itself (routing, parsing, auth), already in Neutron's terms. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly type: string, message: string, readonly detail = '') {
    super(message);
  }
}

export interface NeutronErrorBody {
  NeutronError: { type: string; message: string; detail: string };
}

/** Any thrown value as a status and Neutron's error body; unknown errors become an opaque 500. */
export function toNeutronError(error: unknown): { status: number; body: NeutronErrorBody; unexpected: boolean; challenge?: string } {
  if (error instanceof AuthenticationError) {
    const [status, type] = error.kind === 'unauthenticated' ? [401, 'HTTPUnauthorized'] : [503, 'ServiceUnavailable'];
    return { status, body: { NeutronError: { type, message: error.message, detail: '' } }, unexpected: false, ...(error.challenge ? { challenge: error.challenge } : {}) };
  }
  if (error instanceof HttpError || error instanceof DomainError) {
    const type = error instanceof HttpError ? error.type : error.neutronType;
    return { status: error.status, body: { NeutronError: { type, message: error.message, detail: error.detail } }, unexpected: false };
  }
  return {
    status: 500,
    body: { NeutronError: { type: 'HTTPInternalServerError', message: 'The server could not complete the request; see its log.', detail: '' } },
    unexpected: true,
  };
}
