import { Conflict } from '../errors';
import { distinctTags, idExists, listenerOf, poolOf } from './checks';
import type { L7PolicyChanges, L7PolicyTree, L7RuleChanges } from './commands';
import { l7PolicyConfig, l7RuleConfig, sameConfig, withChanges } from './configs';
import type { L7PolicyCreated, L7PolicyDeleted, L7PolicyUpdated, L7RuleCreated, L7RuleDeleted, L7RuleUpdated } from './events';
import { checkListenerTakesPolicies, checkPolicy, checkRule, l7PolicyArgs, MAX_RULES_PER_POLICY, policyOf, ruleOf } from './l7-checks';
import type { L7PolicyAction, L7PolicyConfig, L7RuleConfig } from './model';
import { checkPoolFitsListener } from './object-checks';
import type { ListenerState, LiveLoadBalancer } from './state';

/** The action's own fields stay, the others are null; a redirect without a code gets Octavia's 302. */
function settledAction(p: L7PolicyConfig): L7PolicyConfig {
  const none = { redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null };
  switch (p.action) {
    case 'REDIRECT_TO_POOL':
      return { ...p, ...none, redirectPoolId: p.redirectPoolId };
    case 'REDIRECT_TO_URL':
      return { ...p, ...none, redirectUrl: p.redirectUrl, redirectHttpCode: p.redirectHttpCode ?? 302 };
    case 'REDIRECT_PREFIX':
      return { ...p, ...none, redirectPrefix: p.redirectPrefix, redirectHttpCode: p.redirectHttpCode ?? 302 };
    case 'REJECT':
      return { ...p, ...none };
  }
}

/** A policy's own checks and its pool's: a pool of the same load balancer that the listener can send to. */
function checkedPolicy(lb: LiveLoadBalancer, listener: ListenerState, policy: L7PolicyConfig): void {
  checkPolicy(policy);
  if (policy.redirectPoolId !== null) checkPoolFitsListener(listener.protocol, poolOf(lb, policy.redirectPoolId).protocol);
}

const everyRuleId = (lb: LiveLoadBalancer): string[] => lb.listeners.flatMap((l) => l.l7policies.flatMap((p) => p.rules.map((r) => r.id)));

function checkedRules(lb: LiveLoadBalancer, policyId: string, given: readonly L7RuleConfig[], existing: number): L7RuleConfig[] {
  if (existing + given.length > MAX_RULES_PER_POLICY)
    throw new Conflict('TooManyL7RulesOnL7Policy', `Too many rules on L7 policy ${policyId}`);
  const taken = new Set(everyRuleId(lb));
  return given.map((g) => {
    const rule = { ...l7RuleConfig(g), tags: distinctTags(g.tags) };
    if (taken.has(rule.id)) throw idExists();
    taken.add(rule.id);
    checkRule(rule);
    return rule;
  });
}

/** Inserted at `position`, or appended when the position is past the last (Octavia's ordering list). */
export function l7PolicyCreated(lb: LiveLoadBalancer, listenerId: string, tree: L7PolicyTree, at: string): L7PolicyCreated {
  const listener = listenerOf(lb, listenerId);
  checkListenerTakesPolicies(listener.protocol);
  const given = { ...l7PolicyConfig(tree.l7policy), tags: distinctTags(tree.l7policy.tags) };
  if (lb.listeners.some((l) => l.l7policies.some((p) => p.id === given.id))) throw idExists();
  checkPolicy(given);
  const l7policy = settledAction({ ...given, position: Math.min(given.position, listener.l7policies.length + 1) });
  checkedPolicy(lb, listener, l7policy);
  const rules = checkedRules(lb, l7policy.id, tree.rules, 0);
  return { type: 'L7PolicyCreated', version: 1, data: { loadBalancerId: lb.id, listenerId: listener.id, l7policy, rules, at } };
}

/** As Octavia reads a PUT without `action`: a new pool, URL or prefix implies the action that uses it. */
function actionOf(changes: L7PolicyChanges): L7PolicyAction | undefined {
  if (changes.action !== undefined) return changes.action;
  const implied: L7PolicyAction[] = [];
  if (changes.redirectPoolId) implied.push('REDIRECT_TO_POOL');
  if (changes.redirectUrl) implied.push('REDIRECT_TO_URL');
  if (changes.redirectPrefix) implied.push('REDIRECT_PREFIX');
  if (implied.length > 1) throw l7PolicyArgs('Cannot specify redirect_pool_id and redirect_url or redirect_prefix at the same time');
  return implied[0];
}

export function l7PolicyUpdated(lb: LiveLoadBalancer, policyId: string, changes: L7PolicyChanges, at: string): L7PolicyUpdated[] {
  const { listener, policy: current } = policyOf(lb, policyId);
  const before = l7PolicyConfig(current);
  const merged = withChanges<L7PolicyConfig>(before, { ...changes, action: actionOf(changes) });
  checkPolicy({ ...merged, position: Math.max(1, merged.position) });
  const l7policy = settledAction(
    l7PolicyConfig({
      ...merged,
      id: before.id,
      position: Math.min(merged.position, listener.l7policies.length),
      tags: distinctTags(merged.tags),
    }),
  );
  checkedPolicy(lb, listener, l7policy);
  if (sameConfig(l7policy, before) && current.provisioningStatus !== 'ERROR') return [];
  return [{ type: 'L7PolicyUpdated', version: 1, data: { loadBalancerId: lb.id, listenerId: listener.id, l7policy, at } }];
}

export function l7PolicyDeleted(lb: LiveLoadBalancer, policyId: string, at: string): L7PolicyDeleted {
  const { listener } = policyOf(lb, policyId);
  return { type: 'L7PolicyDeleted', version: 1, data: { loadBalancerId: lb.id, listenerId: listener.id, l7policyId: policyId, at } };
}

export function l7RuleCreated(lb: LiveLoadBalancer, policyId: string, given: L7RuleConfig, at: string): L7RuleCreated {
  const { listener, policy } = policyOf(lb, policyId);
  const [rule] = checkedRules(lb, policyId, [given], policy.rules.length);
  return { type: 'L7RuleCreated', version: 1, data: { loadBalancerId: lb.id, listenerId: listener.id, l7policyId: policyId, rule, at } };
}

/** A changed type may leave a key the new type does not use: the key is checked as the new type reads it. */
export function l7RuleUpdated(lb: LiveLoadBalancer, policyId: string, ruleId: string, changes: L7RuleChanges, at: string): L7RuleUpdated[] {
  const { listener, policy } = policyOf(lb, policyId);
  const current = ruleOf(policy, ruleId);
  const before = l7RuleConfig(current);
  const merged = withChanges<L7RuleConfig>(before, changes);
  const rule = l7RuleConfig({ ...merged, id: before.id, tags: distinctTags(merged.tags) });
  checkRule(rule);
  if (sameConfig(rule, before) && current.provisioningStatus !== 'ERROR') return [];
  return [{ type: 'L7RuleUpdated', version: 1, data: { loadBalancerId: lb.id, listenerId: listener.id, l7policyId: policyId, rule, at } }];
}

export function l7RuleDeleted(lb: LiveLoadBalancer, policyId: string, ruleId: string, at: string): L7RuleDeleted {
  const { listener, policy } = policyOf(lb, policyId);
  ruleOf(policy, ruleId);
  return {
    type: 'L7RuleDeleted',
    version: 1,
    data: { loadBalancerId: lb.id, listenerId: listener.id, l7policyId: policyId, ruleId, at },
  };
}
