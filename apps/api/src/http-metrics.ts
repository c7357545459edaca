import type { ServiceMetrics } from '@lbaas/service-shell';
import { Histogram } from 'prom-client';
import { DISCOVERY_PATH, FIXED_PATHS } from './http/request-target';
import { matchRoute } from './http/route-table';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** The method as a label: the usual ones by name, every other as OTHER, so a client cannot mint label values. */
export const methodLabel = (method: string): string => (METHODS.has(method) ? method : 'OTHER');

/**
 * The route a request took as a template (`/v2.0/lb/pools/{id}`), so that ids never become
 * label values: one series per route, not one per object. Paths that match nothing share one.
 */
export function routeTemplateOf(method: string, rawPath: string): string {
  const path = rawPath.replace(/\/+$/, '') || '/';
  if (FIXED_PATHS.has(path)) return path;
  const discovery = DISCOVERY_PATH.exec(path);
  if (discovery) return discovery[2] !== undefined ? '/v2.0/extensions/{alias}' : discovery[1] !== undefined ? '/v2.0/extensions' : '/v2.0';
  const matched = matchRoute(method, path);
  if (matched === null) return 'unmatched';
  if ('route' in matched) return matched.route.path;
  // Wrong method on a known path (405): the template of any method that path allows.
  const other = matchRoute(matched.allowed[0] ?? 'GET', path);
  return other !== null && 'route' in other ? other.route.path : 'unmatched';
}

/** `lbaas_http_request_duration_seconds` by method, route template and status, in the api's registry. */
export function requestDurations(metrics: ServiceMetrics): Histogram<'method' | 'route' | 'status'> {
  return new Histogram({
    name: 'lbaas_http_request_duration_seconds',
    help: 'Time to answer an API request, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [metrics.registry],
  });
}
