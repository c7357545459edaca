import {
  DEFAULT_PLACEMENT,
  type EventEnvelope,
  fold,
  type InstanceSource,
  type LoadBalancerCommand,
  type NodeCommand,
  nodeDecider,
  type NodeState,
  type PlacementPolicy,
  type ServiceInstanceCommand,
  serviceInstanceDecider,
  type ServiceInstanceState,
  vipDecider,
  type VipState,
} from '@lbaas/domain';
import { AddressPool, type VrrpAddresses } from './address-pool';
import { type FailoverRequest, failoverReason, failoverRequestFor, LoadBalancerSources } from './load-balancer-sources';
import { LogPosition } from './log-position';
import { NodeLoads, type NodeLoadsView } from './node-loads';
import { RouterIds } from './router-ids';

type LiveInstance = Extract<ServiceInstanceState, { kind: 'live' }>;
type LiveVip = Extract<VipState, { kind: 'live' }>;

export type PlannedCommand =
  | { readonly aggregate: 'serviceinstance'; readonly id: string; readonly command: ServiceInstanceCommand }
  | { readonly aggregate: 'node'; readonly id: string; readonly command: NodeCommand }
  | { readonly aggregate: 'loadbalancer'; readonly id: string; readonly command: LoadBalancerCommand };

export interface PlanningContext {
  /** Uniform in [0, 1): picks among equally loaded nodes. */
  readonly random: () => number;
  readonly newVmId: () => string;
  /** The instance of a VIP; derived from the VIP's id so that two schedulers name it alike. */
  readonly instanceIdFor: (vipId: string) => string;
  /** The instance of a load balancer, derived from its id likewise. */
  readonly instanceIdForLoadBalancer: (loadBalancerId: string) => string;
  readonly now: Date;
}

export const NO_LIVE_NODE = 'no live compute node to place the instance on';
/** Why an operator's failover releases the old active, once the new one holds the VIP. */
export const RETIRED_AFTER_FAILOVER = "retired after an operator's failover";
/** A load balancer in an availability zone goes only to that zone's nodes, never elsewhere. */
export const noLiveNodeInZone = (zone: string): string => `no live compute node in compute zone '${zone}' to place the instance on`;
/** Every address of the VRRP range is a placement's: more nodes would not help, a larger range would. */
export const noFreeVrrpAddress = (cidr: string): string =>
  `no free VRRP address in ${cidr} (LBAAS_VRRP_CIDR) to place the instance with: every address is a placement's`;

/**
 * The scheduler's view of the log: VIPs, load balancers, service instances and compute nodes
 * (VIPs, instances and nodes folded with the domain's own evolve), plus the indexes placement needs (load per node, instances per node,
 * router ids and VRRP addresses in use). `apply` marks what an event affects; `plan` decides
 * only for those, so a steady log costs nothing and a node loss costs its instances.
 */
export class SchedulingModel {
  readonly vips = new Map<string, LiveVip>();
  readonly loadBalancers = new LoadBalancerSources();
  readonly instances = new Map<string, LiveInstance>();
  readonly nodes = new Map<string, Extract<NodeState, { kind: 'live' }>>();
  private readonly loads = new NodeLoads();
  private readonly onNode = new Map<string, Set<string>>();
  private readonly routerIds = new RouterIds();
  private readonly position = new LogPosition();
  /** Sources (`vip/<id>`, `loadbalancer/<id>`) still in the model whose instance is deleted (its stream refuses a second creation); pruned when the source leaves. */
  private readonly deletedWithSource = new Set<string>();
  private readonly dirtyVips = new Set<string>();
  private readonly dirtyLoadBalancers = new Set<string>();
  /** Load balancer id -> its instance's id, once the instance is in the log. */
  private readonly instanceOfLoadBalancer = new Map<string, string>();
  /** Operators' failover requests by instance, until the active they asked to move has moved (or cannot). */
  private readonly failovers = new Map<string, FailoverRequest[]>();
  private readonly dirtyInstances = new Set<string>();
  /** Instances with fewer than two placements: a node that comes back may protect them. */
  private readonly unprotected = new Set<string>();
  /** Instances whose handover is served and whose old active drains: looked at on every plan until it is retired. */
  private readonly draining = new Set<string>();

  /**
   * `handoverDrainMs`: how long the old active of an operator's failover stays after the new one
   * holds the VIP, so the connections it took before finish (the new active hands their packets
   * to it, its peer, until it goes).
   */
  constructor(
    private readonly vrrpCidr: string,
    private readonly handoverDrainMs = 0,
    private readonly addresses: VrrpAddresses = new AddressPool(vrrpCidr),
  ) {}

  /**
   * Folds an event. With its stream sequence, a redelivered event (an earlier commit, or one of
   * the latest commit's events again) is recognised and passed over, so seeing it twice converges.
   */
  apply(event: EventEnvelope, seq?: number): void {
    if (seq !== undefined && !this.position.first(seq, event.id)) return;
    switch (event.aggregate) {
      case 'vip':
        return this.applyVip(event.aggregateId, event);
      case 'serviceinstance':
        return this.applyInstance(event.aggregateId, event);
      case 'node':
        return this.applyNode(event.aggregateId, event);
      case 'loadbalancer':
        return this.applyLoadBalancer(event);
      default:
        return undefined;
    }
  }

  /** Marks a planned command's subject again after its execution failed, so the next plan retries it. */
  retry(planned: PlannedCommand): void {
    if (planned.aggregate === 'loadbalancer') {
      const instanceId = this.instanceOfLoadBalancer.get(planned.id);
      if (instanceId !== undefined) this.dirtyInstances.add(instanceId);
      return;
    }
    if (planned.aggregate !== 'serviceinstance') return;
    this.dirtyInstances.add(planned.id);
    if (planned.command.type !== 'CreateServiceInstance') return;
    const { source } = planned.command.data;
    if (source.kind === 'vip') this.dirtyVips.add(source.vipId);
    else this.dirtyLoadBalancers.add(source.loadBalancerId);
  }

  get pendingWork(): boolean {
    return this.dirtyVips.size > 0 || this.dirtyLoadBalancers.size > 0 || this.dirtyInstances.size > 0 || this.draining.size > 0;
  }

  liveNodes(): string[] {
    return [...this.nodes.values()].filter((n) => n.alive).map((n) => n.id);
  }

  loadOf(nodeId: string): number {
    return this.loads.loadOf(nodeId);
  }

  /** Deleted instances remembered, for the scheduler's memory bound: only those whose source is still in the model. */
  get tombstones(): number {
    return this.deletedWithSource.size;
  }

  /** The load index as its structure holds it, for checking it against a recomputation. */
  loadIndex(): NodeLoadsView {
    return this.loads.view();
  }

  private applyVip(id: string, event: EventEnvelope): void {
    const after = fold(vipDecider, [event], this.vips.get(id));
    if (after.kind === 'live') this.vips.set(id, after);
    else if (this.vips.delete(id)) this.deletedWithSource.delete(`vip/${id}`);
    this.dirtyVips.add(id);
  }

  /** The live instance that serves a load balancer, if the log has one. */
  instanceOf(loadBalancerId: string): LiveInstance | undefined {
    const id = this.instanceOfLoadBalancer.get(loadBalancerId);
    return id === undefined ? undefined : this.instances.get(id);
  }

  private applyLoadBalancer(event: EventEnvelope): void {
    const touch = this.loadBalancers.apply(event);
    if (touch.kind === 'source') {
      this.dirtyLoadBalancers.add(touch.loadBalancerId);
      if (!this.loadBalancers.all.has(touch.loadBalancerId)) this.deletedWithSource.delete(`loadbalancer/${touch.loadBalancerId}`);
    }
    if (touch.kind !== 'failover') return;
    const si = this.instanceOf(touch.loadBalancerId);
    const request = failoverRequestFor(touch, si);
    if (!si || !request) return;
    this.failovers.set(si.id, [...(this.failovers.get(si.id) ?? []), request]);
    this.dirtyInstances.add(si.id);
  }

  private applyInstance(id: string, event: EventEnvelope): void {
    const before = this.instances.get(id);
    const after = fold(serviceInstanceDecider, [event], before);
    // Most events (renderings, agents' reports) leave the placements, router id and deletion as they were: nothing to re-index.
    const reindex = !before || after.kind !== 'live' || !sameIndexed(before, after);
    if (before && reindex) this.unindex(before);
    if (after.kind === 'live') {
      this.instances.set(id, after);
      if (reindex) this.index(after);
      if (after.source.kind === 'loadbalancer') this.instanceOfLoadBalancer.set(after.source.loadBalancerId, id);
    } else {
      this.instances.delete(id);
      this.failovers.delete(id);
      if (before?.source.kind === 'loadbalancer') this.instanceOfLoadBalancer.delete(before.source.loadBalancerId);
      if (after.kind === 'deleted' && before && this.hasSource(before.source)) this.deletedWithSource.add(sourceKey(before.source));
    }
    this.dirtyInstances.add(id);
  }

  private applyNode(id: string, event: EventEnvelope): void {
    const before = this.nodes.get(id);
    const after = fold(nodeDecider, [event], before);
    if (after.kind !== 'live') return;
    this.nodes.set(after.id, after);
    this.loads.setNode(after.id, after.alive, after.zone);
    if (before?.alive === after.alive && before?.zone === after.zone) return;
    const affected = after.alive ? this.unprotected : (this.onNode.get(after.id) ?? new Set<string>());
    for (const id of affected) this.dirtyInstances.add(id);
  }

  private index(si: LiveInstance): void {
    this.routerIds.hold(si.virtualRouterId);
    for (const p of si.placements) {
      this.loads.shift(p.nodeId, 1);
      let set = this.onNode.get(p.nodeId);
      if (!set) this.onNode.set(p.nodeId, (set = new Set()));
      set.add(si.id);
      this.addresses.hold(p.vrrpAddress);
    }
    if (!si.deleting && si.placements.length < 2) this.unprotected.add(si.id);
  }

  private unindex(si: LiveInstance): void {
    this.routerIds.release(si.virtualRouterId);
    for (const p of si.placements) {
      this.loads.shift(p.nodeId, -1);
      this.onNode.get(p.nodeId)?.delete(si.id);
      this.addresses.free(p.vrrpAddress);
    }
    this.unprotected.delete(si.id);
  }

  /**
   * What to append for everything marked since the last plan. The commands are decided again
   * against the log when they are executed, so a plan made on a stale view costs a retry, never
   * a wrong placement.
   */
  plan(ctx: PlanningContext): PlannedCommand[] {
    // Placements planned in this round count on their nodes until the plan is made; the log's own count takes over once they are folded.
    const planned: string[] = [];
    try {
      return this.planMarked(ctx, planned);
    } finally {
      for (const nodeId of planned) this.loads.shift(nodeId, -1);
    }
  }

  private planMarked(ctx: PlanningContext, planned: string[]): PlannedCommand[] {
    const commands: PlannedCommand[] = [];
    const at = ctx.now.toISOString();

    const instanceIds = new Set([...this.dirtyInstances, ...this.draining]);
    this.dirtyInstances.clear();
    this.draining.clear();
    const fresh = new Map<string, LiveInstance>();
    const create = (instanceId: string, tenantId: string, source: InstanceSource): void => {
      instanceIds.add(instanceId);
      if (this.instances.has(instanceId) || this.deletedWithSource.has(sourceKey(source))) return;
      const command: ServiceInstanceCommand = {
        type: 'CreateServiceInstance',
        data: { instanceId, tenantId, source, createTs: ctx.now.getTime() * 1000, virtualRouterId: this.routerIds.leastUsed() },
      };
      const state = simulate(serviceInstanceDecider.initialState, command);
      if (state.kind !== 'live') return;
      this.routerIds.hold(state.virtualRouterId);
      commands.push({ aggregate: 'serviceinstance', id: instanceId, command });
      fresh.set(instanceId, state);
    };

    for (const vipId of this.dirtyVips) {
      const vip = this.vips.get(vipId);
      const instanceId = ctx.instanceIdFor(vipId);
      if (vip) create(instanceId, vip.tenantId, { kind: 'vip', vipId, poolId: vip.poolId });
      else instanceIds.add(instanceId);
    }
    this.dirtyVips.clear();
    for (const loadBalancerId of this.dirtyLoadBalancers) {
      const lb = this.loadBalancers.all.get(loadBalancerId);
      const instanceId = ctx.instanceIdForLoadBalancer(loadBalancerId);
      if (lb) create(instanceId, lb.projectId, { kind: 'loadbalancer', loadBalancerId, vipAddress: lb.vipAddress });
      else instanceIds.add(instanceId);
    }
    this.dirtyLoadBalancers.clear();

    for (const instanceId of instanceIds) {
      let state: ServiceInstanceState | undefined = fresh.get(instanceId) ?? this.instances.get(instanceId);
      if (!state || state.kind !== 'live') continue;
      const push = (command: ServiceInstanceCommand): boolean => {
        const next = simulate(state as ServiceInstanceState, command);
        if (next === state) return false;
        commands.push({ aggregate: 'serviceinstance', id: instanceId, command });
        state = next;
        return true;
      };
      const source = state.source;
      if (source.kind === 'vip') {
        const vip = this.vips.get(source.vipId);
        if (!vip) push({ type: 'RequestInstanceDeletion', data: { instanceId } });
        else if (vip.poolId !== source.poolId) push({ type: 'ChangeInstancePool', data: { instanceId, poolId: vip.poolId } });
      } else if (!this.loadBalancers.all.has(source.loadBalancerId)) {
        push({ type: 'RequestInstanceDeletion', data: { instanceId } });
      }
      for (const p of [...(state.kind === 'live' ? state.placements : [])]) {
        if (this.nodes.get(p.nodeId)?.alive !== true) {
          push({ type: 'HandleNodeLost', data: { instanceId, nodeId: p.nodeId, reason: `compute node ${p.nodeId} was lost`, at } });
        }
      }
      this.planFailovers(instanceId, () => state, push);
      if (state.kind !== 'live' || state.deleting) continue;
      const servedAt = state.handover?.servedAt ?? null;
      if (state.handover && servedAt !== null) {
        if (ctx.now.getTime() >= Date.parse(servedAt) + this.handoverDrainMs)
          push({ type: 'RetirePlacement', data: { instanceId, vmId: state.handover.fromVmId, reason: RETIRED_AFTER_FAILOVER, at } });
        else this.draining.add(instanceId);
      }
      if (state.kind !== 'live') continue;
      // A new standby goes elsewhere than the placement a failover moved away from, while another node can take it.
      const last = state.history.at(-1);
      const avoid = last?.event === 'failed_over' || last?.event === 'retired' ? last.fromNode : null;
      const { topology, computeZone } = this.policyOf(state);
      let reason = computeZone === null ? NO_LIVE_NODE : noLiveNodeInZone(computeZone);
      while (state.kind === 'live' && state.placements.length < (topology === 'SINGLE' ? 1 : 2)) {
        const taken = state.placements.map((p) => p.nodeId);
        const nodeId = this.loads.leastLoaded({ zone: computeZone, taken, avoid }, ctx.random);
        if (nodeId === null) break;
        const vrrpAddress = this.addresses.take();
        if (vrrpAddress === null) {
          reason = noFreeVrrpAddress(this.vrrpCidr);
          break;
        }
        push({ type: 'PlaceInstance', data: { instanceId, vmId: ctx.newVmId(), nodeId, vrrpAddress, at } });
        this.loads.shift(nodeId, 1);
        planned.push(nodeId);
      }
      if (state.kind === 'live' && state.placements.length === 0) push({ type: 'MarkUnplaceable', data: { instanceId, reason } });
      if (state.kind === 'live') commands.push(...this.unplaceableReport(state, at));
    }
    return commands;
  }

  private hasSource(source: InstanceSource): boolean {
    return source.kind === 'vip' ? this.vips.has(source.vipId) : this.loadBalancers.all.has(source.loadBalancerId);
  }

  /** A load balancer's flavor and zone as its creation resolved them; a VIP's instance is the pair, anywhere. */
  private policyOf(si: LiveInstance): PlacementPolicy {
    return si.source.kind === 'loadbalancer'
      ? (this.loadBalancers.all.get(si.source.loadBalancerId)?.placement ?? DEFAULT_PLACEMENT)
      : DEFAULT_PLACEMENT;
  }

  /**
   * FailOverInstance (the roles' swap) for each operator's request whose active has not moved yet;
   * a request whose active has moved (its swap was appended, or a node loss moved it), that has no
   * standby to move to, or that came during another handover (which moves the VIP already) is done.
   */
  private planFailovers(
    instanceId: string,
    current: () => ServiceInstanceState | undefined,
    push: (command: ServiceInstanceCommand) => boolean,
  ): void {
    const requests = this.failovers.get(instanceId) ?? [];
    const open = requests.filter((r) => {
      const si = current();
      const active = si?.kind === 'live' ? si.placements.find((p) => p.role === 'active') : undefined;
      if (si?.kind !== 'live' || si.deleting || active?.vmId !== r.fromVmId) return false;
      return push({ type: 'FailOverInstance', data: { instanceId, reason: failoverReason(r.requestId), at: r.at } });
    });
    if (open.length > 0) this.failovers.set(instanceId, open);
    else this.failovers.delete(instanceId);
  }

  /** A load balancer's instance that no node can take says so on the load balancer (once per reason), as its status would otherwise wait for the deadline. */
  private unplaceableReport(si: LiveInstance, at: string): PlannedCommand[] {
    if (si.source.kind !== 'loadbalancer' || si.deleting || si.placements.length > 0 || si.unplaceableReason === null) return [];
    const { loadBalancerId } = si.source;
    const lb = this.loadBalancers.all.get(loadBalancerId);
    if (!lb || lb.errorReason === si.unplaceableReason) return [];
    return [
      {
        aggregate: 'loadbalancer',
        id: loadBalancerId,
        command: { type: 'RecordLoadBalancerError', data: { loadBalancerId, reason: si.unplaceableReason, at } },
      },
    ];
  }
}

const sameIndexed = (a: LiveInstance, b: LiveInstance): boolean =>
  a.placements === b.placements && a.virtualRouterId === b.virtualRouterId && a.deleting === b.deleting;

const sourceKey = (source: InstanceSource): string =>
  source.kind === 'vip' ? `vip/${source.vipId}` : `loadbalancer/${source.loadBalancerId}`;

function simulate(state: ServiceInstanceState, command: ServiceInstanceCommand): ServiceInstanceState {
  try {
    const events = serviceInstanceDecider.decide(command, state);
    return events.length === 0 ? state : events.reduce(serviceInstanceDecider.evolve, state);
  } catch {
    return state;
  }
}

export type { NodeCommand };
