import { DomainError, QuotaExceeded } from '@lbaas/domain';
import { AuthenticationError } from '@lbaas/identity';
import { HttpError, STATUS_OF_KIND, withFastifyRefusals } from '../../http/errors';

/** Octavia's error body (wsme's fault): "Client" for 4xx, "Server" for 5xx. */
export interface OctaviaFaultBody {
  faultcode: 'Client' | 'Server';
  faultstring: string;
  debuginfo: null;
}

export interface OctaviaFault {
  readonly status: number;
  readonly body: OctaviaFaultBody;
  /** A failure nobody planned for: logged with the request id, answered without a word of it. */
  readonly unexpected: boolean;
  /** `WWW-Authenticate` of a 401. */
  readonly challenge?: string;
}

/** Octavia answers every policy refusal with these words, whatever rule refused. */
export const POLICY_REFUSAL = 'Policy does not allow this request to be performed.';
const INTERNAL = 'Internal Server Error: the server could not complete the request; see its log.';

export const faultBody = (status: number, faultstring: string): OctaviaFaultBody => ({
  faultcode: status >= 500 ? 'Server' : 'Client',
  faultstring,
  debuginfo: null,
});

const fault = (status: number, message: string, unexpected = false): OctaviaFault => ({
  status,
  body: faultBody(status, message),
  unexpected,
});

/** Any thrown value as a status and Octavia's fault body; an error nobody planned for is an opaque 500. */
export function toOctaviaFault(thrown: unknown): OctaviaFault {
  const error = withFastifyRefusals(thrown);
  if (error instanceof AuthenticationError) {
    const answer = fault(error.kind === 'unauthenticated' ? 401 : 503, error.message);
    return error.challenge ? { ...answer, challenge: error.challenge } : answer;
  }
  if (error instanceof HttpError) return fault(error.status, error.message);
  if (error instanceof DomainError) {
    const status = STATUS_OF_KIND[error.kind];
    // A quota met is Octavia's 403 with its own words, not a policy refusal.
    return fault(status, error.kind === 'forbidden' && !(error instanceof QuotaExceeded) ? POLICY_REFUSAL : error.message);
  }
  return fault(500, INTERNAL, true);
}

/** Octavia's 501 for what this provider does not do, with the reason. */
export const notImplemented = (what: string): HttpError => new HttpError(501, 'NotImplemented', what);
