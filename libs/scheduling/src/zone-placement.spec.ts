import type { LoadBalancerConfig, LoadBalancerEvent, PlacementPolicy, ServiceInstanceState } from '@lbaas/domain';
import { planNodeLiveness } from './node-liveness';
import { NO_LIVE_NODE, noLiveNodeInZone, type PlanningContext } from './scheduling-model';
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
  const random = seededRandom(5);
  let vm = 0;
  let clock = Date.parse(AT);
  const ctx = (): PlanningContext => ({
    random,
    newVmId: () => `vm-${++vm}`,
    instanceIdFor: (vipId) => `si-${vipId}`,
    instanceIdForLoadBalancer: (id) => `si-lb-${id}`,
    now: new Date((clock += 1000)),
  });
  const node = (id: string, zone: string | null) =>
    sim.record('node', id, [
      { type: 'NodeRegistered', version: 1, data: { nodeId: id } },
      { type: 'NodeZoneDeclared', version: 1, data: { nodeId: id, zone } },
    ]);
  const lose = (id: string) => sim.record('node', id, [{ type: 'NodeLost', version: 1, data: { nodeId: id, silenceMs: 3000 } }]);
  const lb = (id: string, placement: PlacementPolicy) => {
    const created: LoadBalancerEvent = { type: 'LoadBalancerCreated', version: 2, data: { loadBalancer: config(id), placement, at: AT } };
    sim.record('loadbalancer', id, [created]);
  };
  const live = (id: string): Extract<ServiceInstanceState, { kind: 'live' }> => {
    const s = sim.instanceState(id);
    if (s.kind !== 'live') throw new Error(`${id} is ${s.kind}`);
    return s;
  };
  const errors: string[] = [];
  sim.answerLoadBalancer = (id, command) => {
    if (command.type !== 'RecordLoadBalancerError') return [];
    errors.push(command.data.reason);
    return [{ type: 'LoadBalancerErrored', version: 1, data: { loadBalancerId: id, reason: command.data.reason, at: command.data.at } }];
  };
  return { sim, node, lose, lb, live, errors, settle: () => sim.settle(ctx) };
}

const nodesOf = (s: Extract<ServiceInstanceState, { kind: 'live' }>) => s.placements.map((p) => p.nodeId).sort();

describe('placement by topology and compute zone', () => {
  it('places a SINGLE load balancer once, and again elsewhere when its node is lost', () => {
    const h = harness();
    ['n1', 'n2', 'n3'].forEach((n) => h.node(n, null));
    h.lb('lb-1', { topology: 'SINGLE', computeZone: null });
    h.settle();
    const [only] = h.live('si-lb-lb-1').placements;
    expect(h.live('si-lb-lb-1').placements).toHaveLength(1);
    expect(only.role).toBe('active');
    h.lose(only.nodeId);
    h.settle();
    expect(h.live('si-lb-lb-1').placements).toHaveLength(1);
    expect(h.live('si-lb-lb-1').placements[0].nodeId).not.toBe(only.nodeId);
  });

  it("places a load balancer in a zone on that zone's nodes only, the pair when the zone has two", () => {
    const h = harness();
    h.node('a1', 'zone-a');
    h.node('a2', 'zone-a');
    ['b1', 'b2', 'b3', 'x1'].forEach((n) => h.node(n, n === 'x1' ? null : 'zone-b'));
    for (let i = 0; i < 5; i++) h.lb(`lb-${i}`, { topology: 'ACTIVE_STANDBY', computeZone: 'zone-a' });
    h.settle();
    for (let i = 0; i < 5; i++) expect(nodesOf(h.live(`si-lb-lb-${i}`))).toEqual(['a1', 'a2']);
  });

  it('runs on the one node a zone has, without a standby from another zone', () => {
    const h = harness();
    h.node('a1', 'zone-a');
    h.node('b1', 'zone-b');
    h.lb('lb-1', { topology: 'ACTIVE_STANDBY', computeZone: 'zone-a' });
    h.settle();
    expect(nodesOf(h.live('si-lb-lb-1'))).toEqual(['a1']);
  });

  it("goes ERROR with the reason when its zone's only nodes die, and does not move to another zone", () => {
    const h = harness();
    h.node('a1', 'zone-a');
    h.node('a2', 'zone-a');
    h.node('b1', 'zone-b');
    h.node('b2', 'zone-b');
    h.lb('lb-1', { topology: 'ACTIVE_STANDBY', computeZone: 'zone-a' });
    h.settle();
    h.lose('a1');
    h.lose('a2');
    h.settle();
    const si = h.live('si-lb-lb-1');
    expect(si.placements).toEqual([]);
    expect(si.unplaceableReason).toBe(noLiveNodeInZone('zone-a'));
    expect(h.errors).toEqual([noLiveNodeInZone('zone-a')]);
  });

  it('is placed once a node of its zone appears, and a load balancer in no zone may use any node', () => {
    const h = harness();
    h.node('b1', 'zone-b');
    h.lb('lb-z', { topology: 'SINGLE', computeZone: 'zone-a' });
    h.lb('lb-any', { topology: 'SINGLE', computeZone: null });
    h.settle();
    expect(h.live('si-lb-lb-z').placements).toEqual([]);
    expect(nodesOf(h.live('si-lb-lb-any'))).toEqual(['b1']);
    h.node('a1', 'zone-a');
    h.settle();
    expect(nodesOf(h.live('si-lb-lb-z'))).toEqual(['a1']);
  });

  it('says no live node at all for a load balancer in no zone', () => {
    const h = harness();
    h.lb('lb-1', { topology: 'ACTIVE_STANDBY', computeZone: null });
    h.settle();
    expect(h.errors).toEqual([NO_LIVE_NODE]);
  });
});

describe('planNodeLiveness and zones', () => {
  const node = (id: string, zone: string | null) => [id, { kind: 'live' as const, id, alive: true, lostSilenceMs: null, zone }] as const;
  const base = { watchingSince: 0, now: 10_000, silenceMs: 3000 };

  it('registers a new node with the zone its heartbeat declares', () =>
    expect(
      planNodeLiveness({ ...base, nodes: new Map(), lastHeartbeat: new Map([['n1', 9000]]), zones: new Map([['n1', 'zone-a']]) }),
    ).toEqual([{ aggregate: 'node', id: 'n1', command: { type: 'RecordHeartbeat', data: { nodeId: 'n1', zone: 'zone-a' } } }]));

  it("records a live node's new zone, and nothing for one whose zone the log has", () => {
    const nodes = new Map([node('n1', 'zone-a'), node('n2', 'zone-a')]);
    const lastHeartbeat = new Map([
      ['n1', 9000],
      ['n2', 9000],
    ]);
    const zones = new Map([
      ['n1', 'zone-b'],
      ['n2', 'zone-a'],
    ]);
    expect(planNodeLiveness({ ...base, nodes, lastHeartbeat, zones })).toEqual([
      { aggregate: 'node', id: 'n1', command: { type: 'RecordHeartbeat', data: { nodeId: 'n1', zone: 'zone-b' } } },
    ]);
  });
});
