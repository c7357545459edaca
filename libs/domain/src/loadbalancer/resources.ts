import type {
  AlpnProtocol,
  ClientAuthentication,
  HealthMonitorType,
  L7PolicyAction,
  L7RuleCompareType,
  L7RuleType,
  LbAlgorithm,
  ListenerProtocol,
  OperatingStatus,
  PoolProtocol,
  ProvisioningStatus,
  TlsVersion,
} from './model';

/** Octavia's JSON shapes (API 2.26), as the read models store them and the v2 api answers them. */
type IdRef = { id: string };

export interface LoadBalancerResource {
  id: string;
  project_id: string;
  tenant_id: string;
  name: string;
  description: string;
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  admin_state_up: boolean;
  vip_address: string;
  vip_port_id: string;
  vip_subnet_id: string;
  vip_network_id: string;
  vip_qos_policy_id: string | null;
  listeners: IdRef[];
  pools: IdRef[];
  provider: string;
  flavor_id: string | null;
  availability_zone: string | null;
  tags: string[];
  created_at: string;
  updated_at: string | null;
}

export interface ListenerResource {
  id: string;
  project_id: string;
  tenant_id: string;
  name: string;
  description: string;
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  admin_state_up: boolean;
  protocol: ListenerProtocol;
  protocol_port: number;
  connection_limit: number;
  default_tls_container_ref: string | null;
  sni_container_refs: string[];
  default_pool_id: string | null;
  l7policies: IdRef[];
  insert_headers: Record<string, string>;
  loadbalancers: IdRef[];
  timeout_client_data: number;
  timeout_member_connect: number;
  timeout_member_data: number;
  timeout_tcp_inspect: number;
  client_ca_tls_container_ref: string | null;
  client_authentication: ClientAuthentication;
  client_crl_container_ref: string | null;
  tls_ciphers: string | null;
  tls_versions: TlsVersion[] | null;
  alpn_protocols: AlpnProtocol[] | null;
  allowed_cidrs: string[] | null;
  tags: string[];
  created_at: string;
  updated_at: string | null;
}

export interface LbPoolResource {
  id: string;
  project_id: string;
  tenant_id: string;
  name: string;
  description: string;
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  admin_state_up: boolean;
  protocol: PoolProtocol;
  lb_algorithm: LbAlgorithm;
  session_persistence: {
    type: string;
    cookie_name: string | null;
    persistence_timeout: number | null;
    persistence_granularity: string | null;
  } | null;
  loadbalancers: IdRef[];
  listeners: IdRef[];
  members: IdRef[];
  healthmonitor_id: string | null;
  tls_enabled: boolean;
  tls_container_ref: string | null;
  ca_tls_container_ref: string | null;
  crl_container_ref: string | null;
  tls_ciphers: string | null;
  tls_versions: TlsVersion[] | null;
  alpn_protocols: AlpnProtocol[] | null;
  tags: string[];
  created_at: string;
  updated_at: string | null;
}

export interface LbMemberResource {
  id: string;
  project_id: string;
  tenant_id: string;
  /** Not in Octavia's body: the row's parent, for the read side's `pools/{pool_id}/members`. */
  pool_id: string;
  name: string;
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  admin_state_up: boolean;
  address: string;
  protocol_port: number;
  weight: number;
  backup: boolean;
  subnet_id: string | null;
  monitor_address: string | null;
  monitor_port: number | null;
  tags: string[];
  created_at: string;
  updated_at: string | null;
}

export interface LbHealthMonitorResource {
  id: string;
  project_id: string;
  tenant_id: string;
  name: string;
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  admin_state_up: boolean;
  type: HealthMonitorType;
  delay: number;
  timeout: number;
  max_retries: number;
  max_retries_down: number;
  http_method: string | null;
  url_path: string | null;
  expected_codes: string | null;
  http_version: number | null;
  domain_name: string | null;
  pools: IdRef[];
  tags: string[];
  created_at: string;
  updated_at: string | null;
}

export interface L7PolicyResource {
  id: string;
  project_id: string;
  tenant_id: string;
  name: string;
  description: string;
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  admin_state_up: boolean;
  listener_id: string;
  action: L7PolicyAction;
  position: number;
  redirect_pool_id: string | null;
  redirect_url: string | null;
  redirect_prefix: string | null;
  redirect_http_code: number | null;
  rules: IdRef[];
  tags: string[];
  created_at: string;
  updated_at: string | null;
}

export interface L7RuleResource {
  id: string;
  project_id: string;
  tenant_id: string;
  /** Not in Octavia's body: the row's parent, for the read side's `l7policies/{l7policy_id}/rules`. */
  l7policy_id: string;
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  admin_state_up: boolean;
  type: L7RuleType;
  compare_type: L7RuleCompareType;
  key: string | null;
  value: string;
  invert: boolean;
  tags: string[];
  created_at: string;
  updated_at: string | null;
}

/** A placement of a load balancer's service instance, as Octavia shows an amphora (admin only). */
export interface AmphoraResource {
  id: string;
  loadbalancer_id: string;
  compute_id: string;
  lb_network_ip: string;
  vrrp_ip: string;
  ha_ip: string;
  vrrp_port_id: string | null;
  ha_port_id: string | null;
  role: 'MASTER' | 'BACKUP' | 'STANDALONE';
  status: 'BOOTING' | 'ALLOCATED' | 'READY' | 'PENDING_CREATE' | 'PENDING_DELETE' | 'DELETED' | 'ERROR';
  vrrp_interface: string;
  vrrp_id: number;
  vrrp_priority: number;
  cached_zone: string | null;
  image_id: string | null;
  compute_flavor: string | null;
  cert_expiration: string | null;
  cert_busy: boolean;
  created_at: string;
  updated_at: string | null;
}
