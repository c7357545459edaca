import { Controller } from '@nestjs/common';
import { RESOURCE_KIND } from '@lbaas/domain';
import type { RequestContext } from '../commands/request-context';
import { CollectionReads, Fields, ListQuery, type ListRequest } from '../http/list-query';
import { Caller, PathId } from '../http/request-input';
import { Endpoint, Requires } from '../http/route-metadata';
import { PORT_ROUTES as ROUTE, RESOURCES } from '../http/route-table';

/** Neutron ports, read-only here: a VIP's port is created and deleted with its VIP. */
@Controller()
export class PortsController {
  constructor(private readonly reads: CollectionReads) {}

  @Endpoint(ROUTE.list)
  @Requires('neutron:read')
  list(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    return this.reads.list(RESOURCES.ports, caller, query);
  }

  @Endpoint(ROUTE.show)
  @Requires('neutron:read')
  show(@PathId(RESOURCE_KIND.ports) id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    return this.reads.show(RESOURCES.ports, id, caller, fields);
  }
}
