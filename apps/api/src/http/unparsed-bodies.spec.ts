import Fastify, { type FastifyInstance } from 'fastify';
import { leaveBodiesToTheGuard } from './unparsed-bodies';

/**
 * Differential: a Fastify instance with the edge's bodies left to the guard answers every
 * request exactly as one that still runs Fastify's parse step with a parser that reads nothing
 * (how the edge was before), for every method, Content-Type and body.
 */

async function server(leaveBodies: (fastify: FastifyInstance) => void): Promise<FastifyInstance> {
  const fastify = Fastify();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.header('x-request-id', 'req-1');
    done();
  });
  leaveBodies(fastify);
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
    fastify.route({
      method,
      url: '/v2.0/lb/pools',
      // What the guard reads: the raw stream, whatever Fastify did or did not parse.
      handler: async (request) => {
        let raw = '';
        for await (const chunk of request.raw) raw += String(chunk);
        return { body: request.body ?? null, raw };
      },
    });
  }
  await fastify.ready();
  return fastify;
}

const parsedByFastify = (fastify: FastifyInstance): void => {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
};

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'garbage',
  '',
  ';',
  '/json',
  'application/',
  'application/json;',
  'a b/c',
  'application/json; charset="utf-8"',
];
const BODIES = ['', '{"pool": {}}'];
const PATHS = ['/v2.0/lb/pools', '/v2.0/nowhere'];

describe('leaveBodiesToTheGuard', () => {
  let before: FastifyInstance;
  let after: FastifyInstance;

  beforeAll(async () => {
    before = await server(parsedByFastify);
    after = await server(leaveBodiesToTheGuard);
  });

  afterAll(async () => {
    await before.close();
    await after.close();
  });

  const cases = METHODS.flatMap((method) =>
    CONTENT_TYPES.flatMap((contentType) => BODIES.flatMap((body) => PATHS.map((path) => ({ method, contentType, body, path })))),
  );

  it.each(cases)(
    '$method $path with Content-Type $contentType and body "$body" is answered as before',
    async ({ method, contentType, body, path }) => {
      const request = {
        method,
        url: path,
        headers: contentType === undefined ? {} : { 'content-type': contentType },
        ...(body === '' ? {} : { payload: body }),
      };
      const [was, is] = await Promise.all([before.inject(request), after.inject(request)]);
      const answer = (r: typeof was) => {
        const { date: _date, ...headers } = r.headers;
        return { status: r.statusCode, headers, body: r.body };
      };
      expect(answer(is)).toEqual(answer(was));
    },
  );

  it('answers a Content-Type that does not parse with 415, as Fastify did', async () => {
    const reply = await after.inject({ method: 'POST', url: '/v2.0/lb/pools', headers: { 'content-type': 'garbage' }, payload: '{}' });
    expect(reply.statusCode).toBe(415);
  });
});
