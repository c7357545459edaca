import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { API_LOGGER } from '../../logger';
import { toOctaviaFault } from './octavia-faults';
import { unroutedFault } from './octavia-target';

/**
 * Every failure on the v2 port as Octavia's `{"faultcode", "faultstring", "debuginfo"}`: the
 * domain's errors by their kind, the edge's own (auth, bodies, ids, queries), a path v2 does not
 * serve (404, or 405 when it exists with other methods), anything else an opaque 500 that is logged.
 */
@Catch()
export class OctaviaExceptionFilter implements ExceptionFilter {
  constructor(@Inject(API_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // Only the router throws Nest's NotFoundException: the edge's own errors are HttpErrors and DomainErrors.
    const error = exception instanceof NotFoundException ? unroutedFault(request.method, request.originalUrl) : exception;
    const { status, body, unexpected, challenge } = toOctaviaFault(error);
    if (unexpected) this.logger.error({ correlationId: request.edge?.requestId, api: 'octavia', err: exception }, 'unexpected error');
    if (challenge) void reply.header('WWW-Authenticate', challenge);
    void reply.status(status).send(body);
  }
}
