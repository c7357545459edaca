import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type AggregateType, ConcurrencyConflict, type Decider, type DomainEvent, type EventEnvelope, NotFound, ValidationError,
  floatingIpDecider, type FloatingIpResource, type FloatingIpState, healthMonitorDecider, type HealthMonitorResource, type HealthMonitorState,
  healthMonitorView, memberViews, type MemberResource, networkDecider, type NetworkResource, type NetworkState, networkView, poolDecider,
  type PoolResource, type PoolState, poolView, portDecider, type PortState, subnetDecider, type SubnetResource, type SubnetState, subnetView,
  upcast, vipDecider, type VipResource, type VipState, vipView, floatingIpView, type Lifecycle,
} from '@lbaas/domain';
import type { EventStore } from '@lbaas/event-store';
import { type CommandEnvironment, systemCommandEnvironment } from './command-environment';
import { type Deleted, LbaasCommandService, type RequestContext, type ResourceLookup, type Written } from './command-service';
import type * as In from './inputs';
import { APPEND_OBSERVER, COMMAND_ENVIRONMENT, EVENT_STORE, RESOURCE_LOOKUP } from './tokens';

const ATTEMPTS = 3;
const KIND: Record<AggregateType, string> = {
  network: 'Network', subnet: 'Subnet', port: 'Port', floatingip: 'FloatingIP', pool: 'Pool', vip: 'Vip', healthmonitor: 'HealthMonitor',
};

type AnyEvent = DomainEvent<string, number, unknown>;

/** Told of every stored commit's sequence, including those of a request that fails. */
export interface AppendObserver {
  note(seq: number): void;
}
type Owned = Lifecycle<{ tenantId: string }>;

interface Outcome<S> {
  readonly state: S;
  /** Stream sequence of the commit, or the version read when nothing had to be appended. */
  readonly seq: number;
  readonly appended: boolean;
}

/** Tracks the highest sequence a request appended, for read-your-writes. */
class Progress {
  seq = 0;
  note<S>(outcome: Outcome<S>): Outcome<S> {
    if (outcome.appended) this.seq = Math.max(this.seq, outcome.seq);
    return outcome;
  }
}

/**
 * The api's write side: read an aggregate's stream, fold, decide, append with optimistic
 * concurrency (decide again on a conflict), and run the sagas that span aggregates, reserving
 * first where the invariant lives and compensating when a later step is rejected.
 */
@Injectable()
export class EventSourcedCommandService extends LbaasCommandService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(RESOURCE_LOOKUP) private readonly lookup: ResourceLookup,
    @Optional() @Inject(COMMAND_ENVIRONMENT) private readonly env: CommandEnvironment = systemCommandEnvironment,
    @Optional() @Inject(APPEND_OBSERVER) private readonly observer: AppendObserver | null = null,
  ) {
    super();
  }

  // ---- the core loop -------------------------------------------------------------------------

  private async load<S>(decider: Decider<unknown, S, AnyEvent>, id: string): Promise<{ state: S; version: number }> {
    const history = await this.store.read(decider.aggregate, id);
    const state = history.events.map(upcast).reduce((s, e) => decider.evolve(s, e as AnyEvent), decider.initialState);
    return { state, version: history.version };
  }

  /** Reads the aggregate, checks the caller may see it, and returns its live state or throws NotFound. */
  private async visible<S extends Owned>(ctx: RequestContext, decider: Decider<unknown, S, AnyEvent>, id: string): Promise<Extract<S, { kind: 'live' }>> {
    const { state } = await this.load(decider, id);
    if (state.kind !== 'live' || (!ctx.isAdmin && state.tenantId !== ctx.tenantId)) throw new NotFound(KIND[decider.aggregate], id);
    return state as Extract<S, { kind: 'live' }>;
  }

  private async execute<C, S extends Owned, E extends AnyEvent>(
    ctx: RequestContext, decider: Decider<C, S, E>, id: string, command: NoInfer<(state: S) => C | null>, scoped = true,
  ): Promise<Outcome<S>> {
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(decider, id);
      if (scoped && state.kind === 'live' && !ctx.isAdmin && state.tenantId !== ctx.tenantId) throw new NotFound(KIND[decider.aggregate], id);
      const cmd = command(state);
      const events = cmd === null ? [] : decider.decide(cmd, state);
      if (events.length === 0) return { state, seq: version, appended: false };
      const tenantId = state.kind === 'live' ? state.tenantId : ctx.tenantId;
      const envelopes: EventEnvelope[] = events.map((e) => ({
        id: this.env.eventId(), type: e.type, version: e.version, aggregate: decider.aggregate, aggregateId: id, tenantId,
        actor: ctx.actor, occurredAt: this.env.now(), correlationId: ctx.correlationId, causationId: null, data: e.data,
      }));
      try {
        const { seq } = await this.store.append(decider.aggregate, id, envelopes, { expectedVersion: version, commitId: this.env.newId() });
        // Failed sagas append too (reservations, compensations): reads after them must see it.
        this.observer?.note(seq);
        return { state: events.reduce(decider.evolve, state), seq, appended: true };
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  /** Runs compensations (newest first) when a saga step fails, then rethrows the failure. */
  private async saga<T>(steps: (undo: (compensate: () => Promise<unknown>) => void) => Promise<T>): Promise<T> {
    const undos: (() => Promise<unknown>)[] = [];
    try {
      return await steps((compensate) => undos.unshift(compensate));
    } catch (error) {
      for (const undo of undos) await undo().catch(() => undefined);
      throw error;
    }
  }

  private tenantFor(ctx: RequestContext, requested: string | undefined): string {
    if (requested === undefined || requested === ctx.tenantId) return ctx.tenantId;
    if (!ctx.isAdmin) {
      throw new ValidationError(`Specifying 'tenant_id' other than authenticated tenant in request requires admin privileges`, 'HTTPBadRequest');
    }
    return requested;
  }

  private newId(ctx: RequestContext, kind: string): string {
    return ctx.idempotencyKey ? this.env.derivedId(`${ctx.tenantId}/${kind}/${ctx.idempotencyKey}`) : this.env.newId();
  }

  private written<S, R>(progress: Progress, state: S, view: (s: S) => R | null, kind: string, id: string): Written<R> {
    const resource = view(state);
    if (resource === null) throw new NotFound(kind, id);
    return { resource, seq: progress.seq };
  }

  // ---- networks and subnets ------------------------------------------------------------------

  async createNetwork(ctx: RequestContext, input: In.CreateNetworkInput): Promise<Written<NetworkResource>> {
    const p = new Progress();
    const networkId = this.newId(ctx, 'network');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const out = p.note(await this.execute(ctx, networkDecider, networkId, (s: NetworkState) => (s.kind === 'live' && ctx.idempotencyKey ? null : {
      type: 'CreateNetwork',
      data: { networkId, tenantId, name: input.name ?? '', adminStateUp: input.admin_state_up ?? true, shared: input.shared ?? false, external: input['router:external'] ?? false },
    })));
    return this.written(p, out.state, networkView, 'Network', networkId);
  }

  async updateNetwork(ctx: RequestContext, id: string, input: In.UpdateNetworkInput): Promise<Written<NetworkResource>> {
    const p = new Progress();
    const out = p.note(await this.execute(ctx, networkDecider, id, () => ({
      type: 'UpdateNetwork', data: { networkId: id, name: input.name, adminStateUp: input.admin_state_up, shared: input.shared },
    })));
    return this.written(p, out.state, networkView, 'Network', id);
  }

  async deleteNetwork(ctx: RequestContext, id: string): Promise<Deleted> {
    const p = new Progress();
    p.note(await this.execute(ctx, networkDecider, id, () => ({ type: 'DeleteNetwork', data: { networkId: id } })));
    return { seq: p.seq };
  }

  async createSubnet(ctx: RequestContext, input: In.CreateSubnetInput): Promise<Written<SubnetResource>> {
    const p = new Progress();
    const subnetId = this.newId(ctx, 'subnet');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const existing = await this.load(subnetDecider, subnetId);
    if (ctx.idempotencyKey && existing.state.kind === 'live') return this.written(p, existing.state, subnetView, 'Subnet', subnetId);
    const command = {
      type: 'CreateSubnet' as const,
      data: {
        subnetId, tenantId, networkId: input.network_id, cidr: input.cidr, name: input.name, gatewayIp: input.gateway_ip,
        allocationPools: input.allocation_pools, enableDhcp: input.enable_dhcp, dnsNameservers: input.dns_nameservers, hostRoutes: input.host_routes,
      },
    };
    subnetDecider.decide(command, subnetDecider.initialState); // reject bad settings before reserving anything
    await this.visible(ctx, networkDecider, input.network_id);
    const out = await this.saga(async (undo) => {
      p.note(await this.execute(ctx, networkDecider, input.network_id, () => ({ type: 'AttachSubnet', data: { networkId: input.network_id, subnetId, cidr: input.cidr } })));
      undo(() => this.execute(ctx, networkDecider, input.network_id, () => ({ type: 'DetachSubnet', data: { networkId: input.network_id, subnetId } }), false));
      return p.note(await this.execute(ctx, subnetDecider, subnetId, () => command));
    });
    return this.written(p, out.state, subnetView, 'Subnet', subnetId);
  }

  async updateSubnet(ctx: RequestContext, id: string, input: In.UpdateSubnetInput): Promise<Written<SubnetResource>> {
    const p = new Progress();
    const out = p.note(await this.execute(ctx, subnetDecider, id, () => ({
      type: 'UpdateSubnet',
      data: { subnetId: id, name: input.name, gatewayIp: input.gateway_ip, enableDhcp: input.enable_dhcp, dnsNameservers: input.dns_nameservers, hostRoutes: input.host_routes },
    })));
    return this.written(p, out.state, subnetView, 'Subnet', id);
  }

  async deleteSubnet(ctx: RequestContext, id: string): Promise<Deleted> {
    const p = new Progress();
    const subnet = await this.visible(ctx, subnetDecider, id);
    p.note(await this.execute(ctx, subnetDecider, id, () => ({ type: 'DeleteSubnet', data: { subnetId: id } })));
    p.note(await this.execute(ctx, networkDecider, subnet.networkId, () => ({ type: 'DetachSubnet', data: { networkId: subnet.networkId, subnetId: id } }), false));
    return { seq: p.seq };
  }

  // ---- floating IPs ------------------------------------------------------------------------

  private async portAddress(ctx: RequestContext, portId: string, fixedIp: string | null | undefined): Promise<string> {
    const port = await this.visible(ctx, portDecider, portId);
    if (fixedIp !== undefined && fixedIp !== null && fixedIp !== port.ipAddress) {
      throw new ValidationError(`Port ${portId} does not have fixed ip ${fixedIp}.`, 'BadRequest');
    }
    return port.ipAddress;
  }

  async createFloatingIp(ctx: RequestContext, input: In.CreateFloatingIpInput): Promise<Written<FloatingIpResource>> {
    const p = new Progress();
    const floatingIpId = this.newId(ctx, 'floatingip');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const existing = await this.load(floatingIpDecider, floatingIpId);
    if (ctx.idempotencyKey && existing.state.kind === 'live') return this.written(p, existing.state, floatingIpView, 'FloatingIP', floatingIpId);
    const network = (await this.load(networkDecider, input.floating_network_id)).state;
    if (network.kind !== 'live') throw new NotFound('Network', input.floating_network_id);
    if (!network.external) throw new ValidationError(`Network ${network.id} is not a valid external network.`, 'BadRequest');
    const subnetId = network.subnets[0]?.subnetId;
    if (subnetId === undefined) throw new ValidationError(`External network ${network.id} has no subnet to allocate from.`, 'BadRequest');
    const fixedIpAddress = input.port_id ? await this.portAddress(ctx, input.port_id, input.fixed_ip_address) : null;
    const out = await this.saga(async (undo) => {
      const allocated = p.note(await this.execute(ctx, subnetDecider, subnetId, () => ({
        type: 'AllocateAddress', data: { subnetId, ownerId: floatingIpId, ipAddress: input.floating_ip_address },
      }), false));
      undo(() => this.execute(ctx, subnetDecider, subnetId, () => ({ type: 'ReleaseAddress', data: { subnetId, ownerId: floatingIpId } }), false));
      const allocations = allocated.state.kind === 'live' ? allocated.state.allocations : {};
      const floatingIpAddress = Object.entries(allocations).find(([, owner]) => owner === floatingIpId)?.[0];
      if (floatingIpAddress === undefined) throw new ConcurrencyConflict(`subnet ${subnetId}`);
      return p.note(await this.execute(ctx, floatingIpDecider, floatingIpId, () => ({
        type: 'CreateFloatingIp',
        data: { floatingIpId, tenantId, floatingNetworkId: network.id, floatingSubnetId: subnetId, floatingIpAddress, portId: input.port_id ?? null, fixedIpAddress },
      })));
    });
    return this.written(p, out.state, floatingIpView, 'FloatingIP', floatingIpId);
  }

  async updateFloatingIp(ctx: RequestContext, id: string, input: In.UpdateFloatingIpInput): Promise<Written<FloatingIpResource>> {
    const p = new Progress();
    await this.visible(ctx, floatingIpDecider, id);
    const portId = input.port_id;
    const fixedIpAddress = portId === null ? null : await this.portAddress(ctx, portId, input.fixed_ip_address);
    const out = p.note(await this.execute(ctx, floatingIpDecider, id, () =>
      portId === null || fixedIpAddress === null
        ? { type: 'DisassociateFloatingIp', data: { floatingIpId: id } }
        : { type: 'AssociateFloatingIp', data: { floatingIpId: id, portId, fixedIpAddress } }));
    return this.written(p, out.state, floatingIpView, 'FloatingIP', id);
  }

  async deleteFloatingIp(ctx: RequestContext, id: string): Promise<Deleted> {
    const p = new Progress();
    const fip = await this.visible(ctx, floatingIpDecider, id);
    p.note(await this.execute(ctx, floatingIpDecider, id, () => ({ type: 'DeleteFloatingIp', data: { floatingIpId: id } })));
    p.note(await this.execute(ctx, subnetDecider, fip.floatingSubnetId, () => ({ type: 'ReleaseAddress', data: { subnetId: fip.floatingSubnetId, ownerId: id } }), false));
    return { seq: p.seq };
  }

  // ---- pools and members -------------------------------------------------------------------

  async createPool(ctx: RequestContext, input: In.CreatePoolInput): Promise<Written<PoolResource>> {
    const p = new Progress();
    const poolId = this.newId(ctx, 'pool');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    await this.visible(ctx, subnetDecider, input.subnet_id);
    const out = p.note(await this.execute(ctx, poolDecider, poolId, (s: PoolState) => (s.kind === 'live' && ctx.idempotencyKey ? null : {
      type: 'CreatePool',
      data: {
        poolId, tenantId, name: input.name ?? '', description: input.description ?? '', subnetId: input.subnet_id, protocol: input.protocol,
        lbMethod: input.lb_method, adminStateUp: input.admin_state_up ?? true, provider: input.provider ?? 'haproxy',
      },
    })));
    return this.written(p, out.state, poolView, 'Pool', poolId);
  }

  async updatePool(ctx: RequestContext, id: string, input: In.UpdatePoolInput): Promise<Written<PoolResource>> {
    const p = new Progress();
    const out = p.note(await this.execute(ctx, poolDecider, id, () => ({
      type: 'UpdatePool', data: { poolId: id, name: input.name, description: input.description, lbMethod: input.lb_method, adminStateUp: input.admin_state_up },
    })));
    return this.written(p, out.state, poolView, 'Pool', id);
  }

  async deletePool(ctx: RequestContext, id: string): Promise<Deleted> {
    const p = new Progress();
    const pool = await this.visible(ctx, poolDecider, id);
    p.note(await this.execute(ctx, poolDecider, id, () => ({ type: 'DeletePool', data: { poolId: id } })));
    for (const monitorId of pool.monitorIds) {
      await this.execute(ctx, healthMonitorDecider, monitorId, (s: HealthMonitorState) =>
        s.kind === 'live' && s.poolIds.includes(id) ? { type: 'DisassociatePool', data: { monitorId, poolId: id } } : null, false)
        .then((o) => p.note(o));
    }
    return { seq: p.seq };
  }

  private memberWritten(p: Progress, state: PoolState, memberId: string): Written<MemberResource> {
    const resource = memberViews(state).find((m) => m.id === memberId);
    if (!resource) throw new NotFound('Member', memberId);
    return { resource, seq: p.seq };
  }

  async createMember(ctx: RequestContext, input: In.CreateMemberInput): Promise<Written<MemberResource>> {
    const p = new Progress();
    const memberId = this.newId(ctx, 'member');
    this.tenantFor(ctx, input.tenant_id);
    const pool = await this.visible(ctx, poolDecider, input.pool_id);
    const out = p.note(await this.execute(ctx, poolDecider, pool.id, (s: PoolState) =>
      s.kind === 'live' && ctx.idempotencyKey && s.members.some((m) => m.id === memberId) ? null : {
        type: 'AddMember',
        data: {
          poolId: pool.id, memberId, tenantId: pool.tenantId, address: input.address, protocolPort: input.protocol_port,
          weight: input.weight ?? 1, adminStateUp: input.admin_state_up ?? true,
        },
      }));
    return this.memberWritten(p, out.state, memberId);
  }

  private async memberPool(ctx: RequestContext, memberId: string): Promise<Extract<PoolState, { kind: 'live' }>> {
    const poolId = await this.lookup.memberPoolId(memberId);
    if (poolId === null) throw new NotFound('Member', memberId);
    const pool = await this.visible(ctx, poolDecider, poolId).catch(() => null);
    if (!pool || !pool.members.some((m) => m.id === memberId)) throw new NotFound('Member', memberId);
    return pool;
  }

  async updateMember(ctx: RequestContext, id: string, input: In.UpdateMemberInput): Promise<Written<MemberResource>> {
    const p = new Progress();
    const pool = await this.memberPool(ctx, id);
    if (input.pool_id !== undefined && input.pool_id !== pool.id) return this.moveMember(ctx, p, pool, id, input.pool_id, input);
    const out = p.note(await this.execute(ctx, poolDecider, pool.id, () => ({
      type: 'UpdateMember', data: { poolId: pool.id, memberId: id, weight: input.weight, adminStateUp: input.admin_state_up },
    })));
    return this.memberWritten(p, out.state, id);
  }

  private async moveMember(
    ctx: RequestContext, p: Progress, from: Extract<PoolState, { kind: 'live' }>, memberId: string, toPoolId: string, input: In.UpdateMemberInput,
  ): Promise<Written<MemberResource>> {
    const target = await this.visible(ctx, poolDecider, toPoolId);
    const current = from.members.find((m) => m.id === memberId);
    if (!current) throw new NotFound('Member', memberId);
    const added = await this.saga(async (undo) => {
      const out = p.note(await this.execute(ctx, poolDecider, target.id, () => ({
        type: 'AddMember',
        data: {
          poolId: target.id, memberId, tenantId: current.tenantId, address: current.address, protocolPort: current.protocolPort,
          weight: input.weight ?? current.weight, adminStateUp: input.admin_state_up ?? current.adminStateUp,
        },
      })));
      undo(() => this.execute(ctx, poolDecider, target.id, () => ({ type: 'RemoveMember', data: { poolId: target.id, memberId } })));
      p.note(await this.execute(ctx, poolDecider, from.id, () => ({ type: 'RemoveMember', data: { poolId: from.id, memberId } })));
      return out;
    });
    return this.memberWritten(p, added.state, memberId);
  }

  async deleteMember(ctx: RequestContext, id: string): Promise<Deleted> {
    const p = new Progress();
    const pool = await this.memberPool(ctx, id);
    p.note(await this.execute(ctx, poolDecider, pool.id, () => ({ type: 'RemoveMember', data: { poolId: pool.id, memberId: id } })));
    return { seq: p.seq };
  }

  // ---- VIPs --------------------------------------------------------------------------------

  async createVip(ctx: RequestContext, input: In.CreateVipInput): Promise<Written<VipResource>> {
    const p = new Progress();
    const vipId = this.newId(ctx, 'vip');
    const portId = this.env.derivedId(`${vipId}/port`);
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const existing = await this.load(vipDecider, vipId);
    if (ctx.idempotencyKey && existing.state.kind === 'live') return this.written(p, existing.state, vipView, 'Vip', vipId);
    const settings = {
      name: input.name ?? '', description: input.description ?? '', sessionPersistence: input.session_persistence ?? null,
      connectionLimit: input.connection_limit ?? -1, adminStateUp: input.admin_state_up ?? true,
    };
    const draft = {
      vipId, tenantId, subnetId: input.subnet_id, address: input.address ?? '0.0.0.0', portId, protocolPort: input.protocol_port,
      protocol: input.protocol, poolId: input.pool_id, ...settings,
    };
    vipDecider.decide({ type: 'CreateVip', data: draft }, vipDecider.initialState); // reject bad settings before reserving anything
    const pool = await this.visible(ctx, poolDecider, input.pool_id);
    const subnet = await this.visible(ctx, subnetDecider, input.subnet_id);
    const out = await this.saga(async (undo) => {
      p.note(await this.execute(ctx, poolDecider, pool.id, () => ({ type: 'BindVip', data: { poolId: pool.id, vipId, protocol: input.protocol } })));
      undo(() => this.execute(ctx, poolDecider, pool.id, () => ({ type: 'UnbindVip', data: { poolId: pool.id, vipId } }), false));
      const allocated = p.note(await this.execute(ctx, subnetDecider, subnet.id, () => ({
        type: 'AllocateAddress', data: { subnetId: subnet.id, ownerId: portId, ipAddress: input.address },
      }), false));
      undo(() => this.execute(ctx, subnetDecider, subnet.id, () => ({ type: 'ReleaseAddress', data: { subnetId: subnet.id, ownerId: portId } }), false));
      const allocations = allocated.state.kind === 'live' ? allocated.state.allocations : {};
      const address = Object.entries(allocations).find(([, owner]) => owner === portId)?.[0];
      if (address === undefined) throw new ConcurrencyConflict(`subnet ${subnet.id}`);
      p.note(await this.execute(ctx, portDecider, portId, (s: PortState) => (s.kind === 'live' ? null : {
        type: 'CreatePort',
        data: {
          portId, tenantId, networkId: subnet.networkId, subnetId: subnet.id, ipAddress: address, name: `vip-${vipId}`,
          deviceId: vipId, deviceOwner: 'neutron:LOADBALANCER',
        },
      })));
      undo(() => this.execute(ctx, portDecider, portId, () => ({ type: 'DeletePort', data: { portId } }), false));
      return p.note(await this.execute(ctx, vipDecider, vipId, () => ({ type: 'CreateVip', data: { ...draft, address } })));
    });
    return this.written(p, out.state, vipView, 'Vip', vipId);
  }

  async updateVip(ctx: RequestContext, id: string, input: In.UpdateVipInput): Promise<Written<VipResource>> {
    const p = new Progress();
    const vip = await this.visible(ctx, vipDecider, id);
    if (input.pool_id !== undefined && input.pool_id !== vip.poolId) {
      const target = await this.visible(ctx, poolDecider, input.pool_id);
      await this.saga(async (undo) => {
        p.note(await this.execute(ctx, poolDecider, target.id, () => ({ type: 'BindVip', data: { poolId: target.id, vipId: id, protocol: vip.protocol } })));
        undo(() => this.execute(ctx, poolDecider, target.id, () => ({ type: 'UnbindVip', data: { poolId: target.id, vipId: id } }), false));
        p.note(await this.execute(ctx, vipDecider, id, () => ({ type: 'ChangeVipPool', data: { vipId: id, poolId: target.id } })));
      });
      p.note(await this.execute(ctx, poolDecider, vip.poolId, () => ({ type: 'UnbindVip', data: { poolId: vip.poolId, vipId: id } }), false));
    }
    const out = p.note(await this.execute(ctx, vipDecider, id, (s: VipState) => {
      const changes = {
        name: input.name, description: input.description, sessionPersistence: input.session_persistence,
        connectionLimit: input.connection_limit, adminStateUp: input.admin_state_up,
      };
      return s.kind === 'live' && Object.values(changes).every((v) => v === undefined) ? null : { type: 'UpdateVip', data: { vipId: id, ...changes } };
    }));
    return this.written(p, out.state, vipView, 'Vip', id);
  }

  async deleteVip(ctx: RequestContext, id: string): Promise<Deleted> {
    const p = new Progress();
    const vip = await this.visible(ctx, vipDecider, id);
    p.note(await this.execute(ctx, vipDecider, id, () => ({ type: 'DeleteVip', data: { vipId: id } })));
    for (const floatingIpId of await this.lookup.floatingIpIdsOnPort(vip.portId)) {
      p.note(await this.execute(ctx, floatingIpDecider, floatingIpId, (s: FloatingIpState) =>
        s.kind === 'live' && s.portId === vip.portId ? { type: 'DisassociateFloatingIp', data: { floatingIpId } } : null, false));
    }
    p.note(await this.execute(ctx, portDecider, vip.portId, (s: PortState) => (s.kind === 'live' ? { type: 'DeletePort', data: { portId: vip.portId } } : null), false));
    p.note(await this.execute(ctx, subnetDecider, vip.subnetId, (s: SubnetState) =>
      s.kind === 'live' ? { type: 'ReleaseAddress', data: { subnetId: vip.subnetId, ownerId: vip.portId } } : null, false));
    p.note(await this.execute(ctx, poolDecider, vip.poolId, () => ({ type: 'UnbindVip', data: { poolId: vip.poolId, vipId: id } }), false));
    return { seq: p.seq };
  }

  // ---- health monitors -----------------------------------------------------------------------

  async createHealthMonitor(ctx: RequestContext, input: In.CreateHealthMonitorInput): Promise<Written<HealthMonitorResource>> {
    const p = new Progress();
    const monitorId = this.newId(ctx, 'healthmonitor');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const out = p.note(await this.execute(ctx, healthMonitorDecider, monitorId, (s: HealthMonitorState) => (s.kind === 'live' && ctx.idempotencyKey ? null : {
      type: 'CreateHealthMonitor',
      data: {
        monitorId, tenantId, type: input.type, delay: input.delay, timeout: input.timeout, maxRetries: input.max_retries,
        httpMethod: input.http_method, urlPath: input.url_path, expectedCodes: input.expected_codes, adminStateUp: input.admin_state_up,
      },
    })));
    return this.written(p, out.state, healthMonitorView, 'HealthMonitor', monitorId);
  }

  async updateHealthMonitor(ctx: RequestContext, id: string, input: In.UpdateHealthMonitorInput): Promise<Written<HealthMonitorResource>> {
    const p = new Progress();
    const out = p.note(await this.execute(ctx, healthMonitorDecider, id, () => ({
      type: 'UpdateHealthMonitor',
      data: {
        monitorId: id, delay: input.delay, timeout: input.timeout, maxRetries: input.max_retries, httpMethod: input.http_method,
        urlPath: input.url_path, expectedCodes: input.expected_codes, adminStateUp: input.admin_state_up,
      },
    })));
    return this.written(p, out.state, healthMonitorView, 'HealthMonitor', id);
  }

  async deleteHealthMonitor(ctx: RequestContext, id: string): Promise<Deleted> {
    const p = new Progress();
    p.note(await this.execute(ctx, healthMonitorDecider, id, () => ({ type: 'DeleteHealthMonitor', data: { monitorId: id } })));
    return { seq: p.seq };
  }

  async associateHealthMonitor(ctx: RequestContext, poolId: string, monitorId: string): Promise<Deleted> {
    const p = new Progress();
    await this.visible(ctx, poolDecider, poolId);
    await this.visible(ctx, healthMonitorDecider, monitorId);
    await this.saga(async (undo) => {
      p.note(await this.execute(ctx, healthMonitorDecider, monitorId, () => ({ type: 'AssociatePool', data: { monitorId, poolId } })));
      undo(() => this.execute(ctx, healthMonitorDecider, monitorId, () => ({ type: 'DisassociatePool', data: { monitorId, poolId } }), false));
      p.note(await this.execute(ctx, poolDecider, poolId, () => ({ type: 'AssociateMonitor', data: { poolId, monitorId } })));
    });
    return { seq: p.seq };
  }

  async disassociateHealthMonitor(ctx: RequestContext, poolId: string, monitorId: string): Promise<Deleted> {
    const p = new Progress();
    await this.visible(ctx, poolDecider, poolId);
    p.note(await this.execute(ctx, poolDecider, poolId, () => ({ type: 'DisassociateMonitor', data: { poolId, monitorId } })));
    p.note(await this.execute(ctx, healthMonitorDecider, monitorId, (s: HealthMonitorState) =>
      s.kind === 'live' && s.poolIds.includes(poolId) ? { type: 'DisassociatePool', data: { monitorId, poolId } } : null, false));
    return { seq: p.seq };
  }
}
