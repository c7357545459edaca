import { randomUUID } from 'node:crypto';
import {
  catalogDecider,
  type Decider,
  type DomainEvent,
  nodeDecider,
  poolDecider,
  portDecider,
  quotaDecider,
  type QuotaLimits,
  serviceInstanceDecider,
  vipDecider,
} from '@lbaas/domain';
import type { StoredCommit } from '@lbaas/event-log';
import { DashboardModel } from './dashboard-model';
import type { Viewer } from './web/dashboard-protocol';

const id = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const [SUBNET, POOL, M1, M2, VIP, PORT, INSTANCE, OTHER_POOL] = [1, 2, 3, 4, 5, 6, 7, 8].map(id);
const TENANT = 'tenant-a';
const OTHER_TENANT = 'tenant-b';
const ADMIN: Viewer = { actor: 'admin', name: 'admin', tenantId: 'admin-tenant', admin: true };
const MEMBER: Viewer = { actor: 'demo', name: 'demo', tenantId: TENANT, admin: false };
const DEFAULTS: QuotaLimits = { loadbalancer: 10, listener: -1, pool: -1, member: 50, healthmonitor: -1, l7policy: -1, l7rule: -1 };

/** Commits made by the real deciders against their folded state, as the event store would deliver them. */
class CommitLog {
  private readonly states = new Map<string, unknown>();
  private seq = 0;

  constructor(private readonly model: DashboardModel) {}

  run<C, S, E extends DomainEvent<string, number, unknown>>(
    decider: Decider<C, S, E>,
    aggregateId: string,
    command: C,
    tenantId = TENANT,
    correlationId = 'req-1',
  ) {
    const key = `${decider.aggregate}.${aggregateId}`;
    const before = (this.states.get(key) ?? decider.initialState) as S;
    const events = decider.decide(command, before);
    this.states.set(
      key,
      events.reduce((state, event) => decider.evolve(state, event), before),
    );
    const stored: StoredCommit = {
      seq: ++this.seq,
      subject: `lbaas.events.${decider.aggregate}.${aggregateId}`,
      commit: {
        commitId: randomUUID(),
        events: events.map((event) => ({
          ...event,
          id: randomUUID(),
          aggregate: decider.aggregate,
          aggregateId,
          tenantId,
          actor: 'demo',
          occurredAt: '2026-01-15T09:30:00.000Z',
          correlationId,
          causationId: null,
        })),
      },
    };
    return this.model.apply(stored);
  }

  pool(poolId: string, tenantId = TENANT) {
    return this.run(
      poolDecider,
      poolId,
      {
        type: 'CreatePool',
        data: {
          poolId,
          tenantId,
          name: 'web',
          description: '',
          subnetId: SUBNET,
          protocol: 'HTTP',
          lbMethod: 'ROUND_ROBIN',
          adminStateUp: true,
          provider: 'haproxy',
        },
      },
      tenantId,
    );
  }

  member(memberId: string, address: string) {
    return this.run(poolDecider, POOL, {
      type: 'AddMember',
      data: { poolId: POOL, memberId, tenantId: TENANT, address, protocolPort: 80, weight: 1, adminStateUp: true },
    });
  }

  /** The VIP saga's steps and a service instance placed on two nodes. */
  vipOnTwoNodes(): void {
    this.run(poolDecider, POOL, { type: 'BindVip', data: { poolId: POOL, vipId: VIP, protocol: 'HTTP' } }, TENANT, 'req-vip');
    this.run(
      portDecider,
      PORT,
      {
        type: 'CreatePort',
        data: {
          portId: PORT,
          tenantId: TENANT,
          networkId: id(9),
          subnetId: SUBNET,
          ipAddress: '198.18.1.100',
          name: `vip-${VIP}`,
          deviceId: VIP,
          deviceOwner: 'neutron:LOADBALANCER',
        },
      },
      TENANT,
      'req-vip',
    );
    this.run(
      vipDecider,
      VIP,
      {
        type: 'CreateVip',
        data: {
          vipId: VIP,
          tenantId: TENANT,
          subnetId: SUBNET,
          address: '198.18.1.100',
          portId: PORT,
          protocolPort: 80,
          protocol: 'HTTP',
          poolId: POOL,
          name: 'web-vip',
          description: '',
          sessionPersistence: null,
          connectionLimit: -1,
          adminStateUp: true,
        },
      },
      TENANT,
      'req-vip',
    );
    for (const node of ['node-1', 'node-2'])
      this.run(nodeDecider, node, { type: 'RecordHeartbeat', data: { nodeId: node } }, 'system', 'heartbeat');
    this.run(
      serviceInstanceDecider,
      INSTANCE,
      {
        type: 'CreateServiceInstance',
        data: {
          instanceId: INSTANCE,
          tenantId: TENANT,
          source: { kind: 'vip', vipId: VIP, poolId: POOL },
          createTs: 1,
          virtualRouterId: 1,
        },
      },
      TENANT,
      'scheduling',
    );
    for (const [n, node] of ['node-1', 'node-2'].entries()) {
      this.run(
        serviceInstanceDecider,
        INSTANCE,
        {
          type: 'PlaceInstance',
          data: {
            instanceId: INSTANCE,
            vmId: id(20 + n),
            nodeId: node,
            vrrpAddress: `198.19.192.${n + 1}`,
            at: '2026-01-15T09:30:01.000Z',
          },
        },
        TENANT,
        'scheduling',
      );
    }
  }
}

const types = (events: readonly { type: string }[]) => events.map((event) => event.type);

describe('DashboardModel', () => {
  let model: DashboardModel;
  let log: CommitLog;
  beforeEach(() => {
    model = new DashboardModel(DEFAULTS);
    log = new CommitLog(model);
  });

  it('lets a deleted aggregate go, and an event after its deletion changes nothing', () => {
    log.pool(POOL);
    log.member(M1, '198.18.2.11');
    expect(model.aggregateCount).toBe(1);
    const deleted = log.run(poolDecider, POOL, { type: 'DeletePool', data: { poolId: POOL } });
    expect(deleted.changes.map(({ collection, id: rowId, row }) => [collection, rowId, row])).toEqual(
      expect.arrayContaining([
        ['pools', POOL, null],
        ['members', M1, null],
      ]),
    );
    expect(model.aggregateCount).toBe(0);
    // Folded as a commit of the pool's subject even though no decider would emit it now.
    const late = model.apply({
      seq: 1000,
      subject: `lbaas.events.pool.${POOL}`,
      commit: {
        commitId: randomUUID(),
        events: [
          {
            id: randomUUID(),
            type: 'PoolStatusChanged',
            version: 1,
            aggregate: 'pool',
            aggregateId: POOL,
            tenantId: TENANT,
            actor: 'scheduling',
            occurredAt: '2026-01-15T09:30:02.000Z',
            correlationId: 'req-late',
            causationId: null,
            data: { poolId: POOL, status: 'ACTIVE', statusDescription: null },
          },
        ],
      },
    });
    expect(late.changes).toEqual([]);
    expect(model.aggregateCount).toBe(0);
    expect(model.snapshot(ADMIN, {}).rows.pools).toEqual([]);
    expect(model.snapshot(ADMIN, {}).rows.members).toEqual([]);
  });

  it('says which rows a commit changed, and only those', () => {
    const created = log.pool(POOL);
    expect(created.changes).toEqual([
      { collection: 'pools', id: POOL, tenantId: TENANT, row: expect.objectContaining({ id: POOL, name: 'web', members: [] }) },
    ]);
    expect(types(created.events)).toEqual(['PoolCreated']);

    const added = log.member(M1, '198.18.2.11');
    expect(added.changes.map(({ collection, id: rowId }) => [collection, rowId])).toEqual([
      ['pools', POOL],
      ['members', M1],
    ]);

    const reweighted = log.run(poolDecider, POOL, { type: 'UpdateMember', data: { poolId: POOL, memberId: M1, weight: 7 } });
    expect(reweighted.changes).toEqual([{ collection: 'members', id: M1, tenantId: TENANT, row: expect.objectContaining({ weight: 7 }) }]);

    const removed = log.run(poolDecider, POOL, { type: 'RemoveMember', data: { poolId: POOL, memberId: M1 } });
    expect(removed.changes).toEqual([
      { collection: 'pools', id: POOL, tenantId: TENANT, row: expect.objectContaining({ members: [] }) },
      { collection: 'members', id: M1, tenantId: TENANT, row: null },
    ]);
    expect(model.snapshot(ADMIN, {}).rows.members).toEqual([]);
    expect(model.seq).toBe(4);
  });

  it('shows a tenant its own rows and events only, and service instances and nodes to administrators only', () => {
    log.pool(POOL);
    const foreign = log.pool(OTHER_POOL, OTHER_TENANT);
    log.vipOnTwoNodes();

    const mine = model.snapshot(MEMBER, { [POOL]: [], [OTHER_POOL]: [] });
    expect(mine.rows.pools.map((pool) => pool.id)).toEqual([POOL]);
    expect(mine.rows.vips.map((vip) => vip.id)).toEqual([VIP]);
    expect(mine.rows.service_instances).toEqual([]);
    expect(mine.rows.nodes).toEqual([]);
    expect(Object.keys(mine.stats)).toEqual([POOL]);
    expect(model.forViewer(foreign, MEMBER)).toBeNull();
    expect(model.forViewer(foreign, ADMIN)).toBe(foreign);

    const all = model.snapshot(ADMIN, {});
    expect(all.rows.pools.map((pool) => pool.id).sort()).toEqual([POOL, OTHER_POOL]);
    expect(all.rows.service_instances[0].vm_list.map((vm) => [vm.vr_name, vm.ha])).toEqual([
      ['node-1', 'active: 200'],
      ['node-2', 'standby: 100'],
    ]);
    expect(all.rows.nodes.map((node) => node.id)).toEqual(['node-1', 'node-2']);
  });

  it('finds every event that shaped an object: a VIP with its port and service instance, a member, a node', () => {
    log.pool(POOL);
    log.member(M1, '198.18.2.11');
    log.member(M2, '198.18.2.12');
    log.run(poolDecider, POOL, { type: 'UpdateMember', data: { poolId: POOL, memberId: M1, weight: 3 } }, TENANT, 'req-weight');
    log.vipOnTwoNodes();

    const vip = model.timelineOf(VIP, ADMIN);
    expect(vip.relatedIds).toEqual([VIP, PORT, INSTANCE]);
    expect(types(vip.events)).toEqual([
      'PoolVipBound',
      'PortCreated',
      'VipCreated',
      'ServiceInstanceCreated',
      'InstancePlaced',
      'InstancePlaced',
    ]);
    expect(vip.events.find((event) => event.type === 'VipCreated')).toMatchObject({
      correlationId: 'req-vip',
      actor: 'demo',
      aggregate: 'vip',
    });
    expect(vip.total).toBe(6);
    expect(types(model.timelineOf(VIP, MEMBER).events)).toEqual(['PoolVipBound', 'PortCreated', 'VipCreated']);

    expect(types(model.timelineOf(M1, ADMIN).events)).toEqual(['MemberAdded', 'MemberUpdated']);
    expect(types(model.timelineOf('node-2', ADMIN).events)).toEqual(['NodeRegistered', 'InstancePlaced']);
    expect(model.timelineOf('node-2', MEMBER).events).toEqual([]);
  });

  it("shows a load balancer's placements as amphorae to administrators only, and its timeline follows its instance", () => {
    const LB = id(30);
    const LB_INSTANCE = id(31);
    for (const node of ['node-1', 'node-2'])
      log.run(nodeDecider, node, { type: 'RecordHeartbeat', data: { nodeId: node } }, 'system', 'heartbeat');
    log.run(
      serviceInstanceDecider,
      LB_INSTANCE,
      {
        type: 'CreateServiceInstance',
        data: {
          instanceId: LB_INSTANCE,
          tenantId: TENANT,
          source: { kind: 'loadbalancer', loadBalancerId: LB, vipAddress: '198.18.7.10' },
          createTs: 1,
          virtualRouterId: 2,
        },
      },
      TENANT,
      'req-lb',
    );
    const placed = log.run(
      serviceInstanceDecider,
      LB_INSTANCE,
      {
        type: 'PlaceInstance',
        data: { instanceId: LB_INSTANCE, vmId: id(32), nodeId: 'node-1', vrrpAddress: '198.19.192.9', at: '2026-01-15T09:30:01.000Z' },
      },
      TENANT,
      'req-lb',
    );
    expect(placed.changes.map((c) => [c.collection, c.id])).toEqual([
      ['service_instances', LB_INSTANCE],
      ['amphorae', id(32)],
    ]);
    expect(model.forViewer(placed, MEMBER)).toBeNull();
    expect(model.snapshot(ADMIN, {}).rows.amphorae).toEqual([
      expect.objectContaining({ id: id(32), loadbalancer_id: LB, compute_id: 'node-1', role: 'MASTER' }),
    ]);
    expect(model.snapshot(MEMBER, {}).rows.amphorae).toEqual([]);
    expect(model.timelineOf(LB, ADMIN).relatedIds).toEqual([LB, LB_INSTANCE]);
    expect(types(model.timelineOf(LB, ADMIN).events)).toEqual(['ServiceInstanceCreated', 'InstancePlaced']);
    expect(model.timelineOf(LB, MEMBER).relatedIds).toEqual([LB]);
  });

  it("shows each project's quota to it and to administrators, with the defaults, and zones and nodes' zones to administrators", () => {
    log.run(quotaDecider, TENANT, { type: 'SetQuota', data: { projectId: TENANT, limits: { loadbalancer: 2 } } }, 'admin-tenant');
    log.run(quotaDecider, TENANT, {
      type: 'ReserveQuota',
      data: {
        projectId: TENANT,
        loadBalancerId: id(40),
        at: '2026-12-07T08:00:00.000Z',
        claims: [{ resource: 'loadbalancer', objectId: id(40) }],
        defaults: DEFAULTS,
      },
    });
    log.run(quotaDecider, OTHER_TENANT, { type: 'SetQuota', data: { projectId: OTHER_TENANT, limits: { member: 1 } } }, 'admin-tenant');
    log.run(nodeDecider, 'node-1', { type: 'RecordHeartbeat', data: { nodeId: 'node-1', zone: 'rack-1' } }, 'system', 'heartbeat');
    log.run(nodeDecider, 'node-2', { type: 'RecordHeartbeat', data: { nodeId: 'node-2' } }, 'system', 'heartbeat');
    const profile = { id: id(41), name: 'one', providerName: 'lbaas', availabilityZoneData: '{"compute_zone": "rack-1"}' };
    log.run(catalogDecider, 'octavia', { type: 'CreateAvailabilityZoneProfile', data: { profile } }, 'admin-tenant');
    const zone = { description: '', availabilityZoneProfileId: id(41), enabled: true };
    log.run(catalogDecider, 'octavia', { type: 'CreateAvailabilityZone', data: { zone: { ...zone, name: 'az-1' } } }, 'admin-tenant');
    const plain = { ...profile, id: id(42), availabilityZoneData: '{}' };
    log.run(catalogDecider, 'octavia', { type: 'CreateAvailabilityZoneProfile', data: { profile: plain } }, 'admin-tenant');
    const named = log.run(
      catalogDecider,
      'octavia',
      { type: 'CreateAvailabilityZone', data: { zone: { ...zone, name: 'rack-2', availabilityZoneProfileId: id(42) } } },
      'admin-tenant',
    );

    const mine = model.snapshot(MEMBER, {});
    expect(mine.rows.octavia_quotas).toEqual([
      expect.objectContaining({ project_id: TENANT, loadbalancer: 2, member: null, in_use: expect.objectContaining({ loadbalancer: 1 }) }),
    ]);
    expect(mine.quotaDefaults.map((d) => [d.resource, d.title, d.limit]).slice(0, 4)).toEqual([
      ['loadbalancer', 'Load Balancer', 10],
      ['listener', 'Listener', -1],
      ['pool', 'Pool', -1],
      ['member', 'Member', 50],
    ]);
    expect(mine.rows.availability_zones).toEqual([]);
    expect(model.forViewer(named, MEMBER)).toBeNull();

    const all = model.snapshot(ADMIN, {});
    expect(all.rows.octavia_quotas.map((q) => q.project_id).sort()).toEqual([TENANT, OTHER_TENANT].sort());
    expect(all.rows.nodes.map((n) => [n.id, n.zone])).toEqual([
      ['node-1', 'rack-1'],
      ['node-2', null],
    ]);
    // A zone's compute zone is its profile's, or its own name when the profile names none.
    expect(all.rows.availability_zones.map((z) => [z.name, z.compute_zone])).toEqual([
      ['az-1', 'rack-1'],
      ['rack-2', 'rack-2'],
    ]);
    expect(named.changes).toEqual([
      { collection: 'availability_zones', id: 'rack-2', tenantId: null, row: expect.objectContaining({ compute_zone: 'rack-2' }) },
    ]);
  });
});
