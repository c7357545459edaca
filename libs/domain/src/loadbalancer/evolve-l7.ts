import { l7PolicyConfig, l7RuleConfig } from './configs';
import type { L7PolicyCreated, L7PolicyDeleted, L7PolicyUpdated, L7RuleCreated, L7RuleDeleted, L7RuleUpdated } from './events';
import { changed, created } from './provisioning';
import type { L7PolicyState, L7RuleState, ListenerState, LiveLoadBalancer } from './state';

/*
 * L7 edits of a listener's policies. The list's order is the evaluation order: `position` is
 * rewritten from it after every insertion, move and removal, so positions stay 1..n without gaps,
 * as Octavia's ordering list keeps them.
 */
export type L7Event = L7PolicyCreated | L7PolicyUpdated | L7PolicyDeleted | L7RuleCreated | L7RuleUpdated | L7RuleDeleted;

const numbered = (policies: readonly L7PolicyState[]): L7PolicyState[] =>
  policies.map((p, i) => (p.position === i + 1 ? p : { ...p, position: i + 1 }));

const placed = (policies: readonly L7PolicyState[], policy: L7PolicyState): L7PolicyState[] => {
  const others = policies.filter((p) => p.id !== policy.id);
  const index = Math.max(0, Math.min(policy.position - 1, others.length));
  return numbered([...others.slice(0, index), policy, ...others.slice(index)]);
};

/** The listener with `edit` applied to its policies; null when the listener or the edited object is not there. */
function inListener(
  lb: LiveLoadBalancer,
  listenerId: string,
  edit: (policies: readonly L7PolicyState[]) => L7PolicyState[] | null,
): LiveLoadBalancer | null {
  const listener = lb.listeners.find((l) => l.id === listenerId);
  const policies = listener ? edit(listener.l7policies) : null;
  if (!listener || policies === null) return null;
  const next: ListenerState = { ...listener, l7policies: policies };
  return { ...lb, listeners: lb.listeners.map((l) => (l.id === listenerId ? next : l)) };
}

function inPolicy(
  lb: LiveLoadBalancer,
  listenerId: string,
  policyId: string,
  edit: (rules: readonly L7RuleState[]) => L7RuleState[] | null,
): LiveLoadBalancer | null {
  return inListener(lb, listenerId, (policies) => {
    const policy = policies.find((p) => p.id === policyId);
    const rules = policy ? edit(policy.rules) : null;
    return policy && rules ? policies.map((p) => (p.id === policyId ? { ...p, rules } : p)) : null;
  });
}

/** The edit of an L7 event at `revision` (see evolve.ts); null when its object is not there. */
export function l7Edit(event: L7Event, lb: LiveLoadBalancer, r: number, at: string): LiveLoadBalancer | null {
  const { listenerId } = event.data;
  switch (event.type) {
    case 'L7PolicyCreated':
      return inListener(lb, listenerId, (policies) => {
        if (policies.some((p) => p.id === event.data.l7policy.id)) return null;
        const rules = event.data.rules.map((rule): L7RuleState => ({ ...l7RuleConfig(rule), ...created(r, at) }));
        return placed(policies, { ...l7PolicyConfig(event.data.l7policy), ...created(r, at), rules });
      });
    case 'L7PolicyUpdated':
      return inListener(lb, listenerId, (policies) => {
        const current = policies.find((p) => p.id === event.data.l7policy.id);
        return current ? placed(policies, changed({ ...current, ...l7PolicyConfig(event.data.l7policy) }, r, at)) : null;
      });
    case 'L7PolicyDeleted':
      return inListener(lb, listenerId, (policies) =>
        policies.some((p) => p.id === event.data.l7policyId) ? numbered(policies.filter((p) => p.id !== event.data.l7policyId)) : null,
      );
    case 'L7RuleCreated':
      return inPolicy(lb, listenerId, event.data.l7policyId, (rules) =>
        rules.some((x) => x.id === event.data.rule.id) ? null : [...rules, { ...l7RuleConfig(event.data.rule), ...created(r, at) }],
      );
    case 'L7RuleUpdated':
      return inPolicy(lb, listenerId, event.data.l7policyId, (rules) =>
        rules.some((x) => x.id === event.data.rule.id)
          ? rules.map((x) => (x.id === event.data.rule.id ? changed({ ...x, ...l7RuleConfig(event.data.rule) }, r, at) : x))
          : null,
      );
    case 'L7RuleDeleted':
      return inPolicy(lb, listenerId, event.data.l7policyId, (rules) =>
        rules.some((x) => x.id === event.data.ruleId) ? rules.filter((x) => x.id !== event.data.ruleId) : null,
      );
  }
}
