import { Controller, Param } from '@nestjs/common';
import { RESOURCE_KIND } from '@lbaas/domain';
import { HealthMonitorCommands } from '../commands/health-monitor-commands';
import type { RequestContext } from '../commands/request-context';
import { CollectionReads, Fields, ListQuery, type ListRequest } from '../http/list-query';
import { BodyForId, Caller, type ObjectWrite, PathId, type PoolMonitorIds, PoolMonitorIdsPipe, ResourceBody } from '../http/request-input';
import { Endpoint, Requires } from '../http/route-metadata';
import { ACTION_ROUTES, HEALTH_MONITOR_ROUTES as ROUTE, RESOURCES } from '../http/route-table';
import type { BodyOf } from '../http/schemas';
import { WriteAnswers } from '../http/write-answers';

const KIND = RESOURCE_KIND.health_monitors;

/** LBaaS v1 health monitors: `/v2.0/lb/health_monitors`, and their association with pools. */
@Controller()
export class HealthMonitorsController {
  constructor(
    private readonly commands: HealthMonitorCommands,
    private readonly reads: CollectionReads,
    private readonly answers: WriteAnswers,
  ) {}

  @Endpoint(ROUTE.list)
  @Requires('neutron:read')
  list(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    return this.reads.list(RESOURCES.health_monitors, caller, query);
  }

  @Endpoint(ROUTE.show)
  @Requires('neutron:read')
  show(@PathId(KIND) id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    return this.reads.show(RESOURCES.health_monitors, id, caller, fields);
  }

  @Endpoint(ROUTE.create)
  @Requires('neutron:write')
  async create(@ResourceBody(ROUTE.create) body: BodyOf<'createHealthMonitor'>, @Caller() caller: RequestContext) {
    return this.answers.envelope('health_monitor', await this.commands.createHealthMonitor(caller, body));
  }

  @Endpoint(ROUTE.update)
  @Requires('neutron:write')
  async update(@BodyForId(ROUTE.update, KIND) { id, body }: ObjectWrite<BodyOf<'updateHealthMonitor'>>, @Caller() caller: RequestContext) {
    return this.answers.envelope('health_monitor', await this.commands.updateHealthMonitor(caller, id, body));
  }

  @Endpoint(ROUTE.delete)
  @Requires('neutron:write')
  async delete(@PathId(KIND) id: string, @Caller() caller: RequestContext): Promise<void> {
    this.answers.done(await this.commands.deleteHealthMonitor(caller, id));
  }

  /** Answers `{"health_monitor": {}}` like Neutron. */
  @Endpoint(ACTION_ROUTES.associateHealthMonitor)
  @Requires('neutron:write')
  async associate(
    @BodyForId(ACTION_ROUTES.associateHealthMonitor, RESOURCE_KIND.pools)
    { id: poolId, body }: ObjectWrite<BodyOf<'associateHealthMonitor'>>,
    @Caller() caller: RequestContext,
  ) {
    this.answers.done(await this.commands.associateHealthMonitor(caller, poolId, body.id));
    return { health_monitor: {} };
  }

  @Endpoint(ACTION_ROUTES.disassociateHealthMonitor)
  @Requires('neutron:write')
  async disassociate(@Param(new PoolMonitorIdsPipe()) ids: PoolMonitorIds, @Caller() caller: RequestContext): Promise<void> {
    this.answers.done(await this.commands.disassociateHealthMonitor(caller, ids.id, ids.monitor_id));
  }
}
