import type { ServiceMetrics } from '@lbaas/service-shell';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Histogram } from 'prom-client';
import { matchRoute } from './http/route-table';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
/** Paths outside the route table that answer the same for every caller. */
const FIXED_PATHS = new Set(['/', '/healthz', '/readyz', '/docs', '/docs/openapi.json']);

/**
 * The route a request took as a template (`/v2.0/lb/pools/{id}`), so that ids never become
 * label values: one series per route, not one per object. Paths that match nothing share one.
 */
export function routeTemplateOf(method: string, rawPath: string): string {
  const path = rawPath.replace(/\/+$/, '') || '/';
  if (FIXED_PATHS.has(path)) return path;
  // Discovery documents, with the format suffix older neutronclients append.
  const discovery = /^\/v2\.0(\/extensions(\/[^/]+?)?)?(\.json)?$/.exec(path);
  if (discovery) return discovery[2] !== undefined ? '/v2.0/extensions/{alias}' : discovery[1] !== undefined ? '/v2.0/extensions' : '/v2.0';
  const matched = matchRoute(method, path);
  if (matched === null) return 'unmatched';
  if ('route' in matched) return matched.route.path;
  // Wrong method on a known path (405): the template of any method that path allows.
  const other = matchRoute(matched.allowed[0] ?? 'GET', path);
  return other !== null && 'route' in other ? other.route.path : 'unmatched';
}

/**
 * Answers `GET /metrics` and times every other request by method, route template and status, for
 * the api's express app, ahead of the Neutron handler.
 */
export function apiMetricsMiddleware(metrics: ServiceMetrics): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const duration = new Histogram({
    name: 'lbaas_http_request_duration_seconds', help: 'Time to answer an API request, by method, route template and status.',
    labelNames: ['method', 'route', 'status'], registers: [metrics.registry],
  });
  return (req, res, next) => {
    const method = METHODS.has(req.method ?? '') ? (req.method as string) : 'OTHER';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (method === 'GET' && path === '/metrics') {
      void metrics.respond(res);
      return;
    }
    const end = duration.startTimer({ method, route: routeTemplateOf(method, path) });
    res.once('finish', () => end({ status: String(res.statusCode) }));
    next();
  };
}
