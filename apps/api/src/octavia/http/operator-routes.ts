import type { Collection } from '@lbaas/domain';
import type { PolicyRule } from '@lbaas/identity';
import type { OctaviaRoute } from './octavia-routes';
import type { OctaviaBodyName } from './octavia-schemas';

/** An operator object of Octavia: its collection, envelope keys, path, title and policy object. */
export interface OperatorResource {
  readonly collection: Collection;
  readonly singular: string;
  readonly plural: string;
  readonly path: string;
  readonly title: string;
  readonly policy: 'flavor' | 'flavor-profile' | 'availability-zone' | 'availability-zone-profile';
  readonly operation: string;
}

export const OPERATOR_RESOURCES = {
  flavorProfiles: {
    collection: 'flavorprofiles',
    singular: 'flavorprofile',
    plural: 'flavorprofiles',
    path: '/v2/lbaas/flavorprofiles',
    title: 'Flavor Profile',
    policy: 'flavor-profile',
    operation: 'FlavorProfile',
  },
  flavors: {
    collection: 'flavors',
    singular: 'flavor',
    plural: 'flavors',
    path: '/v2/lbaas/flavors',
    title: 'Flavor',
    policy: 'flavor',
    operation: 'Flavor',
  },
  zoneProfiles: {
    collection: 'availability_zone_profiles',
    singular: 'availability_zone_profile',
    plural: 'availability_zone_profiles',
    path: '/v2/lbaas/availabilityzoneprofiles',
    title: 'Availability Zone Profile',
    policy: 'availability-zone-profile',
    operation: 'AvailabilityZoneProfile',
  },
  zones: {
    collection: 'availability_zones',
    singular: 'availability_zone',
    plural: 'availability_zones',
    path: '/v2/lbaas/availabilityzones',
    title: 'Availability Zone',
    policy: 'availability-zone',
    operation: 'AvailabilityZone',
  },
} as const satisfies Record<string, OperatorResource>;

function operatorCrud<R extends OperatorResource, C extends OctaviaBodyName, U extends OctaviaBodyName>(
  r: R,
  bodies: { readonly create: C; readonly update: U },
) {
  const rule = (action: string): PolicyRule => `os_load-balancer_api:${r.policy}:${action}` as PolicyRule;
  const one = { key: r.singular, collection: r.collection, many: false } as const;
  const who = r.policy.endsWith('profile') ? ' (admin)' : '';
  return {
    list: {
      operationId: `list${r.operation}s`,
      method: 'GET',
      path: r.path,
      summary: `List ${r.title.toLowerCase()}s${who || ' (enabled ones, unless admin)'}`,
      status: 200,
      rule: rule('get_all'),
      answers: { key: r.plural, collection: r.collection, many: true },
    },
    show: {
      operationId: `show${r.operation}`,
      method: 'GET',
      path: `${r.path}/{id}`,
      summary: `Show a ${r.title.toLowerCase()}${who}`,
      status: 200,
      rule: rule('get_one'),
      answers: one,
    },
    create: {
      operationId: `create${r.operation}`,
      method: 'POST',
      path: r.path,
      summary: `Create a ${r.title.toLowerCase()} (admin)`,
      status: 201,
      rule: rule('post'),
      body: { key: r.singular, schema: bodies.create },
      answers: one,
    },
    update: {
      operationId: `update${r.operation}`,
      method: 'PUT',
      path: `${r.path}/{id}`,
      summary: `Update a ${r.title.toLowerCase()} (admin)`,
      status: 200,
      rule: rule('put'),
      body: { key: r.singular, schema: bodies.update },
      answers: one,
    },
    delete: {
      operationId: `delete${r.operation}`,
      method: 'DELETE',
      path: `${r.path}/{id}`,
      summary: `Delete a ${r.title.toLowerCase()} (admin)`,
      status: 204,
      rule: rule('delete'),
    },
  } as const;
}

export const FLAVOR_PROFILE_ROUTES = operatorCrud(OPERATOR_RESOURCES.flavorProfiles, {
  create: 'createFlavorProfile',
  update: 'updateFlavorProfile',
});
export const FLAVOR_ROUTES = operatorCrud(OPERATOR_RESOURCES.flavors, { create: 'createFlavor', update: 'updateFlavor' });
export const ZONE_PROFILE_ROUTES = operatorCrud(OPERATOR_RESOURCES.zoneProfiles, {
  create: 'createAvailabilityZoneProfile',
  update: 'updateAvailabilityZoneProfile',
});
export const ZONE_ROUTES = operatorCrud(OPERATOR_RESOURCES.zones, { create: 'createAvailabilityZone', update: 'updateAvailabilityZone' });

const QUOTAS = '/v2/lbaas/quotas';
export const QUOTA_ROUTES = {
  list: {
    operationId: 'listQuotas',
    method: 'GET',
    path: QUOTAS,
    summary: "List projects' quotas (the caller's project unless it may read every project's)",
    status: 200,
    rule: 'os_load-balancer_api:quota:get_all',
    answers: { key: 'quotas', collection: 'octavia_quotas', many: true },
  },
  defaults: {
    operationId: 'showQuotaDefaults',
    method: 'GET',
    path: `${QUOTAS}/defaults`,
    summary: "The deployment's default quotas (LBAAS_QUOTA_*)",
    status: 200,
    rule: 'os_load-balancer_api:quota:get_defaults',
    answers: { key: 'quota', many: false },
  },
  show: {
    operationId: 'showQuota',
    method: 'GET',
    path: `${QUOTAS}/{project_id}`,
    summary: "A project's quotas, its own limits over the defaults",
    status: 200,
    rule: 'os_load-balancer_api:quota:get_one',
    answers: { key: 'quota', many: false },
  },
  update: {
    operationId: 'updateQuota',
    method: 'PUT',
    path: `${QUOTAS}/{project_id}`,
    summary: "Set a project's quotas (-1: no limit; null: the default)",
    status: 202,
    rule: 'os_load-balancer_api:quota:put',
    body: { key: 'quota', schema: 'updateQuota' as const },
    answers: { key: 'quota', many: false },
  },
  delete: {
    operationId: 'resetQuota',
    method: 'DELETE',
    path: `${QUOTAS}/{project_id}`,
    summary: "Put a project's quotas back on the defaults",
    status: 202,
    rule: 'os_load-balancer_api:quota:delete',
  },
} as const;

const crud = (r: { list: OctaviaRoute; show: OctaviaRoute; create: OctaviaRoute; update: OctaviaRoute; delete: OctaviaRoute }) => [
  r.list,
  r.show,
  r.create,
  r.update,
  r.delete,
];

/** The operator's routes, in the order the OpenAPI document lists them; the defaults come before `{project_id}`. */
export const OPERATOR_ROUTES: readonly OctaviaRoute[] = [
  QUOTA_ROUTES.list,
  QUOTA_ROUTES.defaults,
  QUOTA_ROUTES.show,
  QUOTA_ROUTES.update,
  QUOTA_ROUTES.delete,
  ...crud(FLAVOR_PROFILE_ROUTES),
  ...crud(FLAVOR_ROUTES),
  ...crud(ZONE_PROFILE_ROUTES),
  ...crud(ZONE_ROUTES),
];
