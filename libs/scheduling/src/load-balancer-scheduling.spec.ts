import {
  type LoadBalancerConfig,
  type LoadBalancerEvent,
  type PlacementHistoryEntry,
  type ServiceInstanceState,
  serviceInstanceView,
} from '@lbaas/domain';
import { failoverReason } from './load-balancer-sources';
import { NO_LIVE_NODE, type PlanningContext } from './scheduling-model';
import { seededRandom } from './seeded-random';
import { SchedulingSimulation } from './simulation';

const AT = '2026-11-25T10:00:00.000Z';
const config = (id: string): LoadBalancerConfig => ({
  id,
  projectId: 'project-a',
  name: id,
  description: '',
  vip: { address: '198.18.7.10', subnetId: 'subnet', networkId: 'network', portId: `port-${id}`, qosPolicyId: null },
  adminStateUp: true,
  provider: 'lbaas',
  flavorId: null,
  availabilityZone: null,
  tags: [],
});

function harness() {
  const sim = new SchedulingSimulation();
  const random = seededRandom(11);
  let vm = 0;
  let clock = Date.parse(AT);
  const ctx = (): PlanningContext => ({
    random,
    newVmId: () => `vm-${++vm}`,
    instanceIdFor: (vipId) => `si-${vipId}`,
    instanceIdForLoadBalancer: (loadBalancerId) => `si-lb-${loadBalancerId}`,
    now: new Date((clock += 1000)),
  });
  const nodes = (...ids: string[]) =>
    ids.forEach((id) => sim.record('node', id, [{ type: 'NodeRegistered', version: 1, data: { nodeId: id } }]));
  const lose = (...ids: string[]) =>
    ids.forEach((id) => sim.record('node', id, [{ type: 'NodeLost', version: 1, data: { nodeId: id, silenceMs: 3000 } }]));
  const lb = (id: string, ...events: LoadBalancerEvent[]): string => sim.record('loadbalancer', id, events);
  const created = (id: string): LoadBalancerEvent => ({
    type: 'LoadBalancerCreated',
    version: 1,
    data: { loadBalancer: config(id), at: AT },
  });
  const failover = (id: string): string =>
    lb(id, { type: 'LoadBalancerFailoverRequested', version: 1, data: { loadBalancerId: id, at: AT } });
  const live = (id: string) => {
    const s = sim.instanceState(id);
    if (s.kind !== 'live') throw new Error(`${id} is ${s.kind}`);
    return s;
  };
  const failedOver = () => sim.log.filter((e) => e.type === 'InstanceFailedOver');
  // The load balancer's stream records an error as LoadBalancerErrored, as its decider would.
  sim.answerLoadBalancer = (id, command) =>
    command.type === 'RecordLoadBalancerError'
      ? [{ type: 'LoadBalancerErrored', version: 1, data: { loadBalancerId: id, reason: command.data.reason, at: command.data.at } }]
      : [];
  return { sim, ctx, nodes, lose, lb, created, failover, live, failedOver, settle: () => sim.settle(ctx) };
}

const nodesOf = (s: Extract<ServiceInstanceState, { kind: 'live' }>) => s.placements.map((p) => p.nodeId);

describe('scheduling load balancers', () => {
  it("creates the load balancer's instance for its project and VIP address, placed on two distinct nodes", () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    const si = h.live('si-lb-lb-1');
    expect(si).toMatchObject({
      tenantId: 'project-a',
      source: { kind: 'loadbalancer', loadBalancerId: 'lb-1', vipAddress: '198.18.7.10' },
    });
    expect(new Set(nodesOf(si)).size).toBe(2);
    expect(serviceInstanceView(si)).toMatchObject({ loadbalancer_id: 'lb-1', vip_id: null, pool_id: null, status: 'ACTIVE' });
  });

  it('gives load balancers and VIPs router ids of one space, and plans nothing more once settled', () => {
    const h = harness();
    h.nodes('n1', 'n2');
    h.lb('lb-1', h.created('lb-1'));
    h.lb('lb-2', h.created('lb-2'));
    h.settle();
    expect(h.live('si-lb-lb-1').virtualRouterId).not.toBe(h.live('si-lb-lb-2').virtualRouterId);
    expect(h.sim.model.plan(h.ctx())).toEqual([]);
    const second = new SchedulingSimulation();
    for (const e of h.sim.log) second.model.apply(e);
    expect(second.model.plan(h.ctx())).toEqual([]);
  });

  it("asks for the instance's deletion when the load balancer is deleted, and does not create it again", () => {
    const h = harness();
    h.nodes('n1', 'n2');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    h.lb('lb-1', { type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: 'lb-1', cascade: true, at: AT } });
    h.settle();
    expect(h.live('si-lb-lb-1').deleting).toBe(true);
    for (const p of h.live('si-lb-lb-1').placements)
      h.sim.execute([
        {
          aggregate: 'serviceinstance',
          id: 'si-lb-lb-1',
          command: { type: 'ReleasePlacement', data: { instanceId: 'si-lb-lb-1', vmId: p.vmId } },
        },
      ]);
    expect(h.sim.instanceState('si-lb-lb-1').kind).toBe('deleted');
    h.settle();
    expect(h.sim.log.filter((e) => e.type === 'ServiceInstanceCreated')).toHaveLength(1);
  });

  it("fails over once per request, names the request, and places the new standby away from the old active's node", () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    const [active, standby] = h.live('si-lb-lb-1').placements;
    const request = h.failover('lb-1');
    h.settle();
    const after = h.live('si-lb-lb-1');
    expect(after.placements[0]).toMatchObject({ vmId: standby.vmId, role: 'active' });
    expect(after.placements[1].role).toBe('standby');
    expect(after.placements[1].nodeId).not.toBe(active.nodeId);
    expect(after.history.map((e: PlacementHistoryEntry) => [e.event, e.reason])).toEqual([
      ['failed_over', failoverReason(request)],
      ['reprotected', expect.any(String)],
    ]);
    expect(failoverReason(request)).toBe(`failover requested by an operator (request ${request})`);
    expect(h.failedOver()).toHaveLength(1);
    // Folding the same log again (a restarted or second scheduler) does not fail over again.
    const second = new SchedulingSimulation();
    for (const e of h.sim.log) second.model.apply(e);
    expect(second.model.plan(h.ctx())).toEqual([]);
  });

  it('fails over again for a second request, and not for a request with no standby to move to', () => {
    const h = harness();
    h.nodes('n1', 'n2');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    h.failover('lb-1');
    h.settle();
    h.failover('lb-1');
    h.settle();
    expect(h.failedOver()).toHaveLength(2);
    h.lose(h.live('si-lb-lb-1').placements[1].nodeId);
    h.settle();
    expect(h.live('si-lb-lb-1').placements).toHaveLength(1);
    h.failover('lb-1');
    h.settle();
    expect(h.failedOver()).toHaveLength(2);
    h.nodes('n3');
    h.settle();
    expect(h.live('si-lb-lb-1').placements).toHaveLength(2);
    expect(h.failedOver()).toHaveLength(2);
  });

  it('ignores a failover request before the instance has an active placement', () => {
    const h = harness();
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    h.failover('lb-1');
    h.nodes('n1', 'n2');
    h.settle();
    expect(h.live('si-lb-lb-1').placements).toHaveLength(2);
    expect(h.failedOver()).toHaveLength(0);
  });

  it('reports an unplaceable instance on the load balancer once, with the reason, and is placed once nodes register', () => {
    const h = harness();
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    expect(h.live('si-lb-lb-1').unplaceableReason).toBe(NO_LIVE_NODE);
    const error = { type: 'RecordLoadBalancerError', data: { loadBalancerId: 'lb-1', reason: NO_LIVE_NODE, at: expect.any(String) } };
    expect(h.sim.loadBalancerCommands).toEqual([{ id: 'lb-1', command: error }]);
    expect(h.sim.log.filter((e) => e.type === 'LoadBalancerErrored')).toHaveLength(1);
    h.settle();
    expect(h.sim.loadBalancerCommands).toHaveLength(1);
    h.nodes('n1', 'n2');
    h.settle();
    expect(h.live('si-lb-lb-1').placements).toHaveLength(2);
    expect(h.sim.loadBalancerCommands).toHaveLength(1);
  });

  it('reports the unplaceable reason again when the instance loses every placement after the error was cleared', () => {
    const h = harness();
    h.nodes('n1', 'n2');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    h.lb('lb-1', { type: 'LoadBalancerApplied', version: 1, data: { loadBalancerId: 'lb-1', revision: 1, at: AT } });
    h.lose('n1', 'n2');
    h.settle();
    expect(h.sim.loadBalancerCommands.map((c) => c.command.type)).toEqual(['RecordLoadBalancerError']);
    h.nodes('n3');
    h.settle();
    h.lb('lb-1', { type: 'LoadBalancerApplied', version: 1, data: { loadBalancerId: 'lb-1', revision: 1, at: AT } });
    h.lose('n3');
    h.settle();
    expect(h.sim.loadBalancerCommands.map((c) => c.command.type)).toEqual(['RecordLoadBalancerError', 'RecordLoadBalancerError']);
  });

  it('leaves VIPs as they were beside load balancers', () => {
    const h = harness();
    h.nodes('n1', 'n2');
    h.lb('lb-1', h.created('lb-1'));
    h.sim.record('vip', 'vip-1', [
      {
        type: 'VipCreated',
        version: 1,
        data: {
          vipId: 'vip-1',
          tenantId: 'tenant-b',
          subnetId: 'subnet',
          address: '198.18.1.10',
          portId: 'port-vip',
          protocolPort: 80,
          protocol: 'HTTP',
          poolId: 'pool-1',
          name: '',
          description: '',
          sessionPersistence: null,
          connectionLimit: -1,
          adminStateUp: true,
        },
      },
    ]);
    h.settle();
    expect(h.live('si-vip-1')).toMatchObject({ tenantId: 'tenant-b', source: { kind: 'vip', vipId: 'vip-1', poolId: 'pool-1' } });
    expect(h.live('si-lb-lb-1').source.kind).toBe('loadbalancer');
  });
});
