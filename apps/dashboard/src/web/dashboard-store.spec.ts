import type { MemberResource, PoolResource, ServiceInstanceResource, VipResource } from '@lbaas/domain';
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
const snapshot = (rows: Partial<DashboardRows>): SnapshotMessage => ({
  viewer: { actor: 'admin', name: 'admin', tenantId: 't-admin', admin: true },
  seq: 10,
  rows: { vips: [], pools: [], members: [], health_monitors: [], floatingips: [], service_instances: [], nodes: [], ...rows },
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
});
