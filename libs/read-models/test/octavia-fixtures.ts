import type {
  AmphoraResource,
  Collection,
  LbHealthMonitorResource,
  LbMemberResource,
  LbPoolResource,
  ListenerResource,
  LoadBalancerResource,
  ResourceByCollection,
} from '@lbaas/domain';
import type { DataSource } from 'typeorm';
import { RESOURCE_TABLES } from '../src/tables/resource-tables';
import { OTHER_TENANT, TENANT } from './fake-domain';

/**
 * A small v2 world for the list queries, the same on SQLite and PostgreSQL: load balancers with
 * tags, listeners with and without a default pool, pools, members, a monitor and amphorae.
 */
export const id = (prefix: string) => `${prefix}000000-0000-4000-8000-000000000000`;
export const LB = { web: id('11'), shop: id('12'), bare: id('13'), theirs: id('14') };
export const LISTENER = { http: id('21'), tcp: id('22'), shop: id('23') };
export const POOL = { web: id('31'), shop: id('32') };
export const MEMBER = { plain: id('41'), backup: id('42') };
export const MONITOR = id('51');
export const AMPHORA = { master: id('61'), backup: id('62'), theirs: id('63') };

const AT = '2026-01-01T00:00:00';
const owned = (project: string) => ({
  project_id: project,
  tenant_id: project,
  provisioning_status: 'ACTIVE' as const,
  operating_status: 'ONLINE' as const,
  admin_state_up: true,
  created_at: AT,
  updated_at: null,
});

const loadBalancer = (lbId: string, project: string, tags: string[], listeners: string[]): LoadBalancerResource => ({
  id: lbId,
  ...owned(project),
  name: `lb-${lbId.slice(0, 2)}`,
  description: '',
  vip_address: '198.18.3.10',
  vip_port_id: id('91'),
  vip_subnet_id: id('92'),
  vip_network_id: id('93'),
  vip_qos_policy_id: null,
  listeners: listeners.map((listener) => ({ id: listener })),
  pools: [],
  provider: 'lbaas',
  flavor_id: null,
  availability_zone: null,
  tags,
});

const listener = (listenerId: string, lbId: string, fields: Partial<ListenerResource>): ListenerResource => ({
  id: listenerId,
  ...owned(TENANT),
  name: '',
  description: '',
  protocol: 'HTTP',
  protocol_port: 80,
  connection_limit: -1,
  default_tls_container_ref: null,
  sni_container_refs: [],
  default_pool_id: null,
  l7policies: [],
  insert_headers: {},
  loadbalancers: [{ id: lbId }],
  timeout_client_data: 50000,
  timeout_member_connect: 5000,
  timeout_member_data: 50000,
  timeout_tcp_inspect: 0,
  client_ca_tls_container_ref: null,
  client_authentication: 'NONE',
  client_crl_container_ref: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
  allowed_cidrs: null,
  tags: [],
  ...fields,
});

const pool = (poolId: string, lbId: string, listeners: string[], members: string[]): LbPoolResource => ({
  id: poolId,
  ...owned(TENANT),
  name: '',
  description: '',
  protocol: 'HTTP',
  lb_algorithm: 'ROUND_ROBIN',
  session_persistence: null,
  loadbalancers: [{ id: lbId }],
  listeners: listeners.map((listenerId) => ({ id: listenerId })),
  members: members.map((memberId) => ({ id: memberId })),
  healthmonitor_id: null,
  tls_enabled: false,
  tls_container_ref: null,
  ca_tls_container_ref: null,
  crl_container_ref: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
  tags: [],
});

const member = (memberId: string, fields: Partial<LbMemberResource>): LbMemberResource => ({
  id: memberId,
  ...owned(TENANT),
  pool_id: POOL.web,
  name: '',
  address: '198.18.3.20',
  protocol_port: 8080,
  weight: 1,
  backup: false,
  subnet_id: null,
  monitor_address: null,
  monitor_port: null,
  tags: [],
  ...fields,
});

const monitor: LbHealthMonitorResource = {
  id: MONITOR,
  ...owned(TENANT),
  name: '',
  type: 'HTTP',
  delay: 5,
  timeout: 3,
  max_retries: 3,
  max_retries_down: 3,
  http_method: 'GET',
  url_path: '/',
  expected_codes: '200',
  http_version: null,
  domain_name: null,
  pools: [{ id: POOL.web }],
  tags: [],
};

const amphora = (amphoraId: string, lbId: string, role: 'MASTER' | 'BACKUP', certBusy: boolean): AmphoraResource => ({
  id: amphoraId,
  loadbalancer_id: lbId,
  compute_id: id('81'),
  lb_network_ip: '198.18.0.2',
  vrrp_ip: '198.18.3.11',
  ha_ip: '198.18.3.10',
  vrrp_port_id: null,
  ha_port_id: null,
  role,
  status: 'ALLOCATED',
  vrrp_interface: 'eth0',
  vrrp_id: 1,
  vrrp_priority: role === 'MASTER' ? 100 : 90,
  cached_zone: null,
  image_id: null,
  compute_flavor: null,
  cert_expiration: null,
  cert_busy: certBusy,
  created_at: AT,
  updated_at: role === 'BACKUP' ? '2026-01-02T00:00:00' : null,
});

async function insert<C extends Collection>(db: DataSource, collection: C, ...resources: ResourceByCollection[C][]): Promise<void> {
  const table = RESOURCE_TABLES[collection];
  await db.getRepository(table.entity).save(resources.map((resource) => table.toRow(resource)));
}

export async function insertOctaviaWorld(db: DataSource): Promise<void> {
  await insert(
    db,
    'loadbalancers',
    loadBalancer(LB.web, TENANT, ['web', 'prod'], [LISTENER.http, LISTENER.tcp]),
    loadBalancer(LB.shop, TENANT, ['web'], [LISTENER.shop]),
    loadBalancer(LB.bare, TENANT, [], []),
    loadBalancer(LB.theirs, OTHER_TENANT, ['web', 'prod'], []),
  );
  await insert(
    db,
    'listeners',
    listener(LISTENER.http, LB.web, { default_pool_id: POOL.web, tags: ['public'], updated_at: '2026-01-03T00:00:00' }),
    listener(LISTENER.tcp, LB.web, { protocol: 'TCP', protocol_port: 8080, admin_state_up: false }),
    listener(LISTENER.shop, LB.shop, { updated_at: '2026-01-02T00:00:00' }),
  );
  await insert(
    db,
    'octavia_pools',
    pool(POOL.web, LB.web, [LISTENER.http], [MEMBER.plain, MEMBER.backup]),
    pool(POOL.shop, LB.shop, [], []),
  );
  await insert(db, 'octavia_members', member(MEMBER.plain, {}), member(MEMBER.backup, { backup: true, weight: 5, monitor_port: 9000 }));
  await insert(db, 'octavia_healthmonitors', monitor);
  await insert(
    db,
    'amphorae',
    amphora(AMPHORA.master, LB.web, 'MASTER', false),
    amphora(AMPHORA.backup, LB.web, 'BACKUP', true),
    amphora(AMPHORA.theirs, LB.theirs, 'MASTER', false),
  );
}
