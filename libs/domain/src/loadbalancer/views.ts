import type { ResourceRows } from '../resources';
import {
  listenerOperatingStatus,
  loadBalancerOperatingStatus,
  memberOperatingStatus,
  monitorOperatingStatus,
  poolOperatingStatus,
} from './operating-status';
import type {
  L7PolicyResource,
  L7RuleResource,
  LbHealthMonitorResource,
  LbMemberResource,
  LbPoolResource,
  ListenerResource,
  LoadBalancerResource,
} from './resources';
import type {
  L7PolicyState,
  L7RuleState,
  LbHealthMonitorState,
  LbMemberState,
  LbPoolState,
  ListenerState,
  LiveLoadBalancer,
  LoadBalancerState,
  Provisioned,
} from './state';

const ids = (items: readonly { readonly id: string }[]) => items.map(({ id }) => ({ id }));

/** The fields every row shares: whose it is (`tenant_id` is Octavia's old name of `project_id`), its statuses' source, its times. */
const common = (lb: LiveLoadBalancer, o: Provisioned) => ({
  project_id: lb.projectId,
  tenant_id: lb.projectId,
  provisioning_status: o.provisioningStatus,
  created_at: o.createdAt,
  updated_at: o.updatedAt,
});

export const loadBalancerView = (lb: LiveLoadBalancer): LoadBalancerResource => ({
  id: lb.id,
  ...common(lb, lb),
  name: lb.name,
  description: lb.description,
  operating_status: loadBalancerOperatingStatus(lb),
  admin_state_up: lb.adminStateUp,
  vip_address: lb.vip.address,
  vip_port_id: lb.vip.portId,
  vip_subnet_id: lb.vip.subnetId,
  vip_network_id: lb.vip.networkId,
  vip_qos_policy_id: lb.vip.qosPolicyId,
  listeners: ids(lb.listeners),
  pools: ids(lb.pools),
  provider: lb.provider,
  flavor_id: lb.flavorId,
  availability_zone: lb.availabilityZone,
  tags: [...lb.tags],
});

export const listenerView = (lb: LiveLoadBalancer, l: ListenerState): ListenerResource => ({
  id: l.id,
  ...common(lb, l),
  name: l.name,
  description: l.description,
  operating_status: listenerOperatingStatus(l, lb),
  admin_state_up: l.adminStateUp,
  protocol: l.protocol,
  protocol_port: l.protocolPort,
  connection_limit: l.connectionLimit,
  default_tls_container_ref: l.defaultTlsContainerRef,
  sni_container_refs: [...l.sniContainerRefs],
  default_pool_id: l.defaultPoolId,
  l7policies: ids(l.l7policies),
  insert_headers: { ...l.insertHeaders },
  loadbalancers: [{ id: lb.id }],
  timeout_client_data: l.timeoutClientData,
  timeout_member_connect: l.timeoutMemberConnect,
  timeout_member_data: l.timeoutMemberData,
  timeout_tcp_inspect: l.timeoutTcpInspect,
  client_ca_tls_container_ref: l.clientCaTlsContainerRef,
  client_authentication: l.clientAuthentication,
  client_crl_container_ref: l.clientCrlContainerRef,
  tls_ciphers: l.tlsCiphers,
  tls_versions: l.tlsVersions && [...l.tlsVersions],
  alpn_protocols: l.alpnProtocols && [...l.alpnProtocols],
  allowed_cidrs: l.allowedCidrs.length > 0 ? [...l.allowedCidrs] : null,
  tags: [...l.tags],
});

export const lbPoolView = (lb: LiveLoadBalancer, p: LbPoolState): LbPoolResource => ({
  id: p.id,
  ...common(lb, p),
  name: p.name,
  description: p.description,
  operating_status: poolOperatingStatus(p),
  admin_state_up: p.adminStateUp,
  protocol: p.protocol,
  lb_algorithm: p.lbAlgorithm,
  session_persistence: p.sessionPersistence && {
    type: p.sessionPersistence.type,
    cookie_name: p.sessionPersistence.cookieName,
    persistence_timeout: p.sessionPersistence.persistenceTimeout,
    persistence_granularity: p.sessionPersistence.persistenceGranularity,
  },
  loadbalancers: [{ id: lb.id }],
  listeners: ids(lb.listeners.filter((l) => l.defaultPoolId === p.id)),
  members: ids(p.members),
  healthmonitor_id: p.monitor?.id ?? null,
  tls_enabled: p.tlsEnabled,
  tls_container_ref: p.tlsContainerRef,
  ca_tls_container_ref: p.caTlsContainerRef,
  crl_container_ref: p.crlContainerRef,
  tls_ciphers: p.tlsCiphers,
  tls_versions: p.tlsVersions && [...p.tlsVersions],
  alpn_protocols: p.alpnProtocols && [...p.alpnProtocols],
  tags: [...p.tags],
});

export const lbMemberView = (lb: LiveLoadBalancer, p: LbPoolState, m: LbMemberState): LbMemberResource => ({
  id: m.id,
  ...common(lb, m),
  pool_id: p.id,
  name: m.name,
  operating_status: memberOperatingStatus(m, p),
  admin_state_up: m.adminStateUp,
  address: m.address,
  protocol_port: m.protocolPort,
  weight: m.weight,
  backup: m.backup,
  subnet_id: m.subnetId,
  monitor_address: m.monitorAddress,
  monitor_port: m.monitorPort,
  tags: [...m.tags],
});

export const lbHealthMonitorView = (lb: LiveLoadBalancer, p: LbPoolState, hm: LbHealthMonitorState): LbHealthMonitorResource => ({
  id: hm.id,
  ...common(lb, hm),
  name: hm.name,
  operating_status: monitorOperatingStatus(hm),
  admin_state_up: hm.adminStateUp,
  type: hm.type,
  delay: hm.delay,
  timeout: hm.timeout,
  max_retries: hm.maxRetries,
  max_retries_down: hm.maxRetriesDown,
  http_method: hm.httpMethod,
  url_path: hm.urlPath,
  expected_codes: hm.expectedCodes,
  http_version: hm.httpVersion,
  domain_name: hm.domainName,
  pools: [{ id: p.id }],
  tags: [...hm.tags],
});

const adminStatus = (o: { readonly adminStateUp: boolean }) => (o.adminStateUp ? 'ONLINE' : 'OFFLINE');

export const l7PolicyView = (lb: LiveLoadBalancer, l: ListenerState, p: L7PolicyState): L7PolicyResource => ({
  id: p.id,
  ...common(lb, p),
  name: p.name,
  description: p.description,
  operating_status: adminStatus(p),
  admin_state_up: p.adminStateUp,
  listener_id: l.id,
  action: p.action,
  position: p.position,
  redirect_pool_id: p.redirectPoolId,
  redirect_url: p.redirectUrl,
  redirect_prefix: p.redirectPrefix,
  redirect_http_code: p.redirectHttpCode,
  rules: ids(p.rules),
  tags: [...p.tags],
});

export const l7RuleView = (lb: LiveLoadBalancer, p: L7PolicyState, r: L7RuleState): L7RuleResource => ({
  id: r.id,
  ...common(lb, r),
  l7policy_id: p.id,
  operating_status: adminStatus(r),
  admin_state_up: r.adminStateUp,
  type: r.type,
  compare_type: r.compareType,
  key: r.key,
  value: r.value,
  invert: r.invert,
  tags: [...r.tags],
});

/** A live load balancer shows as its own row and one row per listener, pool, member, monitor, L7 policy and rule; otherwise as none. */
export function loadBalancerViews(state: LoadBalancerState): ResourceRows {
  if (state.kind !== 'live') return {};
  return {
    loadbalancers: [loadBalancerView(state)],
    listeners: state.listeners.map((l) => listenerView(state, l)),
    octavia_pools: state.pools.map((p) => lbPoolView(state, p)),
    octavia_members: state.pools.flatMap((p) => p.members.map((m) => lbMemberView(state, p, m))),
    octavia_healthmonitors: state.pools.flatMap((p) => (p.monitor ? [lbHealthMonitorView(state, p, p.monitor)] : [])),
    l7policies: state.listeners.flatMap((l) => l.l7policies.map((p) => l7PolicyView(state, l, p))),
    l7rules: state.listeners.flatMap((l) => l.l7policies.flatMap((p) => p.rules.map((r) => l7RuleView(state, p, r)))),
  };
}
