import { DELETED } from '../lifecycle';
import { listenerConfig, loadBalancerConfig, memberConfig, monitorConfig, poolConfig } from './configs';
import type { LoadBalancerEvent } from './events';
import { l7Edit } from './evolve-l7';
import { changed, created, errored, failedWith, settled, settledBy } from './provisioning';
import type { LbMemberState, LbPoolState, ListenerState, LiveLoadBalancer, LoadBalancerState, Provisioned } from './state';

/** Replaces the element with `id` by `edit(element)`; null when there is none, or when `edit` says null. */
function replaced<T extends { readonly id: string }>(items: readonly T[], id: string, edit: (item: T) => T | null): T[] | null {
  const index = items.findIndex((item) => item.id === id);
  const next = index < 0 ? null : edit(items[index]);
  return next === null ? null : items.map((item, i) => (i === index ? next : item));
}

const appended = <T extends { readonly id: string }>(items: readonly T[], item: T): T[] | null =>
  items.some((i) => i.id === item.id) ? null : [...items, item];

const inPool = (lb: LiveLoadBalancer, poolId: string, edit: (pool: LbPoolState) => LbPoolState | null): LiveLoadBalancer | null => {
  const pools = replaced(lb.pools, poolId, edit);
  return pools === null ? null : { ...lb, pools };
};

const withMembers = (pool: LbPoolState, members: LbMemberState[] | null): LbPoolState | null =>
  members === null ? null : { ...pool, members };

/** The edit of a change at `revision`; null when its object is not there, which leaves the state as it is. */
type Edit = (lb: LiveLoadBalancer, revision: number, at: string) => LiveLoadBalancer | null;

/** A change of what the data plane serves: the next revision, pending on the load balancer as on the changed object. */
function change(lb: LiveLoadBalancer, at: string, edit: Edit): LiveLoadBalancer {
  const revision = lb.revision + 1;
  const edited = edit(lb, revision, at);
  return edited === null ? lb : { ...changed(edited, revision, at), revision, errorReason: null };
}

function configEdit(event: LoadBalancerEvent): Edit | null {
  switch (event.type) {
    case 'LoadBalancerUpdated':
      return (lb) => ({ ...lb, ...loadBalancerConfig(event.data.loadBalancer), id: lb.id });
    case 'LoadBalancerFailoverRequested':
      return (lb) => ({ ...lb });
    case 'ListenerCreated':
      return (lb, r, at) => {
        const listeners = appended<ListenerState>(lb.listeners, {
          ...listenerConfig(event.data.listener),
          ...created(r, at),
          l7policies: [],
        });
        return listeners && { ...lb, listeners };
      };
    case 'ListenerUpdated':
      return (lb, r, at) => {
        const listeners = replaced(lb.listeners, event.data.listener.id, (l) =>
          changed({ ...l, ...listenerConfig(event.data.listener) }, r, at),
        );
        return listeners && { ...lb, listeners };
      };
    case 'ListenerDeleted':
      return (lb) =>
        lb.listeners.some((l) => l.id === event.data.listenerId)
          ? { ...lb, listeners: lb.listeners.filter((l) => l.id !== event.data.listenerId) }
          : null;
    case 'LbPoolCreated':
      return (lb, r, at) => {
        const { pool, listenerId } = event.data;
        const pools = appended<LbPoolState>(lb.pools, { ...poolConfig(pool), ...created(r, at), members: [], monitor: null });
        const listeners = lb.listeners.map((l) => (l.id === listenerId ? changed({ ...l, defaultPoolId: pool.id }, r, at) : l));
        return pools && { ...lb, pools, listeners };
      };
    case 'LbPoolUpdated':
      return (lb, r, at) => inPool(lb, event.data.pool.id, (p) => changed({ ...p, ...poolConfig(event.data.pool) }, r, at));
    case 'LbPoolDeleted':
      return (lb) => {
        const { poolId } = event.data;
        if (!lb.pools.some((p) => p.id === poolId)) return null;
        // Decide refuses to delete a default pool; were one gone anyway, no listener keeps pointing at it.
        const listeners = lb.listeners.map((l) => (l.defaultPoolId === poolId ? { ...l, defaultPoolId: null } : l));
        return { ...lb, listeners, pools: lb.pools.filter((p) => p.id !== poolId) };
      };
    case 'LbMemberCreated':
      return (lb, r, at) =>
        inPool(lb, event.data.poolId, (p) =>
          withMembers(
            p,
            appended<LbMemberState>(p.members, { ...memberConfig(event.data.member), ...created(r, at), health: 'NO_MONITOR' }),
          ),
        );
    case 'LbMemberUpdated':
      return (lb, r, at) =>
        inPool(lb, event.data.poolId, (p) =>
          withMembers(
            p,
            replaced(p.members, event.data.member.id, (m) => changed({ ...m, ...memberConfig(event.data.member) }, r, at)),
          ),
        );
    case 'LbMemberDeleted':
      return (lb) =>
        inPool(lb, event.data.poolId, (p) =>
          p.members.some((m) => m.id === event.data.memberId)
            ? { ...p, members: p.members.filter((m) => m.id !== event.data.memberId) }
            : null,
        );
    case 'LbHealthMonitorCreated':
      return (lb, r, at) =>
        inPool(lb, event.data.poolId, (p) =>
          p.monitor === null ? { ...p, monitor: { ...monitorConfig(event.data.monitor), ...created(r, at) } } : null,
        );
    case 'LbHealthMonitorUpdated':
      return (lb, r, at) =>
        inPool(lb, event.data.poolId, (p) =>
          p.monitor?.id === event.data.monitor.id
            ? { ...p, monitor: changed({ ...p.monitor, ...monitorConfig(event.data.monitor) }, r, at) }
            : null,
        );
    case 'LbHealthMonitorDeleted':
      // Without checks a member's health is unknown again, as Octavia resets it when a monitor goes.
      return (lb) =>
        inPool(lb, event.data.poolId, (p) =>
          p.monitor?.id === event.data.monitorId
            ? { ...p, monitor: null, members: p.members.map((m) => ({ ...m, health: 'NO_MONITOR' })) }
            : null,
        );
    case 'L7PolicyCreated':
    case 'L7PolicyUpdated':
    case 'L7PolicyDeleted':
    case 'L7RuleCreated':
    case 'L7RuleUpdated':
    case 'L7RuleDeleted':
      return (lb, r, at) => l7Edit(event, lb, r, at);
    default:
      return null;
  }
}

/** `settle` of a listener and of its policies and their rules. */
const withL7 =
  (settle: <T extends Provisioned>(o: T) => T) =>
  (l: ListenerState): ListenerState =>
    settle({ ...l, l7policies: l.l7policies.map((p) => settle({ ...p, rules: p.rules.map(settle) })) });

function applied(lb: LiveLoadBalancer, revision: number, at: string): LiveLoadBalancer {
  const settle = <T extends Provisioned>(o: T): T => (settledBy(o, revision, lb.revision) ? settled(o, at) : o);
  const pools = lb.pools.map((p) => settle({ ...p, members: p.members.map(settle), monitor: p.monitor && settle(p.monitor) }));
  const self = settledBy(lb, revision, lb.revision) ? { ...settled(lb, at), errorReason: null } : lb;
  return { ...self, listeners: lb.listeners.map(withL7(settle)), pools };
}

function failed(lb: LiveLoadBalancer, reason: string, at: string): LiveLoadBalancer {
  const fail = <T extends Provisioned>(o: T): T => (failedWith(o) ? errored(o, at) : o);
  const pools = lb.pools.map((p) => fail({ ...p, members: p.members.map(fail), monitor: p.monitor && fail(p.monitor) }));
  return { ...errored(lb, at), errorReason: reason, listeners: lb.listeners.map(withL7(fail)), pools };
}

function evolveLive(lb: LiveLoadBalancer, event: LoadBalancerEvent): LiveLoadBalancer {
  switch (event.type) {
    case 'LoadBalancerApplied':
      return applied(lb, event.data.revision, event.data.at);
    case 'LoadBalancerErrored':
      return failed(lb, event.data.reason, event.data.at);
    case 'LbMemberHealthChanged': {
      const { poolId, memberId, health } = event.data;
      return (
        inPool(lb, poolId, (p) =>
          withMembers(
            p,
            replaced(p.members, memberId, (m) => ({ ...m, health })),
          ),
        ) ?? lb
      );
    }
    default: {
      const edit = configEdit(event);
      return edit === null ? lb : change(lb, event.data.at, edit);
    }
  }
}

/** Never throws: an event is a fact, even one that arrives at an unexpected state (it is then left out). */
export function evolveLoadBalancer(state: LoadBalancerState, event: LoadBalancerEvent): LoadBalancerState {
  switch (event.type) {
    case 'LoadBalancerCreated':
      if (state.kind !== 'absent') return state;
      return {
        kind: 'live',
        ...loadBalancerConfig(event.data.loadBalancer),
        ...created(1, event.data.at),
        revision: 1,
        listeners: [],
        pools: [],
        errorReason: null,
      };
    case 'LoadBalancerDeleted':
      return DELETED;
    default:
      return state.kind === 'live' ? evolveLive(state, event) : state;
  }
}
