import { type Stack, startStack } from '@lbaas/testing';
import { connect } from 'node:net';

/**
 * A body over the 1 MiB limit is answered 413 in Neutron's format, and every client reads that
 * answer: also one that is still writing its body when the api has seen enough (Python's
 * urllib writes all of it, then reads), which used to find the connection reset under it.
 * Against the built api, a real nats-server and the projections.
 */

const BODY_BYTES = 3 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

interface Exchange {
  /** Every byte the client wrote reached the socket without an error. */
  readonly wroteAll: boolean;
  readonly writeError: string | null;
  readonly status: number;
  readonly body: string;
}

/**
 * POSTs a 3 MiB body the way urllib does (Content-Length, `Connection: close`, the whole body
 * before reading), either at once or in 64 KiB pieces a few milliseconds apart, and reads
 * whatever comes back until the server closes.
 */
function postOversized(url: string, token: string, pace: 'at once' | 'slowly'): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let writeError: string | null = null;
    let bodyWritten = 0;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      writeError ??= error.code ?? error.message;
    });
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ wroteAll: bodyWritten === BODY_BYTES && writeError === null, writeError, status: Number(head.split(' ')[1] ?? 0), body });
    });
    // Resolves once the bytes are handed to the kernel, or the socket failed (EPIPE, ECONNRESET).
    const write = (bytes: Buffer | string): Promise<void> =>
      new Promise((done) =>
        socket.write(bytes, (error) => {
          if (error) writeError ??= (error as NodeJS.ErrnoException).code ?? error.message;
          else if (typeof bytes !== 'string') bodyWritten += bytes.length;
          done();
        }),
      );
    socket.on('connect', async () => {
      await write(
        `POST /v2.0/networks HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-Auth-Token: ${token}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${BODY_BYTES}\r\nConnection: close\r\n\r\n`,
      );
      if (pace === 'at once') {
        await write(Buffer.alloc(BODY_BYTES, 0x78));
      } else {
        for (let sent = 0; sent < BODY_BYTES && writeError === null; sent += CHUNK_BYTES) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          await write(Buffer.alloc(CHUNK_BYTES, 0x78));
        }
      }
    });
  });
}

describe('a body over the limit', () => {
  let stack: Stack | undefined;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it.each(['slowly', 'at once'] as const)(
    "written %s, is read and dropped, and the client reads the 413 in Neutron's format",
    async (pace) => {
      const { apiUrl, tokens } = stack as Stack;
      for (let attempt = 0; attempt < 3; attempt++) {
        const exchange = await postOversized(apiUrl, tokens.demo.token, pace);
        expect({ wroteAll: exchange.wroteAll, writeError: exchange.writeError, status: exchange.status }).toEqual({
          wroteAll: true,
          writeError: null,
          status: 413,
        });
        expect(JSON.parse(exchange.body)).toEqual({
          NeutronError: {
            type: 'HTTPRequestEntityTooLarge',
            message: 'Request body is larger than the limit of 1048576 bytes.',
            detail: '',
          },
        });
      }
    },
  );

  it('leaves the api answering', async () => {
    const { apiUrl } = stack as Stack;
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
  });
});
