import type { LoadBalancerEvent } from './events';
import type { L7PolicyConfig, L7RuleConfig } from './model';
import { at, LB } from './samples';

/* Sample L7 policies, rules and their events, for the domain's specs (compiled with the library, like samples.ts). */

export const samplePolicy = (id: string, change: Partial<L7PolicyConfig> = {}): L7PolicyConfig => ({
  id,
  name: id,
  description: '',
  action: 'REJECT',
  redirectPoolId: null,
  redirectUrl: null,
  redirectPrefix: null,
  redirectHttpCode: null,
  position: 1,
  adminStateUp: true,
  tags: [],
  ...change,
});

export const sampleRule = (id: string, change: Partial<L7RuleConfig> = {}): L7RuleConfig => ({
  id,
  type: 'PATH',
  compareType: 'STARTS_WITH',
  key: null,
  value: '/api',
  invert: false,
  adminStateUp: true,
  tags: [],
  ...change,
});

type Event<T extends LoadBalancerEvent['type']> = Extract<LoadBalancerEvent, { type: T }>;

export const policyCreated = (
  n: number,
  listenerId: string,
  l7policy: L7PolicyConfig,
  rules: L7RuleConfig[] = [],
): Event<'L7PolicyCreated'> => ({
  type: 'L7PolicyCreated',
  version: 1,
  data: { loadBalancerId: LB, listenerId, l7policy, rules, at: at(n) },
});
export const policyUpdated = (n: number, listenerId: string, l7policy: L7PolicyConfig): Event<'L7PolicyUpdated'> => ({
  type: 'L7PolicyUpdated',
  version: 1,
  data: { loadBalancerId: LB, listenerId, l7policy, at: at(n) },
});
export const policyDeleted = (n: number, listenerId: string, l7policyId: string): Event<'L7PolicyDeleted'> => ({
  type: 'L7PolicyDeleted',
  version: 1,
  data: { loadBalancerId: LB, listenerId, l7policyId, at: at(n) },
});
export const ruleCreated = (n: number, listenerId: string, l7policyId: string, rule: L7RuleConfig): Event<'L7RuleCreated'> => ({
  type: 'L7RuleCreated',
  version: 1,
  data: { loadBalancerId: LB, listenerId, l7policyId, rule, at: at(n) },
});
export const ruleUpdated = (n: number, listenerId: string, l7policyId: string, rule: L7RuleConfig): Event<'L7RuleUpdated'> => ({
  type: 'L7RuleUpdated',
  version: 1,
  data: { loadBalancerId: LB, listenerId, l7policyId, rule, at: at(n) },
});
export const ruleDeleted = (n: number, listenerId: string, l7policyId: string, ruleId: string): Event<'L7RuleDeleted'> => ({
  type: 'L7RuleDeleted',
  version: 1,
  data: { loadBalancerId: LB, listenerId, l7policyId, ruleId, at: at(n) },
});
