import { type LoadBalancerEvent } from '@lbaas/domain';
import { AT, harness } from './load-balancer-fixtures';
import { ANY_ZONE, NodeLoads, type NodeLoadsView } from './node-loads';
import type { SchedulingModel } from './scheduling-model';
import { seededRandom } from './seeded-random';
import { SchedulingSimulation } from './simulation';
import { vipCreated } from './vip-fixtures';

/** The index as it must be, counted from scratch from the model's instances and nodes. */
function recomputed(model: SchedulingModel): NodeLoadsView {
  const loads = new Map<string, number>();
  for (const si of model.instances.values()) for (const p of si.placements) loads.set(p.nodeId, (loads.get(p.nodeId) ?? 0) + 1);
  const sets: Record<string, { least: number | null; byLoad: Record<number, string[]> }> = { [ANY_ZONE]: { least: null, byLoad: {} } };
  const enter = (key: string, nodeId: string): void => {
    const set = (sets[key] ??= { least: null, byLoad: {} });
    const load = loads.get(nodeId) ?? 0;
    (set.byLoad[load] ??= []).push(nodeId);
    set.least = set.least === null ? load : Math.min(set.least, load);
  };
  for (const node of model.nodes.values()) {
    if (!node.alive) continue;
    enter(ANY_ZONE, node.id);
    if (node.zone !== null) enter(node.zone, node.id);
  }
  for (const set of Object.values(sets)) for (const nodes of Object.values(set.byLoad)) nodes.sort();
  return { loads: Object.fromEntries([...loads].sort(([a], [b]) => a.localeCompare(b))), sets };
}

const ZONES = [null, 'zone-a', 'zone-b'] as const;

/** A random run of joins, losses, recoveries, zone moves, VIPs and load balancers made and deleted, releases and operators' failovers. */
function randomRun(seed: number, steps: number, check: (sim: SchedulingSimulation) => void): SchedulingSimulation {
  const h = harness();
  const rnd = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const nodeIds = Array.from({ length: 7 }, (_, i) => `n${i + 1}`);
  let made = 0;
  const sources: string[] = [];
  for (let step = 0; step < steps; step++) {
    const roll = rnd();
    const nodeId = pick(nodeIds);
    if (roll < 0.15) {
      h.sim.record('node', nodeId, [
        { type: 'NodeRegistered', version: 1, data: { nodeId } },
        { type: 'NodeZoneDeclared', version: 1, data: { nodeId, zone: pick(ZONES) } },
      ]);
    } else if (roll < 0.25) {
      h.lose(nodeId);
    } else if (roll < 0.3) {
      h.sim.record('node', nodeId, [{ type: 'NodeRecovered', version: 1, data: { nodeId } }]);
    } else if (roll < 0.5) {
      const id = `vip-${++made}`;
      h.sim.record('vip', id, [vipCreated(id)]);
      sources.push(`si-${id}`);
    } else if (roll < 0.6) {
      const id = `lb-${++made}`;
      const created = h.created(id) as Extract<LoadBalancerEvent, { type: 'LoadBalancerCreated' }>;
      const placement = { topology: pick(['SINGLE', 'ACTIVE_STANDBY'] as const), computeZone: pick(ZONES) };
      h.lb(id, { ...created, data: { ...created.data, placement } });
      sources.push(`si-lb-${id}`);
    } else if (roll < 0.7 && sources.length > 0) {
      const si = pick(sources);
      if (si.startsWith('si-lb-')) {
        const id = si.slice('si-lb-'.length);
        h.lb(id, { type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: id, cascade: true, at: AT } });
      } else {
        const id = si.slice('si-'.length);
        h.sim.record('vip', id, [{ type: 'VipDeleted', version: 1, data: { vipId: id } }]);
      }
    } else if (roll < 0.8 && sources.length > 0) {
      const si = h.sim.instanceState(pick(sources));
      const placement = si.kind === 'live' && si.deleting ? si.placements[0] : undefined;
      if (si.kind === 'live' && placement)
        h.sim.execute([
          {
            aggregate: 'serviceinstance',
            id: si.id,
            command: { type: 'ReleasePlacement', data: { instanceId: si.id, vmId: placement.vmId } },
          },
        ]);
    } else if (roll < 0.9 && sources.length > 0) {
      const si = h.sim.instanceState(pick(sources));
      if (si.kind === 'live' && si.source.kind === 'loadbalancer' && !si.deleting && si.placements.length === 2) {
        h.render(si.id);
        h.failover(si.source.loadBalancerId);
        h.settle();
        h.render(si.id);
        if (h.live(si.id).handover !== null) h.holdVip(si.id);
      }
    } else {
      // A plan made and not executed: the loads it counted on its nodes are given back.
      h.sim.model.plan(h.ctx());
    }
    check(h.sim);
    h.settle();
    check(h.sim);
  }
  return h.sim;
}

describe('the load index of live nodes', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('equals a recomputation from scratch after every fold of a random run (seed %i)', (seed) => {
    const sim = randomRun(seed, 150, (s) => expect(s.model.loadIndex()).toEqual(recomputed(s.model)));
    const second = new SchedulingSimulation();
    for (const e of sim.log) second.model.apply(e);
    expect(second.model.loadIndex()).toEqual(sim.model.loadIndex());
  });

  it('picks uniformly among the least loaded only, the same way for the same seed', () => {
    const pickCounts = (seed: number) => {
      const loads = new NodeLoads();
      ['a', 'b', 'c', 'd', 'e'].forEach((n) => loads.setNode(n, true, null));
      loads.shift('e', 1);
      const random = seededRandom(seed);
      const counts: Record<string, number> = {};
      for (let i = 0; i < 4000; i++) {
        const n = loads.leastLoaded({ zone: null, taken: [], avoid: null }, random) ?? 'none';
        counts[n] = (counts[n] ?? 0) + 1;
      }
      return counts;
    };
    const counts = pickCounts(3);
    expect(Object.keys(counts).sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const n of ['a', 'b', 'c', 'd']) expect(Math.abs(counts[n] - 1000)).toBeLessThan(120);
    expect(pickCounts(3)).toEqual(counts);
  });

  it('never picks a taken node, takes the avoided one only when nothing else is left, and keeps to the zone', () => {
    const loads = new NodeLoads();
    loads.setNode('a1', true, 'zone-a');
    loads.setNode('a2', true, 'zone-a');
    loads.setNode('x', true, null);
    loads.shift('x', -1);
    const random = seededRandom(9);
    for (let i = 0; i < 50; i++) {
      expect(loads.leastLoaded({ zone: 'zone-a', taken: ['a1'], avoid: null }, random)).toBe('a2');
      expect(loads.leastLoaded({ zone: 'zone-a', taken: [], avoid: 'a2' }, random)).toBe('a1');
      expect(loads.leastLoaded({ zone: 'zone-a', taken: ['a1'], avoid: 'a2' }, random)).toBe('a2');
      expect(loads.leastLoaded({ zone: 'zone-a', taken: ['a1', 'a2'], avoid: null }, random)).toBeNull();
    }
    expect(loads.leastLoaded({ zone: 'zone-b', taken: [], avoid: null }, random)).toBeNull();
    loads.shift('a1', 1);
    expect(loads.leastLoaded({ zone: null, taken: ['x'], avoid: null }, random)).toBe('a2');
    loads.setNode('a2', false, 'zone-a');
    expect(loads.leastLoaded({ zone: 'zone-a', taken: [], avoid: null }, random)).toBe('a1');
    expect(loads.view().sets).toEqual({
      [ANY_ZONE]: { least: 0, byLoad: { 0: ['x'], 1: ['a1'] } },
      'zone-a': { least: 1, byLoad: { 1: ['a1'] } },
    });
  });
});

describe('redelivery and tombstones', () => {
  it('folds a log delivered twice over (each commit again, and earlier ones late) as if delivered once', () => {
    const sim = randomRun(11, 120, () => undefined);
    const twice = new SchedulingSimulation();
    sim.log.forEach((e, i) => {
      twice.model.apply(e, i + 1);
      twice.model.apply(e, i + 1);
      if (i > 10) twice.model.apply(sim.log[i - 10], i - 9);
    });
    expect(twice.model.loadIndex()).toEqual(sim.model.loadIndex());
    expect([...twice.model.instances.keys()].sort()).toEqual([...sim.model.instances.keys()].sort());
    expect(twice.model.tombstones).toBe(0);
  });

  it('keeps no tombstone for instances deleted after their source, and one only while a source outlives its instance', () => {
    const h = harness();
    h.nodes('n1', 'n2');
    h.sim.record('vip', 'vip-1', [vipCreated('vip-1')]);
    h.sim.record('vip', 'vip-2', [vipCreated('vip-2')]);
    h.settle();
    h.sim.record('vip', 'vip-1', [{ type: 'VipDeleted', version: 1, data: { vipId: 'vip-1' } }]);
    h.settle();
    for (const p of h.live('si-vip-1').placements)
      h.sim.execute([
        {
          aggregate: 'serviceinstance',
          id: 'si-vip-1',
          command: { type: 'ReleasePlacement', data: { instanceId: 'si-vip-1', vmId: p.vmId } },
        },
      ]);
    expect(h.sim.instanceState('si-vip-1').kind).toBe('deleted');
    expect(h.sim.model.tombstones).toBe(0);
    // An instance deleted under a live VIP (no writer does this): its stream refuses a second creation, so none is planned.
    h.sim.record('serviceinstance', 'si-vip-2', [{ type: 'ServiceInstanceDeleted', version: 1, data: { instanceId: 'si-vip-2' } }]);
    h.sim.record('vip', 'vip-2', [
      { type: 'VipPoolChanged', version: 1, data: { vipId: 'vip-2', poolId: 'p2', previousPoolId: 'pool-vip-2' } },
    ]);
    expect(h.sim.model.plan(h.ctx())).toEqual([]);
    expect(h.sim.model.tombstones).toBe(1);
    h.sim.record('vip', 'vip-2', [{ type: 'VipDeleted', version: 1, data: { vipId: 'vip-2' } }]);
    expect(h.sim.model.tombstones).toBe(0);
  });
});
