import type { CertificateKind } from './certificate/events';
import type {
  AmphoraResource,
  L7PolicyResource,
  L7RuleResource,
  LbHealthMonitorResource,
  LbMemberResource,
  LbPoolResource,
  ListenerResource,
  LoadBalancerResource,
} from './loadbalancer/resources';
/**
 * The Neutron API representation of every resource, exactly as the v1 LBaaS and core
 * network APIs return it. Deciders' `views` produce these; the read models store them;
 * the api returns them.
 */
// Each enumeration's values are written here once; the schemas, the api, the renderer and the CLI take them from here.
export const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const LB_METHODS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP'] as const;
export type LbMethod = (typeof LB_METHODS)[number];
export const MONITOR_TYPES = ['PING', 'TCP', 'HTTP', 'HTTPS'] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];
export const SESSION_PERSISTENCE_TYPES = ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'] as const;
export type SessionPersistenceType = (typeof SESSION_PERSISTENCE_TYPES)[number];
export const LB_STATUSES = ['PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE', 'ACTIVE', 'INACTIVE', 'DOWN', 'ERROR'] as const;
export type LbStatus = (typeof LB_STATUSES)[number];
/** Waiting for the data plane to deploy a change: ends in ACTIVE, or in ERROR at the pending deadline. */
export const isProvisioning = (status: LbStatus): boolean => status === 'PENDING_CREATE' || status === 'PENDING_UPDATE';

export interface PoolResource {
  id: string;
  tenant_id: string;
  vip_id: string | null;
  name: string;
  description: string;
  subnet_id: string;
  protocol: Protocol;
  lb_method: LbMethod;
  health_monitors: string[];
  health_monitors_status: { monitor_id: string; status: LbStatus; status_description: string | null }[];
  members: string[];
  admin_state_up: boolean;
  status: LbStatus;
  status_description: string | null;
  provider: string;
}

export interface MemberResource {
  id: string;
  tenant_id: string;
  pool_id: string;
  address: string;
  protocol_port: number;
  weight: number;
  admin_state_up: boolean;
  status: LbStatus;
  status_description: string | null;
}

export interface SessionPersistence {
  type: SessionPersistenceType;
  cookie_name?: string;
}

export interface VipResource {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  subnet_id: string;
  address: string;
  port_id: string;
  protocol_port: number;
  protocol: Protocol;
  pool_id: string;
  session_persistence: SessionPersistence | null;
  connection_limit: number;
  /** The certificate an HTTP VIP terminates TLS with, or null for plain HTTP. */
  tls_certificate_id: string | null;
  admin_state_up: boolean;
  status: LbStatus;
  status_description: string | null;
}

/** A tenant's TLS certificate: everything public of it. The private key is never shown, sealed or not. */
export interface CertificateResource {
  id: string;
  tenant_id: string;
  /** server (chain and key), ca (CA certificates) or crl (revocation lists); the v1 api shows it for ca and crl only. */
  kind: CertificateKind;
  name: string;
  description: string;
  /** PEM: the leaf first, then its chain. */
  certificate: string;
  /** SHA-256 of the leaf's DER, lower-case hex. */
  fingerprint: string;
  subject: string;
  hostnames: string[];
  not_before: string;
  not_after: string;
  /** The VIPs that terminate TLS with it: a certificate in use cannot be deleted. */
  vip_ids: string[];
}

export interface HealthMonitorResource {
  id: string;
  tenant_id: string;
  type: MonitorType;
  delay: number;
  timeout: number;
  max_retries: number;
  http_method: string;
  url_path: string;
  expected_codes: string;
  admin_state_up: boolean;
  pools: { pool_id: string; status: LbStatus; status_description: string | null }[];
  status: LbStatus;
  status_description: string | null;
}

export interface NetworkResource {
  id: string;
  tenant_id: string;
  name: string;
  admin_state_up: boolean;
  status: 'ACTIVE' | 'DOWN';
  subnets: string[];
  shared: boolean;
  'router:external': boolean;
}

export interface SubnetResource {
  id: string;
  tenant_id: string;
  network_id: string;
  name: string;
  ip_version: 4;
  cidr: string;
  gateway_ip: string | null;
  allocation_pools: { start: string; end: string }[];
  enable_dhcp: boolean;
  dns_nameservers: string[];
  host_routes: { destination: string; nexthop: string }[];
}

export interface PortResource {
  id: string;
  tenant_id: string;
  network_id: string;
  name: string;
  admin_state_up: boolean;
  status: 'ACTIVE' | 'DOWN';
  mac_address: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  device_id: string;
  device_owner: string;
}

export interface FloatingIpResource {
  id: string;
  tenant_id: string;
  floating_network_id: string;
  floating_ip_address: string;
  port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
  status: 'ACTIVE' | 'DOWN';
}

/** A compute node as the scheduler sees it (admin only). */
export interface NodeResource {
  id: string;
  name: string;
  status: 'UP' | 'LOST';
  status_description: string | null;
}

/** An HAProxy pair serving one VIP, in the seed system's shape plus what operators need (admin only). */
export interface ServiceInstanceResource {
  id: string;
  tenant_id: string;
  /** A v1 VIP's instance names its VIP and pool; a v2 load balancer's names the load balancer. */
  vip_id: string | null;
  pool_id: string | null;
  loadbalancer_id: string | null;
  status: LbStatus;
  status_description: string | null;
  degraded: boolean;
  /** The seed's vm_list, plus what each placement's node reports: APPLIED (running the current files), PENDING, or FAILED with why. */
  vm_list: { uuid: string; vr_name: string; ha: string; status: 'APPLIED' | 'PENDING' | 'FAILED'; status_description: string | null }[];
  create_ts: number;
  st_name: string;
  virtual_router_id: number;
  failover_history: { at: string; event: string; from_node: string | null; to_node: string | null; reason: string }[];
  config: { uuid: string; haproxy_sha256: string; keepalived_sha256: string }[];
  /** The last file a checker refused (the configuration before it stays in force), or null. */
  config_rejection: { uuid: string; file: string; sha256: string; message: string } | null;
}

/** A project's own Octavia limits (null: the deployment's default) and how many objects it holds of each. */
export interface ProjectQuotaResource {
  id: string;
  project_id: string;
  tenant_id: string;
  loadbalancer: number | null;
  listener: number | null;
  pool: number | null;
  member: number | null;
  healthmonitor: number | null;
  l7policy: number | null;
  l7rule: number | null;
  in_use: Record<'loadbalancer' | 'listener' | 'pool' | 'member' | 'healthmonitor' | 'l7policy' | 'l7rule', number>;
}

export interface FlavorProfileResource {
  id: string;
  name: string;
  provider_name: string;
  flavor_data: string;
}

export interface FlavorResource {
  id: string;
  name: string;
  description: string;
  flavor_profile_id: string;
  enabled: boolean;
}

export interface AvailabilityZoneProfileResource {
  id: string;
  name: string;
  provider_name: string;
  availability_zone_data: string;
}

/** `id` is the zone's name: rows are keyed by id; Octavia shows a zone by its name only. */
export interface AvailabilityZoneResource {
  id: string;
  name: string;
  description: string;
  availability_zone_profile_id: string;
  enabled: boolean;
}

/** Resource collections by their Neutron plural name, which is also the read-model table name. */
export interface ResourceByCollection {
  pools: PoolResource;
  members: MemberResource;
  vips: VipResource;
  health_monitors: HealthMonitorResource;
  certificates: CertificateResource;
  networks: NetworkResource;
  subnets: SubnetResource;
  ports: PortResource;
  floatingips: FloatingIpResource;
  service_instances: ServiceInstanceResource;
  nodes: NodeResource;
  loadbalancers: LoadBalancerResource;
  listeners: ListenerResource;
  octavia_pools: LbPoolResource;
  octavia_members: LbMemberResource;
  octavia_healthmonitors: LbHealthMonitorResource;
  l7policies: L7PolicyResource;
  l7rules: L7RuleResource;
  amphorae: AmphoraResource;
  octavia_quotas: ProjectQuotaResource;
  flavorprofiles: FlavorProfileResource;
  flavors: FlavorResource;
  availability_zone_profiles: AvailabilityZoneProfileResource;
  availability_zones: AvailabilityZoneResource;
}
export type Collection = keyof ResourceByCollection;
export const COLLECTIONS: readonly Collection[] = [
  'pools',
  'members',
  'vips',
  'health_monitors',
  'certificates',
  'networks',
  'subnets',
  'ports',
  'floatingips',
  'service_instances',
  'nodes',
  'loadbalancers',
  'listeners',
  'octavia_pools',
  'octavia_members',
  'octavia_healthmonitors',
  'l7policies',
  'l7rules',
  'amphorae',
  'octavia_quotas',
  'flavorprofiles',
  'flavors',
  'availability_zone_profiles',
  'availability_zones',
];

/** Neutron's resource class name per collection: the `<Kind>` of `<Kind>NotFound`. */
export const RESOURCE_KIND: { readonly [C in Collection]: string } = {
  pools: 'Pool',
  members: 'Member',
  vips: 'Vip',
  health_monitors: 'HealthMonitor',
  certificates: 'Certificate',
  networks: 'Network',
  subnets: 'Subnet',
  ports: 'Port',
  floatingips: 'FloatingIP',
  service_instances: 'ServiceInstance',
  nodes: 'Node',
  loadbalancers: 'LoadBalancer',
  listeners: 'Listener',
  octavia_pools: 'Pool',
  octavia_members: 'Member',
  octavia_healthmonitors: 'HealthMonitor',
  l7policies: 'L7Policy',
  l7rules: 'L7Rule',
  amphorae: 'Amphora',
  octavia_quotas: 'Quota',
  flavorprofiles: 'FlavorProfile',
  flavors: 'Flavor',
  availability_zone_profiles: 'AvailabilityZoneProfile',
  availability_zones: 'AvailabilityZone',
};

/** The rows one aggregate contributes to the read models in its current state. */
export type ResourceRows = { [C in Collection]?: ResourceByCollection[C][] };
