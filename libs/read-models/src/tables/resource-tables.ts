import type { Collection } from '@lbaas/domain';
import { EntitySchema, type EntitySchemaColumnOptions, type EntitySchemaIndexOptions } from 'typeorm';
import {
  boolean,
  field,
  type FieldSpec,
  type FieldsOf,
  integer,
  json,
  jsonOrNull,
  reference,
  referenceOrNull,
  text,
  textOrNull,
} from './field-specs';
import { OCTAVIA_FIELDS } from './octavia-fields';

export type { FieldSpec } from './field-specs';

const FIELDS: { readonly [C in Collection]: FieldsOf<C> } = {
  pools: {
    id: text,
    tenant_id: reference,
    vip_id: textOrNull,
    name: text,
    description: text,
    subnet_id: reference,
    protocol: text,
    lb_method: text,
    health_monitors: json,
    health_monitors_status: json,
    members: json,
    admin_state_up: boolean,
    status: text,
    status_description: textOrNull,
    provider: text,
  },
  members: {
    id: text,
    tenant_id: reference,
    pool_id: reference,
    address: text,
    protocol_port: integer,
    weight: integer,
    admin_state_up: boolean,
    status: text,
    status_description: textOrNull,
  },
  vips: {
    id: text,
    tenant_id: reference,
    name: text,
    description: text,
    subnet_id: reference,
    address: text,
    port_id: reference,
    protocol_port: integer,
    protocol: text,
    pool_id: reference,
    session_persistence: jsonOrNull,
    connection_limit: integer,
    tls_certificate_id: referenceOrNull,
    admin_state_up: boolean,
    status: text,
    status_description: textOrNull,
  },
  health_monitors: {
    id: text,
    tenant_id: reference,
    type: text,
    delay: integer,
    timeout: integer,
    max_retries: integer,
    http_method: text,
    url_path: text,
    expected_codes: text,
    admin_state_up: boolean,
    pools: json,
    status: text,
    status_description: textOrNull,
  },
  networks: {
    id: text,
    tenant_id: reference,
    name: text,
    admin_state_up: boolean,
    status: text,
    subnets: json,
    shared: boolean,
    'router:external': field('boolean', { column: 'router_external' }),
  },
  subnets: {
    id: text,
    tenant_id: reference,
    network_id: reference,
    name: text,
    ip_version: integer,
    cidr: text,
    gateway_ip: textOrNull,
    allocation_pools: json,
    enable_dhcp: boolean,
    dns_nameservers: json,
    host_routes: json,
  },
  ports: {
    id: text,
    tenant_id: reference,
    network_id: reference,
    name: text,
    admin_state_up: boolean,
    status: text,
    mac_address: text,
    fixed_ips: json,
    device_id: reference,
    device_owner: text,
  },
  floatingips: {
    id: text,
    tenant_id: reference,
    floating_network_id: reference,
    floating_ip_address: text,
    port_id: referenceOrNull,
    fixed_ip_address: textOrNull,
    router_id: textOrNull,
    status: text,
  },
  service_instances: {
    id: text,
    tenant_id: reference,
    vip_id: referenceOrNull,
    pool_id: referenceOrNull,
    loadbalancer_id: referenceOrNull,
    status: text,
    status_description: textOrNull,
    degraded: boolean,
    vm_list: json,
    create_ts: integer,
    st_name: text,
    virtual_router_id: integer,
    failover_history: json,
    config: json,
    config_rejection: jsonOrNull,
  },
  nodes: { id: text, name: text, status: text, status_description: textOrNull },
  // The public half only: the sealed private key is no field of the resource, so it has no column.
  certificates: {
    id: text,
    tenant_id: reference,
    kind: text,
    name: text,
    description: text,
    certificate: text,
    fingerprint: reference,
    subject: text,
    hostnames: json,
    not_before: text,
    not_after: text,
    vip_ids: json,
  },
  ...OCTAVIA_FIELDS,
  octavia_quotas: {
    id: text,
    project_id: text,
    tenant_id: reference,
    loadbalancer: field('integer', { nullable: true }),
    listener: field('integer', { nullable: true }),
    pool: field('integer', { nullable: true }),
    member: field('integer', { nullable: true }),
    healthmonitor: field('integer', { nullable: true }),
    l7policy: field('integer', { nullable: true }),
    l7rule: field('integer', { nullable: true }),
    in_use: json,
  },
  flavorprofiles: { id: text, name: text, provider_name: text, flavor_data: text },
  flavors: { id: text, name: text, description: text, flavor_profile_id: reference, enabled: boolean },
  availability_zone_profiles: { id: text, name: text, provider_name: text, availability_zone_data: text },
  availability_zones: { id: text, name: text, description: text, availability_zone_profile_id: reference, enabled: boolean },
};

/** A read-model row keyed by column name. */
export type ResourceRow = Record<string, unknown>;

/** One collection's table: its fields in Neutron order and the conversions between resource and row. */
export interface ResourceTable {
  readonly collection: Collection;
  readonly entity: EntitySchema<ResourceRow>;
  /** Neutron field name -> storage. */
  readonly fields: ReadonlyMap<string, FieldSpec>;
  toRow(resource: object): ResourceRow;
  toResource(row: ResourceRow): Record<string, unknown>;
}

const COLUMN_TYPES = { string: 'varchar', integer: 'integer', boolean: 'boolean', json: 'simple-json' } as const;

/**
 * A tenant's list is `WHERE tenant_id = ? [AND id > marker] ORDER BY id LIMIT n`: with
 * tenant_id alone the database reads and sorts every row of the tenant before it takes a page,
 * with (tenant_id, id) it reads the page's rows in order from the marker. The index on
 * tenant_id alone stays where a table has one: a list sorted by another key still reads all the
 * tenant's rows, and through it SQLite reads them in table order, up to about 4 times faster at 50,000
 * rows than in id order (a random page each), which it would do through this one.
 */
const TENANT_KEYSET = (collection: Collection): EntitySchemaIndexOptions => ({
  name: `idx_${collection}_tenant_id_id`,
  columns: ['tenant_id', 'id'],
});

function resourceTable(collection: Collection): ResourceTable {
  const fields = new Map<string, FieldSpec>(
    Object.entries(FIELDS[collection] as Record<string, FieldSpec>).map(([name, spec]) => [name, { ...spec, column: spec.column || name }]),
  );
  const columns: Record<string, EntitySchemaColumnOptions> = {};
  const indices: EntitySchemaIndexOptions[] = [];
  for (const spec of fields.values()) {
    columns[spec.column] = { type: COLUMN_TYPES[spec.type], nullable: spec.nullable, primary: spec.column === 'id' };
    if (spec.indexed) indices.push({ name: `idx_${collection}_${spec.column}`, columns: [spec.column] });
    if (spec.column === 'tenant_id') indices.push(TENANT_KEYSET(collection));
  }
  const entries = [...fields.entries()];
  return {
    collection,
    entity: new EntitySchema<ResourceRow>({ name: collection, tableName: collection, columns, indices }),
    fields,
    // A loop rather than fromEntries over a mapped array: a rebuild makes a row per view of every aggregate.
    toRow: (resource) => {
      const source = resource as Record<string, unknown>;
      const row: ResourceRow = {};
      for (const [name, spec] of entries) row[spec.column] = source[name] ?? null;
      return row;
    },
    toResource: (row) => Object.fromEntries(entries.map(([name, spec]) => [name, row[spec.column] ?? null])),
  };
}

/** The read-model table of every Neutron collection, named after it. */
export const RESOURCE_TABLES: { readonly [C in Collection]: ResourceTable } = {
  pools: resourceTable('pools'),
  members: resourceTable('members'),
  vips: resourceTable('vips'),
  health_monitors: resourceTable('health_monitors'),
  networks: resourceTable('networks'),
  subnets: resourceTable('subnets'),
  ports: resourceTable('ports'),
  floatingips: resourceTable('floatingips'),
  service_instances: resourceTable('service_instances'),
  nodes: resourceTable('nodes'),
  certificates: resourceTable('certificates'),
  loadbalancers: resourceTable('loadbalancers'),
  listeners: resourceTable('listeners'),
  octavia_pools: resourceTable('octavia_pools'),
  octavia_members: resourceTable('octavia_members'),
  octavia_healthmonitors: resourceTable('octavia_healthmonitors'),
  l7policies: resourceTable('l7policies'),
  l7rules: resourceTable('l7rules'),
  amphorae: resourceTable('amphorae'),
  octavia_quotas: resourceTable('octavia_quotas'),
  flavorprofiles: resourceTable('flavorprofiles'),
  flavors: resourceTable('flavors'),
  availability_zone_profiles: resourceTable('availability_zone_profiles'),
  availability_zones: resourceTable('availability_zones'),
};

export const isCollection = (name: unknown): name is Collection =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(RESOURCE_TABLES, name);
