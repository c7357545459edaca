import { Injectable } from '@nestjs/common';
import {
  floatingIpDecider,
  type FloatingIpResource,
  floatingIpView,
  networkDecider,
  NotFound,
  portDecider,
  subnetDecider,
  ValidationError,
} from '@lbaas/domain';
import type { BodyOf } from '../http/schemas';
import type { CommandRun } from './command-run';
import { CommandRuns, replay, tenantFor, written } from './command-runs';
import { addressAllocatedTo } from './network-commands';
import type { Deleted, RequestContext, Written } from './request-context';

/** Floating IPs: an address of an external subnet, associated with a port (a VIP's). */
@Injectable()
export class FloatingIpCommands {
  constructor(private readonly runs: CommandRuns) {}

  private async portAddress(run: CommandRun, portId: string, fixedIp: string | null | undefined): Promise<string> {
    const port = await run.visible(portDecider, portId);
    if (fixedIp !== undefined && fixedIp !== null && fixedIp !== port.ipAddress) {
      throw new ValidationError(`Port ${portId} does not have fixed ip ${fixedIp}.`, 'BadRequest');
    }
    return port.ipAddress;
  }

  /** External subnet (allocate the address) -> floating IP; the address is released if the floating IP is rejected. */
  async createFloatingIp(ctx: RequestContext, input: BodyOf<'createFloatingIp'>): Promise<Written<FloatingIpResource>> {
    const run = this.runs.begin(ctx);
    const floatingIpId = this.runs.newId(ctx, 'floatingip');
    const tenantId = tenantFor(ctx, input.tenant_id);
    const earlier = await replay(run, floatingIpDecider, floatingIpId);
    if (earlier) return written(run, floatingIpView(earlier), 'FloatingIP', floatingIpId);
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
        await run.execute(
          subnetDecider,
          subnetId,
          () => ({
            type: 'AllocateAddress',
            data: { subnetId, ownerId: floatingIpId, ipAddress: input.floating_ip_address },
          }),
          { scoped: false },
        ),
        () =>
          run.execute(subnetDecider, subnetId, () => ({ type: 'ReleaseAddress', data: { subnetId, ownerId: floatingIpId } }), {
            scoped: false,
          }),
      );
      const floatingIpAddress = addressAllocatedTo(allocated.state, floatingIpId);
      return run.execute(floatingIpDecider, floatingIpId, (s) =>
        s.kind === 'live'
          ? null
          : {
              type: 'CreateFloatingIp',
              data: {
                floatingIpId,
                tenantId,
                floatingNetworkId: network.id,
                floatingSubnetId: subnetId,
                floatingIpAddress,
                portId: input.port_id ?? null,
                fixedIpAddress,
              },
            },
      );
    });
    return written(run, floatingIpView(out.state), 'FloatingIP', floatingIpId);
  }

  async updateFloatingIp(ctx: RequestContext, id: string, input: BodyOf<'updateFloatingIp'>): Promise<Written<FloatingIpResource>> {
    const run = this.runs.begin(ctx);
    await run.visible(floatingIpDecider, id);
    const portId = input.port_id;
    const fixedIpAddress = portId === null ? null : await this.portAddress(run, portId, input.fixed_ip_address);
    const out = await run.execute(floatingIpDecider, id, () =>
      portId === null || fixedIpAddress === null
        ? { type: 'DisassociateFloatingIp', data: { floatingIpId: id } }
        : { type: 'AssociateFloatingIp', data: { floatingIpId: id, portId, fixedIpAddress } },
    );
    return written(run, floatingIpView(out.state), 'FloatingIP', id);
  }

  /** Floating IP -> its address released. A retry completes an interrupted deletion, then answers NotFound. */
  async deleteFloatingIp(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    const { state: fip, deleted } = await run.lastSeen(floatingIpDecider, id);
    if (!deleted) await run.execute(floatingIpDecider, id, () => ({ type: 'DeleteFloatingIp', data: { floatingIpId: id } }));
    await run.execute(
      subnetDecider,
      fip.floatingSubnetId,
      (s) => (s.kind === 'live' ? { type: 'ReleaseAddress', data: { subnetId: fip.floatingSubnetId, ownerId: id } } : null),
      { scoped: false },
    );
    if (deleted) throw new NotFound('FloatingIP', id);
    return { seq: run.seq };
  }
}
