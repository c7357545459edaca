import { Injectable } from '@nestjs/common';
import {
  addressOf,
  ConcurrencyConflict,
  type CreateSubnet,
  networkDecider,
  type NetworkResource,
  networkView,
  NotFound,
  subnetDecider,
  type SubnetResource,
  type SubnetState,
  subnetView,
} from '@lbaas/domain';
import type { BodyOf } from '../http/schemas';
import { CommandRuns, replay, tenantFor, written } from './command-runs';
import type { Deleted, RequestContext, Written } from './request-context';

/** Networks, and their subnets: a network reserves its subnets' cidrs, a subnet owns its address allocations. */
@Injectable()
export class NetworkCommands {
  constructor(private readonly runs: CommandRuns) {}

  async createNetwork(ctx: RequestContext, input: BodyOf<'createNetwork'>): Promise<Written<NetworkResource>> {
    const run = this.runs.begin(ctx);
    const networkId = run.newAggregateId(networkDecider, 'network');
    const tenantId = tenantFor(ctx, input.tenant_id);
    const earlier = await replay(run, networkDecider, networkId);
    if (earlier) return written(run, networkView(earlier), 'Network', networkId);
    const out = await run.execute(networkDecider, networkId, (s) =>
      s.kind === 'live' && ctx.idempotencyKey
        ? null
        : {
            type: 'CreateNetwork',
            data: {
              networkId,
              tenantId,
              name: input.name ?? '',
              adminStateUp: input.admin_state_up ?? true,
              shared: input.shared ?? false,
              external: input['router:external'] ?? false,
            },
          },
    );
    return written(run, networkView(out.state), 'Network', networkId);
  }

  async updateNetwork(ctx: RequestContext, id: string, input: BodyOf<'updateNetwork'>): Promise<Written<NetworkResource>> {
    const run = this.runs.begin(ctx);
    const out = await run.execute(networkDecider, id, () => ({
      type: 'UpdateNetwork',
      data: { networkId: id, name: input.name, adminStateUp: input.admin_state_up, shared: input.shared },
    }));
    return written(run, networkView(out.state), 'Network', id);
  }

  async deleteNetwork(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    await run.execute(networkDecider, id, () => ({ type: 'DeleteNetwork', data: { networkId: id } }));
    return { seq: run.seq };
  }

  /** Network (reserve the cidr: overlap is decided there) -> subnet; the reservation is released if the subnet is rejected. */
  async createSubnet(ctx: RequestContext, input: BodyOf<'createSubnet'>): Promise<Written<SubnetResource>> {
    const run = this.runs.begin(ctx);
    const subnetId = run.newAggregateId(subnetDecider, 'subnet');
    const tenantId = tenantFor(ctx, input.tenant_id);
    const earlier = await replay(run, subnetDecider, subnetId);
    if (earlier) return written(run, subnetView(earlier), 'Subnet', subnetId);
    const create: CreateSubnet = {
      type: 'CreateSubnet',
      data: {
        subnetId,
        tenantId,
        networkId: input.network_id,
        cidr: input.cidr,
        name: input.name,
        gatewayIp: input.gateway_ip,
        allocationPools: input.allocation_pools,
        enableDhcp: input.enable_dhcp,
        dnsNameservers: input.dns_nameservers,
        hostRoutes: input.host_routes,
      },
    };
    subnetDecider.decide(create, subnetDecider.initialState); // reject bad settings before reserving anything
    const network = await run.visible(networkDecider, input.network_id);
    const out = await run.saga(async (saga) => {
      saga.compensate(
        await run.execute(networkDecider, network.id, () => ({
          type: 'AttachSubnet',
          data: { networkId: network.id, subnetId, cidr: input.cidr },
        })),
        () =>
          run.execute(networkDecider, network.id, () => ({ type: 'DetachSubnet', data: { networkId: network.id, subnetId } }), {
            scoped: false,
          }),
      );
      return run.execute(subnetDecider, subnetId, (s) => (s.kind === 'live' ? null : create));
    });
    return written(run, subnetView(out.state), 'Subnet', subnetId);
  }

  async updateSubnet(ctx: RequestContext, id: string, input: BodyOf<'updateSubnet'>): Promise<Written<SubnetResource>> {
    const run = this.runs.begin(ctx);
    const out = await run.execute(subnetDecider, id, () => ({
      type: 'UpdateSubnet',
      data: {
        subnetId: id,
        name: input.name,
        gatewayIp: input.gateway_ip,
        enableDhcp: input.enable_dhcp,
        dnsNameservers: input.dns_nameservers,
        hostRoutes: input.host_routes,
      },
    }));
    return written(run, subnetView(out.state), 'Subnet', id);
  }

  /** Subnet (SubnetInUse is decided there) -> the network's reservation released. A retry completes an interrupted deletion, then answers NotFound. */
  async deleteSubnet(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    const { state: subnet, deleted } = await run.lastSeen(subnetDecider, id);
    if (!deleted) await run.execute(subnetDecider, id, () => ({ type: 'DeleteSubnet', data: { subnetId: id } }));
    await run.execute(
      networkDecider,
      subnet.networkId,
      (s) => (s.kind === 'live' ? { type: 'DetachSubnet', data: { networkId: subnet.networkId, subnetId: id } } : null),
      { scoped: false },
    );
    if (deleted) throw new NotFound('Subnet', id);
    return { seq: run.seq };
  }
}

/** The address the subnet gave `ownerId`; a step that just allocated (or found) it cannot miss it. */
export function addressAllocatedTo(subnet: SubnetState, ownerId: string): string {
  const address = addressOf(subnet, ownerId);
  if (address === undefined) throw new ConcurrencyConflict(`subnet ${subnet.kind === 'live' ? subnet.id : ownerId}`);
  return address;
}
