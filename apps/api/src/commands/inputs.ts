import type { LbMethod, MonitorType, Protocol, SessionPersistence } from '@lbaas/domain';

/**
 * Request bodies after schema validation at the HTTP edge (types, enums, ranges, unknown
 * fields). Cross-field and cross-resource rules are the deciders' job.
 */
export interface CreateNetworkInput { tenant_id?: string; name?: string; admin_state_up?: boolean; shared?: boolean; 'router:external'?: boolean }
export interface UpdateNetworkInput { name?: string; admin_state_up?: boolean; shared?: boolean }

export interface CreateSubnetInput {
  tenant_id?: string; network_id: string; cidr: string; name?: string; ip_version?: 4;
  gateway_ip?: string | null; allocation_pools?: { start: string; end: string }[]; enable_dhcp?: boolean;
  dns_nameservers?: string[]; host_routes?: { destination: string; nexthop: string }[];
}
export interface UpdateSubnetInput {
  name?: string; gateway_ip?: string | null; enable_dhcp?: boolean; dns_nameservers?: string[];
  host_routes?: { destination: string; nexthop: string }[];
}

export interface CreateFloatingIpInput {
  tenant_id?: string; floating_network_id: string; port_id?: string | null; fixed_ip_address?: string | null; floating_ip_address?: string;
}
export interface UpdateFloatingIpInput { port_id: string | null; fixed_ip_address?: string | null }

export interface CreatePoolInput {
  tenant_id?: string; name?: string; description?: string; subnet_id: string; protocol: Protocol; lb_method: LbMethod;
  admin_state_up?: boolean; provider?: string;
}
export interface UpdatePoolInput { name?: string; description?: string; lb_method?: LbMethod; admin_state_up?: boolean }

export interface CreateMemberInput {
  tenant_id?: string; pool_id: string; address: string; protocol_port: number; weight?: number; admin_state_up?: boolean;
}
export interface UpdateMemberInput { pool_id?: string; weight?: number; admin_state_up?: boolean }

export interface CreateVipInput {
  tenant_id?: string; name?: string; description?: string; subnet_id: string; address?: string; protocol_port: number;
  protocol: Protocol; pool_id: string; session_persistence?: SessionPersistence | null; connection_limit?: number; admin_state_up?: boolean;
  tls_certificate_id?: string | null;
}
export interface UpdateVipInput {
  name?: string; description?: string; pool_id?: string; session_persistence?: SessionPersistence | null; connection_limit?: number; admin_state_up?: boolean;
  tls_certificate_id?: string | null;
}

export interface CreateHealthMonitorInput {
  tenant_id?: string; type: MonitorType; delay: number; timeout: number; max_retries: number;
  http_method?: string; url_path?: string; expected_codes?: string; admin_state_up?: boolean;
}
export interface UpdateHealthMonitorInput {
  delay?: number; timeout?: number; max_retries?: number; http_method?: string; url_path?: string; expected_codes?: string; admin_state_up?: boolean;
}

/** PEM text: `certificate` is the leaf then its chain; `private_key` is sealed before anything is appended and never shown again. */
export interface CreateCertificateInput { tenant_id?: string; name?: string; description?: string; certificate: string; private_key: string }
/** `certificate` and `private_key` come together or not at all: a replacement in place (rotation). */
export interface UpdateCertificateInput { name?: string; description?: string; certificate?: string; private_key?: string }
