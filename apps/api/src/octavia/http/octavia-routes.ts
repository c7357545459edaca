import type { Collection } from '@lbaas/domain';
import type { PolicyRule } from '@lbaas/identity';
import type { OctaviaBodyName } from './octavia-schemas';
import { OPERATOR_ROUTES } from './operator-routes';

export type OctaviaMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One route of Octavia's v2 API: the single place that ties a path to its policy rule, body
 * schema and answer, for the controller that serves it, the OpenAPI document, the router's
 * rewrite (which paths exist) and the 405s. Paths are written under `/v2`; `/v2.0` is the alias.
 */
export interface OctaviaRoute {
  readonly operationId: string;
  readonly method: OctaviaMethod;
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly status: 200 | 201 | 202 | 204;
  /** Octavia's policy rule (`os_load-balancer_api:<object>:<action>`), checked by the PolicyGuard. */
  readonly rule: PolicyRule;
  readonly body?: { readonly key: string; readonly schema: OctaviaBodyName };
  /** The envelope key of the answer and, for lists and shows, the read-model collection. */
  readonly answers?: { readonly key: string; readonly collection?: Collection; readonly many: boolean };
}

/** An Octavia object kind: its read model, its envelope keys, its words in messages, its policy object. */
export interface OctaviaResource {
  readonly collection: Collection;
  readonly singular: string;
  readonly plural: string;
  /** Octavia's name in `<Resource> <id> not found.` */
  readonly title: string;
  readonly policy: 'loadbalancer' | 'listener' | 'pool' | 'member' | 'healthmonitor' | 'l7policy' | 'l7rule';
  /** The object's name in operation ids (`listL7Policies`), when its singular key does not spell it. */
  readonly operation?: { readonly one: string; readonly many: string };
}

export const OCTAVIA_RESOURCES = {
  loadbalancers: {
    collection: 'loadbalancers',
    singular: 'loadbalancer',
    plural: 'loadbalancers',
    title: 'Load Balancer',
    policy: 'loadbalancer',
  },
  listeners: { collection: 'listeners', singular: 'listener', plural: 'listeners', title: 'Listener', policy: 'listener' },
  pools: { collection: 'octavia_pools', singular: 'pool', plural: 'pools', title: 'Pool', policy: 'pool' },
  members: { collection: 'octavia_members', singular: 'member', plural: 'members', title: 'Member', policy: 'member' },
  healthmonitors: {
    collection: 'octavia_healthmonitors',
    singular: 'healthmonitor',
    plural: 'healthmonitors',
    title: 'Health Monitor',
    policy: 'healthmonitor',
  },
  l7policies: {
    collection: 'l7policies',
    singular: 'l7policy',
    plural: 'l7policies',
    title: 'L7 Policy',
    policy: 'l7policy',
    operation: { one: 'L7Policy', many: 'L7Policies' },
  },
  l7rules: {
    collection: 'l7rules',
    singular: 'rule',
    plural: 'rules',
    title: 'L7 Rule',
    policy: 'l7rule',
    operation: { one: 'L7Rule', many: 'L7Rules' },
  },
} as const satisfies Record<string, OctaviaResource>;

/** A route whose body is validated against a schema. */
export type OctaviaBodyRoute<N extends OctaviaBodyName = OctaviaBodyName> = OctaviaRoute & {
  readonly body: { readonly key: string; readonly schema: N };
};

interface CrudRoutes<C extends OctaviaBodyName, U extends OctaviaBodyName> {
  readonly list: OctaviaRoute;
  readonly show: OctaviaRoute;
  readonly create: OctaviaBodyRoute<C>;
  readonly update: OctaviaBodyRoute<U>;
  readonly delete: OctaviaRoute;
}

function crudRoutes<C extends OctaviaBodyName, U extends OctaviaBodyName>(
  r: OctaviaResource,
  path: string,
  create: C,
  update: U,
): CrudRoutes<C, U> {
  const title = r.operation?.one ?? r.singular.charAt(0).toUpperCase() + r.singular.slice(1);
  const titles = r.operation?.many ?? `${title}s`;
  const one = { key: r.singular, collection: r.collection, many: false };
  const rule = (action: string): PolicyRule => `os_load-balancer_api:${r.policy}:${action}` as PolicyRule;
  return {
    list: {
      operationId: `list${titles}`,
      method: 'GET',
      path,
      summary: `List ${r.plural}`,
      status: 200,
      rule: rule('get_all'),
      answers: { key: r.plural, collection: r.collection, many: true },
    },
    show: {
      operationId: `show${title}`,
      method: 'GET',
      path: `${path}/{id}`,
      summary: `Show a ${r.singular}`,
      status: 200,
      rule: rule('get_one'),
      answers: one,
    },
    create: {
      operationId: `create${title}`,
      method: 'POST',
      path,
      summary: `Create a ${r.singular}`,
      status: 201,
      rule: rule('post'),
      body: { key: r.singular, schema: create },
      answers: one,
    },
    update: {
      operationId: `update${title}`,
      method: 'PUT',
      path: `${path}/{id}`,
      summary: `Update a ${r.singular}`,
      status: 200,
      rule: rule('put'),
      body: { key: r.singular, schema: update },
      answers: one,
    },
    delete: {
      operationId: `delete${title}`,
      method: 'DELETE',
      path: `${path}/{id}`,
      summary: `Delete a ${r.singular}`,
      status: 204,
      rule: rule('delete'),
    },
  };
}

const LB = '/v2/lbaas/loadbalancers';
const LISTENERS = '/v2/lbaas/listeners';
const AMPHORAE = '/v2/octavia/amphorae';
const STATS = { key: 'stats', many: false } as const;

export const LOADBALANCER_ROUTES = {
  ...crudRoutes(OCTAVIA_RESOURCES.loadbalancers, LB, 'createLoadBalancer', 'updateLoadBalancer'),
  stats: {
    operationId: 'showLoadBalancerStats',
    method: 'GET',
    path: `${LB}/{id}/stats`,
    summary: "A load balancer's traffic counters",
    status: 200,
    rule: 'os_load-balancer_api:loadbalancer:get_stats',
    answers: STATS,
  },
  status: {
    operationId: 'showLoadBalancerStatus',
    method: 'GET',
    path: `${LB}/{id}/status`,
    summary: "A load balancer's status tree: listeners, pools, members and health monitors",
    status: 200,
    rule: 'os_load-balancer_api:loadbalancer:get_status',
    answers: { key: 'statuses', many: false },
  },
  failover: {
    operationId: 'failoverLoadBalancer',
    method: 'PUT',
    path: `${LB}/{id}/failover`,
    summary: "Move a load balancer's active placement now (admin)",
    description: 'The standby takes over and a new standby is placed. Takes no body (or `{}`).',
    status: 202,
    rule: 'os_load-balancer_api:loadbalancer:put_failover',
  },
} as const satisfies Record<string, OctaviaRoute>;

export const LISTENER_ROUTES = {
  ...crudRoutes(OCTAVIA_RESOURCES.listeners, LISTENERS, 'createListener', 'updateListener'),
  stats: {
    operationId: 'showListenerStats',
    method: 'GET',
    path: `${LISTENERS}/{id}/stats`,
    summary: "A listener's traffic counters",
    status: 200,
    rule: 'os_load-balancer_api:listener:get_stats',
    answers: STATS,
  },
} as const satisfies Record<string, OctaviaRoute>;

export const POOL_ROUTES = crudRoutes(OCTAVIA_RESOURCES.pools, '/v2/lbaas/pools', 'createPool', 'updatePool');

export const MEMBER_ROUTES = {
  ...crudRoutes(OCTAVIA_RESOURCES.members, '/v2/lbaas/pools/{pool_id}/members', 'createMember', 'updateMember'),
  batch: {
    operationId: 'replaceMembers',
    method: 'PUT',
    path: '/v2/lbaas/pools/{pool_id}/members',
    summary: "Replace a pool's members in one change (`?additive_only=true` keeps the others)",
    description:
      'Members are matched by (address, protocol_port): matched ones are updated, new ones created and, unless additive_only, the others deleted; one commit.',
    status: 202,
    rule: 'os_load-balancer_api:member:put',
    body: { key: 'members', schema: 'replaceMembers' },
  },
} as const satisfies Record<string, OctaviaRoute>;

export const HEALTH_MONITOR_ROUTES = crudRoutes(
  OCTAVIA_RESOURCES.healthmonitors,
  '/v2/lbaas/healthmonitors',
  'createHealthMonitor',
  'updateHealthMonitor',
);

export const L7POLICY_ROUTES = crudRoutes(OCTAVIA_RESOURCES.l7policies, '/v2/lbaas/l7policies', 'createL7Policy', 'updateL7Policy');
export const L7RULE_ROUTES = crudRoutes(
  OCTAVIA_RESOURCES.l7rules,
  '/v2/lbaas/l7policies/{l7policy_id}/rules',
  'createL7Rule',
  'updateL7Rule',
);

export const PROVIDER_ROUTES = {
  list: {
    operationId: 'listProviders',
    method: 'GET',
    path: '/v2/lbaas/providers',
    summary: 'List providers: this deployment has one, `lbaas`',
    status: 200,
    rule: 'os_load-balancer_api:provider:get_all',
    answers: { key: 'providers', many: true },
  },
  flavorCapabilities: {
    operationId: 'listProviderFlavorCapabilities',
    method: 'GET',
    path: '/v2/lbaas/providers/{provider}/flavor_capabilities',
    summary: "A provider's flavor capabilities: what a flavor profile's flavor_data may set",
    status: 200,
    rule: 'os_load-balancer_api:provider-flavor:get_all',
    answers: { key: 'flavor_capabilities', many: true },
  },
  availabilityZoneCapabilities: {
    operationId: 'listProviderAvailabilityZoneCapabilities',
    method: 'GET',
    path: '/v2/lbaas/providers/{provider}/availability_zone_capabilities',
    summary: "A provider's availability zone capabilities: what a zone profile's availability_zone_data may set",
    status: 200,
    rule: 'os_load-balancer_api:provider-availability-zone:get_all',
    answers: { key: 'availability_zone_capabilities', many: true },
  },
} as const satisfies Record<string, OctaviaRoute>;

export const AMPHORA_ROUTES = {
  list: {
    operationId: 'listAmphorae',
    method: 'GET',
    path: AMPHORAE,
    summary: "List amphorae: each placement of a load balancer's service instance (admin)",
    status: 200,
    rule: 'os_load-balancer_api:amphora:get_all',
    answers: { key: 'amphorae', collection: 'amphorae', many: true },
  },
  show: {
    operationId: 'showAmphora',
    method: 'GET',
    path: `${AMPHORAE}/{id}`,
    summary: 'Show an amphora (admin)',
    status: 200,
    rule: 'os_load-balancer_api:amphora:get_one',
    answers: { key: 'amphora', collection: 'amphorae', many: false },
  },
  failover: {
    operationId: 'failoverAmphora',
    method: 'PUT',
    path: `${AMPHORAE}/{id}/failover`,
    summary: "Fail over an amphora's load balancer (admin)",
    status: 202,
    rule: 'os_load-balancer_api:amphora:put_failover',
  },
  stats: {
    operationId: 'showAmphoraStats',
    method: 'GET',
    path: `${AMPHORAE}/{id}/stats`,
    summary: "An amphora's listener counters (admin; not kept per amphora: 501)",
    status: 200,
    rule: 'os_load-balancer_api:amphora:get_stats',
    answers: { key: 'amphora_stats', many: true },
  },
  config: {
    operationId: 'configureAmphora',
    method: 'PUT',
    path: `${AMPHORAE}/{id}/config`,
    summary: "Push an amphora's agent configuration (admin; not applicable here: 501)",
    status: 202,
    rule: 'os_load-balancer_api:amphora:put_config',
  },
} as const satisfies Record<string, OctaviaRoute>;

const crud = (r: CrudRoutes<OctaviaBodyName, OctaviaBodyName>): OctaviaRoute[] => [r.list, r.show, r.create, r.update, r.delete];

/** Every v2 route, in the order the OpenAPI document lists them. */
export const OCTAVIA_ROUTES: readonly OctaviaRoute[] = [
  ...crud(LOADBALANCER_ROUTES),
  LOADBALANCER_ROUTES.stats,
  LOADBALANCER_ROUTES.status,
  LOADBALANCER_ROUTES.failover,
  ...crud(LISTENER_ROUTES),
  LISTENER_ROUTES.stats,
  ...crud(POOL_ROUTES),
  ...crud(MEMBER_ROUTES),
  MEMBER_ROUTES.batch,
  ...crud(HEALTH_MONITOR_ROUTES),
  ...crud(L7POLICY_ROUTES),
  ...crud(L7RULE_ROUTES),
  ...Object.values(PROVIDER_ROUTES),
  ...Object.values(AMPHORA_ROUTES),
  ...OPERATOR_ROUTES,
];

export type OctaviaRouteMatch =
  { readonly route: OctaviaRoute; readonly params: Readonly<Record<string, string>> } | { readonly allowed: OctaviaMethod[] } | null;

const compiled = OCTAVIA_ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, names, pattern: new RegExp(`^${source}$`) };
});

/** `/v2.0/...` is Octavia's alias of `/v2/...`. */
export const canonicalPath = (path: string): string => path.replace(/^\/v2\.0(?=\/|$)/, '/v2');

/** The route of a canonical path, or the methods the path allows (405), or null (404). */
export function matchOctaviaRoute(method: string, path: string): OctaviaRouteMatch {
  const allowed: OctaviaMethod[] = [];
  for (const c of compiled) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      if (!allowed.includes(c.route.method)) allowed.push(c.route.method);
      continue;
    }
    try {
      return { route: c.route, params: Object.fromEntries(c.names.map((name, i) => [name, decodeURIComponent(m[i + 1])])) };
    } catch {
      return null;
    }
  }
  return allowed.length ? { allowed } : null;
}
