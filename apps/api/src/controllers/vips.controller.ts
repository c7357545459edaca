import { Controller } from '@nestjs/common';
import { RESOURCE_KIND } from '@lbaas/domain';
import { VipCommands } from '../commands/vip-commands';
import type { RequestContext } from '../commands/request-context';
import { CollectionReads, Fields, ListQuery, type ListRequest } from '../http/list-query';
import { BodyForId, Caller, type ObjectWrite, PathId, ResourceBody } from '../http/request-input';
import { Endpoint, Requires } from '../http/route-metadata';
import { VIP_ROUTES as ROUTE, RESOURCES } from '../http/route-table';
import type { BodyOf } from '../http/schemas';
import { WriteAnswers } from '../http/write-answers';

const KIND = RESOURCE_KIND.vips;

/** LBaaS v1 VIPs: `/v2.0/lb/vips`. */
@Controller()
export class VipsController {
  constructor(
    private readonly commands: VipCommands,
    private readonly reads: CollectionReads,
    private readonly answers: WriteAnswers,
  ) {}

  @Endpoint(ROUTE.list)
  @Requires('neutron:read')
  list(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    return this.reads.list(RESOURCES.vips, caller, query);
  }

  @Endpoint(ROUTE.show)
  @Requires('neutron:read')
  show(@PathId(KIND) id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    return this.reads.show(RESOURCES.vips, id, caller, fields);
  }

  @Endpoint(ROUTE.create)
  @Requires('neutron:write')
  async create(@ResourceBody(ROUTE.create) body: BodyOf<'createVip'>, @Caller() caller: RequestContext) {
    return this.answers.envelope('vip', await this.commands.createVip(caller, body));
  }

  @Endpoint(ROUTE.update)
  @Requires('neutron:write')
  async update(@BodyForId(ROUTE.update, KIND) { id, body }: ObjectWrite<BodyOf<'updateVip'>>, @Caller() caller: RequestContext) {
    return this.answers.envelope('vip', await this.commands.updateVip(caller, id, body));
  }

  @Endpoint(ROUTE.delete)
  @Requires('neutron:write')
  async delete(@PathId(KIND) id: string, @Caller() caller: RequestContext): Promise<void> {
    this.answers.done(await this.commands.deleteVip(caller, id));
  }
}
