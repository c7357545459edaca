import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  addressOf, type CertificateMaterial, certificateDecider, type CertificateResource, type CertificateState, certificateView, ConcurrencyConflict,
  Conflict, type CreateSubnet, type CreateVip, type Decider, floatingIpDecider, type FloatingIpResource, Forbidden, Unavailable,
  floatingIpView, healthMonitorDecider, type HealthMonitorResource, healthMonitorView, type HealthMonitorState, type MemberResource,
  memberViews, networkDecider, type NetworkResource, networkView, NotFound, poolDecider, type PoolResource, type PoolState, poolView,
  portDecider, type PortState, subnetDecider, type SubnetResource, type SubnetState, subnetView, ValidationError, vipDecider,
  type VipResource, vipView, type FloatingIpState,
} from '@lbaas/domain';
import type { EventStore } from '@lbaas/event-log';
import { type KeyRing, openSecret, readCertificateBundle, sealCertificateBundle, sealSecret, SecretUnreadable } from '@lbaas/secrets';
import { API_LOGGER } from '../logger';
import { type CommandEnvironment, systemCommandEnvironment } from './command-environment';
import { type AnyEvent, type AppendObserver, CommandRun, type CompensationLog, type Live, type Saga } from './command-run';
import { type Deleted, LbaasCommandService, type RequestContext, type ResourceLookup, type Written } from './command-service';
import type * as In from './inputs';
import { APPEND_OBSERVER, CERTIFICATE_KEY_RING, COMMAND_ENVIRONMENT, EVENT_STORE, RESOURCE_LOOKUP } from './tokens';

/** Neutron's device owner for the port a VIP's address lives on. */
export const VIP_PORT_OWNER = 'neutron:LOADBALANCER';

/**
 * The api's write side: every write reads the aggregates' streams, decides, and appends with
 * optimistic concurrency (see CommandRun). Operations that span aggregates are sagas that
 * reserve first in the aggregate guarding the invariant and compensate when a later step is
 * rejected; a create with an Idempotency-Key derives its ids from the key, so a retry returns
 * the first result or resumes a saga that a crash interrupted.
 */
@Injectable()
export class EventSourcedCommandService extends LbaasCommandService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(RESOURCE_LOOKUP) private readonly lookup: ResourceLookup,
    @Optional() @Inject(COMMAND_ENVIRONMENT) private readonly env: CommandEnvironment = systemCommandEnvironment,
    @Optional() @Inject(APPEND_OBSERVER) private readonly observer: AppendObserver | null = null,
    @Optional() @Inject(API_LOGGER) private readonly log: CompensationLog | null = null,
    @Optional() @Inject(CERTIFICATE_KEY_RING) private readonly keyRing: KeyRing | null = null,
  ) {
    super();
  }

  private begin(ctx: RequestContext): CommandRun {
    return new CommandRun(ctx, this.store, this.env, this.observer ?? null, this.log ?? null);
  }

  /** Neutron: only an admin may create resources for another tenant. */
  private tenantFor(ctx: RequestContext, requested: string | undefined): string {
    if (requested === undefined || requested === ctx.tenantId) return ctx.tenantId;
    if (!ctx.isAdmin) {
      throw new ValidationError(`Specifying 'tenant_id' other than authenticated tenant in request requires admin privileges`, 'HTTPBadRequest');
    }
    return requested;
  }

  /** A fresh id, or with an Idempotency-Key the same id for every retry of the same tenant's request. */
  private newId(ctx: RequestContext, kind: string): string {
    return ctx.idempotencyKey ? this.env.derivedId(`${ctx.tenantId}/${kind}/${ctx.idempotencyKey}`) : this.env.newId();
  }

  /** With an Idempotency-Key, the aggregate an earlier try of this request created, if it exists. */
  private async replay<C, S extends { kind: string }, E extends AnyEvent>(
    run: CommandRun, decider: Decider<C, S, E>, id: string,
  ): Promise<Live<S> | null> {
    if (!run.ctx.idempotencyKey) return null;
    const { state, version } = await run.load(decider, id);
    if (state.kind !== 'live') return null;
    run.observed(version);
    return state as Live<S>;
  }

  private written<R>(run: CommandRun, resource: R | null | undefined, kind: string, id: string): Written<R> {
    if (resource === null || resource === undefined) throw new NotFound(kind, id);
    return { resource, seq: run.seq };
  }

  // ---- networks and subnets ------------------------------------------------------------------

  async createNetwork(ctx: RequestContext, input: In.CreateNetworkInput): Promise<Written<NetworkResource>> {
    const run = this.begin(ctx);
    const networkId = this.newId(ctx, 'network');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const earlier = await this.replay(run, networkDecider, networkId);
    if (earlier) return this.written(run, networkView(earlier), 'Network', networkId);
    const out = await run.execute(networkDecider, networkId, (s) => (s.kind === 'live' && ctx.idempotencyKey ? null : {
      type: 'CreateNetwork',
      data: {
        networkId, tenantId, name: input.name ?? '', adminStateUp: input.admin_state_up ?? true, shared: input.shared ?? false,
        external: input['router:external'] ?? false,
      },
    }));
    return this.written(run, networkView(out.state), 'Network', networkId);
  }

  async updateNetwork(ctx: RequestContext, id: string, input: In.UpdateNetworkInput): Promise<Written<NetworkResource>> {
    const run = this.begin(ctx);
    const out = await run.execute(networkDecider, id, () => ({
      type: 'UpdateNetwork', data: { networkId: id, name: input.name, adminStateUp: input.admin_state_up, shared: input.shared },
    }));
    return this.written(run, networkView(out.state), 'Network', id);
  }

  async deleteNetwork(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.begin(ctx);
    await run.execute(networkDecider, id, () => ({ type: 'DeleteNetwork', data: { networkId: id } }));
    return { seq: run.seq };
  }

  /** Network (reserve the cidr: overlap is decided there) -> subnet; the reservation is released if the subnet is rejected. */
  async createSubnet(ctx: RequestContext, input: In.CreateSubnetInput): Promise<Written<SubnetResource>> {
    const run = this.begin(ctx);
    const subnetId = this.newId(ctx, 'subnet');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const earlier = await this.replay(run, subnetDecider, subnetId);
    if (earlier) return this.written(run, subnetView(earlier), 'Subnet', subnetId);
    const create: CreateSubnet = {
      type: 'CreateSubnet',
      data: {
        subnetId, tenantId, networkId: input.network_id, cidr: input.cidr, name: input.name, gatewayIp: input.gateway_ip,
        allocationPools: input.allocation_pools, enableDhcp: input.enable_dhcp, dnsNameservers: input.dns_nameservers, hostRoutes: input.host_routes,
      },
    };
    subnetDecider.decide(create, subnetDecider.initialState); // reject bad settings before reserving anything
    const network = await run.visible(networkDecider, input.network_id);
    const out = await run.saga(async (saga) => {
      saga.compensate(
        await run.execute(networkDecider, network.id, () => ({ type: 'AttachSubnet', data: { networkId: network.id, subnetId, cidr: input.cidr } })),
        () => run.execute(networkDecider, network.id, () => ({ type: 'DetachSubnet', data: { networkId: network.id, subnetId } }), { scoped: false }),
      );
      return run.execute(subnetDecider, subnetId, (s) => (s.kind === 'live' ? null : create));
    });
    return this.written(run, subnetView(out.state), 'Subnet', subnetId);
  }

  async updateSubnet(ctx: RequestContext, id: string, input: In.UpdateSubnetInput): Promise<Written<SubnetResource>> {
    const run = this.begin(ctx);
    const out = await run.execute(subnetDecider, id, () => ({
      type: 'UpdateSubnet',
      data: {
        subnetId: id, name: input.name, gatewayIp: input.gateway_ip, enableDhcp: input.enable_dhcp, dnsNameservers: input.dns_nameservers,
        hostRoutes: input.host_routes,
      },
    }));
    return this.written(run, subnetView(out.state), 'Subnet', id);
  }

  /** Subnet (SubnetInUse is decided there) -> the network's reservation released. A retry completes an interrupted deletion, then answers NotFound. */
  async deleteSubnet(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.begin(ctx);
    const { state: subnet, deleted } = await run.lastSeen(subnetDecider, id);
    if (!deleted) await run.execute(subnetDecider, id, () => ({ type: 'DeleteSubnet', data: { subnetId: id } }));
    await run.execute(networkDecider, subnet.networkId, (s) => (s.kind === 'live' ? { type: 'DetachSubnet', data: { networkId: subnet.networkId, subnetId: id } } : null), { scoped: false });
    if (deleted) throw new NotFound('Subnet', id);
    return { seq: run.seq };
  }

  // ---- floating IPs ------------------------------------------------------------------------

  private async portAddress(run: CommandRun, portId: string, fixedIp: string | null | undefined): Promise<string> {
    const port = await run.visible(portDecider, portId);
    if (fixedIp !== undefined && fixedIp !== null && fixedIp !== port.ipAddress) {
      throw new ValidationError(`Port ${portId} does not have fixed ip ${fixedIp}.`, 'BadRequest');
    }
    return port.ipAddress;
  }

  /** External subnet (allocate the address) -> floating IP; the address is released if the floating IP is rejected. */
  async createFloatingIp(ctx: RequestContext, input: In.CreateFloatingIpInput): Promise<Written<FloatingIpResource>> {
    const run = this.begin(ctx);
    const floatingIpId = this.newId(ctx, 'floatingip');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const earlier = await this.replay(run, floatingIpDecider, floatingIpId);
    if (earlier) return this.written(run, floatingIpView(earlier), 'FloatingIP', floatingIpId);
    // Every tenant may allocate from an external network; any other network must be the caller's to be named at all.
    const { state: network } = await run.load(networkDecider, input.floating_network_id);
    const usable = network.kind === 'live' && (network.external || network.shared || ctx.isAdmin || network.tenantId === ctx.tenantId);
    if (network.kind !== 'live' || !usable) throw new NotFound('Network', input.floating_network_id);
    if (!network.external) throw new ValidationError(`Network ${network.id} is not a valid external network.`, 'BadRequest');
    const subnetId = network.subnets[0]?.subnetId;
    if (subnetId === undefined) throw new ValidationError(`External network ${network.id} has no subnet to allocate from.`, 'BadRequest');
    const fixedIpAddress = input.port_id ? await this.portAddress(run, input.port_id, input.fixed_ip_address) : null;
    const out = await run.saga(async (saga) => {
      const allocated = saga.compensate(
        await run.execute(subnetDecider, subnetId, () => ({
          type: 'AllocateAddress', data: { subnetId, ownerId: floatingIpId, ipAddress: input.floating_ip_address },
        }), { scoped: false }),
        () => run.execute(subnetDecider, subnetId, () => ({ type: 'ReleaseAddress', data: { subnetId, ownerId: floatingIpId } }), { scoped: false }),
      );
      const floatingIpAddress = this.allocatedTo(allocated.state, floatingIpId);
      return run.execute(floatingIpDecider, floatingIpId, (s) => (s.kind === 'live' ? null : {
        type: 'CreateFloatingIp',
        data: {
          floatingIpId, tenantId, floatingNetworkId: network.id, floatingSubnetId: subnetId, floatingIpAddress,
          portId: input.port_id ?? null, fixedIpAddress,
        },
      }));
    });
    return this.written(run, floatingIpView(out.state), 'FloatingIP', floatingIpId);
  }

  /** The address the subnet gave `ownerId`; a step that just allocated (or found) it cannot miss it. */
  private allocatedTo(subnet: SubnetState, ownerId: string): string {
    const address = addressOf(subnet, ownerId);
    if (address === undefined) throw new ConcurrencyConflict(`subnet ${subnet.kind === 'live' ? subnet.id : ownerId}`);
    return address;
  }

  async updateFloatingIp(ctx: RequestContext, id: string, input: In.UpdateFloatingIpInput): Promise<Written<FloatingIpResource>> {
    const run = this.begin(ctx);
    await run.visible(floatingIpDecider, id);
    const portId = input.port_id;
    const fixedIpAddress = portId === null ? null : await this.portAddress(run, portId, input.fixed_ip_address);
    const out = await run.execute(floatingIpDecider, id, () =>
      portId === null || fixedIpAddress === null
        ? { type: 'DisassociateFloatingIp', data: { floatingIpId: id } }
        : { type: 'AssociateFloatingIp', data: { floatingIpId: id, portId, fixedIpAddress } });
    return this.written(run, floatingIpView(out.state), 'FloatingIP', id);
  }

  /** Floating IP -> its address released. A retry completes an interrupted deletion, then answers NotFound. */
  async deleteFloatingIp(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.begin(ctx);
    const { state: fip, deleted } = await run.lastSeen(floatingIpDecider, id);
    if (!deleted) await run.execute(floatingIpDecider, id, () => ({ type: 'DeleteFloatingIp', data: { floatingIpId: id } }));
    await run.execute(subnetDecider, fip.floatingSubnetId, (s) =>
      (s.kind === 'live' ? { type: 'ReleaseAddress', data: { subnetId: fip.floatingSubnetId, ownerId: id } } : null), { scoped: false });
    if (deleted) throw new NotFound('FloatingIP', id);
    return { seq: run.seq };
  }

  // ---- pools and members -------------------------------------------------------------------

  async createPool(ctx: RequestContext, input: In.CreatePoolInput): Promise<Written<PoolResource>> {
    const run = this.begin(ctx);
    const poolId = this.newId(ctx, 'pool');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const earlier = await this.replay(run, poolDecider, poolId);
    if (earlier) return this.written(run, poolView(earlier), 'Pool', poolId);
    await run.visible(subnetDecider, input.subnet_id);
    const out = await run.execute(poolDecider, poolId, (s) => (s.kind === 'live' && ctx.idempotencyKey ? null : {
      type: 'CreatePool',
      data: {
        poolId, tenantId, name: input.name ?? '', description: input.description ?? '', subnetId: input.subnet_id, protocol: input.protocol,
        lbMethod: input.lb_method, adminStateUp: input.admin_state_up ?? true, provider: input.provider ?? 'haproxy',
      },
    }));
    return this.written(run, poolView(out.state), 'Pool', poolId);
  }

  async updatePool(ctx: RequestContext, id: string, input: In.UpdatePoolInput): Promise<Written<PoolResource>> {
    const run = this.begin(ctx);
    const out = await run.execute(poolDecider, id, () => ({
      type: 'UpdatePool', data: { poolId: id, name: input.name, description: input.description, lbMethod: input.lb_method, adminStateUp: input.admin_state_up },
    }));
    return this.written(run, poolView(out.state), 'Pool', id);
  }

  /**
   * Pool (PoolInUse is decided there; members go with it) -> each monitor's side of its associations.
   * A retry completes an interrupted deletion, then answers NotFound.
   */
  async deletePool(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.begin(ctx);
    const { state: last, deleted } = await run.lastSeen(poolDecider, id);
    let monitorIds = last.monitorIds;
    if (!deleted) {
      await run.execute(poolDecider, id, (s) => {
        monitorIds = s.kind === 'live' ? s.monitorIds : [];
        return { type: 'DeletePool', data: { poolId: id } };
      });
    }
    for (const monitorId of monitorIds) await this.releaseMonitorSide(run, monitorId, id);
    if (deleted) throw new NotFound('Pool', id);
    return { seq: run.seq };
  }

  private releaseMonitorSide(run: CommandRun, monitorId: string, poolId: string) {
    return run.execute(healthMonitorDecider, monitorId, (s: HealthMonitorState) =>
      (s.kind === 'live' && s.poolIds.includes(poolId) ? { type: 'DisassociatePool', data: { monitorId, poolId } } : null), { scoped: false });
  }

  private memberWritten(run: CommandRun, state: PoolState, memberId: string): Written<MemberResource> {
    return this.written(run, memberViews(state).find((m) => m.id === memberId), 'Member', memberId);
  }

  async createMember(ctx: RequestContext, input: In.CreateMemberInput): Promise<Written<MemberResource>> {
    const run = this.begin(ctx);
    const memberId = this.newId(ctx, 'member');
    const requestedTenant = input.tenant_id === undefined ? undefined : this.tenantFor(ctx, input.tenant_id);
    const pool = await run.visible(poolDecider, input.pool_id);
    const out = await run.execute(poolDecider, pool.id, (s) => {
      if (ctx.idempotencyKey && s.kind === 'live' && s.members.some((m) => m.id === memberId)) return null;
      return {
        type: 'AddMember',
        data: {
          // A member belongs to its pool's tenant unless an admin says otherwise.
          poolId: pool.id, memberId, tenantId: requestedTenant ?? pool.tenantId, address: input.address, protocolPort: input.protocol_port,
          weight: input.weight ?? 1, adminStateUp: input.admin_state_up ?? true,
        },
      };
    });
    if (!out.appended) run.observed(out.seq);
    return this.memberWritten(run, out.state, memberId);
  }

  /**
   * Members live in their pool's stream; the read side says which pool, and the pool's stream
   * confirms it (a member that moved or left is NotFound, never acted on in the wrong pool).
   */
  private async memberPool(run: CommandRun, memberId: string): Promise<Live<PoolState>> {
    const poolId = await this.lookup.memberPoolId(memberId);
    if (poolId === null) throw new NotFound('Member', memberId);
    const pool = await run.visible(poolDecider, poolId).catch((error: unknown) => {
      if (error instanceof NotFound) return null;
      throw error;
    });
    if (!pool || !pool.members.some((m) => m.id === memberId)) throw new NotFound('Member', memberId);
    return pool;
  }

  async updateMember(ctx: RequestContext, id: string, input: In.UpdateMemberInput): Promise<Written<MemberResource>> {
    const run = this.begin(ctx);
    const pool = await this.memberPool(run, id);
    if (input.pool_id !== undefined && input.pool_id !== pool.id) return this.moveMember(run, pool, id, input.pool_id, input);
    const out = await run.execute(poolDecider, pool.id, () => ({
      type: 'UpdateMember', data: { poolId: pool.id, memberId: id, weight: input.weight, adminStateUp: input.admin_state_up },
    }));
    return this.memberWritten(run, out.state, id);
  }

  /** Target pool (address:port uniqueness is decided there) -> source pool; the target is undone if the source rejects. */
  private async moveMember(
    run: CommandRun, from: Live<PoolState>, memberId: string, toPoolId: string, input: In.UpdateMemberInput,
  ): Promise<Written<MemberResource>> {
    const target = await run.visible(poolDecider, toPoolId);
    const current = from.members.find((m) => m.id === memberId);
    if (!current) throw new NotFound('Member', memberId);
    const added = await run.saga(async (saga) => {
      const out = saga.compensate(
        await run.execute(poolDecider, target.id, () => ({
          type: 'AddMember',
          data: {
            poolId: target.id, memberId, tenantId: current.tenantId, address: current.address, protocolPort: current.protocolPort,
            weight: input.weight ?? current.weight, adminStateUp: input.admin_state_up ?? current.adminStateUp,
          },
        })),
        () => run.execute(poolDecider, target.id, () => ({ type: 'RemoveMember', data: { poolId: target.id, memberId } }), { scoped: false }),
      );
      await run.execute(poolDecider, from.id, () => ({ type: 'RemoveMember', data: { poolId: from.id, memberId } }));
      return out;
    });
    return this.memberWritten(run, added.state, memberId);
  }

  async deleteMember(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.begin(ctx);
    const pool = await this.memberPool(run, id);
    await run.execute(poolDecider, pool.id, () => ({ type: 'RemoveMember', data: { poolId: pool.id, memberId: id } }));
    return { seq: run.seq };
  }

  // ---- VIPs --------------------------------------------------------------------------------

  /**
   * Pool (bind: one VIP per pool, protocols match) -> subnet (allocate the address) -> port -> VIP.
   * Each step is idempotent for the same ids, so a retry with the same Idempotency-Key resumes.
   */
  async createVip(ctx: RequestContext, input: In.CreateVipInput): Promise<Written<VipResource>> {
    const run = this.begin(ctx);
    const vipId = this.newId(ctx, 'vip');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const earlier = await this.replay(run, vipDecider, vipId);
    if (earlier) return this.written(run, vipView(earlier), 'Vip', vipId);
    const portId = await this.vipPortId(run, vipId);
    const draft: CreateVip['data'] = {
      vipId, tenantId, subnetId: input.subnet_id, address: input.address ?? '', portId, protocolPort: input.protocol_port,
      protocol: input.protocol, poolId: input.pool_id, name: input.name ?? '', description: input.description ?? '',
      sessionPersistence: input.session_persistence ?? null, connectionLimit: input.connection_limit ?? -1, adminStateUp: input.admin_state_up ?? true,
    };
    const certificateId = input.tls_certificate_id ?? null;
    // Reject what can be known now before reserving anything; every step decides again on fresh state.
    vipDecider.decide({ type: 'CreateVip', data: draft, tlsCertificateId: certificateId }, vipDecider.initialState);
    const pool = await run.visible(poolDecider, input.pool_id);
    const subnet = await run.visible(subnetDecider, input.subnet_id);
    if (certificateId !== null) await this.usableCertificate(run, certificateId, tenantId);
    poolDecider.decide({ type: 'BindVip', data: { poolId: pool.id, vipId, protocol: input.protocol } }, pool);
    subnetDecider.decide({ type: 'AllocateAddress', data: { subnetId: subnet.id, ownerId: portId, ipAddress: input.address } }, subnet);
    const out = await run.saga(async (saga) => {
      if (certificateId !== null) await this.attachCertificate(run, saga, certificateId, vipId);
      saga.compensate(
        await run.execute(poolDecider, pool.id, () => ({ type: 'BindVip', data: { poolId: pool.id, vipId, protocol: input.protocol } })),
        () => run.execute(poolDecider, pool.id, () => ({ type: 'UnbindVip', data: { poolId: pool.id, vipId } }), { scoped: false }),
      );
      const allocated = saga.compensate(
        await run.execute(subnetDecider, subnet.id, () => ({
          type: 'AllocateAddress', data: { subnetId: subnet.id, ownerId: portId, ipAddress: input.address },
        }), { scoped: false }),
        () => run.execute(subnetDecider, subnet.id, () => ({ type: 'ReleaseAddress', data: { subnetId: subnet.id, ownerId: portId } }), { scoped: false }),
      );
      const address = this.allocatedTo(allocated.state, portId);
      saga.compensate(
        await run.execute(portDecider, portId, (s: PortState) => (s.kind === 'live' ? null : {
          type: 'CreatePort',
          data: {
            portId, tenantId, networkId: subnet.networkId, subnetId: subnet.id, ipAddress: address, name: `vip-${vipId}`,
            deviceId: vipId, deviceOwner: VIP_PORT_OWNER,
          },
        })),
        () => run.execute(portDecider, portId, (s: PortState) => (s.kind === 'live' ? { type: 'DeletePort', data: { portId } } : null), { scoped: false }),
      );
      // A concurrent try with the same Idempotency-Key may have finished first: its VIP is this one.
      return run.execute(vipDecider, vipId, (s) => (s.kind === 'live' && ctx.idempotencyKey ? null : {
        type: 'CreateVip', data: { ...draft, address }, tlsCertificateId: certificateId,
      }));
    });
    return this.written(run, vipView(out.state), 'Vip', vipId);
  }

  /**
   * The VIP's port id, derived from the VIP id so that a retry finds the port of an interrupted
   * try. A port that a rolled-back try created and deleted is never reused: the next one is taken.
   */
  private async vipPortId(run: CommandRun, vipId: string): Promise<string> {
    for (let generation = 1; ; generation++) {
      const portId = this.env.derivedId(generation === 1 ? `${vipId}/port` : `${vipId}/port/${generation}`);
      if ((await run.load(portDecider, portId)).state.kind !== 'deleted') return portId;
    }
  }

  /**
   * A new pool_id moves the VIP: new pool (bind) -> VIP -> old pool (unbind). A new
   * tls_certificate_id likewise: new certificate (attach) -> VIP -> old certificate (detach).
   * Then the other settings. Everything that can be refused is checked before the first step.
   */
  async updateVip(ctx: RequestContext, id: string, input: In.UpdateVipInput): Promise<Written<VipResource>> {
    const run = this.begin(ctx);
    const vip = await run.visible(vipDecider, id);
    const changes = {
      name: input.name, description: input.description, sessionPersistence: input.session_persistence,
      connectionLimit: input.connection_limit, adminStateUp: input.admin_state_up,
    };
    const changesSettings = Object.values(changes).some((v) => v !== undefined);
    if (changesSettings) vipDecider.decide({ type: 'UpdateVip', data: { vipId: id, ...changes } }, vip);
    const newCertificate = input.tls_certificate_id;
    const changesCertificate = newCertificate !== undefined && newCertificate !== vip.tlsCertificateId;
    if (changesCertificate) vipDecider.decide({ type: 'ChangeVipCertificate', data: { vipId: id, certificateId: newCertificate } }, vip);
    const target = input.pool_id !== undefined && input.pool_id !== vip.poolId ? await run.visible(poolDecider, input.pool_id) : null;
    if (changesCertificate && newCertificate !== null) await this.usableCertificate(run, newCertificate, vip.tenantId);
    if (target) {
      await run.saga(async (saga) => {
        saga.compensate(
          await run.execute(poolDecider, target.id, () => ({ type: 'BindVip', data: { poolId: target.id, vipId: id, protocol: vip.protocol } })),
          () => run.execute(poolDecider, target.id, () => ({ type: 'UnbindVip', data: { poolId: target.id, vipId: id } }), { scoped: false }),
        );
        await run.execute(vipDecider, id, () => ({ type: 'ChangeVipPool', data: { vipId: id, poolId: target.id } }));
      });
      await run.execute(poolDecider, vip.poolId, () => ({ type: 'UnbindVip', data: { poolId: vip.poolId, vipId: id } }), { scoped: false });
    }
    if (changesCertificate) await this.changeVipCertificate(run, id, newCertificate);
    const out = await run.execute(vipDecider, id, () => (changesSettings ? { type: 'UpdateVip', data: { vipId: id, ...changes } } : null));
    return this.written(run, vipView(out.state), 'Vip', id);
  }

  /**
   * VIP -> floating IPs on its port disassociated -> port -> address released -> pool unbound.
   * A retry completes a deletion that a crash (or an unanswered read) interrupted, then answers
   * NotFound: otherwise the pool would stay bound to a VIP that is gone, and in use for ever.
   */
  async deleteVip(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.begin(ctx);
    const { state: vip, deleted } = await run.lastSeen(vipDecider, id);
    if (!deleted) await run.execute(vipDecider, id, () => ({ type: 'DeleteVip', data: { vipId: id } }));
    for (const floatingIpId of await this.lookup.floatingIpIdsOnPort(vip.portId)) {
      await run.execute(floatingIpDecider, floatingIpId, (s: FloatingIpState) =>
        (s.kind === 'live' && s.portId === vip.portId ? { type: 'DisassociateFloatingIp', data: { floatingIpId } } : null), { scoped: false });
    }
    await run.execute(portDecider, vip.portId, (s: PortState) => (s.kind === 'live' ? { type: 'DeletePort', data: { portId: vip.portId } } : null), { scoped: false });
    await run.execute(subnetDecider, vip.subnetId, (s: SubnetState) =>
      (s.kind === 'live' ? { type: 'ReleaseAddress', data: { subnetId: vip.subnetId, ownerId: vip.portId } } : null), { scoped: false });
    await run.execute(poolDecider, vip.poolId, () => ({ type: 'UnbindVip', data: { poolId: vip.poolId, vipId: id } }), { scoped: false });
    // A no-op when the certificate is gone or no longer names the VIP: the deletion completes regardless.
    if (vip.tlsCertificateId !== null) await this.detachCertificate(run, vip.tlsCertificateId, id);
    if (deleted) throw new NotFound('Vip', id);
    return { seq: run.seq };
  }

  /** New certificate (attach: the guard against its deletion) -> VIP -> the certificate it used before (detach). */
  private async changeVipCertificate(run: CommandRun, vipId: string, certificateId: string | null): Promise<void> {
    const seen: { previous: string | null } = { previous: null };
    await run.saga(async (saga) => {
      if (certificateId !== null) await this.attachCertificate(run, saga, certificateId, vipId);
      await run.execute(vipDecider, vipId, (s) => {
        // The certificate as it is when the change is appended, not as the request first read it.
        seen.previous = s.kind === 'live' ? s.tlsCertificateId : null;
        return { type: 'ChangeVipCertificate', data: { vipId, certificateId } };
      });
    });
    if (seen.previous !== null && seen.previous !== certificateId) await this.detachCertificate(run, seen.previous, vipId);
  }

  /** The certificate a VIP of `tenantId` may terminate TLS with: visible to the caller (else CertificateNotFound) and the VIP's tenant's. */
  private async usableCertificate(run: CommandRun, certificateId: string, tenantId: string): Promise<void> {
    const certificate = await run.visible(certificateDecider, certificateId);
    if (certificate.tenantId !== tenantId) {
      throw new ValidationError(`Certificate ${certificateId} belongs to another tenant than the VIP (${tenantId}); a VIP serves only its own tenant's certificates.`, 'HTTPBadRequest');
    }
  }

  /** The guard against the certificate's deletion while the VIP uses it; detached again if a later step of the saga is refused. */
  private async attachCertificate(run: CommandRun, saga: Saga, certificateId: string, vipId: string): Promise<void> {
    saga.compensate(
      await run.execute(certificateDecider, certificateId, () => ({ type: 'AttachCertificateVip', data: { certificateId, vipId } })),
      () => this.detachCertificate(run, certificateId, vipId),
    );
  }

  /** Idempotent, and a no-op once the certificate is gone: compensations and deletions converge whatever they find. */
  private detachCertificate(run: CommandRun, certificateId: string, vipId: string) {
    return run.execute(certificateDecider, certificateId, (s: CertificateState) =>
      (s.kind === 'live' && s.vipIds.includes(vipId) ? { type: 'DetachCertificateVip', data: { certificateId, vipId } } : null), { scoped: false });
  }

  // ---- health monitors -----------------------------------------------------------------------

  async createHealthMonitor(ctx: RequestContext, input: In.CreateHealthMonitorInput): Promise<Written<HealthMonitorResource>> {
    const run = this.begin(ctx);
    const monitorId = this.newId(ctx, 'healthmonitor');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const earlier = await this.replay(run, healthMonitorDecider, monitorId);
    if (earlier) return this.written(run, healthMonitorView(earlier), 'HealthMonitor', monitorId);
    const out = await run.execute(healthMonitorDecider, monitorId, (s) => (s.kind === 'live' && ctx.idempotencyKey ? null : {
      type: 'CreateHealthMonitor',
      data: {
        monitorId, tenantId, type: input.type, delay: input.delay, timeout: input.timeout, maxRetries: input.max_retries,
        httpMethod: input.http_method, urlPath: input.url_path, expectedCodes: input.expected_codes, adminStateUp: input.admin_state_up,
      },
    }));
    return this.written(run, healthMonitorView(out.state), 'HealthMonitor', monitorId);
  }

  async updateHealthMonitor(ctx: RequestContext, id: string, input: In.UpdateHealthMonitorInput): Promise<Written<HealthMonitorResource>> {
    const run = this.begin(ctx);
    const out = await run.execute(healthMonitorDecider, id, () => ({
      type: 'UpdateHealthMonitor',
      data: {
        monitorId: id, delay: input.delay, timeout: input.timeout, maxRetries: input.max_retries, httpMethod: input.http_method,
        urlPath: input.url_path, expectedCodes: input.expected_codes, adminStateUp: input.admin_state_up,
      },
    }));
    return this.written(run, healthMonitorView(out.state), 'HealthMonitor', id);
  }

  /** HealthMonitorInUse is decided in the monitor's stream, which records its associations. */
  async deleteHealthMonitor(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.begin(ctx);
    await run.execute(healthMonitorDecider, id, () => ({ type: 'DeleteHealthMonitor', data: { monitorId: id } }));
    return { seq: run.seq };
  }

  /**
   * Monitor (reserve: a monitor in use cannot be deleted) -> pool; the reservation is undone if
   * the pool rejects. A monitor side left by an interrupted association is completed, not doubled.
   */
  async associateHealthMonitor(ctx: RequestContext, poolId: string, monitorId: string): Promise<Deleted> {
    const run = this.begin(ctx);
    const pool = await run.visible(poolDecider, poolId);
    await run.visible(healthMonitorDecider, monitorId);
    poolDecider.decide({ type: 'AssociateMonitor', data: { poolId, monitorId } }, pool);
    await run.saga(async (saga) => {
      saga.compensate(
        await run.execute(healthMonitorDecider, monitorId, (s) =>
          (s.kind === 'live' && s.poolIds.includes(poolId) ? null : { type: 'AssociatePool', data: { monitorId, poolId } })),
        () => this.releaseMonitorSide(run, monitorId, poolId),
      );
      await run.execute(poolDecider, poolId, () => ({ type: 'AssociateMonitor', data: { poolId, monitorId } }));
    });
    return { seq: run.seq };
  }

  /** Pool -> monitor (the reservation is released last). Either side alone is enough to find the association. */
  async disassociateHealthMonitor(ctx: RequestContext, poolId: string, monitorId: string): Promise<Deleted> {
    const run = this.begin(ctx);
    await run.visible(poolDecider, poolId);
    const poolSide = await run.execute(poolDecider, poolId, (s) =>
      (s.kind === 'live' && !s.monitorIds.includes(monitorId) ? null : { type: 'DisassociateMonitor', data: { poolId, monitorId } }));
    const monitorSide = await this.releaseMonitorSide(run, monitorId, poolId);
    if (!poolSide.appended && !monitorSide.appended) {
      throw new NotFound('PoolMonitorAssociation', monitorId, `Monitor ${monitorId} is not associated with Pool ${poolId}`);
    }
    return { seq: run.seq };
  }

  // ---- certificates ---------------------------------------------------------------------------

  private ring(): KeyRing {
    if (this.keyRing === null) throw new Unavailable('This api has no certificate key ring (LBAAS_CERTIFICATE_KEY_FILE), so it cannot take private keys.');
    return this.keyRing;
  }

  /**
   * Reads the bundle as the edge must (a parsable leaf and chain in order, a key that matches
   * the leaf, valid now, no passphrase) and seals the key: only the sealed key leaves this call.
   */
  private material(certificatePem: string, privateKeyPem: string): CertificateMaterial {
    const ring = this.ring();
    return sealCertificateBundle(readCertificateBundle(certificatePem, privateKeyPem, new Date()), ring);
  }

  async createCertificate(ctx: RequestContext, input: In.CreateCertificateInput): Promise<Written<CertificateResource>> {
    const run = this.begin(ctx);
    const certificateId = this.newId(ctx, 'certificate');
    const tenantId = this.tenantFor(ctx, input.tenant_id);
    const earlier = await this.replay(run, certificateDecider, certificateId);
    if (earlier) return this.written(run, certificateView(earlier), 'Certificate', certificateId);
    const material = this.material(input.certificate, input.private_key);
    const out = await run.execute(certificateDecider, certificateId, (s) => (s.kind === 'live' && ctx.idempotencyKey ? null : {
      type: 'CreateCertificate',
      data: { certificateId, tenantId, name: input.name ?? '', description: input.description ?? '', ...material },
    }));
    return this.written(run, certificateView(out.state), 'Certificate', certificateId);
  }

  /**
   * Name and description, and a replacement in place (rotation: every VIP using it is served
   * the new pair): certificate and private_key come together. The material is checked before
   * anything is appended.
   */
  async updateCertificate(ctx: RequestContext, id: string, input: In.UpdateCertificateInput): Promise<Written<CertificateResource>> {
    const run = this.begin(ctx);
    await run.visible(certificateDecider, id);
    const { certificate, private_key: privateKey } = input;
    if ((certificate === undefined) !== (privateKey === undefined)) {
      throw new ValidationError(
        `Invalid input for certificate. Reason: a certificate is replaced together with its private key; send both certificate and private_key, or neither.`,
        'HTTPBadRequest',
      );
    }
    const material = certificate !== undefined && privateKey !== undefined ? this.material(certificate, privateKey) : null;
    let out = material === null ? null : await run.execute(certificateDecider, id, () => ({ type: 'ReplaceCertificate', data: { certificateId: id, ...material } }));
    if (out === null || input.name !== undefined || input.description !== undefined) {
      out = await run.execute(certificateDecider, id, () => ({ type: 'UpdateCertificate', data: { certificateId: id, name: input.name, description: input.description } }));
    }
    return this.written(run, certificateView(out.state), 'Certificate', id);
  }

  /**
   * CertificateInUse is decided in the certificate's stream. Attachments of VIPs that are
   * deleted (a VIP deletion cut short before its last step) are released first; a VIP being
   * created or moved to it is not deleted, so its attachment stands.
   */
  async deleteCertificate(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.begin(ctx);
    const certificate = await run.visible(certificateDecider, id);
    for (const vipId of certificate.vipIds) {
      if ((await run.load(vipDecider, vipId)).state.kind === 'deleted') await this.detachCertificate(run, id, vipId);
    }
    await run.execute(certificateDecider, id, () => ({ type: 'DeleteCertificate', data: { certificateId: id } }));
    return { seq: run.seq };
  }

  /** Opens the sealed key with the ring (current or previous key) and seals it with the current key; the certificate stays as it is. */
  async resealCertificate(ctx: RequestContext, id: string): Promise<Written<CertificateResource>> {
    if (!ctx.isAdmin) throw new Forbidden('Only administrators may reseal certificates.');
    const run = this.begin(ctx);
    const ring = this.ring();
    const out = await run.execute(certificateDecider, id, (s) => {
      if (s.kind !== 'live') throw new NotFound('Certificate', id);
      let plain: string;
      try {
        plain = openSecret(s.privateKey, ring);
      } catch (error) {
        if (!(error instanceof SecretUnreadable)) throw error;
        // The ring's message names key ids only, never key material.
        throw new Conflict('CertificateKeyUnavailable',
          `The private key of certificate ${id} cannot be opened with the api's certificate key ring (LBAAS_CERTIFICATE_KEY_FILE and its .previous): `
          + `${error.message}; then restart the api and reseal again.`);
      }
      return {
        type: 'ReplaceCertificate',
        data: {
          certificateId: id, certificate: s.certificate, privateKey: sealSecret(plain, ring), fingerprint: s.fingerprint, subject: s.subject,
          hostnames: [...s.hostnames], notBefore: s.notBefore, notAfter: s.notAfter,
        },
      };
    });
    return this.written(run, certificateView(out.state), 'Certificate', id);
  }
}
