import { HttpError } from '../../http/errors';
import { answeredPath, parseTarget } from '../../http/request-target';
import { canonicalPath, matchOctaviaRoute } from './octavia-routes';

/** Paths outside the route table that answer GET the same for every caller (the version document, health). */
export const OCTAVIA_FIXED_PATHS: ReadonlySet<string> = new Set(['/', '/healthz', '/docs/openapi.json']);
export const OCTAVIA_UNROUTED_PATH = '/.unrouted';

/**
 * The URL the v2 router sees (Fastify's rewriteUrl): `/v2.0/...` as `/v2/...`, without trailing
 * slashes, for the routes the table serves; everything else goes to one unrouted path, so that the
 * exception filter answers 404 or 405 from the original target in Octavia's words.
 */
export function octaviaRoutedUrl(method: string, target: string): string {
  const url = parseTarget(target);
  if (url === null) return OCTAVIA_UNROUTED_PATH;
  const path = canonicalPath(answeredPath(url));
  if (method === 'GET' && OCTAVIA_FIXED_PATHS.has(path)) return path;
  const matched = matchOctaviaRoute(method, path);
  return matched !== null && 'route' in matched ? path + url.search : OCTAVIA_UNROUTED_PATH;
}

/** Why v2 serves nothing at a target: it does not parse (400), it exists with other methods (405), or not at all (404). */
export function unroutedFault(method: string, target: string): HttpError {
  const url = parseTarget(target);
  if (url === null) return new HttpError(400, 'BadRequest', 'The request target is not a valid URL.');
  const path = canonicalPath(answeredPath(url));
  const matched = matchOctaviaRoute(method, path);
  if (matched !== null && 'allowed' in matched)
    return new HttpError(
      405,
      'MethodNotAllowed',
      `The method ${method} is not allowed on ${answeredPath(url)}; allowed: ${matched.allowed.join(', ')}.`,
    );
  return new HttpError(404, 'NotFound', `The resource could not be found: ${answeredPath(url)}`);
}

/** The route template of a request, for the metrics' labels: ids never become label values. */
export function octaviaRouteTemplate(method: string, target: string): string {
  const url = parseTarget(target);
  if (url === null) return 'unmatched';
  const path = canonicalPath(answeredPath(url));
  if (OCTAVIA_FIXED_PATHS.has(path)) return path;
  const matched = matchOctaviaRoute(method, path);
  if (matched === null) return 'unmatched';
  if ('route' in matched) return matched.route.path;
  const other = matchOctaviaRoute(matched.allowed[0] ?? 'GET', path);
  return other !== null && 'route' in other ? other.route.path : 'unmatched';
}
