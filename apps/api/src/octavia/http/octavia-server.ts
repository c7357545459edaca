import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceMetrics } from '@lbaas/service-shell';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { Histogram } from 'prom-client';
import { v4 as uuidv4 } from 'uuid';
import '../../http/edge-request';
import { methodLabel } from '../../http-metrics';
import { faultBody } from './octavia-faults';
import { octaviaRoutedUrl, octaviaRouteTemplate } from './octavia-target';
import { leaveBodiesToTheGuard } from '../../http/unparsed-bodies';

export interface OctaviaEdgeDependencies {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}

/**
 * Octavia's v2 API as the process's second NestJS application on Fastify: its own router (the v2
 * route table decides which paths exist, `/v2.0` is rewritten to `/v2`), its own error body, and
 * the same rules as the Neutron application otherwise (bodies read after the guard, ids of any
 * length reach the controllers, HEAD is a 405).
 */
export async function createOctaviaServer(module: DynamicModule, deps: OctaviaEdgeDependencies): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    rewriteUrl: (req: IncomingMessage) => octaviaRoutedUrl(req.method ?? 'GET', req.url ?? '/'),
    exposeHeadRoutes: false,
    maxParamLength: 65_536,
    clientErrorHandler: answerOctaviaClientError,
    return503OnClosing: false,
    keepAliveTimeout: 5_000,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bodyParser: false, logger: ['error', 'warn'] });
  installOctaviaHooks(app.getHttpAdapter().getInstance(), deps);
  return app;
}

/** A request Node's parser refuses, answered in Octavia's fault format before the connection closes. */
export function answerOctaviaClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request line and headers are larger than the server accepts.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request was not received in time.']
        : [400, 'Bad Request', 'Malformed HTTP request.'];
  const text = JSON.stringify(faultBody(status, message));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** Request id, one log line and one histogram sample per request, routed or not, as on the Neutron port. */
function installOctaviaHooks(fastify: FastifyInstance, { logger, metrics }: OctaviaEdgeDependencies): void {
  const durations = new Histogram({
    name: 'lbaas_octavia_http_request_duration_seconds',
    help: 'Time to answer an Octavia v2 API request, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [metrics.registry],
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const requestId = `req-${uuidv4()}`;
    request.edge = { requestId, startedAt: process.hrtime.bigint(), principal: null, rawBody: null };
    void reply.header('X-Openstack-Request-Id', requestId);
    done();
  });
  leaveBodiesToTheGuard(fastify);
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8') void reply.header('content-type', 'application/json');
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const seconds = Number(process.hrtime.bigint() - request.edge.startedAt) / 1e9;
    const method = methodLabel(request.method);
    durations.observe({ method, route: octaviaRouteTemplate(method, request.originalUrl), status: String(reply.statusCode) }, seconds);
    logger.info(
      {
        correlationId: request.edge.requestId,
        api: 'octavia',
        method: request.method,
        path: request.originalUrl.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(seconds * 1e5) / 100,
      },
      'request',
    );
    done();
  });
}
