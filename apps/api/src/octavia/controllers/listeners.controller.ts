import { Controller } from '@nestjs/common';
import { ChildCommands } from '../commands/child-commands';
import { Body, Caller, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import { LISTENER_ROUTES as ROUTE, OCTAVIA_RESOURCES } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OctaviaReads } from '../octavia-reads';
import { OctaviaStatusReads } from '../octavia-status-reads';

const LISTENER = OCTAVIA_RESOURCES.listeners;

/** `/v2/lbaas/listeners` and a listener's counters. */
@Controller()
export class ListenersController {
  constructor(
    private readonly commands: ChildCommands,
    private readonly reads: OctaviaReads,
    private readonly status: OctaviaStatusReads,
  ) {}

  @OctaviaEndpoint(ROUTE.list)
  list(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.list(LISTENER, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.show)
  show(@PathIds(LISTENER.title) { id }: { id: string }, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.show(LISTENER, id, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.create)
  async create(@Body(ROUTE.create) body: OctaviaBodyOf<'createListener'>, @Caller() caller: OctaviaCaller) {
    return { listener: (await this.commands.createListener(caller, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.update)
  async update(
    @PathIds(LISTENER.title) { id }: { id: string },
    @Body(ROUTE.update) body: OctaviaBodyOf<'updateListener'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { listener: (await this.commands.updateListener(caller, id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.delete)
  async delete(@PathIds(LISTENER.title) { id }: { id: string }, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.commands.deleteListener(caller, id);
  }

  @OctaviaEndpoint(ROUTE.stats)
  stats(@PathIds(LISTENER.title) { id }: { id: string }, @Caller() caller: OctaviaCaller) {
    return this.status.stats(LISTENER, id, caller.principal, 'os_load-balancer_api:listener:get_stats');
  }
}
