import { given } from '../testing/given-when-then';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import type { MemberHealth } from './model';
import {
  at,
  healthChanged,
  LB,
  lbCreated,
  lbUpdated,
  listenerCreated,
  listenerUpdated,
  memberCreated,
  memberUpdated,
  monitorUpdated,
  poolCreated,
  sampleListener,
  sampleLoadBalancer,
  sampleMember,
  sampleMonitor,
  samplePool,
  servedHistory,
} from './samples';

const served = servedHistory();
const listener = sampleListener('listener-1', 80, { defaultPoolId: 'pool-1' });
const m1 = sampleMember('member-1', '198.18.2.10');

describe('operating status', () => {
  const rows = (events: readonly LoadBalancerEvent[]) => loadBalancerDecider.views(given(loadBalancerDecider, events).state);
  const statuses = (events: readonly LoadBalancerEvent[]) => {
    const r = rows(events);
    return {
      lb: r.loadbalancers?.[0].operating_status,
      listener: r.listeners?.[0]?.operating_status,
      pool: r.octavia_pools?.[0]?.operating_status,
      members: r.octavia_members?.map((m) => m.operating_status),
      monitor: r.octavia_healthmonitors?.[0]?.operating_status,
    };
  };
  const checked = (h1: MemberHealth, h2: MemberHealth) => [
    ...served,
    healthChanged(7, 'pool-1', 'member-1', h1),
    healthChanged(8, 'pool-1', 'member-2', h2),
  ];

  it('shows a load balancer never served OFFLINE', () => expect(statuses([lbCreated(0)]).lb).toBe('OFFLINE'));

  it('shows monitored members OFFLINE until their first check', () =>
    expect(statuses(served)).toEqual({
      lb: 'ONLINE',
      listener: 'ONLINE',
      pool: 'ONLINE',
      members: ['OFFLINE', 'OFFLINE'],
      monitor: 'ONLINE',
    }));

  it.each([
    {
      desc: 'every member passes',
      h: ['ONLINE', 'ONLINE'] as const,
      expected: { lb: 'ONLINE', listener: 'ONLINE', pool: 'ONLINE', members: ['ONLINE', 'ONLINE'] },
    },
    {
      desc: 'one member fails',
      h: ['ERROR', 'ONLINE'] as const,
      expected: { lb: 'DEGRADED', listener: 'DEGRADED', pool: 'DEGRADED', members: ['ERROR', 'ONLINE'] },
    },
    {
      desc: 'every member fails',
      h: ['ERROR', 'ERROR'] as const,
      expected: { lb: 'DEGRADED', listener: 'ERROR', pool: 'ERROR', members: ['ERROR', 'ERROR'] },
    },
    {
      desc: 'a member drains',
      h: ['DRAINING', 'ONLINE'] as const,
      expected: { lb: 'ONLINE', listener: 'ONLINE', pool: 'ONLINE', members: ['DRAINING', 'ONLINE'] },
    },
  ])('rolls health up when $desc', ({ h, expected }) => expect(statuses(checked(h[0], h[1]))).toMatchObject(expected));

  it('shows an ONLINE member of weight 0 DRAINING', () =>
    expect(statuses([...checked('ONLINE', 'ONLINE'), memberUpdated(9, 'pool-1', { ...m1, weight: 0 })]).members).toEqual([
      'DRAINING',
      'ONLINE',
    ]));

  it('shows members NO_MONITOR while no enabled monitor checks them', () => {
    const disabled = monitorUpdated(9, 'pool-1', sampleMonitor('hm-1', { adminStateUp: false }));
    expect(statuses([...checked('ERROR', 'ERROR'), disabled])).toMatchObject({
      pool: 'ONLINE',
      members: ['NO_MONITOR', 'NO_MONITOR'],
      monitor: 'OFFLINE',
    });
    const unmonitored = [lbCreated(0), poolCreated(1, samplePool('p')), memberCreated(2, 'p', m1)];
    expect(statuses(unmonitored).members).toEqual(['NO_MONITOR']);
  });

  it("forgets the members' health when the monitor goes", () => {
    const gone: LoadBalancerEvent = {
      type: 'LbHealthMonitorDeleted',
      version: 1,
      data: { loadBalancerId: LB, poolId: 'pool-1', monitorId: 'hm-1', at: at(9) },
    };
    const lb = given(loadBalancerDecider, [...checked('ERROR', 'ONLINE'), gone]).state;
    expect(lb.kind === 'live' && lb.pools[0].members.map((m) => m.health)).toEqual(['NO_MONITOR', 'NO_MONITOR']);
    expect(statuses([...checked('ERROR', 'ONLINE'), gone])).toMatchObject({
      lb: 'ONLINE',
      pool: 'ONLINE',
      members: ['NO_MONITOR', 'NO_MONITOR'],
    });
  });

  it('shows what is admin down OFFLINE', () => {
    const down = [
      ...checked('ERROR', 'ERROR'),
      memberUpdated(9, 'pool-1', { ...m1, adminStateUp: false }),
      listenerUpdated(10, { ...listener, adminStateUp: false }),
    ];
    expect(statuses(down)).toMatchObject({ lb: 'ONLINE', listener: 'OFFLINE', pool: 'DEGRADED', members: ['OFFLINE', 'ERROR'] });
    expect(statuses([...down, poolCreated(11, samplePool('p2')), lbUpdated(12, sampleLoadBalancer({ adminStateUp: false }))]).lb).toBe(
      'OFFLINE',
    );
  });

  it('shows a pool without members ONLINE and one admin down OFFLINE', () => {
    expect(statuses([lbCreated(0), poolCreated(1, samplePool('p'))]).pool).toBe('ONLINE');
    expect(statuses([lbCreated(0), poolCreated(1, samplePool('p', { adminStateUp: false }))]).pool).toBe('OFFLINE');
  });
});

describe('views', () => {
  it("shows Octavia's rows of a served load balancer", () => {
    const r = loadBalancerDecider.views(given(loadBalancerDecider, served).state);
    const owner = { project_id: 'project-a', tenant_id: 'project-a', provisioning_status: 'ACTIVE' };
    expect(r.loadbalancers).toEqual([
      {
        id: LB,
        ...owner,
        name: 'web',
        description: '',
        operating_status: 'ONLINE',
        admin_state_up: true,
        vip_address: '198.18.1.10',
        vip_port_id: 'port-1',
        vip_subnet_id: 'subnet-1',
        vip_network_id: 'net-1',
        vip_qos_policy_id: null,
        listeners: [{ id: 'listener-1' }],
        pools: [{ id: 'pool-1' }],
        provider: 'lbaas',
        flavor_id: null,
        availability_zone: null,
        tags: [],
        created_at: at(0),
        updated_at: at(6),
      },
    ]);
    expect(r.listeners).toEqual([
      expect.objectContaining({
        id: 'listener-1',
        ...owner,
        protocol: 'HTTP',
        protocol_port: 80,
        connection_limit: -1,
        default_pool_id: 'pool-1',
        default_tls_container_ref: null,
        sni_container_refs: [],
        l7policies: [],
        insert_headers: {},
        loadbalancers: [{ id: LB }],
        timeout_client_data: 50000,
        timeout_member_connect: 5000,
        timeout_member_data: 50000,
        timeout_tcp_inspect: 0,
        created_at: at(2),
      }),
    ]);
    expect(r.octavia_pools).toEqual([
      expect.objectContaining({
        id: 'pool-1',
        ...owner,
        lb_algorithm: 'ROUND_ROBIN',
        session_persistence: null,
        loadbalancers: [{ id: LB }],
        listeners: [{ id: 'listener-1' }],
        members: [{ id: 'member-1' }, { id: 'member-2' }],
        healthmonitor_id: 'hm-1',
      }),
    ]);
    expect(r.octavia_members).toEqual([
      expect.objectContaining({
        id: 'member-1',
        pool_id: 'pool-1',
        ...owner,
        address: '198.18.2.10',
        protocol_port: 8080,
        weight: 1,
        backup: false,
      }),
      expect.objectContaining({ id: 'member-2', pool_id: 'pool-1', address: '198.18.2.11' }),
    ]);
    expect(r.octavia_healthmonitors).toEqual([
      expect.objectContaining({
        id: 'hm-1',
        ...owner,
        type: 'HTTP',
        delay: 5,
        timeout: 3,
        max_retries: 3,
        max_retries_down: 3,
        http_method: 'GET',
        url_path: '/',
        expected_codes: '200',
        pools: [{ id: 'pool-1' }],
      }),
    ]);
  });

  it("shows a pool's session persistence with Octavia's field names", () => {
    const sp = { type: 'APP_COOKIE' as const, cookieName: 'sid', persistenceTimeout: null, persistenceGranularity: null };
    const r = loadBalancerDecider.views(
      given(loadBalancerDecider, [lbCreated(0), poolCreated(1, samplePool('p', { sessionPersistence: sp }))]).state,
    );
    expect(r.octavia_pools?.[0].session_persistence).toEqual({
      type: 'APP_COOKIE',
      cookie_name: 'sid',
      persistence_timeout: null,
      persistence_granularity: null,
    });
  });

  it('shows every listener whose default pool a pool is', () => {
    const history = [...served, listenerCreated(7, sampleListener('listener-2', 8080, { protocol: 'TCP', defaultPoolId: 'pool-1' }))];
    expect(loadBalancerDecider.views(given(loadBalancerDecider, history).state).octavia_pools?.[0].listeners).toEqual([
      { id: 'listener-1' },
      { id: 'listener-2' },
    ]);
  });
});
