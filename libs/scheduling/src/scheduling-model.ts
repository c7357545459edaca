import {
  type EventEnvelope,
  fold,
  type NodeCommand,
  nodeDecider,
  type NodeState,
  type ServiceInstanceCommand,
  serviceInstanceDecider,
  type ServiceInstanceState,
  vipDecider,
  type VipState,
} from '@lbaas/domain';
import { AddressPool } from './address-pool';

type LiveInstance = Extract<ServiceInstanceState, { kind: 'live' }>;
type LiveVip = Extract<VipState, { kind: 'live' }>;

export type PlannedCommand =
  | { readonly aggregate: 'serviceinstance'; readonly id: string; readonly command: ServiceInstanceCommand }
  | { readonly aggregate: 'node'; readonly id: string; readonly command: NodeCommand };

export interface PlanningContext {
  /** Uniform in [0, 1): picks among equally loaded nodes. */
  readonly random: () => number;
  readonly newVmId: () => string;
  /** The instance of a VIP; derived from the VIP's id so that two schedulers name it alike. */
  readonly instanceIdFor: (vipId: string) => string;
  readonly now: Date;
}

/** VRRP router ids are one byte: 1..255 on one fabric. */
const VRID_COUNT = 255;
export const NO_LIVE_NODE = 'no live compute node to place the instance on';

/**
 * The scheduler's view of the log: VIPs, service instances and compute nodes, folded with the
 * domain's own evolve, plus the indexes placement needs (load per node, instances per node,
 * router ids and VRRP addresses in use). `apply` marks what an event affects; `plan` decides
 * only for those, so a steady log costs nothing and a node loss costs its instances.
 */
export class SchedulingModel {
  readonly vips = new Map<string, LiveVip>();
  readonly instances = new Map<string, LiveInstance>();
  readonly nodes = new Map<string, Extract<NodeState, { kind: 'live' }>>();
  private readonly load = new Map<string, number>();
  private readonly onNode = new Map<string, Set<string>>();
  private readonly vridUse = new Array<number>(VRID_COUNT + 1).fill(0);
  private readonly addresses: AddressPool;
  private readonly deletedInstances = new Set<string>();
  private readonly dirtyVips = new Set<string>();
  private readonly dirtyInstances = new Set<string>();
  /** Instances with fewer than two placements: a node that comes back may protect them. */
  private readonly unprotected = new Set<string>();

  constructor(vrrpCidr: string) {
    this.addresses = new AddressPool(vrrpCidr);
  }

  apply(event: EventEnvelope): void {
    switch (event.aggregate) {
      case 'vip':
        return this.applyVip(event.aggregateId, event);
      case 'serviceinstance':
        return this.applyInstance(event.aggregateId, event);
      case 'node':
        return this.applyNode(event.aggregateId, event);
      default:
        return undefined;
    }
  }

  /** Marks a planned command's subject again after its execution failed, so the next plan retries it. */
  retry(planned: PlannedCommand): void {
    if (planned.aggregate !== 'serviceinstance') return;
    this.dirtyInstances.add(planned.id);
    if (planned.command.type === 'CreateServiceInstance' && planned.command.data.source.kind === 'vip')
      this.dirtyVips.add(planned.command.data.source.vipId);
  }

  get pendingWork(): boolean {
    return this.dirtyVips.size > 0 || this.dirtyInstances.size > 0;
  }

  liveNodes(): string[] {
    return [...this.nodes.values()].filter((n) => n.alive).map((n) => n.id);
  }

  loadOf(nodeId: string): number {
    return this.load.get(nodeId) ?? 0;
  }

  private applyVip(id: string, event: EventEnvelope): void {
    const after = fold(vipDecider, [event], this.vips.get(id));
    if (after.kind === 'live') this.vips.set(id, after);
    else this.vips.delete(id);
    this.dirtyVips.add(id);
  }

  private applyInstance(id: string, event: EventEnvelope): void {
    if (this.deletedInstances.has(id)) return;
    const before = this.instances.get(id);
    const after = fold(serviceInstanceDecider, [event], before);
    if (before) this.unindex(before);
    if (after.kind === 'live') {
      this.instances.set(id, after);
      this.index(after);
    } else {
      this.instances.delete(id);
      if (after.kind === 'deleted') this.deletedInstances.add(id);
    }
    this.dirtyInstances.add(id);
  }

  private applyNode(id: string, event: EventEnvelope): void {
    const before = this.nodes.get(id);
    const after = fold(nodeDecider, [event], before);
    if (after.kind !== 'live') return;
    this.nodes.set(after.id, after);
    if (before?.alive === after.alive) return;
    const affected = after.alive ? this.unprotected : (this.onNode.get(after.id) ?? new Set<string>());
    for (const id of affected) this.dirtyInstances.add(id);
  }

  private index(si: LiveInstance): void {
    this.vridUse[si.virtualRouterId] = (this.vridUse[si.virtualRouterId] ?? 0) + 1;
    for (const p of si.placements) {
      this.load.set(p.nodeId, this.loadOf(p.nodeId) + 1);
      let set = this.onNode.get(p.nodeId);
      if (!set) this.onNode.set(p.nodeId, (set = new Set()));
      set.add(si.id);
      this.addresses.hold(p.vrrpAddress);
    }
    if (!si.deleting && si.placements.length < 2) this.unprotected.add(si.id);
  }

  private unindex(si: LiveInstance): void {
    this.vridUse[si.virtualRouterId] = Math.max(0, (this.vridUse[si.virtualRouterId] ?? 0) - 1);
    for (const p of si.placements) {
      this.load.set(p.nodeId, Math.max(0, this.loadOf(p.nodeId) - 1));
      this.onNode.get(p.nodeId)?.delete(si.id);
      this.addresses.free(p.vrrpAddress);
    }
    this.unprotected.delete(si.id);
  }

  /** The least used router id; unique while fewer than 255 instances share the fabric (unicast VRRP keeps the rest apart). */
  private takeVrid(): number {
    let best = 1;
    for (let vrid = 1; vrid <= VRID_COUNT; vrid++) {
      if (this.vridUse[vrid] === 0) return vrid;
      if (this.vridUse[vrid] < this.vridUse[best]) best = vrid;
    }
    return best;
  }

  /**
   * What to append for everything marked since the last plan. The commands are decided again
   * against the log when they are executed, so a plan made on a stale view costs a retry, never
   * a wrong placement.
   */
  plan(ctx: PlanningContext): PlannedCommand[] {
    const commands: PlannedCommand[] = [];
    const plannedLoad = new Map<string, number>();
    const loadOf = (nodeId: string) => this.loadOf(nodeId) + (plannedLoad.get(nodeId) ?? 0);
    const live = this.liveNodes();
    const at = ctx.now.toISOString();

    const vipIds = [...this.dirtyVips];
    this.dirtyVips.clear();
    const instanceIds = new Set(this.dirtyInstances);
    this.dirtyInstances.clear();
    const fresh = new Map<string, LiveInstance>();

    for (const vipId of vipIds) {
      const instanceId = ctx.instanceIdFor(vipId);
      const vip = this.vips.get(vipId);
      const si = this.instances.get(instanceId);
      instanceIds.add(instanceId);
      if (!vip || si || this.deletedInstances.has(instanceId)) continue;
      const create: ServiceInstanceCommand = {
        type: 'CreateServiceInstance',
        data: {
          instanceId,
          tenantId: vip.tenantId,
          source: { kind: 'vip', vipId, poolId: vip.poolId },
          createTs: ctx.now.getTime() * 1000,
          virtualRouterId: this.takeVrid(),
        },
      };
      const state = simulate(serviceInstanceDecider.initialState, create);
      if (state.kind !== 'live') continue;
      this.vridUse[state.virtualRouterId]++;
      commands.push({ aggregate: 'serviceinstance', id: instanceId, command: create });
      fresh.set(instanceId, state);
    }

    for (const instanceId of instanceIds) {
      let state: ServiceInstanceState | undefined = fresh.get(instanceId) ?? this.instances.get(instanceId);
      if (!state || state.kind !== 'live') continue;
      const push = (command: ServiceInstanceCommand): void => {
        const next = simulate(state as ServiceInstanceState, command);
        if (next === state) return;
        commands.push({ aggregate: 'serviceinstance', id: instanceId, command });
        state = next;
      };
      const source = state.source;
      if (source.kind === 'vip') {
        const vip = this.vips.get(source.vipId);
        if (!vip) push({ type: 'RequestInstanceDeletion', data: { instanceId } });
        else if (vip.poolId !== source.poolId) push({ type: 'ChangeInstancePool', data: { instanceId, poolId: vip.poolId } });
      }
      for (const p of [...(state.kind === 'live' ? state.placements : [])]) {
        if (this.nodes.get(p.nodeId)?.alive !== true) {
          push({ type: 'HandleNodeLost', data: { instanceId, nodeId: p.nodeId, reason: `compute node ${p.nodeId} was lost`, at } });
        }
      }
      if (state.kind !== 'live' || state.deleting) continue;
      while (state.kind === 'live' && state.placements.length < 2) {
        const taken = new Set(state.placements.map((p) => p.nodeId));
        const nodeId = leastLoaded(
          live.filter((n) => !taken.has(n)),
          loadOf,
          ctx.random,
        );
        const vrrpAddress = nodeId === null ? null : this.addresses.take();
        if (nodeId === null || vrrpAddress === null) break;
        push({ type: 'PlaceInstance', data: { instanceId, vmId: ctx.newVmId(), nodeId, vrrpAddress, at } });
        plannedLoad.set(nodeId, (plannedLoad.get(nodeId) ?? 0) + 1);
      }
      if (state.kind === 'live' && state.placements.length === 0)
        push({ type: 'MarkUnplaceable', data: { instanceId, reason: NO_LIVE_NODE } });
    }
    return commands;
  }
}

function simulate(state: ServiceInstanceState, command: ServiceInstanceCommand): ServiceInstanceState {
  try {
    const events = serviceInstanceDecider.decide(command, state);
    return events.length === 0 ? state : events.reduce(serviceInstanceDecider.evolve, state);
  } catch {
    return state;
  }
}

/** Random among the least loaded candidates, so equal nodes share new instances evenly. */
export function leastLoaded(candidates: readonly string[], loadOf: (nodeId: string) => number, random: () => number): string | null {
  let best: string[] = [];
  let min = Infinity;
  for (const nodeId of candidates) {
    const load = loadOf(nodeId);
    if (load < min) {
      min = load;
      best = [nodeId];
    } else if (load === min) {
      best.push(nodeId);
    }
  }
  return best.length === 0 ? null : best[Math.floor(random() * best.length)];
}

export interface LivenessInput {
  readonly nodes: ReadonlyMap<string, Extract<NodeState, { kind: 'live' }>>;
  /** When this scheduler last received each node's heartbeat (its own clock). */
  readonly lastHeartbeat: ReadonlyMap<string, number>;
  /** Since when this scheduler has been watching: a node it has not heard from yet is silent since then. */
  readonly watchingSince: number;
  readonly now: number;
  readonly silenceMs: number;
}

/** Registers or recovers nodes that heartbeat, and declares lost the live ones silent for too long. */
export function planNodeLiveness(input: LivenessInput): PlannedCommand[] {
  const commands: PlannedCommand[] = [];
  for (const [nodeId, at] of input.lastHeartbeat) {
    const node = input.nodes.get(nodeId);
    if (input.now - at <= input.silenceMs && node?.alive !== true) {
      commands.push({ aggregate: 'node', id: nodeId, command: { type: 'RecordHeartbeat', data: { nodeId } } });
    }
  }
  for (const node of input.nodes.values()) {
    if (!node.alive) continue;
    const silence = input.now - (input.lastHeartbeat.get(node.id) ?? input.watchingSince);
    if (silence > input.silenceMs) {
      commands.push({
        aggregate: 'node',
        id: node.id,
        command: { type: 'DeclareNodeLost', data: { nodeId: node.id, silenceMs: Math.round(silence) } },
      });
    }
  }
  return commands;
}

export type { NodeCommand };
