import { Inject, Injectable } from '@nestjs/common';
import {
  type L7PolicyResource,
  type L7PolicyTree,
  type L7RuleConfig,
  type L7RuleResource,
  Unavailable,
  ValidationError,
} from '@lbaas/domain';
import type { RegexVerdict } from '@lbaas/haproxy';
import type { PolicyRule } from '@lbaas/identity';
import type { Deleted, Written } from '../../commands/request-context';
import { HttpError } from '../../http/errors';
import { notFound, type OctaviaCaller } from '../http/octavia-input';
import { OCTAVIA_RESOURCES } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { loadBalancerIdOf, OctaviaReads } from '../octavia-reads';
import { OCTAVIA_SHARED, type OctaviaShared } from '../octavia-shared';
import { l7PolicyChanges, l7PolicyConfig, l7RuleChanges, l7RuleConfig } from './l7-configs';
import { OctaviaRuns } from './octavia-runs';

/** Compiles a regex as HAProxy would (its PCRE2); the api's one way to know a REGEX rule will load. */
export type RegexCheck = (regex: string) => Promise<RegexVerdict>;
export const REGEX_CHECK = Symbol('REGEX_CHECK');

const { listeners: LISTENER, l7policies: POLICY, l7rules: RULE } = OCTAVIA_RESOURCES;

interface Parent {
  readonly loadBalancerId: string;
  readonly projectId: string;
}

/** A REGEX value HAProxy's PCRE2 would not compile is a 400 with PCRE2's words; control characters are the decider's. */
export async function checkRuleRegex(check: RegexCheck, rule: Pick<L7RuleConfig, 'compareType' | 'value'>): Promise<void> {
  if (rule.compareType !== 'REGEX' || /[\x00-\x1f\x7f-\x9f]/.test(rule.value)) return;
  let verdict: RegexVerdict;
  try {
    verdict = await check(rule.value);
  } catch (error) {
    throw new Unavailable(`HAProxy could not check the regular expression (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!verdict.ok)
    throw new ValidationError(`Error parsing L7Rule: Unable to parse regular expression: ${verdict.reason}`, 'L7RuleValidation');
}

/** Every rule of policies created with their listener or load balancer, compiled before anything is decided. */
export async function checkPolicyRegexes(check: RegexCheck, policies: readonly L7PolicyTree[]): Promise<void> {
  await Promise.all(policies.flatMap((p) => p.rules.map((r) => checkRuleRegex(check, r))));
}

/**
 * L7 policies and their rules, decided on their load balancer's stream like every child: a
 * policy's load balancer is its listener's (read-model rows, read with this process's writes).
 */
@Injectable()
export class L7Commands {
  private readonly runs: OctaviaRuns;

  constructor(
    @Inject(OCTAVIA_SHARED) shared: OctaviaShared,
    private readonly reads: OctaviaReads,
    @Inject(REGEX_CHECK) private readonly regexCheck: RegexCheck,
  ) {
    this.runs = new OctaviaRuns(shared);
  }

  async createPolicy(caller: OctaviaCaller, body: OctaviaBodyOf<'createL7Policy'>): Promise<Written<L7PolicyResource>> {
    const parent = await this.listenerParent(caller, body.listener_id, 'os_load-balancer_api:l7policy:post');
    if (body.project_id !== undefined && body.project_id !== parent.projectId)
      throw new HttpError(
        400,
        'ValidationException',
        `Validation failure: project_id ${body.project_id} is not the project of Listener ${body.listener_id}.`,
      );
    const rules = (body.rules ?? []).map((r) => l7RuleConfig(this.runs.newId(), r));
    await Promise.all(rules.map((r) => this.checkRegex(r)));
    const id = this.runs.newId();
    const { listener_id: listenerId, project_id: _project, rules: _rules, ...settings } = body;
    const l7policy = l7PolicyConfig(id, settings);
    const run = this.runs.begin(caller, parent.projectId);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'CreateL7Policy',
      data: { loadBalancerId: parent.loadBalancerId, listenerId, l7policy, rules, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'l7policies', POLICY.title, id);
  }

  async updatePolicy(caller: OctaviaCaller, id: string, body: OctaviaBodyOf<'updateL7Policy'>): Promise<Written<L7PolicyResource>> {
    const parent = await this.policyParent(caller, id, 'os_load-balancer_api:l7policy:put');
    const run = this.runs.begin(caller, parent.projectId);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'UpdateL7Policy',
      data: { loadBalancerId: parent.loadBalancerId, l7policyId: id, changes: l7PolicyChanges(body), at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'l7policies', POLICY.title, id);
  }

  async deletePolicy(caller: OctaviaCaller, id: string): Promise<Deleted> {
    const parent = await this.policyParent(caller, id, 'os_load-balancer_api:l7policy:delete');
    const run = this.runs.begin(caller, parent.projectId);
    await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'DeleteL7Policy',
      data: { loadBalancerId: parent.loadBalancerId, l7policyId: id, at: this.runs.now() },
    }));
    return this.runs.done(run);
  }

  async createRule(caller: OctaviaCaller, policyId: string, body: OctaviaBodyOf<'createL7Rule'>): Promise<Written<L7RuleResource>> {
    const parent = await this.policyParent(caller, policyId, 'os_load-balancer_api:l7rule:post');
    const { project_id: _project, ...settings } = body;
    const rule = l7RuleConfig(this.runs.newId(), settings);
    await this.checkRegex(rule);
    const run = this.runs.begin(caller, parent.projectId);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'CreateL7Rule',
      data: { loadBalancerId: parent.loadBalancerId, l7policyId: policyId, rule, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'l7rules', RULE.title, rule.id);
  }

  /** A changed value or comparison is compiled against the rule as it will be (the decider merges the same way). */
  async updateRule(
    caller: OctaviaCaller,
    policyId: string,
    id: string,
    body: OctaviaBodyOf<'updateL7Rule'>,
  ): Promise<Written<L7RuleResource>> {
    const parent = await this.ruleParent(caller, policyId, id, 'os_load-balancer_api:l7rule:put');
    const row = await this.reads.rule(policyId, id, caller.principal, 'os_load-balancer_api:l7rule:put');
    const compareType = body.compare_type ?? (row.compare_type as L7RuleConfig['compareType']);
    await this.checkRegex({ compareType, value: body.value ?? String(row.value) });
    const run = this.runs.begin(caller, parent.projectId);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'UpdateL7Rule',
      data: { loadBalancerId: parent.loadBalancerId, l7policyId: policyId, ruleId: id, changes: l7RuleChanges(body), at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'l7rules', RULE.title, id);
  }

  async deleteRule(caller: OctaviaCaller, policyId: string, id: string): Promise<Deleted> {
    const parent = await this.ruleParent(caller, policyId, id, 'os_load-balancer_api:l7rule:delete');
    const run = this.runs.begin(caller, parent.projectId);
    await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'DeleteL7Rule',
      data: { loadBalancerId: parent.loadBalancerId, l7policyId: policyId, ruleId: id, at: this.runs.now() },
    }));
    return this.runs.done(run);
  }

  private checkRegex(rule: Pick<L7RuleConfig, 'compareType' | 'value'>): Promise<void> {
    return checkRuleRegex(this.regexCheck, rule);
  }

  private async listenerParent(caller: OctaviaCaller, listenerId: string, rule: PolicyRule): Promise<Parent> {
    const row = await this.reads.owned(LISTENER, listenerId, caller.principal, rule);
    const loadBalancerId = loadBalancerIdOf(row);
    if (loadBalancerId === null) throw notFound(LISTENER.title, listenerId);
    return { loadBalancerId, projectId: String(row.project_id) };
  }

  private async policyParent(caller: OctaviaCaller, id: string, rule: PolicyRule): Promise<Parent> {
    const row = await this.reads.owned(POLICY, id, caller.principal, rule);
    return this.listenerParent(caller, String(row.listener_id), rule);
  }

  private async ruleParent(caller: OctaviaCaller, policyId: string, id: string, rule: PolicyRule): Promise<Parent> {
    await this.reads.rule(policyId, id, caller.principal, rule);
    return this.policyParent(caller, policyId, rule);
  }
}
