import type {
  AmphoraResource,
  LbMemberResource,
  LbPoolResource,
  ListenerResource,
  LoadBalancerResource,
  MemberResource,
  PoolResource,
  ServiceInstanceResource,
  VipResource,
} from '@lbaas/domain';
import type { DashboardRows, SnapshotMessage } from './dashboard-protocol';
import { DashboardStore, matchesSearch } from './dashboard-store';

const pool = (id: string, name: string, tenant = 't-a'): PoolResource => ({
  id,
  tenant_id: tenant,
  vip_id: null,
  name,
  description: '',
  subnet_id: 's',
  protocol: 'HTTP',
  lb_method: 'ROUND_ROBIN',
  health_monitors: [],
  health_monitors_status: [],
  members: [],
  admin_state_up: true,
  status: 'ACTIVE',
  status_description: null,
  provider: 'haproxy',
});
const member = (id: string, poolId: string, address: string): MemberResource => ({
  id,
  tenant_id: 't-a',
  pool_id: poolId,
  address,
  protocol_port: 80,
  weight: 1,
  admin_state_up: true,
  status: 'ACTIVE',
  status_description: null,
});
const vip = (id: string, name: string, tenant = 't-a'): VipResource => ({
  id,
  tenant_id: tenant,
  name,
  description: '',
  subnet_id: 's',
  address: '198.18.1.10',
  port_id: `port-${id}`,
  protocol_port: 80,
  protocol: 'HTTP',
  pool_id: 'p1',
  session_persistence: null,
  connection_limit: -1,
  admin_state_up: true,
  status: 'ACTIVE',
  status_description: null,
});
const instance = (vipId: string, active: string, standby: string): ServiceInstanceResource => ({
  id: `si-${vipId}`,
  tenant_id: 't-a',
  vip_id: vipId,
  pool_id: 'p1',
  status: 'ACTIVE',
  status_description: null,
  degraded: false,
  vm_list: [
    { uuid: 'vm-1', vr_name: active, ha: 'active: 200', status: 'APPLIED', status_description: null },
    { uuid: 'vm-2', vr_name: standby, ha: 'standby: 100', status: 'APPLIED', status_description: null },
  ],
  create_ts: 1,
  st_name: 'default-domain:haproxy-loadbalancer-template',
  virtual_router_id: 1,
  failover_history: [],
  config: [],
  config_rejection: null,
});
const TIMES = { created_at: '2026-12-07T10:00:00', updated_at: null };
const octavia = {
  project_id: 't-a',
  tenant_id: 't-a',
  provisioning_status: 'ACTIVE' as const,
  operating_status: 'ONLINE' as const,
  admin_state_up: true,
  tags: [],
  ...TIMES,
};
const loadBalancer = (id: string, name: string, children: { listeners?: string[]; pools?: string[] } = {}): LoadBalancerResource => ({
  ...octavia,
  id,
  name,
  description: '',
  vip_address: '198.18.7.10',
  vip_port_id: `port-${id}`,
  vip_subnet_id: 's',
  vip_network_id: 'n',
  vip_qos_policy_id: null,
  listeners: (children.listeners ?? []).map((l) => ({ id: l })),
  pools: (children.pools ?? []).map((p) => ({ id: p })),
  provider: 'lbaas',
  flavor_id: null,
  availability_zone: null,
});
const listener = (id: string, port: number, defaultPoolId: string | null): ListenerResource => ({
  ...octavia,
  id,
  name: '',
  description: '',
  protocol: 'HTTP',
  protocol_port: port,
  connection_limit: -1,
  default_tls_container_ref: null,
  sni_container_refs: [],
  default_pool_id: defaultPoolId,
  l7policies: [],
  insert_headers: {},
  loadbalancers: [{ id: 'lb1' }],
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
});
const lbPool = (id: string, name: string): LbPoolResource => ({
  ...octavia,
  id,
  name,
  description: '',
  protocol: 'HTTP',
  lb_algorithm: 'ROUND_ROBIN',
  session_persistence: null,
  loadbalancers: [{ id: 'lb1' }],
  listeners: [],
  members: [],
  healthmonitor_id: null,
  tls_enabled: false,
  tls_container_ref: null,
  ca_tls_container_ref: null,
  crl_container_ref: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
});
const lbMember = (id: string, poolId: string, address: string): LbMemberResource => ({
  ...octavia,
  id,
  pool_id: poolId,
  name: '',
  address,
  protocol_port: 80,
  weight: 1,
  backup: false,
  subnet_id: null,
  monitor_address: null,
  monitor_port: null,
});
const amphora = (id: string, role: 'MASTER' | 'BACKUP', node: string): AmphoraResource => ({
  id,
  loadbalancer_id: 'lb1',
  compute_id: node,
  lb_network_ip: '198.19.192.1',
  vrrp_ip: '198.19.192.1',
  ha_ip: '198.18.7.10',
  vrrp_port_id: null,
  ha_port_id: null,
  role,
  status: 'ALLOCATED',
  vrrp_interface: 'lbv0',
  vrrp_id: 1,
  vrrp_priority: role === 'MASTER' ? 200 : 100,
  cached_zone: null,
  image_id: null,
  compute_flavor: null,
  cert_expiration: null,
  cert_busy: false,
  ...TIMES,
});
const snapshot = (rows: Partial<DashboardRows>): SnapshotMessage => ({
  viewer: { actor: 'admin', name: 'admin', tenantId: 't-admin', admin: true },
  seq: 10,
  rows: {
    vips: [],
    pools: [],
    members: [],
    health_monitors: [],
    floatingips: [],
    service_instances: [],
    nodes: [],
    loadbalancers: [],
    listeners: [],
    octavia_pools: [],
    octavia_members: [],
    octavia_healthmonitors: [],
    amphorae: [],
    octavia_quotas: [],
    availability_zones: [],
    ...rows,
  },
  quotaDefaults: [],
  stats: {},
});

describe('DashboardStore', () => {
  it('replaces its rows with a snapshot, then applies each change of a commit', () => {
    const store = new DashboardStore();
    store.applySnapshot(snapshot({ pools: [pool('p1', 'web')], members: [member('m1', 'p1', '198.18.2.11')] }));
    store.applyCommit({
      seq: 11,
      events: [],
      changes: [
        { collection: 'members', id: 'm2', tenantId: 't-a', row: member('m2', 'p1', '198.18.2.2') },
        { collection: 'members', id: 'm1', tenantId: 't-a', row: null },
      ],
    });
    expect(store.membersOf('p1').map((m) => m.id)).toEqual(['m2']);
    expect(store.seq).toBe(11);
    store.applySnapshot(snapshot({}));
    expect(store.rows.pools.size).toBe(0);
  });

  it('keeps the newest stats samples of a pool and forgets those of a removed pool', () => {
    const store = new DashboardStore();
    store.applySnapshot(snapshot({ pools: [pool('p1', 'web')] }));
    for (let at = 0; at < 130; at++)
      store.applyStats({ poolId: 'p1', point: { at, bytesIn: 0, bytesOut: 0, activeConnections: 0, totalConnections: at } });
    expect(
      store.stats
        .get('p1')
        ?.map((p) => p.at)
        .slice(0, 2),
    ).toEqual([10, 11]);
    store.applyCommit({ seq: 11, events: [], changes: [{ collection: 'pools', id: 'p1', tenantId: 't-a', row: null }] });
    expect(store.stats.has('p1')).toBe(false);
  });

  it("reads the active and standby nodes of a VIP, the load of each node, and what a VIP's timeline follows", () => {
    const store = new DashboardStore();
    store.applySnapshot(
      snapshot({ vips: [vip('v1', 'a'), vip('v2', 'b')], service_instances: [instance('v1', 'n1', 'n2'), instance('v2', 'n2', 'n3')] }),
    );
    expect(store.placementsOf('v1')).toEqual({ active: 'n1', standby: 'n2', degraded: false });
    expect(store.placementsOf('absent')).toBeNull();
    expect(Object.fromEntries(store.nodeLoads())).toEqual({
      n1: { active: 1, standby: 0 },
      n2: { active: 1, standby: 1 },
      n3: { active: 0, standby: 1 },
    });
    expect(store.relatedIds('v1')).toEqual(['v1', 'port-v1', 'si-v1']);
    expect(store.relatedIds('p1')).toEqual(['p1']);
  });

  it("narrows by tenant and by a search for a name, an id or a member's address", () => {
    const store = new DashboardStore();
    store.applySnapshot(
      snapshot({
        pools: [pool('p1', 'web'), pool('p2', 'api', 't-b')],
        members: [member('m1', 'p2', '198.18.2.99')],
        vips: [vip('v1', 'web-vip'), vip('v2', 'other', 't-b')],
      }),
    );
    expect(store.tenants()).toEqual(['t-a', 't-b']);
    const names = (tenant: string | null, search: string) => {
      const view = store.filtered({ tenant, search });
      return [...view.vips, ...view.pools].map((row) => row.name);
    };
    expect(names(null, '')).toEqual(['other', 'web-vip', 'api', 'web']);
    expect(names('t-a', '')).toEqual(['web-vip', 'web']);
    expect(names(null, 'WEB')).toEqual(['web-vip', 'web']);
    expect(names(null, '2.99')).toEqual(['api']);
    expect(names('t-a', '2.99')).toEqual([]);
  });

  it.each([
    ['an empty search', '', ['x'], true],
    ['a part of a field, in any case', 'Eb', ['web'], true],
    ['no field', 'db', ['web', null], false],
  ])('matches %s', (_desc, search, fields, expected) => {
    expect(matchesSearch(search, ...fields)).toBe(expected);
  });

  it("shows a load balancer's listeners by port, its pools with their members, its amphorae master first, and what its timeline follows", () => {
    const store = new DashboardStore();
    const lbInstance = { ...instance('none', 'n1', 'n2'), id: 'si-lb1', vip_id: null, pool_id: null, loadbalancer_id: 'lb1' };
    store.applySnapshot(
      snapshot({
        loadbalancers: [loadBalancer('lb1', 'edge', { listeners: ['l2', 'l1'], pools: ['lp2', 'lp1'] })],
        listeners: [listener('l1', 8080, null), listener('l2', 80, 'lp1')],
        octavia_pools: [lbPool('lp1', 'web'), lbPool('lp2', 'api')],
        octavia_members: [
          lbMember('lm2', 'lp1', '198.18.2.12'),
          lbMember('lm1', 'lp1', '198.18.2.11'),
          lbMember('lm3', 'lp2', '198.18.2.13'),
        ],
        amphorae: [amphora('a2', 'BACKUP', 'n2'), amphora('a1', 'MASTER', 'n1')],
        service_instances: [lbInstance],
      }),
    );
    const [lb] = store.filtered({ tenant: null, search: '' }).loadBalancers;
    expect(store.listenersOf(lb).map((l) => l.protocol_port)).toEqual([80, 8080]);
    expect(store.lbPoolsOf(lb).map((p) => p.name)).toEqual(['api', 'web']);
    expect(store.lbMembersOf('lp1').map((m) => m.address)).toEqual(['198.18.2.11', '198.18.2.12']);
    expect(store.amphoraeOf('lb1').map((a) => a.role)).toEqual(['MASTER', 'BACKUP']);
    expect(store.relatedIds('lb1')).toEqual(['lb1', 'port-lb1', 'si-lb1']);
    expect(store.describe('lb1')).toBe('load balancer edge');
    expect(store.describe('lm1')).toBe('member 198.18.2.11:80');
    expect(Object.fromEntries(store.nodeLoads())).toEqual({ n1: { active: 1, standby: 0 }, n2: { active: 0, standby: 1 } });
  });

  it("finds a load balancer by its name, address, a listener or a member's address, within its project", () => {
    const store = new DashboardStore();
    store.applySnapshot(
      snapshot({
        loadbalancers: [
          loadBalancer('lb1', 'edge', { pools: ['lp1'] }),
          { ...loadBalancer('lb2', 'other'), project_id: 't-b', tenant_id: 't-b' },
        ],
        octavia_pools: [lbPool('lp1', 'web')],
        octavia_members: [lbMember('lm1', 'lp1', '198.18.2.77')],
      }),
    );
    const names = (tenant: string | null, search: string) => store.filtered({ tenant, search }).loadBalancers.map((lb) => lb.name);
    expect(store.tenants()).toEqual(['t-a', 't-b']);
    expect(names(null, '')).toEqual(['edge', 'other']);
    expect(names('t-b', '')).toEqual(['other']);
    expect(names(null, '2.77')).toEqual(['edge']);
    expect(names(null, '7.10')).toEqual(['edge', 'other']);
    store.applyCommit({ seq: 11, events: [], changes: [{ collection: 'loadbalancers', id: 'lb2', tenantId: 't-b', row: null }] });
    expect(names(null, '')).toEqual(['edge']);
  });
});
