import type { Collection } from '@lbaas/domain';
import type { BodySchemaName } from './schemas';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One route of the API: the single place that ties a path to its body schema, for validation and OpenAPI alike. */
export interface RouteSpec {
  readonly operationId: string;
  readonly method: Method;
  /** With `{id}`-style parameters, as OpenAPI writes them. */
  readonly path: string;
  readonly summary: string;
  /** The longer story, for the OpenAPI document. */
  readonly description?: string;
  readonly status: 200 | 201 | 204;
  readonly body?: { readonly key: string; readonly schema: BodySchemaName };
  /** The envelope key and collection of the resource(s) answered, for the OpenAPI response. */
  readonly answers?: { readonly key: string; readonly collection: Collection; readonly many: boolean };
  /** Only administrators may call it; documented as a 403 for everyone else. */
  readonly adminOnly?: boolean;
}

interface ResourceSpec {
  readonly collection: Collection;
  readonly singular: string;
  readonly path: string;
  readonly title: string;
  readonly writable: boolean;
  /** Operator views (placement, nodes): other roles get 403, since the collection's existence is no secret. */
  readonly adminOnly?: boolean;
}

export const RESOURCES: readonly ResourceSpec[] = [
  { collection: 'networks', singular: 'network', path: '/v2.0/networks', title: 'Network', writable: true },
  { collection: 'subnets', singular: 'subnet', path: '/v2.0/subnets', title: 'Subnet', writable: true },
  { collection: 'ports', singular: 'port', path: '/v2.0/ports', title: 'Port', writable: false },
  { collection: 'floatingips', singular: 'floatingip', path: '/v2.0/floatingips', title: 'FloatingIp', writable: true },
  { collection: 'pools', singular: 'pool', path: '/v2.0/lb/pools', title: 'Pool', writable: true },
  { collection: 'members', singular: 'member', path: '/v2.0/lb/members', title: 'Member', writable: true },
  { collection: 'vips', singular: 'vip', path: '/v2.0/lb/vips', title: 'Vip', writable: true },
  { collection: 'health_monitors', singular: 'health_monitor', path: '/v2.0/lb/health_monitors', title: 'HealthMonitor', writable: true },
  { collection: 'certificates', singular: 'certificate', path: '/v2.0/lb/certificates', title: 'Certificate', writable: true },
  { collection: 'service_instances', singular: 'service_instance', path: '/v2.0/lb/service_instances', title: 'ServiceInstance', writable: false, adminOnly: true },
  { collection: 'nodes', singular: 'node', path: '/v2.0/lb/nodes', title: 'Node', writable: false, adminOnly: true },
];

function resourceRoutes(r: ResourceSpec): RouteSpec[] {
  const one = { key: r.singular, collection: r.collection, many: false };
  const access = r.adminOnly ? { adminOnly: true } : {};
  const read: RouteSpec[] = [
    { operationId: `list${r.title}s`, method: 'GET', path: r.path, summary: `List ${r.collection}`, status: 200, answers: { key: r.collection, collection: r.collection, many: true }, ...access },
    { operationId: `show${r.title}`, method: 'GET', path: `${r.path}/{id}`, summary: `Show a ${r.singular}`, status: 200, answers: one, ...access },
  ];
  if (!r.writable) return read;
  return [
    ...read,
    { operationId: `create${r.title}`, method: 'POST', path: r.path, summary: `Create a ${r.singular}`, status: 201, body: { key: r.singular, schema: `create${r.title}` as BodySchemaName }, answers: one },
    { operationId: `update${r.title}`, method: 'PUT', path: `${r.path}/{id}`, summary: `Update a ${r.singular}`, status: 200, body: { key: r.singular, schema: `update${r.title}` as BodySchemaName }, answers: one },
    { operationId: `delete${r.title}`, method: 'DELETE', path: `${r.path}/{id}`, summary: `Delete a ${r.singular}`, status: 204 },
  ];
}

export const ROUTES: readonly RouteSpec[] = [
  ...RESOURCES.flatMap(resourceRoutes),
  {
    operationId: 'associateHealthMonitor', method: 'POST', path: '/v2.0/lb/pools/{id}/health_monitors', summary: 'Associate a health monitor with a pool',
    status: 201, body: { key: 'health_monitor', schema: 'associateHealthMonitor' },
  },
  {
    operationId: 'disassociateHealthMonitor', method: 'DELETE', path: '/v2.0/lb/pools/{id}/health_monitors/{monitor_id}',
    summary: 'Disassociate a health monitor from a pool', status: 204,
  },
  { operationId: 'showPoolStats', method: 'GET', path: '/v2.0/lb/pools/{id}/stats', summary: 'Traffic counters of a pool', status: 200 },
  {
    operationId: 'resealCertificate', method: 'PUT', path: '/v2.0/lb/certificates/{id}/reseal', summary: "Seal a certificate's private key again with the current deployment key",
    description: 'Finishes a rotation of the deployment\'s certificate key (LBAAS_CERTIFICATE_KEY_FILE). Put the new key in that file and the old one in '
      + '`<file>.previous`, restart the api and the node agents, then reseal every certificate: each private key is opened with the key ring and sealed '
      + 'again with the current key (CertificateReplaced with the same certificate), after which the `.previous` file can go. Takes no body (or `{}`). '
      + '409 CertificateKeyUnavailable when no key of the ring opens it.',
    status: 200, answers: { key: 'certificate', collection: 'certificates', many: false }, adminOnly: true,
  },
];

export interface MatchedRoute {
  readonly route: RouteSpec;
  readonly params: Readonly<Record<string, string>>;
}

const compiled = ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    // Lazy, so that a `.json` suffix is the format and not part of the id.
    return '([^/]+?)';
  });
  // Older neutronclients append the format to the path (`/v2.0/lb/pools.json`).
  return { route, names, pattern: new RegExp(`^${source}(?:\\.json)?$`) };
});

/** The route for a path, or, when the path exists with other methods, the methods it allows. */
export function matchRoute(method: string, path: string): MatchedRoute | { allowed: Method[] } | null {
  const allowed: Method[] = [];
  for (const c of compiled) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allowed.push(c.route.method);
      continue;
    }
    const params = decodedParams(c.names, m.slice(1));
    // A parameter that is not valid percent-encoding names nothing: the path does not exist.
    if (params === null) return null;
    return { route: c.route, params };
  }
  return allowed.length ? { allowed } : null;
}

function decodedParams(names: readonly string[], values: readonly string[]): Record<string, string> | null {
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(values[i])]));
  } catch {
    return null;
  }
}
