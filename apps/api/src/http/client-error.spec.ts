import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { answerClientError } from './client-error';

/** Raw bytes in, raw bytes out: these requests are ones a well-behaved client library refuses to send. */
async function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parsed(response: string): { status: number; contentType: string | undefined; body: unknown } {
  const [head, body] = response.split('\r\n\r\n');
  const [statusLine, ...headers] = head.split('\r\n');
  const contentType = headers
    .find((h) => h.toLowerCase().startsWith('content-type:'))
    ?.slice('content-type:'.length)
    .trim();
  return { status: Number(statusLine.split(' ')[1]), contentType, body: JSON.parse(body) };
}

describe('answerClientError', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('{}'));
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  // Found by the fuzz suite: a long query string got Node's bodiless 431.
  it.each([
    [
      'a request line over the header limit',
      `GET /v2.0/lb/pools?name=${'%C3%A9'.repeat(4000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      431,
      'HTTPRequestHeaderFieldsTooLarge',
    ],
    ['an unknown method', 'BREW /v2.0/lb/pools HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'HTTPBadRequest'],
    [
      'a header with a control character',
      'GET /v2.0/lb/pools HTTP/1.1\r\nHost: x\r\nX-Auth-Token: a\u0001b\r\n\r\n',
      400,
      'HTTPBadRequest',
    ],
  ])("answers %s in Neutron's format", async (_desc, request, status, type) => {
    expect(parsed(await exchange(port, request))).toEqual({
      status,
      contentType: 'application/json',
      body: { NeutronError: { type, message: expect.any(String), detail: '' } },
    });
  });

  it('leaves the server answering well-formed requests', async () => {
    expect(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
  });
});
