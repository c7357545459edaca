import { Inject, Injectable } from '@nestjs/common';
import {
  type CreateVip,
  floatingIpDecider,
  type FloatingIpState,
  NotFound,
  poolDecider,
  portDecider,
  type PortState,
  subnetDecider,
  type SubnetState,
  vipDecider,
  type VipResource,
  vipView,
} from '@lbaas/domain';
import type { BodyOf } from '../http/schemas';
import { attachCertificate, detachCertificate, usableCertificate } from './certificate-attachments';
import type { CommandRun } from './command-run';
import { CommandRuns, replay, tenantFor, written } from './command-runs';
import { addressAllocatedTo } from './network-commands';
import type { Deleted, RequestContext, ResourceLookup, Written } from './request-context';
import { RESOURCE_LOOKUP } from './tokens';

/** Neutron's device owner for the port a VIP's address lives on. */
export const VIP_PORT_OWNER = 'neutron:LOADBALANCER';

/**
 * VIPs: operations that span the pool (binding), the subnet (address), the port, the
 * certificate (attachment) and the VIP itself, as sagas that reserve first and compensate.
 */
@Injectable()
export class VipCommands {
  constructor(
    private readonly runs: CommandRuns,
    @Inject(RESOURCE_LOOKUP) private readonly lookup: ResourceLookup,
  ) {}

  /**
   * Pool (bind: one VIP per pool, protocols match) -> subnet (allocate the address) -> port -> VIP.
   * Each step is idempotent for the same ids, so a retry with the same Idempotency-Key resumes.
   */
  async createVip(ctx: RequestContext, input: BodyOf<'createVip'>): Promise<Written<VipResource>> {
    const run = this.runs.begin(ctx);
    const vipId = run.newAggregateId(vipDecider, 'vip');
    const tenantId = tenantFor(ctx, input.tenant_id);
    const earlier = await replay(run, vipDecider, vipId);
    if (earlier) return written(run, vipView(earlier), 'Vip', vipId);
    const portId = await this.vipPortId(run, vipId);
    const draft: CreateVip['data'] = {
      vipId,
      tenantId,
      subnetId: input.subnet_id,
      address: input.address ?? '',
      portId,
      protocolPort: input.protocol_port,
      protocol: input.protocol,
      poolId: input.pool_id,
      name: input.name ?? '',
      description: input.description ?? '',
      sessionPersistence: input.session_persistence ?? null,
      connectionLimit: input.connection_limit ?? -1,
      adminStateUp: input.admin_state_up ?? true,
    };
    const certificateId = input.tls_certificate_id ?? null;
    // Reject what can be known now before reserving anything; every step decides again on fresh state.
    vipDecider.decide({ type: 'CreateVip', data: draft, tlsCertificateId: certificateId }, vipDecider.initialState);
    const pool = await run.visible(poolDecider, input.pool_id);
    const subnet = await run.visible(subnetDecider, input.subnet_id);
    if (certificateId !== null) await usableCertificate(run, certificateId, tenantId);
    poolDecider.decide({ type: 'BindVip', data: { poolId: pool.id, vipId, protocol: input.protocol } }, pool);
    subnetDecider.decide({ type: 'AllocateAddress', data: { subnetId: subnet.id, ownerId: portId, ipAddress: input.address } }, subnet);
    const out = await run.saga(async (saga) => {
      if (certificateId !== null) await attachCertificate(run, saga, certificateId, vipId);
      saga.compensate(
        await run.execute(poolDecider, pool.id, () => ({ type: 'BindVip', data: { poolId: pool.id, vipId, protocol: input.protocol } })),
        () => run.execute(poolDecider, pool.id, () => ({ type: 'UnbindVip', data: { poolId: pool.id, vipId } }), { scoped: false }),
      );
      const allocated = saga.compensate(
        await run.execute(
          subnetDecider,
          subnet.id,
          () => ({
            type: 'AllocateAddress',
            data: { subnetId: subnet.id, ownerId: portId, ipAddress: input.address },
          }),
          { scoped: false },
        ),
        () =>
          run.execute(subnetDecider, subnet.id, () => ({ type: 'ReleaseAddress', data: { subnetId: subnet.id, ownerId: portId } }), {
            scoped: false,
          }),
      );
      const address = addressAllocatedTo(allocated.state, portId);
      saga.compensate(
        await run.execute(portDecider, portId, (s: PortState) =>
          s.kind === 'live'
            ? null
            : {
                type: 'CreatePort',
                data: {
                  portId,
                  tenantId,
                  networkId: subnet.networkId,
                  subnetId: subnet.id,
                  ipAddress: address,
                  name: `vip-${vipId}`,
                  deviceId: vipId,
                  deviceOwner: VIP_PORT_OWNER,
                },
              },
        ),
        () =>
          run.execute(portDecider, portId, (s: PortState) => (s.kind === 'live' ? { type: 'DeletePort', data: { portId } } : null), {
            scoped: false,
          }),
      );
      // A concurrent try with the same Idempotency-Key may have finished first: its VIP is this one.
      return run.execute(vipDecider, vipId, (s) =>
        s.kind === 'live' && ctx.idempotencyKey
          ? null
          : {
              type: 'CreateVip',
              data: { ...draft, address },
              tlsCertificateId: certificateId,
            },
      );
    });
    return written(run, vipView(out.state), 'Vip', vipId);
  }

  /**
   * The VIP's port id, derived from the VIP id so that a retry finds the port of an interrupted
   * try. A port that a rolled-back try created and deleted is never reused: the next one is taken.
   */
  private async vipPortId(run: CommandRun, vipId: string): Promise<string> {
    for (let generation = 1; ; generation++) {
      const portId = this.runs.env.derivedId(generation === 1 ? `${vipId}/port` : `${vipId}/port/${generation}`);
      if ((await run.load(portDecider, portId)).state.kind !== 'deleted') return portId;
    }
  }

  /**
   * A new pool_id moves the VIP: new pool (bind) -> VIP -> old pool (unbind). A new
   * tls_certificate_id likewise: new certificate (attach) -> VIP -> old certificate (detach).
   * Then the other settings. Everything that can be refused is checked before the first step.
   */
  async updateVip(ctx: RequestContext, id: string, input: BodyOf<'updateVip'>): Promise<Written<VipResource>> {
    const run = this.runs.begin(ctx);
    const vip = await run.visible(vipDecider, id);
    const changes = {
      name: input.name,
      description: input.description,
      sessionPersistence: input.session_persistence,
      connectionLimit: input.connection_limit,
      adminStateUp: input.admin_state_up,
    };
    const changesSettings = Object.values(changes).some((v) => v !== undefined);
    if (changesSettings) vipDecider.decide({ type: 'UpdateVip', data: { vipId: id, ...changes } }, vip);
    const newCertificate = input.tls_certificate_id;
    const changesCertificate = newCertificate !== undefined && newCertificate !== vip.tlsCertificateId;
    if (changesCertificate) vipDecider.decide({ type: 'ChangeVipCertificate', data: { vipId: id, certificateId: newCertificate } }, vip);
    const target = input.pool_id !== undefined && input.pool_id !== vip.poolId ? await run.visible(poolDecider, input.pool_id) : null;
    if (changesCertificate && newCertificate !== null) await usableCertificate(run, newCertificate, vip.tenantId);
    if (target) {
      await run.saga(async (saga) => {
        saga.compensate(
          await run.execute(poolDecider, target.id, () => ({
            type: 'BindVip',
            data: { poolId: target.id, vipId: id, protocol: vip.protocol },
          })),
          () =>
            run.execute(poolDecider, target.id, () => ({ type: 'UnbindVip', data: { poolId: target.id, vipId: id } }), { scoped: false }),
        );
        await run.execute(vipDecider, id, () => ({ type: 'ChangeVipPool', data: { vipId: id, poolId: target.id } }));
      });
      await run.execute(poolDecider, vip.poolId, () => ({ type: 'UnbindVip', data: { poolId: vip.poolId, vipId: id } }), { scoped: false });
    }
    if (changesCertificate) await this.changeVipCertificate(run, id, newCertificate);
    const out = await run.execute(vipDecider, id, () => (changesSettings ? { type: 'UpdateVip', data: { vipId: id, ...changes } } : null));
    return written(run, vipView(out.state), 'Vip', id);
  }

  /**
   * VIP -> floating IPs on its port disassociated -> port -> address released -> pool unbound.
   * A retry completes a deletion that a crash (or an unanswered read) interrupted, then answers
   * NotFound: otherwise the pool would stay bound to a VIP that is gone, and in use for ever.
   */
  async deleteVip(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    const { state: vip, deleted } = await run.lastSeen(vipDecider, id);
    if (!deleted) await run.execute(vipDecider, id, () => ({ type: 'DeleteVip', data: { vipId: id } }));
    for (const floatingIpId of await this.lookup.floatingIpIdsOnPort(vip.portId)) {
      await run.execute(
        floatingIpDecider,
        floatingIpId,
        (s: FloatingIpState) =>
          s.kind === 'live' && s.portId === vip.portId ? { type: 'DisassociateFloatingIp', data: { floatingIpId } } : null,
        { scoped: false },
      );
    }
    await run.execute(
      portDecider,
      vip.portId,
      (s: PortState) => (s.kind === 'live' ? { type: 'DeletePort', data: { portId: vip.portId } } : null),
      { scoped: false },
    );
    await run.execute(
      subnetDecider,
      vip.subnetId,
      (s: SubnetState) => (s.kind === 'live' ? { type: 'ReleaseAddress', data: { subnetId: vip.subnetId, ownerId: vip.portId } } : null),
      { scoped: false },
    );
    await run.execute(poolDecider, vip.poolId, () => ({ type: 'UnbindVip', data: { poolId: vip.poolId, vipId: id } }), { scoped: false });
    // A no-op when the certificate is gone or no longer names the VIP: the deletion completes regardless.
    if (vip.tlsCertificateId !== null) await detachCertificate(run, vip.tlsCertificateId, id);
    if (deleted) throw new NotFound('Vip', id);
    return { seq: run.seq };
  }

  /** New certificate (attach: the guard against its deletion) -> VIP -> the certificate it used before (detach). */
  private async changeVipCertificate(run: CommandRun, vipId: string, certificateId: string | null): Promise<void> {
    const seen: { previous: string | null } = { previous: null };
    await run.saga(async (saga) => {
      if (certificateId !== null) await attachCertificate(run, saga, certificateId, vipId);
      await run.execute(vipDecider, vipId, (s) => {
        // The certificate as it is when the change is appended, not as the request first read it.
        seen.previous = s.kind === 'live' ? s.tlsCertificateId : null;
        return { type: 'ChangeVipCertificate', data: { vipId, certificateId } };
      });
    });
    if (seen.previous !== null && seen.previous !== certificateId) await detachCertificate(run, seen.previous, vipId);
  }
}
