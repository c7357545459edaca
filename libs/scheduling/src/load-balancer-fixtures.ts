import { type LoadBalancerConfig, type LoadBalancerEvent, loadBalancerWithDefaults, type ServiceInstanceState } from '@lbaas/domain';
import type { PlanningContext } from './scheduling-model';
import { seededRandom } from './seeded-random';
import { SchedulingSimulation } from './simulation';

export const AT = '2026-11-25T10:00:00.000Z';
const config = (id: string): LoadBalancerConfig =>
  loadBalancerWithDefaults({
    id,
    projectId: 'project-a',
    name: id,
    vip: { address: '198.18.7.10', subnetId: 'subnet', networkId: 'network', portId: `port-${id}`, qosPolicyId: null },
  });

/** The scheduler over an in-memory log, with load balancers and what the renderer and the agents would append, for the scheduling specs. */
export function harness(sim = new SchedulingSimulation()) {
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
    version: 2,
    data: { loadBalancer: config(id), placement: { topology: 'ACTIVE_STANDBY', computeZone: null }, at: AT },
  });
  const failover = (id: string): string =>
    lb(id, { type: 'LoadBalancerFailoverRequested', version: 1, data: { loadBalancerId: id, at: AT } });
  const live = (id: string) => {
    const s = sim.instanceState(id);
    if (s.kind !== 'live') throw new Error(`${id} is ${s.kind}`);
    return s;
  };
  const failedOver = () => sim.log.filter((e) => e.type === 'InstanceFailedOver');
  const swapped = () => sim.log.filter((e) => e.type === 'InstanceRolesSwapped');
  /** The config renderer's part: files for every placement as it stands (their hash names vm, role and priority). */
  const render = (instanceId: string): void => {
    const placements = live(instanceId).placements.map((p) => ({
      vmId: p.vmId,
      haproxyHash: 'h',
      keepalivedHash: `${p.vmId}/${p.role}/${p.priority}`,
    }));
    sim.execute([
      {
        aggregate: 'serviceinstance',
        id: instanceId,
        command: { type: 'RecordConfigRendered', data: { instanceId, placements, sourceRevision: 2 } },
      },
    ]);
  };
  /** The new active's agent: it holds the VIP running the files rendered for it. */
  const holdVip = (instanceId: string): number => {
    const active = live(instanceId).placements.find((p) => p.role === 'active');
    const rendered = live(instanceId).rendered.find((r) => r.vmId === active?.vmId);
    if (!active || !rendered) throw new Error(`${instanceId} has no rendered active`);
    const data = {
      instanceId,
      vmId: active.vmId,
      nodeId: active.nodeId,
      keepalivedHash: rendered.keepalivedHash,
      at: new Date(clock).toISOString(),
    };
    return sim.execute([{ aggregate: 'serviceinstance', id: instanceId, command: { type: 'RecordVipHeld', data } }]);
  };
  // The load balancer's stream records an error as LoadBalancerErrored, as its decider would.
  sim.answerLoadBalancer = (id, command) =>
    command.type === 'RecordLoadBalancerError'
      ? [{ type: 'LoadBalancerErrored', version: 1, data: { loadBalancerId: id, reason: command.data.reason, at: command.data.at } }]
      : [];
  return { sim, ctx, nodes, lose, lb, created, failover, live, failedOver, swapped, render, holdVip, settle: () => sim.settle(ctx) };
}

export const nodesOf = (s: Extract<ServiceInstanceState, { kind: 'live' }>) => s.placements.map((p) => p.nodeId);
