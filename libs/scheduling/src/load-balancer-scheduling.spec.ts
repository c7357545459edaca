import { type PlacementHistoryEntry, serviceInstanceView } from '@lbaas/domain';
import { AT, harness, nodesOf } from './load-balancer-fixtures';
import { failoverReason } from './load-balancer-sources';
import { NO_LIVE_NODE, RETIRED_AFTER_FAILOVER } from './scheduling-model';
import { SchedulingSimulation } from './simulation';

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

  it('hands over once per request: swaps the roles, retires the old active once the new one holds the VIP, and re-protects away from it', () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    const si = 'si-lb-lb-1';
    h.render(si);
    const [active, standby] = h.live(si).placements;
    const request = h.failover('lb-1');
    h.settle();
    // Both still run, the roles swapped: VRRP moves the VIP while the old active serves.
    expect(h.live(si).placements.map((p) => [p.vmId, p.role, p.priority])).toEqual([
      [standby.vmId, 'active', 200],
      [active.vmId, 'standby', 100],
    ]);
    expect(h.sim.model.plan(h.ctx())).toEqual([]);
    // The files rendered before the swap do not count: the new active ran at 100 with them.
    expect(h.holdVip(si)).toBe(0);
    h.render(si);
    expect(h.holdVip(si)).toBe(1);
    h.settle();
    const after = h.live(si);
    expect(after.placements[0]).toMatchObject({ vmId: standby.vmId, role: 'active', priority: 200 });
    expect(after.placements[1]).toMatchObject({ role: 'standby', priority: 100 });
    expect([active.vmId, standby.vmId]).not.toContain(after.placements[1].vmId);
    expect(after.placements[1].nodeId).not.toBe(active.nodeId);
    expect(after.history.map((e: PlacementHistoryEntry) => [e.event, e.reason])).toEqual([
      ['roles_swapped', failoverReason(request)],
      ['retired', RETIRED_AFTER_FAILOVER],
      ['reprotected', expect.any(String)],
    ]);
    expect(failoverReason(request)).toBe(`failover requested by an operator (request ${request})`);
    expect(h.swapped()).toHaveLength(1);
    expect(h.failedOver()).toHaveLength(0);
    // Folding the same log again (a restarted or second scheduler) swaps nothing and retires nothing.
    const second = new SchedulingSimulation();
    for (const e of h.sim.log) second.model.apply(e);
    expect(second.model.plan(h.ctx())).toEqual([]);
  });

  it('hands over again for a second request, and not for a request with no standby to move to', () => {
    const h = harness();
    const si = 'si-lb-lb-1';
    const handOver = () => {
      h.failover('lb-1');
      h.settle();
      h.render(si);
      h.holdVip(si);
      h.settle();
    };
    h.nodes('n1', 'n2');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    handOver();
    // Two nodes: the new standby goes back to the old active's node, the only one free.
    expect(nodesOf(h.live(si)).sort()).toEqual(['n1', 'n2']);
    handOver();
    expect(h.swapped()).toHaveLength(2);
    expect(h.sim.log.filter((e) => e.type === 'InstancePlacementRetired')).toHaveLength(2);
    h.lose(h.live(si).placements[1].nodeId);
    h.settle();
    expect(h.live(si).placements).toHaveLength(1);
    h.failover('lb-1');
    h.settle();
    expect(h.swapped()).toHaveLength(2);
    h.nodes('n3');
    h.settle();
    expect(h.live(si).placements).toHaveLength(2);
    expect(h.swapped()).toHaveLength(2);
    expect(h.failedOver()).toHaveLength(0);
  });

  it('ignores a failover request before the instance has an active placement', () => {
    const h = harness();
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    h.failover('lb-1');
    h.nodes('n1', 'n2');
    h.settle();
    expect(h.live('si-lb-lb-1').placements).toHaveLength(2);
    expect(h.swapped()).toHaveLength(0);
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
