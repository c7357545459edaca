import { Controller } from '@nestjs/common';
import { RESOURCE_KIND } from '@lbaas/domain';
import { NetworkCommands } from '../commands/network-commands';
import type { RequestContext } from '../commands/request-context';
import { CollectionReads, Fields, ListQuery, type ListRequest } from '../http/list-query';
import { BodyForId, Caller, type ObjectWrite, PathId, ResourceBody } from '../http/request-input';
import { Endpoint, Requires } from '../http/route-metadata';
import { NETWORK_ROUTES as ROUTE, RESOURCES } from '../http/route-table';
import type { BodyOf } from '../http/schemas';
import { WriteAnswers } from '../http/write-answers';

const KIND = RESOURCE_KIND.networks;

/** Neutron networks: `/v2.0/networks`. */
@Controller()
export class NetworksController {
  constructor(
    private readonly commands: NetworkCommands,
    private readonly reads: CollectionReads,
    private readonly answers: WriteAnswers,
  ) {}

  @Endpoint(ROUTE.list)
  @Requires('neutron:read')
  list(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    return this.reads.list(RESOURCES.networks, caller, query);
  }

  @Endpoint(ROUTE.show)
  @Requires('neutron:read')
  show(@PathId(KIND) id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    return this.reads.show(RESOURCES.networks, id, caller, fields);
  }

  @Endpoint(ROUTE.create)
  @Requires('neutron:write')
  async create(@ResourceBody(ROUTE.create) body: BodyOf<'createNetwork'>, @Caller() caller: RequestContext) {
    return this.answers.envelope('network', await this.commands.createNetwork(caller, body));
  }

  @Endpoint(ROUTE.update)
  @Requires('neutron:write')
  async update(@BodyForId(ROUTE.update, KIND) { id, body }: ObjectWrite<BodyOf<'updateNetwork'>>, @Caller() caller: RequestContext) {
    return this.answers.envelope('network', await this.commands.updateNetwork(caller, id, body));
  }

  @Endpoint(ROUTE.delete)
  @Requires('neutron:write')
  async delete(@PathId(KIND) id: string, @Caller() caller: RequestContext): Promise<void> {
    this.answers.done(await this.commands.deleteNetwork(caller, id));
  }
}
