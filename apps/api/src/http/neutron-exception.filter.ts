import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { API_LOGGER } from '../logger';
import { HttpError, toNeutronError } from './errors';
import { answeredPath, parseTarget } from './request-target';
import { matchRoute } from './route-table';

/**
 * Every failure as Neutron's `{"NeutronError": {type, message, detail}}`: the domain's errors by
 * their kind, the edge's own (auth, bodies, ids), a path the router does not serve (404, or 405
 * when the path exists with other methods), and anything else as an opaque 500 that is logged.
 */
@Catch()
export class NeutronExceptionFilter implements ExceptionFilter {
  constructor(@Inject(API_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // Only the router throws Nest's NotFoundException: the edge's own errors are HttpErrors and DomainErrors.
    const error = exception instanceof NotFoundException ? unrouted(request.method, request.originalUrl) : exception;
    const { status, body, unexpected, challenge } = toNeutronError(error);
    if (unexpected) this.logger.error({ correlationId: request.edge?.requestId, err: exception }, 'unexpected error');
    if (challenge) void reply.header('WWW-Authenticate', challenge);
    void reply.status(status).send(body);
  }
}

/** Why the API serves nothing at a target: it does not parse (400), it exists with other methods (405), or it does not exist (404). */
function unrouted(method: string, target: string): HttpError {
  const url = parseTarget(target);
  if (url === null) return new HttpError(400, 'HTTPBadRequest', 'The request target is not a valid URL.');
  const path = answeredPath(url);
  const matched = matchRoute(method, path);
  if (matched !== null && 'allowed' in matched) {
    return new HttpError(
      405,
      'HTTPMethodNotAllowed',
      `Method ${method} is not allowed on ${path}; allowed: ${matched.allowed.join(', ')}.`,
    );
  }
  return new HttpError(404, 'HTTPNotFound', `The resource could not be found: ${path}`);
}
