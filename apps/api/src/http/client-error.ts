import type { Duplex } from 'node:stream';
import type { NeutronErrorBody } from './errors';

/** Node's HTTP parser codes that have a status of their own; every other parse failure is a 400. */
const STATUS_BY_CODE: Readonly<Record<string, { status: number; reason: string; type: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    type: 'HTTPRequestHeaderFieldsTooLarge',
    message: 'The request line and headers are larger than the server accepts.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    type: 'HTTPRequestTimeout',
    message: 'The request was not received in time.',
  },
};
const MALFORMED = { status: 400, reason: 'Bad Request', type: 'HTTPBadRequest', message: 'Malformed HTTP request.' };

/**
 * The http.Server 'clientError' listener: a request Node's parser refuses (an over-long URL or
 * header, an unknown method, broken framing) never reaches the API's handler, and Node's own
 * answer has no body. This one answers in Neutron's error format and closes the connection.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Node's default listener makes the same checks: a peer that left, or an answer already under way, gets nothing more.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, reason, type, message } = (error.code !== undefined ? STATUS_BY_CODE[error.code] : undefined) ?? MALFORMED;
  const body: NeutronErrorBody = { NeutronError: { type, message, detail: '' } };
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
