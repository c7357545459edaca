import { Controller } from '@nestjs/common';
import { LoadBalancerCommands } from '../commands/loadbalancer-commands';
import { Body, Caller, NoBody, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import { LOADBALANCER_ROUTES as ROUTE, OCTAVIA_RESOURCES } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OctaviaReads } from '../octavia-reads';
import { OctaviaStatusReads } from '../octavia-status-reads';

const LB = OCTAVIA_RESOURCES.loadbalancers;

/** `/v2/lbaas/loadbalancers`: the load balancers, their counters, their status tree and failover. */
@Controller()
export class LoadBalancersController {
  constructor(
    private readonly commands: LoadBalancerCommands,
    private readonly reads: OctaviaReads,
    private readonly status: OctaviaStatusReads,
  ) {}

  @OctaviaEndpoint(ROUTE.list)
  list(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.list(LB, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.show)
  show(@PathIds(LB.title) { id }: { id: string }, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.show(LB, id, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.create)
  async create(@Body(ROUTE.create) body: OctaviaBodyOf<'createLoadBalancer'>, @Caller() caller: OctaviaCaller) {
    return { loadbalancer: (await this.commands.create(caller, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.update)
  async update(
    @PathIds(LB.title) { id }: { id: string },
    @Body(ROUTE.update) body: OctaviaBodyOf<'updateLoadBalancer'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { loadbalancer: (await this.commands.update(caller, id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.delete)
  async delete(@PathIds(LB.title) { id }: { id: string }, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL): Promise<void> {
    await this.commands.delete(caller, id, /^(true|1)$/i.test(url.searchParams.get('cascade') ?? ''));
  }

  @OctaviaEndpoint(ROUTE.stats)
  stats(@PathIds(LB.title) { id }: { id: string }, @Caller() caller: OctaviaCaller) {
    return this.status.stats(LB, id, caller.principal, 'os_load-balancer_api:loadbalancer:get_stats');
  }

  @OctaviaEndpoint(ROUTE.status)
  statuses(@PathIds(LB.title) { id }: { id: string }, @Caller() caller: OctaviaCaller) {
    return this.status.tree(id, caller.principal);
  }

  @OctaviaEndpoint(ROUTE.failover)
  async failover(@PathIds(LB.title) { id }: { id: string }, @NoBody() _body: undefined, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.commands.failover(caller, id);
  }
}
