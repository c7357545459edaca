import { Controller } from '@nestjs/common';
import { Conflict, NotFound } from '@lbaas/domain';
import type { RequestContext } from '../commands/request-context';
import {
  defaultSecurityGroup,
  type DefaultSecurityGroup,
  defaultSecurityGroupId,
  listDefaultSecurityGroups,
  visibleProjects,
} from '../default-security-groups';
import { derivedListEnvelope, Fields, ListQuery, type ListRequest, withFields } from '../http/list-query';
import { Caller, PathId } from '../http/request-input';
import { Endpoint, Requires } from '../http/route-metadata';
import { DERIVED_ROUTES as ROUTE } from '../http/route-table';
import { ReadSide } from '../read-side';

const KIND = 'SecurityGroup';

/** Each project's `default` security group, derived from the projects the read side knows (default-security-groups.ts). */
@Controller()
export class SecurityGroupsController {
  constructor(private readonly reads: ReadSide) {}

  @Endpoint(ROUTE.listSecurityGroups)
  @Requires('neutron:read')
  async list(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    const owners = caller.isAdmin ? await this.reads.projects() : [];
    const { items, more } = listDefaultSecurityGroups(visibleProjects(caller, owners, query.filters), query.filters, query.shape);
    return derivedListEnvelope('security_groups', items, more, query);
  }

  @Endpoint(ROUTE.showSecurityGroup)
  @Requires('neutron:read')
  async show(@PathId(KIND) id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    return { security_group: withFields(await this.find(caller, id), fields) };
  }

  @Endpoint(ROUTE.deleteSecurityGroup)
  @Requires('neutron:write')
  async delete(@PathId(KIND) id: string, @Caller() caller: RequestContext): Promise<void> {
    const group = await this.find(caller, id);
    if (group.project_id !== caller.tenantId) return; // an administrator's clean-up of another project: nothing is stored to remove
    throw new Conflict(
      'SecurityGroupCannotRemoveDefault',
      caller.isAdmin
        ? "The default security group of the caller's own project cannot be removed."
        : 'Insufficient rights for removing default security group.',
    );
  }

  /** The group `id` names among those the caller may see; a uuid v5 cannot be reversed, so the candidates are the known projects. */
  private async find(caller: RequestContext, id: string): Promise<DefaultSecurityGroup> {
    const projects = caller.isAdmin ? [caller.tenantId, ...(await this.reads.projects())] : [caller.tenantId];
    const project = projects.find((candidate) => defaultSecurityGroupId(candidate) === id);
    if (project === undefined) throw new NotFound(KIND, id);
    return defaultSecurityGroup(project);
  }
}
