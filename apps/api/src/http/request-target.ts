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

/** What routing learned about a request's target, kept for the request's log line and histogram sample. */
export interface RoutedTarget {
  /** The URL the router sees (`routedUrl`). */
  readonly url: string;
  /** The target's path as a URL, the log line's path; null when the target does not parse. */
  readonly pathname: string | null;
  /**
   * The matched route's template, when the target's raw path is the path matched (nothing to
   * normalise): what `routeTemplateOf` finds for it, without matching it a second time.
   */
  readonly template: string | null;
}

/**
 * The URL the router sees (Fastify's rewriteUrl): the normalised path without trailing slashes
 * and without the `.json` format suffix, for the paths the API serves, and UNROUTED_PATH for every
 * other. The route table decides which paths exist, so the router never serves a path the table
 * does not (it would decode `%6F` in a fixed segment, for one) and the filter can tell 404 from 405.
 */
export const routedUrl = (method: string, target: string): string => routeTarget(method, target).url;

/** `routedUrl` with what its parse and match found along the way. */
export function routeTarget(method: string, target: string): RoutedTarget {
  const url = parseTarget(target);
  if (url === null) return { url: UNROUTED_PATH, pathname: null, template: null };
  const { pathname } = url;
  const routed = (to: string, template: string | null = null): RoutedTarget => ({ url: to, pathname, template });
  if (method === 'GET' && pathname === '/metrics') return routed('/metrics');
  const path = answeredPath(url);
  if (method === 'GET' && FIXED_PATHS.has(path)) return routed(path + url.search);
  const bare = path.replace(/(?<=[^/])\.json$/, '');
  if (method === 'GET' && DISCOVERY_PATH.test(path)) return routed(bare);
  const matched = matchRoute(method, path);
  if (matched === null || !('route' in matched)) return routed(UNROUTED_PATH);
  // The metrics' template is looked up from the raw path, fixed and discovery paths first.
  const exact = target.split('?')[0] === pathname && !FIXED_PATHS.has(path) && !DISCOVERY_PATH.test(path);
  return routed(bare + url.search, exact ? matched.route.path : null);
}
