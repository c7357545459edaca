import { type ServiceInstanceState, serviceInstanceView } from '@lbaas/domain';
import { planNodeLiveness } from './node-liveness';
import { NO_LIVE_NODE, noFreeVrrpAddress, type PlanningContext } from './scheduling-model';
import { seededRandom } from './seeded-random';
import { SchedulingSimulation } from './simulation';
import { vipCreated } from './vip-fixtures';

function harness(seed = 7, vrrpCidr?: string) {
  const sim = new SchedulingSimulation(vrrpCidr);
  const random = seededRandom(seed);
  let vm = 0;
  let clock = Date.parse('2026-11-25T10:00:00Z');
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
  const recover = (...ids: string[]) =>
    ids.forEach((id) => sim.record('node', id, [{ type: 'NodeRecovered', version: 1, data: { nodeId: id } }]));
  const vips = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      sim.record('vip', `vip-${i}`, [vipCreated(`vip-${i}`)]);
      return `si-vip-${i}`;
    });
  const live = (id: string) => {
    const s = sim.instanceState(id);
    if (s.kind !== 'live') throw new Error(`${id} is ${s.kind}`);
    return s;
  };
  const view = (id: string) => serviceInstanceView(sim.instanceState(id));
  return { sim, ctx, nodes, lose, recover, vips, live, view, settle: () => sim.settle(ctx) };
}

const nodesOf = (s: Extract<ServiceInstanceState, { kind: 'live' }>) => s.placements.map((p) => p.nodeId);

describe('scheduling service instances', () => {
  it("places every VIP on two distinct nodes, the active at 200 and the standby at 100, in the seed's shape", () => {
    const h = harness();
    h.nodes('compute-node-1', 'compute-node-2', 'compute-node-3');
    const [id] = h.vips(1);
    h.settle();
    const v = h.view(id);
    expect(v).toMatchObject({
      status: 'ACTIVE',
      degraded: false,
      vip_id: 'vip-0',
      pool_id: 'pool-vip-0',
      st_name: 'default-domain:haproxy-loadbalancer-template',
    });
    expect(v?.vm_list.map((vm) => vm.ha)).toEqual(['active: 200', 'standby: 100']);
    expect(new Set(v?.vm_list.map((vm) => vm.vr_name)).size).toBe(2);
    expect(v?.create_ts).toBe(Date.parse('2026-11-25T10:00:01Z') * 1000);
  });

  it('spreads fifty VIPs over five nodes within one instance per node, each pair on distinct nodes', () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3', 'n4', 'n5');
    const ids = h.vips(50);
    h.settle();
    for (const id of ids) expect(new Set(nodesOf(h.live(id))).size).toBe(2);
    const loads = ['n1', 'n2', 'n3', 'n4', 'n5'].map((n) => h.sim.model.loadOf(n));
    expect(loads.reduce((a, b) => a + b)).toBe(100);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
  });

  it('gives each instance its own VRRP router id and each placement its own VRRP address', () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    const ids = h.vips(20);
    h.settle();
    expect(new Set(ids.map((id) => h.live(id).virtualRouterId)).size).toBe(20);
    const addresses = ids.flatMap((id) => h.live(id).placements.map((p) => p.vrrpAddress));
    expect(new Set(addresses).size).toBe(40);
    for (const a of addresses) expect(a).toMatch(/^198\.19\./);
  });

  it('places the same way for the same seed', () => {
    const run = (seed: number) => {
      const h = harness(seed);
      h.nodes('n1', 'n2', 'n3', 'n4');
      const ids = h.vips(8);
      h.settle();
      return ids.map((id) => nodesOf(h.live(id)).join('+'));
    };
    expect(run(42)).toEqual(run(42));
  });

  it('fails over to the standby and re-protects on a third node when two of five nodes are lost', () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3', 'n4', 'n5');
    const ids = h.vips(50);
    h.settle();
    const activeBefore = new Map(ids.map((id) => [id, h.live(id).placements[0]]));
    h.lose('n1', 'n2');
    h.settle();
    for (const id of ids) {
      const s = h.live(id);
      expect(s.placements).toHaveLength(2);
      expect(new Set(nodesOf(s)).size).toBe(2);
      for (const n of nodesOf(s)) expect(['n3', 'n4', 'n5']).toContain(n);
      expect(s.placements.map((p) => p.priority)).toEqual([200, 100]);
      const before = activeBefore.get(id);
      if (before && ['n1', 'n2'].includes(before.nodeId)) {
        expect(s.history.map((e) => e.event)).toContain('failed_over');
        expect(s.placements[0].vmId).not.toBe(before.vmId);
      }
    }
    expect(h.sim.log.filter((e) => e.type === 'InstanceFailedOver').length).toBeGreaterThan(0);
    expect(h.sim.log.filter((e) => e.type === 'InstanceReprotected').length).toBeGreaterThan(0);
  });

  it('promotes the standby: its vm keeps running and becomes the active', () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    const [id] = h.vips(1);
    h.settle();
    const [active, standby] = h.live(id).placements;
    h.lose(active.nodeId);
    h.settle();
    const s = h.live(id);
    expect(s.placements[0]).toMatchObject({ vmId: standby.vmId, role: 'active', priority: 200 });
    expect(s.placements[1]).toMatchObject({ role: 'standby', priority: 100 });
    expect(h.view(id)?.failover_history.map((e) => e.event)).toEqual(['failed_over', 'reprotected']);
  });

  it('runs degraded on one live node, in ERROR with a reason on none, and recovers by itself when nodes return', () => {
    const h = harness();
    h.nodes('n1', 'n2');
    const [id] = h.vips(1);
    h.settle();
    h.lose('n2');
    h.settle();
    expect(h.view(id)).toMatchObject({ status: 'ACTIVE', degraded: true });
    expect(h.view(id)?.status_description).toMatch(/degraded/);
    h.lose('n1');
    h.settle();
    expect(h.view(id)).toMatchObject({ status: 'ERROR', status_description: NO_LIVE_NODE, degraded: false, vm_list: [] });
    h.recover('n2');
    h.settle();
    expect(h.view(id)).toMatchObject({ status: 'ACTIVE', degraded: true });
    h.recover('n1');
    h.settle();
    expect(h.view(id)).toMatchObject({ status: 'ACTIVE', degraded: false });
    expect(
      h
        .view(id)
        ?.vm_list.map((vm) => vm.vr_name)
        .sort(),
    ).toEqual(['n1', 'n2']);
  });

  it('is in ERROR from the start when no node is live, and placed once one registers', () => {
    const h = harness();
    const [id] = h.vips(1);
    h.settle();
    expect(h.view(id)).toMatchObject({ status: 'ERROR', status_description: NO_LIVE_NODE });
    h.nodes('n1');
    h.settle();
    expect(h.view(id)).toMatchObject({ status: 'ACTIVE', degraded: true });
  });

  it("says the VRRP range is full, not that no node lives, when every address is a placement's", () => {
    const h = harness(7, '198.19.192.0/30');
    h.nodes('n1', 'n2', 'n3');
    const [first, second] = h.vips(2);
    h.settle();
    expect(h.view(first)).toMatchObject({ status: 'ACTIVE', degraded: false });
    expect(h.view(second)).toMatchObject({ status: 'ERROR', status_description: noFreeVrrpAddress('198.19.192.0/30'), vm_list: [] });
  });

  it('deletes the instance of a deleted VIP once both placements are released', () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    const [id] = h.vips(1);
    h.settle();
    const [a, b] = h.live(id).placements;
    h.sim.record('vip', 'vip-0', [{ type: 'VipDeleted', version: 1, data: { vipId: 'vip-0' } }]);
    h.settle();
    expect(h.view(id)).toMatchObject({ status: 'PENDING_DELETE' });
    h.sim.execute([{ aggregate: 'serviceinstance', id, command: { type: 'ReleasePlacement', data: { instanceId: id, vmId: a.vmId } } }]);
    expect(h.view(id)).toMatchObject({ status: 'PENDING_DELETE' });
    h.sim.execute([{ aggregate: 'serviceinstance', id, command: { type: 'ReleasePlacement', data: { instanceId: id, vmId: b.vmId } } }]);
    expect(h.sim.instanceState(id).kind).toBe('deleted');
    expect(h.sim.model.loadOf(a.nodeId) + h.sim.model.loadOf(b.nodeId)).toBe(0);
  });

  it("completes a deletion when a placement's node is lost instead of releasing it", () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    const [id] = h.vips(1);
    h.settle();
    const [a, b] = h.live(id).placements;
    h.sim.record('vip', 'vip-0', [{ type: 'VipDeleted', version: 1, data: { vipId: 'vip-0' } }]);
    h.settle();
    h.sim.execute([{ aggregate: 'serviceinstance', id, command: { type: 'ReleasePlacement', data: { instanceId: id, vmId: a.vmId } } }]);
    h.lose(b.nodeId);
    h.settle();
    expect(h.sim.instanceState(id).kind).toBe('deleted');
    expect(
      h.sim.log.some(
        (e) =>
          e.type === 'InstancePlaced' &&
          e.data !== null &&
          (e.data as { nodeId: string }).nodeId !== a.nodeId &&
          (e.data as { nodeId: string }).nodeId !== b.nodeId,
      ),
    ).toBe(false);
  });

  it('follows a VIP moved to another pool', () => {
    const h = harness();
    h.nodes('n1', 'n2');
    const [id] = h.vips(1);
    h.settle();
    h.sim.record('vip', 'vip-0', [
      { type: 'VipPoolChanged', version: 1, data: { vipId: 'vip-0', poolId: 'pool-2', previousPoolId: 'pool-vip-0' } },
    ]);
    h.settle();
    expect(h.view(id)?.pool_id).toBe('pool-2');
  });

  it('plans nothing more once settled, and a second scheduler folding the same log plans nothing either', () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    h.vips(10);
    h.settle();
    h.lose('n3');
    h.settle();
    expect(h.sim.model.plan(h.ctx())).toEqual([]);
    const second = new SchedulingSimulation();
    for (const e of h.sim.log) second.model.apply(e);
    expect(second.model.plan(h.ctx())).toEqual([]);
  });
});

describe('node liveness', () => {
  const node = (id: string, alive: boolean) => [id, { kind: 'live' as const, id, alive, lostSilenceMs: null, zone: null }] as const;
  const base = { watchingSince: 0, now: 10_000, silenceMs: 3000 };

  it('registers a node whose heartbeat is recent and that the log does not know', () => {
    expect(planNodeLiveness({ ...base, nodes: new Map(), lastHeartbeat: new Map([['n1', 9000]]) })).toEqual([
      { aggregate: 'node', id: 'n1', command: { type: 'RecordHeartbeat', data: { nodeId: 'n1' } } },
    ]);
  });

  it('recovers a lost node that heartbeats again, and ignores a stale heartbeat', () => {
    const nodes = new Map([node('n1', false), node('n2', false)]);
    expect(
      planNodeLiveness({
        ...base,
        nodes,
        lastHeartbeat: new Map([
          ['n1', 9500],
          ['n2', 1000],
        ]),
      }).map((c) => c.id),
    ).toEqual(['n1']);
  });

  it('declares a live node lost after the silence, counting from when this scheduler started watching', () => {
    const nodes = new Map([node('n1', true), node('n2', true), node('n3', true)]);
    const planned = planNodeLiveness({
      ...base,
      watchingSince: 8000,
      nodes,
      lastHeartbeat: new Map([
        ['n1', 9000],
        ['n2', 6000],
      ]),
    });
    expect(planned).toEqual([
      { aggregate: 'node', id: 'n2', command: { type: 'DeclareNodeLost', data: { nodeId: 'n2', silenceMs: 4000 } } },
    ]);
  });
});
