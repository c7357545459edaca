import { Controller } from '@nestjs/common';
import { derivedListEnvelope, ListQuery, type ListRequest } from '../http/list-query';
import { HttpError } from '../http/errors';
import { Endpoint, Requires } from '../http/route-metadata';
import { DERIVED_ROUTES as ROUTE } from '../http/route-table';

/** Neutron's subnet pools: there are none (a subnet's cidr comes with its request), and tools that list them get Neutron's empty list. */
@Controller()
export class SubnetPoolsController {
  @Endpoint(ROUTE.listSubnetPools)
  @Requires('neutron:read')
  list(@ListQuery() query: ListRequest) {
    const marker = query.shape.page?.marker;
    if (marker) throw new HttpError(400, 'HTTPBadRequest', `Invalid marker ${marker}: no such subnetpools item.`);
    return derivedListEnvelope('subnetpools', [], false, query);
  }
}
