import { Controller, Param } from '@nestjs/common';
import type { RequestContext } from '../commands/request-context';
import { CollectionReads, Fields, ListQuery, type ListRequest } from '../http/list-query';
import { Caller } from '../http/request-input';
import { Endpoint, Requires } from '../http/route-metadata';
import { NODE_ROUTES, RESOURCES, SERVICE_INSTANCE_ROUTES } from '../http/route-table';

/**
 * The scheduler's service instances and the compute nodes, for administrators (other roles get
 * 403: the collections are no secret). Read-only; nodes are named, not UUIDs.
 */
@Controller()
export class OperatorViewsController {
  constructor(private readonly reads: CollectionReads) {}

  @Endpoint(SERVICE_INSTANCE_ROUTES.list)
  @Requires('neutron:read', 'neutron:admin')
  listServiceInstances(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    return this.reads.list(RESOURCES.service_instances, caller, query);
  }

  @Endpoint(SERVICE_INSTANCE_ROUTES.show)
  @Requires('neutron:read', 'neutron:admin')
  showServiceInstance(@Param('id') id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    return this.reads.show(RESOURCES.service_instances, id, caller, fields);
  }

  @Endpoint(NODE_ROUTES.list)
  @Requires('neutron:read', 'neutron:admin')
  listNodes(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    return this.reads.list(RESOURCES.nodes, caller, query);
  }

  @Endpoint(NODE_ROUTES.show)
  @Requires('neutron:read', 'neutron:admin')
  showNode(@Param('id') id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    return this.reads.show(RESOURCES.nodes, id, caller, fields);
  }
}
