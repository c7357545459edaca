import { Controller } from '@nestjs/common';
import { L7Commands } from '../commands/l7-commands';
import { Body, Caller, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import { L7POLICY_ROUTES as ROUTE, OCTAVIA_RESOURCES } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OctaviaReads } from '../octavia-reads';

const POLICY = OCTAVIA_RESOURCES.l7policies;

/** `/v2/lbaas/l7policies`. */
@Controller()
export class L7PoliciesController {
  constructor(
    private readonly commands: L7Commands,
    private readonly reads: OctaviaReads,
  ) {}

  @OctaviaEndpoint(ROUTE.list)
  list(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.list(POLICY, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.show)
  show(@PathIds(POLICY.title) { id }: { id: string }, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.show(POLICY, id, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.create)
  async create(@Body(ROUTE.create) body: OctaviaBodyOf<'createL7Policy'>, @Caller() caller: OctaviaCaller) {
    return { l7policy: (await this.commands.createPolicy(caller, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.update)
  async update(
    @PathIds(POLICY.title) { id }: { id: string },
    @Body(ROUTE.update) body: OctaviaBodyOf<'updateL7Policy'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { l7policy: (await this.commands.updatePolicy(caller, id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.delete)
  async delete(@PathIds(POLICY.title) { id }: { id: string }, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.commands.deletePolicy(caller, id);
  }
}
