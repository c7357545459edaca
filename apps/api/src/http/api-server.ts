import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceMetrics } from '@lbaas/service-shell';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { v4 as uuidv4 } from 'uuid';
import { methodLabel, requestDurations, routeTemplateOf } from '../http-metrics';
import { answerClientError } from './client-error';
import './edge-request';
import { parseTarget, type RoutedTarget, routeTarget } from './request-target';
import { leaveBodiesToTheGuard } from './unparsed-bodies';

/** The router's parse and match of a request's target, kept on the request for its log line and histogram sample. */
const ROUTED = Symbol('routed target');
type RoutedMessage = IncomingMessage & { [ROUTED]?: RoutedTarget };

export interface EdgeDependencies {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}

/**
 * The api's NestJS application on Fastify. The route table decides which paths exist (the router
 * sees `routedUrl`), bodies are left unread until the PolicyGuard has passed the caller, and
 * requests Node's parser refuses get a Neutron error body too.
 */
export async function createApiServer(module: DynamicModule, deps: EdgeDependencies): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    rewriteUrl: (req: RoutedMessage) => {
      const target = routeTarget(req.method ?? 'GET', req.url ?? '/');
      req[ROUTED] = target;
      return target.url;
    },
    // HEAD is a 405 like every method a path does not list.
    exposeHeadRoutes: false,
    // Path ids of any length reach the controllers, which answer 404 for anything but a UUID.
    maxParamLength: 65_536,
    clientErrorHandler: answerClientError,
    // During a graceful stop, requests on open connections are still answered by the API.
    return503OnClosing: false,
    // Node's own default, which clients of the api have always seen (Fastify's is 72 s).
    keepAliveTimeout: 5_000,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bodyParser: false, logger: ['error', 'warn'] });
  installEdgeHooks(app.getHttpAdapter().getInstance(), deps);
  return app;
}

/**
 * Around every request, routed or not: its id (X-Openstack-Request-Id, the correlation id of
 * what it appends), one log line and one histogram sample when it is answered. `GET /metrics`
 * is neither: a scrape is not an API request.
 */
function installEdgeHooks(fastify: FastifyInstance, { logger, metrics }: EdgeDependencies): void {
  const durations = requestDurations(metrics);
  const scrape = (method: string, url: string): boolean => method === 'GET' && url === '/metrics';
  fastify.addHook('onRequest', (request, reply, done) => {
    const requestId = `req-${uuidv4()}`;
    request.edge = { requestId, startedAt: process.hrtime.bigint(), principal: null, rawBody: null };
    if (!scrape(request.method, request.url)) void reply.header('X-Openstack-Request-Id', requestId);
    done();
  });
  // Bodies are read by the PolicyGuard once the caller has passed.
  leaveBodiesToTheGuard(fastify);
  // Neutron's JSON is plain application/json, without the charset Fastify adds.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8') void reply.header('content-type', 'application/json');
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (scrape(request.method, request.url)) return done();
    const seconds = Number(process.hrtime.bigint() - request.edge.startedAt) / 1e9;
    const method = methodLabel(request.method);
    const routed = (request.raw as RoutedMessage)[ROUTED];
    const route = routed?.template ?? routeTemplateOf(method, request.originalUrl.split('?')[0] ?? '/');
    durations.observe({ method, route, status: String(reply.statusCode) }, seconds);
    const path = (routed === undefined ? parseTarget(request.originalUrl)?.pathname : routed.pathname) ?? request.originalUrl;
    logger.info(
      {
        correlationId: request.edge.requestId,
        method: request.method,
        path,
        status: reply.statusCode,
        ms: Math.round(seconds * 1e5) / 100,
      },
      'request',
    );
    done();
  });
}
