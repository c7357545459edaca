import { errorCodes, type FastifyInstance } from 'fastify';

/** The methods Fastify runs its content-type parse step for (QUERY, which has rules of its own, keeps it). */
const BODY_METHODS: ReadonlySet<string> = new Set(['DELETE', 'OPTIONS', 'PATCH', 'POST', 'PUT']);

/**
 * Leaves request bodies to the PolicyGuard, which reads them once the caller has passed, and
 * keeps Fastify out of them. Its parse step costs an AsyncResource and a bound callback per
 * request with a body even when the parser reads nothing (some 8 % of the api's CPU under the
 * create load), so the methods that carry bodies are declared bodyless to it. The one answer that
 * step gave of its own, a 415 for a Content-Type that does not parse as a media type, is given
 * here instead: after the onRequest hooks registered before this one, which is where the parse
 * step ran.
 */
export function leaveBodiesToTheGuard(fastify: FastifyInstance): void {
  // Any content type is taken as text, for the methods Fastify still parses for.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  for (const method of BODY_METHODS) fastify.addHttpMethod(method, { hasBody: false, overrideExisting: true });
  fastify.addHook('onRequest', (request, _reply, done) => {
    // Fastify's `mediaType` is "/" exactly when the header is there and is no type/subtype.
    if (BODY_METHODS.has(request.method) && request.headers['content-type'] !== undefined && request.mediaType === '/') {
      return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE());
    }
    done();
  });
}
