import type { LoadBalancerState } from '../loadbalancer/state';
import type { QuotaClaim, QuotaResource } from './model';

const claim = (resource: QuotaResource, objectId: string): QuotaClaim => ({ resource, objectId });

/** Every object of a load balancer that the quota counts, as its folded state holds them. */
export function claimsOf(state: LoadBalancerState): QuotaClaim[] {
  if (state.kind !== 'live') return [];
  return [
    claim('loadbalancer', state.id),
    ...state.listeners.flatMap((l) => [
      claim('listener', l.id),
      ...l.l7policies.flatMap((p) => [claim('l7policy', p.id), ...p.rules.map((r) => claim('l7rule', r.id))]),
    ]),
    ...state.pools.flatMap((p) => [
      claim('pool', p.id),
      ...p.members.map((m) => claim('member', m.id)),
      ...(p.monitor ? [claim('healthmonitor', p.monitor.id)] : []),
    ]),
  ];
}
