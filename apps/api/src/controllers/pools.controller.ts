import { Controller } from '@nestjs/common';
import { RESOURCE_KIND } from '@lbaas/domain';
import { PoolCommands } from '../commands/pool-commands';
import type { RequestContext } from '../commands/request-context';
import { CollectionReads, Fields, ListQuery, type ListRequest } from '../http/list-query';
import { BodyForId, Caller, type ObjectWrite, PathId, ResourceBody } from '../http/request-input';
import { Endpoint, Requires } from '../http/route-metadata';
import { ACTION_ROUTES, POOL_ROUTES as ROUTE, RESOURCES } from '../http/route-table';
import type { BodyOf } from '../http/schemas';
import { WriteAnswers } from '../http/write-answers';
import { ReadSide } from '../read-side';

const KIND = RESOURCE_KIND.pools;

/** LBaaS v1 pools: `/v2.0/lb/pools`, and a pool's traffic counters. */
@Controller()
export class PoolsController {
  constructor(
    private readonly commands: PoolCommands,
    private readonly reads: CollectionReads,
    private readonly answers: WriteAnswers,
    private readonly readSide: ReadSide,
  ) {}

  @Endpoint(ROUTE.list)
  @Requires('neutron:read')
  list(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    return this.reads.list(RESOURCES.pools, caller, query);
  }

  @Endpoint(ROUTE.show)
  @Requires('neutron:read')
  show(@PathId(KIND) id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    return this.reads.show(RESOURCES.pools, id, caller, fields);
  }

  @Endpoint(ROUTE.create)
  @Requires('neutron:write')
  async create(@ResourceBody(ROUTE.create) body: BodyOf<'createPool'>, @Caller() caller: RequestContext) {
    return this.answers.envelope('pool', await this.commands.createPool(caller, body));
  }

  @Endpoint(ROUTE.update)
  @Requires('neutron:write')
  async update(@BodyForId(ROUTE.update, KIND) { id, body }: ObjectWrite<BodyOf<'updatePool'>>, @Caller() caller: RequestContext) {
    return this.answers.envelope('pool', await this.commands.updatePool(caller, id, body));
  }

  @Endpoint(ROUTE.delete)
  @Requires('neutron:write')
  async delete(@PathId(KIND) id: string, @Caller() caller: RequestContext): Promise<void> {
    this.answers.done(await this.commands.deletePool(caller, id));
  }

  @Endpoint(ACTION_ROUTES.showPoolStats)
  @Requires('neutron:read')
  async stats(@PathId(KIND) id: string, @Caller() caller: RequestContext) {
    return { stats: await this.readSide.poolStats(id, caller.isAdmin ? null : caller.tenantId) };
  }
}
