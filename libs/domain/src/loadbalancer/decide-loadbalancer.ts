import { DEFAULT_PLACEMENT } from '../catalog/model';
import { Conflict, NotFound } from '../errors';
import { distinctTags, idExists, liveLoadBalancer, validationFailure } from './checks';
import type {
  CreateLoadBalancer,
  DeleteLoadBalancer,
  RecordLbMemberHealth,
  RecordLoadBalancerApplied,
  RecordLoadBalancerError,
  RequestLoadBalancerFailover,
  UpdateLoadBalancer,
} from './commands';
import { loadBalancerConfig, sameConfig, withChanges } from './configs';
import { l7PolicyCreated } from './decide-l7';
import { listenerCreated, type PoolProtocolLookup, poolProtocolIn } from './decide-listeners';
import { memberCreated } from './decide-members';
import { monitorCreated, poolCreated } from './decide-pools';
import type { LoadBalancerCreated, LoadBalancerEvent } from './events';
import { evolveLoadBalancer } from './evolve';
import type { LoadBalancerConfig } from './model';
import { checkLoadBalancer } from './object-checks';
import { failedWith, provisionedObjects, settledBy } from './provisioning';
import type { LiveLoadBalancer, LoadBalancerState } from './state';

/**
 * Octavia's single-call create in one commit: the load balancer, then its listeners, pools,
 * members, monitors and L7 policies with their rules, each decided on the state the events before it leave, as separate creates
 * would be. A listener's default pool may be one of the same request.
 */
export function createLoadBalancer({ data }: CreateLoadBalancer, state: LoadBalancerState): LoadBalancerEvent[] {
  if (state.kind !== 'absent') throw idExists();
  const loadBalancer = { ...loadBalancerConfig(data.loadBalancer), tags: distinctTags(data.loadBalancer.tags) };
  checkLoadBalancer(loadBalancer);
  const placement = data.placement ?? DEFAULT_PLACEMENT;
  const first: LoadBalancerCreated = {
    type: 'LoadBalancerCreated',
    version: 2,
    data: { loadBalancer, placement: { topology: placement.topology, computeZone: placement.computeZone }, at: data.at },
  };
  const events: LoadBalancerEvent[] = [first];
  let lb = liveLoadBalancer(evolveLoadBalancer(state, first), loadBalancer.id);
  const append = (event: LoadBalancerEvent): void => {
    events.push(event);
    lb = liveLoadBalancer(evolveLoadBalancer(lb, event), loadBalancer.id);
  };
  const inRequest: PoolProtocolLookup = (poolId) => data.pools.find((t) => t.pool.id === poolId)?.pool.protocol;
  for (const listener of data.listeners) {
    const decided: PoolProtocolLookup = poolProtocolIn(lb);
    append(listenerCreated(lb, listener, data.at, (poolId) => decided(poolId) ?? inRequest(poolId)));
  }
  for (const tree of data.pools) append(poolCreated(lb, tree.pool, tree.listenerId, data.at));
  for (const tree of data.pools) for (const member of tree.members) append(memberCreated(lb, tree.pool.id, member, data.at));
  for (const tree of data.pools) if (tree.monitor) append(monitorCreated(lb, tree.pool.id, tree.monitor, data.at));
  // After the pools: a REDIRECT_TO_POOL names a pool of the same request.
  for (const tree of data.l7policies ?? []) append(l7PolicyCreated(lb, tree.listenerId, tree, data.at));
  return events;
}

export function updateLoadBalancer({ data }: UpdateLoadBalancer, state: LoadBalancerState): LoadBalancerEvent[] {
  const lb = liveLoadBalancer(state, data.loadBalancerId);
  const before = loadBalancerConfig(lb);
  const { vipQosPolicyId, ...changes } = data.changes;
  const merged = withChanges<LoadBalancerConfig>(before, changes);
  const loadBalancer = loadBalancerConfig({
    ...merged,
    id: before.id,
    tags: distinctTags(merged.tags),
    vip: { ...before.vip, qosPolicyId: vipQosPolicyId === undefined ? before.vip.qosPolicyId : vipQosPolicyId },
  });
  checkLoadBalancer(loadBalancer);
  if (sameConfig(loadBalancer, before) && lb.provisioningStatus !== 'ERROR') return [];
  return [{ type: 'LoadBalancerUpdated', version: 1, data: { loadBalancer, at: data.at } }];
}

export function deleteLoadBalancer({ data }: DeleteLoadBalancer, state: LoadBalancerState): LoadBalancerEvent[] {
  const lb = liveLoadBalancer(state, data.loadBalancerId);
  if ((lb.listeners.length > 0 || lb.pools.length > 0) && !data.cascade) {
    throw validationFailure(`Cannot delete Load Balancer ${lb.id} - it has children`);
  }
  return [{ type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: lb.id, cascade: data.cascade, at: data.at } }];
}

/** A deleted load balancer's placements are still being removed: Octavia's answer for one in PENDING_DELETE. */
export function requestFailover({ data }: RequestLoadBalancerFailover, state: LoadBalancerState): LoadBalancerEvent[] {
  if (state.kind === 'absent') throw new NotFound('LoadBalancer', data.loadBalancerId, `Load Balancer ${data.loadBalancerId} not found.`);
  if (state.kind === 'deleted') {
    throw new Conflict('LBPendingStateError', `Invalid state PENDING_DELETE of loadbalancer resource ${data.loadBalancerId}`);
  }
  return [{ type: 'LoadBalancerFailoverRequested', version: 1, data: { loadBalancerId: state.id, at: data.at } }];
}

const live = (state: LoadBalancerState): LiveLoadBalancer | null => (state.kind === 'live' ? state : null);

export function recordApplied({ data }: RecordLoadBalancerApplied, state: LoadBalancerState): LoadBalancerEvent[] {
  const lb = live(state);
  if (lb === null || !provisionedObjects(lb).some((o) => settledBy(o, data.revision, lb.revision))) return [];
  return [{ type: 'LoadBalancerApplied', version: 1, data: { loadBalancerId: lb.id, revision: data.revision, at: data.at } }];
}

export function recordError({ data }: RecordLoadBalancerError, state: LoadBalancerState): LoadBalancerEvent[] {
  const lb = live(state);
  if (lb === null) return [];
  const fails =
    lb.provisioningStatus !== 'ERROR' ||
    lb.errorReason !== data.reason ||
    provisionedObjects(lb).some((o) => failedWith(o) && o.provisioningStatus !== 'ERROR');
  return fails ? [{ type: 'LoadBalancerErrored', version: 1, data: { loadBalancerId: lb.id, reason: data.reason, at: data.at } }] : [];
}

export function recordMemberHealth({ data }: RecordLbMemberHealth, state: LoadBalancerState): LoadBalancerEvent[] {
  const member = live(state)
    ?.pools.find((p) => p.id === data.poolId)
    ?.members.find((m) => m.id === data.memberId);
  if (member === undefined || member.health === data.health) return [];
  const { loadBalancerId, poolId, memberId, health, at } = data;
  return [{ type: 'LbMemberHealthChanged', version: 1, data: { loadBalancerId, poolId, memberId, health, at } }];
}
