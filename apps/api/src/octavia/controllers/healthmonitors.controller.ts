import { Controller } from '@nestjs/common';
import { ChildCommands } from '../commands/child-commands';
import { Body, Caller, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import { HEALTH_MONITOR_ROUTES as ROUTE, OCTAVIA_RESOURCES } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OctaviaReads } from '../octavia-reads';

const MONITOR = OCTAVIA_RESOURCES.healthmonitors;

/** `/v2/lbaas/healthmonitors`: at most one per pool. */
@Controller()
export class HealthMonitorsController {
  constructor(
    private readonly commands: ChildCommands,
    private readonly reads: OctaviaReads,
  ) {}

  @OctaviaEndpoint(ROUTE.list)
  list(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.list(MONITOR, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.show)
  show(@PathIds(MONITOR.title) { id }: { id: string }, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.show(MONITOR, id, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.create)
  async create(@Body(ROUTE.create) body: OctaviaBodyOf<'createHealthMonitor'>, @Caller() caller: OctaviaCaller) {
    return { healthmonitor: (await this.commands.createHealthMonitor(caller, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.update)
  async update(
    @PathIds(MONITOR.title) { id }: { id: string },
    @Body(ROUTE.update) body: OctaviaBodyOf<'updateHealthMonitor'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { healthmonitor: (await this.commands.updateHealthMonitor(caller, id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.delete)
  async delete(@PathIds(MONITOR.title) { id }: { id: string }, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.commands.deleteHealthMonitor(caller, id);
  }
}
