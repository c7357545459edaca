/** A kind of API object as the CLI handles it. */
export interface ResourceKind {
  /** The envelope key of one object, also the word the neutron CLI prints ("Created a new health_monitor:"). */
  readonly key: string;
  /** The envelope key of a list. */
  readonly collection: string;
  readonly path: string;
  /** The field a user may give instead of the id; null when only ids name this kind. */
  readonly lookup: 'name' | 'floating_ip_address' | null;
  /** The columns of `<verb>-list`, the neutron CLI's. */
  readonly listColumns: readonly string[];
}

export const NETWORK: ResourceKind = {
  key: 'network',
  collection: 'networks',
  path: '/v2.0/networks',
  lookup: 'name',
  listColumns: ['id', 'name', 'subnets'],
};
export const SUBNET: ResourceKind = {
  key: 'subnet',
  collection: 'subnets',
  path: '/v2.0/subnets',
  lookup: 'name',
  listColumns: ['id', 'name', 'cidr', 'allocation_pools'],
};
export const PORT: ResourceKind = {
  key: 'port',
  collection: 'ports',
  path: '/v2.0/ports',
  lookup: 'name',
  listColumns: ['id', 'name', 'mac_address', 'fixed_ips'],
};
export const FLOATING_IP: ResourceKind = {
  key: 'floatingip',
  collection: 'floatingips',
  path: '/v2.0/floatingips',
  lookup: 'floating_ip_address',
  listColumns: ['id', 'fixed_ip_address', 'floating_ip_address', 'port_id'],
};
export const POOL: ResourceKind = {
  key: 'pool',
  collection: 'pools',
  path: '/v2.0/lb/pools',
  lookup: 'name',
  listColumns: ['id', 'name', 'provider', 'lb_method', 'protocol', 'admin_state_up', 'status'],
};
export const MEMBER: ResourceKind = {
  key: 'member',
  collection: 'members',
  path: '/v2.0/lb/members',
  lookup: null,
  listColumns: ['id', 'address', 'protocol_port', 'weight', 'admin_state_up', 'status'],
};
export const VIP: ResourceKind = {
  key: 'vip',
  collection: 'vips',
  path: '/v2.0/lb/vips',
  lookup: 'name',
  listColumns: ['id', 'name', 'address', 'protocol', 'admin_state_up', 'status'],
};
export const HEALTH_MONITOR: ResourceKind = {
  key: 'health_monitor',
  collection: 'health_monitors',
  path: '/v2.0/lb/health_monitors',
  lookup: null,
  listColumns: ['id', 'type', 'admin_state_up'],
};
export const CERTIFICATE: ResourceKind = {
  key: 'certificate',
  collection: 'certificates',
  path: '/v2.0/lb/certificates',
  lookup: 'name',
  listColumns: ['id', 'name', 'hostnames', 'not_after'],
};
