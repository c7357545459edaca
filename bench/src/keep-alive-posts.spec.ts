import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KeepAlivePosts } from './keep-alive-posts';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

describe('KeepAlivePosts', () => {
  let server: Server;
  let handler: Handler;
  const connections = new Set<Socket>();
  let posts: KeepAlivePosts;

  beforeEach(async () => {
    connections.clear();
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => handler(request, body, response));
    });
    server.on('connection', (socket: Socket) => connections.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    posts = new KeepAlivePosts(new URL(`http://127.0.0.1:${port}`), { 'X-Auth-Token': 'secret' }, 2, 5_000);
  });

  afterEach(async () => {
    posts.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const echo: Handler = (request, body, response) => {
    const text = JSON.stringify({ path: request.url, token: request.headers['x-auth-token'], type: request.headers['content-type'], body });
    response.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  };

  it('sends a real HTTP/1.1 POST with its headers and reads the whole answer, on one kept-alive connection', async () => {
    handler = echo;
    const first = await posts.post('/v2.0/lb/pools', '{"pool":{"name":"é"}}');
    const second = await posts.post('/v2.0/lb/members', '{}');
    expect(first.status).toBe(201);
    expect(JSON.parse(first.text)).toEqual({
      path: '/v2.0/lb/pools',
      token: 'secret',
      type: 'application/json',
      body: '{"pool":{"name":"é"}}',
    });
    expect(JSON.parse(second.text)).toMatchObject({ path: '/v2.0/lb/members', body: '{}' });
    expect(connections.size).toBe(1);
  });

  it('reads an answer that arrives in pieces', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(400, { 'Content-Length': 10 });
      response.write('01234');
      setTimeout(() => response.end('56789'), 20);
    };
    await expect(posts.post('/x', '{}')).resolves.toEqual({ status: 400, text: '0123456789' });
  });

  it('opens at most its number of connections: a caller beyond them waits for one', async () => {
    handler = (_request, _body, response) => setTimeout(() => echo(_request, _body, response), 20);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => posts.post(`/${n}`, '{}')));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(connections.size).toBe(2);
  });

  it('fails a request whose connection closes before the answer, and opens another for the next', async () => {
    handler = (request) => request.socket.destroy();
    await expect(posts.post('/x', '{}')).rejects.toThrow('closed the connection');
    handler = echo;
    await expect(posts.post('/y', '{}')).resolves.toMatchObject({ status: 201 });
  });

  it('fails an answer that does not say its length rather than guess where it ends', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200);
      response.end('chunked');
    };
    await expect(posts.post('/x', '{}')).rejects.toThrow('without a Content-Length');
  });

  it('fails the requests in flight when destroyed', async () => {
    handler = () => undefined;
    const pending = posts.post('/x', '{}');
    setTimeout(() => posts.destroy(), 20);
    await expect(pending).rejects.toThrow('closed by the bench');
  });
});
