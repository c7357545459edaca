import { HttpError } from './errors';
import { matchRoute } from './route-table';

/** Paths outside the route table that answer GET the same for every caller. */
export const FIXED_PATHS: ReadonlySet<string> = new Set(['/', '/healthz', '/readyz', '/docs', '/docs/openapi.json']);
/** Neutron's discovery documents, with the format suffix older neutronclients append. */
export const DISCOVERY_PATH = /^\/v2\.0(\/extensions(\/[^/]+?)?)?(\.json)?$/;
/** Where the router sends what the API does not serve: the exception filter answers 404 or 405 from the original target. */
export const UNROUTED_PATH = '/.unrouted';

/** The request target as a URL: `//x` stays a path (not a host); null when it does not parse. */
export function parseTarget(target: string): URL | null {
  try {
    return target.startsWith('/') ? new URL(`http://api.invalid${target}`) : new URL(target);
  } catch {
    return null;
  }
}

/** The request target as a URL, or the 400 a target that does not parse gets. */
export function requestUrl(target: string): URL {
  const url = parseTarget(target);
  if (url === null) throw new HttpError(400, 'HTTPBadRequest', 'The request target is not a valid URL.');
  return url;
}

/** The path the API answers for: the target's path without trailing slashes. */
export const answeredPath = (url: URL): string => url.pathname.replace(/\/+$/, '') || '/';

/**
 * The URL the router sees (Fastify's rewriteUrl): the normalised path without trailing slashes
 * and without the `.json` format suffix, for the paths the API serves, and UNROUTED_PATH for every
 * other. The route table decides which paths exist, so the router never serves a path the table
 * does not (it would decode `%6F` in a fixed segment, for one) and the filter can tell 404 from 405.
 */
export function routedUrl(method: string, target: string): string {
  const url = parseTarget(target);
  if (url === null) return UNROUTED_PATH;
  if (method === 'GET' && url.pathname === '/metrics') return '/metrics';
  const path = answeredPath(url);
  if (method === 'GET' && FIXED_PATHS.has(path)) return path + url.search;
  const bare = path.replace(/(?<=[^/])\.json$/, '');
  if (method === 'GET' && DISCOVERY_PATH.test(path)) return bare;
  const matched = matchRoute(method, path);
  return matched !== null && 'route' in matched ? bare + url.search : UNROUTED_PATH;
}
