import type { Collection } from '@lbaas/domain';
import type { BodySchemaName } from './schemas';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Neutron collections this service answers without storing them (see `DERIVED_ROUTES`). */
export type DerivedCollection = 'security_groups' | 'subnetpools';

/**
 * One route of the API: the single place that ties a path to its body schema and its answer,
 * for the controller that serves it (see `Endpoint`), the OpenAPI document, the metrics' route
 * templates and the 405s of paths that exist with other methods.
 */
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
  readonly answers?: { readonly key: string; readonly collection: Collection | DerivedCollection; readonly many: boolean };
  /** Only administrators may call it; documented as a 403 for everyone else. */
  readonly adminOnly?: boolean;
}

/** A route whose body is validated against a schema. */
export type BodyRoute<N extends BodySchemaName = BodySchemaName> = RouteSpec & {
  readonly body: { readonly key: string; readonly schema: N };
};

export interface ResourceSpec {
  readonly collection: Collection;
  readonly singular: string;
  readonly path: string;
  readonly title: string;
  /** Operator views (placement, nodes): other roles get 403, since the collection's existence is no secret. */
  readonly adminOnly?: boolean;
}

const resource = (collection: Collection, singular: string, path: string, title: string, adminOnly = false): ResourceSpec => ({
  collection,
  singular,
  path,
  title,
  ...(adminOnly ? { adminOnly } : {}),
});

export const RESOURCES = {
  networks: resource('networks', 'network', '/v2.0/networks', 'Network'),
  subnets: resource('subnets', 'subnet', '/v2.0/subnets', 'Subnet'),
  ports: resource('ports', 'port', '/v2.0/ports', 'Port'),
  floatingips: resource('floatingips', 'floatingip', '/v2.0/floatingips', 'FloatingIp'),
  pools: resource('pools', 'pool', '/v2.0/lb/pools', 'Pool'),
  members: resource('members', 'member', '/v2.0/lb/members', 'Member'),
  vips: resource('vips', 'vip', '/v2.0/lb/vips', 'Vip'),
  health_monitors: resource('health_monitors', 'health_monitor', '/v2.0/lb/health_monitors', 'HealthMonitor'),
  certificates: resource('certificates', 'certificate', '/v2.0/lb/certificates', 'Certificate'),
  service_instances: resource('service_instances', 'service_instance', '/v2.0/lb/service_instances', 'ServiceInstance', true),
  nodes: resource('nodes', 'node', '/v2.0/lb/nodes', 'Node', true),
} as const satisfies Record<string, ResourceSpec>;

/** Every collection in the order discovery (`GET /v2.0`) lists them. */
export const RESOURCE_LIST: readonly ResourceSpec[] = Object.values(RESOURCES);

interface ReadRoutes {
  readonly list: RouteSpec;
  readonly show: RouteSpec;
}
interface WriteRoutes<C extends BodySchemaName, U extends BodySchemaName> extends ReadRoutes {
  readonly create: BodyRoute<C>;
  readonly update: BodyRoute<U>;
  readonly delete: RouteSpec;
}

function readRoutes(r: ResourceSpec): ReadRoutes {
  const access = r.adminOnly ? { adminOnly: true } : {};
  return {
    list: {
      operationId: `list${r.title}s`,
      method: 'GET',
      path: r.path,
      summary: `List ${r.collection}`,
      status: 200,
      answers: { key: r.collection, collection: r.collection, many: true },
      ...access,
    },
    show: {
      operationId: `show${r.title}`,
      method: 'GET',
      path: `${r.path}/{id}`,
      summary: `Show a ${r.singular}`,
      status: 200,
      answers: { key: r.singular, collection: r.collection, many: false },
      ...access,
    },
  };
}

function writeRoutes<C extends BodySchemaName, U extends BodySchemaName>(r: ResourceSpec, create: C, update: U): WriteRoutes<C, U> {
  const one = { key: r.singular, collection: r.collection, many: false };
  return {
    ...readRoutes(r),
    create: {
      operationId: create,
      method: 'POST',
      path: r.path,
      summary: `Create a ${r.singular}`,
      status: 201,
      body: { key: r.singular, schema: create },
      answers: one,
    },
    update: {
      operationId: update,
      method: 'PUT',
      path: `${r.path}/{id}`,
      summary: `Update a ${r.singular}`,
      status: 200,
      body: { key: r.singular, schema: update },
      answers: one,
    },
    delete: { operationId: `delete${r.title}`, method: 'DELETE', path: `${r.path}/{id}`, summary: `Delete a ${r.singular}`, status: 204 },
  };
}

export const NETWORK_ROUTES = writeRoutes(RESOURCES.networks, 'createNetwork', 'updateNetwork');
export const SUBNET_ROUTES = writeRoutes(RESOURCES.subnets, 'createSubnet', 'updateSubnet');
export const PORT_ROUTES = readRoutes(RESOURCES.ports);
export const FLOATING_IP_ROUTES = writeRoutes(RESOURCES.floatingips, 'createFloatingIp', 'updateFloatingIp');
export const POOL_ROUTES = writeRoutes(RESOURCES.pools, 'createPool', 'updatePool');
export const MEMBER_ROUTES = writeRoutes(RESOURCES.members, 'createMember', 'updateMember');
export const VIP_ROUTES = writeRoutes(RESOURCES.vips, 'createVip', 'updateVip');
export const HEALTH_MONITOR_ROUTES = writeRoutes(RESOURCES.health_monitors, 'createHealthMonitor', 'updateHealthMonitor');
export const CERTIFICATE_ROUTES = writeRoutes(RESOURCES.certificates, 'createCertificate', 'updateCertificate');
export const SERVICE_INSTANCE_ROUTES = readRoutes(RESOURCES.service_instances);
export const NODE_ROUTES = readRoutes(RESOURCES.nodes);

/**
 * Neutron resources that OpenStack's tools call around a load balancer, answered from what the
 * service has rather than stored: no subnet pools, and each project's `default` security group
 * (default-security-groups.ts).
 */
export const DERIVED_ROUTES = {
  listSubnetPools: {
    operationId: 'listSubnetPools',
    method: 'GET',
    path: '/v2.0/subnetpools',
    summary: 'List subnet pools: always empty',
    description:
      "Subnets take their cidr from the request; there are no subnet pools. Answers Neutron's empty list (filters, fields, sort and limit accepted).",
    status: 200,
    answers: { key: 'subnetpools', collection: 'subnetpools', many: true },
  },
  listSecurityGroups: {
    operationId: 'listSecurityGroups',
    method: 'GET',
    path: '/v2.0/security-groups',
    summary: "List security groups: each project's default group",
    description:
      'There are no security groups to create; each project has one `default` group, derived and never stored (id: uuid v5 of the project id, no rules). ' +
      'A project sees its own; an administrator those of every project that owns an object, its own, and any named by `tenant_id`/`project_id`. ' +
      "Filters on id, name, description, tenant_id, project_id; Neutron's fields, sort and pagination.",
    status: 200,
    answers: { key: 'security_groups', collection: 'security_groups', many: true },
  },
  showSecurityGroup: {
    operationId: 'showSecurityGroup',
    method: 'GET',
    path: '/v2.0/security-groups/{id}',
    summary: "Show a project's default security group",
    status: 200,
    answers: { key: 'security_group', collection: 'security_groups', many: false },
  },
  deleteSecurityGroup: {
    operationId: 'deleteSecurityGroup',
    method: 'DELETE',
    path: '/v2.0/security-groups/{id}',
    summary: "Delete a project's default security group: refused for the caller's own project",
    description:
      "As Neutron, the caller's own project's default group cannot be deleted: 409 SecurityGroupCannotRemoveDefault. An administrator deleting another " +
      "project's default group (a project clean-up) gets 204, and nothing changes: the group is derived from the project, so it is there again at once.",
    status: 204,
  },
} as const satisfies Record<string, RouteSpec>;

/** Routes beyond a collection's list, show, create, update and delete. */
export const ACTION_ROUTES = {
  associateHealthMonitor: {
    operationId: 'associateHealthMonitor',
    method: 'POST',
    path: '/v2.0/lb/pools/{id}/health_monitors',
    summary: 'Associate a health monitor with a pool',
    status: 201,
    body: { key: 'health_monitor', schema: 'associateHealthMonitor' },
  },
  disassociateHealthMonitor: {
    operationId: 'disassociateHealthMonitor',
    method: 'DELETE',
    path: '/v2.0/lb/pools/{id}/health_monitors/{monitor_id}',
    summary: 'Disassociate a health monitor from a pool',
    status: 204,
  },
  showPoolStats: {
    operationId: 'showPoolStats',
    method: 'GET',
    path: '/v2.0/lb/pools/{id}/stats',
    summary: 'Traffic counters of a pool',
    status: 200,
  },
  resealCertificate: {
    operationId: 'resealCertificate',
    method: 'PUT',
    path: '/v2.0/lb/certificates/{id}/reseal',
    summary: "Seal a certificate's private key again with the current deployment key",
    description:
      "Finishes a rotation of the deployment's certificate key (LBAAS_CERTIFICATE_KEY_FILE). Put the new key in that file and the old one in " +
      '`<file>.previous`, restart the api and the node agents, then reseal every certificate: each private key is opened with the key ring and sealed ' +
      'again with the current key (CertificateReplaced with the same certificate), after which the `.previous` file can go. Takes no body (or `{}`). ' +
      '409 CertificateKeyUnavailable when no key of the ring opens it.',
    status: 200,
    answers: { key: 'certificate', collection: 'certificates', many: false },
    adminOnly: true,
  },
} as const satisfies Record<string, RouteSpec>;

const crud = (routes: ReadRoutes | WriteRoutes<BodySchemaName, BodySchemaName>): RouteSpec[] =>
  'create' in routes ? [routes.list, routes.show, routes.create, routes.update, routes.delete] : [routes.list, routes.show];

/** Every route, in the order the OpenAPI document lists them. */
export const ROUTES: readonly RouteSpec[] = [
  ...crud(NETWORK_ROUTES),
  ...crud(SUBNET_ROUTES),
  ...crud(PORT_ROUTES),
  ...crud(FLOATING_IP_ROUTES),
  ...Object.values(DERIVED_ROUTES),
  ...crud(POOL_ROUTES),
  ...crud(MEMBER_ROUTES),
  ...crud(VIP_ROUTES),
  ...crud(HEALTH_MONITOR_ROUTES),
  ...crud(CERTIFICATE_ROUTES),
  ...crud(SERVICE_INSTANCE_ROUTES),
  ...crud(NODE_ROUTES),
  ...Object.values(ACTION_ROUTES),
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

/**
 * The route for a path, or, when the path exists with other methods, the methods it allows. The
 * router serves the requests; this answers what it does not route: 405s and metric labels.
 */
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
