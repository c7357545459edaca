import { Controller } from '@nestjs/common';
import { L7Commands } from '../commands/l7-commands';
import { Body, Caller, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import { fieldsOf } from '../http/octavia-query';
import { L7RULE_ROUTES as ROUTE, OCTAVIA_RESOURCES } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OctaviaReads, projected } from '../octavia-reads';

const RULE = OCTAVIA_RESOURCES.l7rules;
type RulePath = { l7policy_id: string; id: string };

/** `/v2/lbaas/l7policies/{l7policy_id}/rules`. */
@Controller()
export class L7RulesController {
  constructor(
    private readonly commands: L7Commands,
    private readonly reads: OctaviaReads,
  ) {}

  @OctaviaEndpoint(ROUTE.list)
  list(@PathIds(RULE.title) { l7policy_id }: RulePath, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.rules(l7policy_id, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.show)
  async show(@PathIds(RULE.title) { l7policy_id, id }: RulePath, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    const row = await this.reads.rule(l7policy_id, id, caller.principal, 'os_load-balancer_api:l7rule:get_one');
    return { rule: projected(row, fieldsOf(url.searchParams)) };
  }

  @OctaviaEndpoint(ROUTE.create)
  async create(
    @PathIds(RULE.title) { l7policy_id }: RulePath,
    @Body(ROUTE.create) body: OctaviaBodyOf<'createL7Rule'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { rule: (await this.commands.createRule(caller, l7policy_id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.update)
  async update(
    @PathIds(RULE.title) { l7policy_id, id }: RulePath,
    @Body(ROUTE.update) body: OctaviaBodyOf<'updateL7Rule'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { rule: (await this.commands.updateRule(caller, l7policy_id, id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.delete)
  async delete(@PathIds(RULE.title) { l7policy_id, id }: RulePath, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.commands.deleteRule(caller, l7policy_id, id);
  }
}
