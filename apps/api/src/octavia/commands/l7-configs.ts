import type { L7PolicyChanges, L7PolicyConfig, L7PolicyTree, L7RuleChanges, L7RuleConfig } from '@lbaas/domain';
import type { L7RuleBody, PolicyOfNewListenerBody } from '../http/l7-schemas';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { present } from './octavia-configs';

/*
 * Octavia's L7 bodies as the aggregate's configurations, with Octavia's defaults (position past
 * the last, admin state up, not inverted). What an action needs and clears is the decider's.
 */
const LAST = 2147483647;

type PolicyBody = Omit<OctaviaBodyOf<'createL7Policy'>, 'listener_id' | 'project_id' | 'rules'>;

export const l7PolicyConfig = (id: string, body: PolicyBody): L7PolicyConfig => ({
  id,
  name: body.name ?? '',
  description: body.description ?? '',
  action: body.action,
  redirectPoolId: body.redirect_pool_id ?? null,
  redirectUrl: body.redirect_url ?? null,
  redirectPrefix: body.redirect_prefix ?? null,
  redirectHttpCode: body.redirect_http_code ?? null,
  position: body.position ?? LAST,
  adminStateUp: body.admin_state_up ?? true,
  tags: body.tags ?? [],
});

/** A policy of a listener's create, with its rules; the policy's id is taken before its rules'. */
export function l7PolicyTree(body: PolicyOfNewListenerBody, newId: () => string): L7PolicyTree {
  const { rules, ...settings } = body;
  const l7policy = l7PolicyConfig(newId(), settings);
  return { l7policy, rules: (rules ?? []).map((r) => l7RuleConfig(newId(), r)) };
}

export const l7PolicyChanges = (body: OctaviaBodyOf<'updateL7Policy'>): L7PolicyChanges =>
  present({
    name: body.name === null ? '' : body.name,
    description: body.description === null ? '' : body.description,
    action: body.action,
    redirectPoolId: body.redirect_pool_id,
    redirectUrl: body.redirect_url,
    redirectPrefix: body.redirect_prefix,
    redirectHttpCode: body.redirect_http_code,
    position: body.position,
    adminStateUp: body.admin_state_up,
    tags: body.tags,
  });

export const l7RuleConfig = (id: string, body: L7RuleBody): L7RuleConfig => ({
  id,
  type: body.type,
  compareType: body.compare_type,
  key: body.key ?? null,
  value: body.value,
  invert: body.invert ?? false,
  adminStateUp: body.admin_state_up ?? true,
  tags: body.tags ?? [],
});

export const l7RuleChanges = (body: OctaviaBodyOf<'updateL7Rule'>): L7RuleChanges =>
  present({
    type: body.type,
    compareType: body.compare_type,
    key: body.key,
    value: body.value,
    invert: body.invert,
    adminStateUp: body.admin_state_up,
    tags: body.tags,
  });
