import { Conflict } from '../errors';
import { distinctTags, idExists, listenerOf, monitorOf, poolOf } from './checks';
import type { LbHealthMonitorChanges, LbPoolChanges } from './commands';
import { monitorConfig, poolConfig, sameConfig, withChanges } from './configs';
import type {
  LbHealthMonitorCreated,
  LbHealthMonitorDeleted,
  LbHealthMonitorUpdated,
  LbPoolCreated,
  LbPoolDeleted,
  LbPoolUpdated,
} from './events';
import type { LbHealthMonitorConfig, LbPoolConfig } from './model';
import { checkMonitor, checkPool, checkPoolFitsListener, withMonitorDefaults } from './object-checks';
import type { LiveLoadBalancer } from './state';
import { withPoolTlsDefaults } from './tls-options';

/** `listenerId`: the listener whose default pool the new pool becomes; it must have none yet (or name this one, in a single-call create). */
export function poolCreated(lb: LiveLoadBalancer, given: LbPoolConfig, listenerId: string | null, at: string): LbPoolCreated {
  const pool = withPoolTlsDefaults({ ...poolConfig(given), tags: distinctTags(given.tags) });
  if (lb.pools.some((p) => p.id === pool.id)) throw idExists();
  checkPool(pool);
  if (listenerId !== null) {
    const listener = listenerOf(lb, listenerId);
    checkPoolFitsListener(listener.protocol, pool.protocol);
    if (listener.defaultPoolId !== null && listener.defaultPoolId !== pool.id) {
      throw new Conflict('DuplicatePoolEntry', 'This listener already has a default pool');
    }
  }
  return { type: 'LbPoolCreated', version: 2, data: { loadBalancerId: lb.id, pool, listenerId, at } };
}

export function poolUpdated(lb: LiveLoadBalancer, poolId: string, changes: LbPoolChanges, at: string): LbPoolUpdated[] {
  const current = poolOf(lb, poolId);
  const before = poolConfig(current);
  const merged = withChanges<LbPoolConfig>(before, changes);
  const pool = withPoolTlsDefaults(poolConfig({ ...merged, id: before.id, protocol: before.protocol, tags: distinctTags(merged.tags) }));
  checkPool(pool);
  if (sameConfig(pool, before) && current.provisioningStatus !== 'ERROR') return [];
  return [{ type: 'LbPoolUpdated', version: 2, data: { loadBalancerId: lb.id, pool, at } }];
}

/** A pool goes with its members and monitor; not while a listener or an L7 policy sends to it. */
export function poolDeleted(lb: LiveLoadBalancer, poolId: string, at: string): LbPoolDeleted {
  poolOf(lb, poolId);
  const user = lb.listeners.find((l) => l.defaultPoolId === poolId);
  if (user) throw new Conflict('PoolInUse', `Pool ${poolId} is in use by Listener ${user.id}; change its default_pool_id first.`);
  const policy = lb.listeners.flatMap((l) => l.l7policies).find((p) => p.redirectPoolId === poolId);
  if (policy) throw new Conflict('PoolInUse', `Pool ${poolId} is in use by L7 Policy ${policy.id}; change its redirect_pool_id first.`);
  return { type: 'LbPoolDeleted', version: 1, data: { loadBalancerId: lb.id, poolId, at } };
}

export function monitorCreated(lb: LiveLoadBalancer, poolId: string, given: LbHealthMonitorConfig, at: string): LbHealthMonitorCreated {
  const pool = poolOf(lb, poolId);
  const monitor = withMonitorDefaults({ ...monitorConfig(given), tags: distinctTags(given.tags) });
  if (lb.pools.some((p) => p.monitor?.id === monitor.id)) throw idExists();
  checkMonitor(monitor);
  if (pool.monitor !== null) throw new Conflict('DuplicateHealthMonitor', 'This pool already has a health monitor');
  return { type: 'LbHealthMonitorCreated', version: 1, data: { loadBalancerId: lb.id, poolId, monitor, at } };
}

/** A null HTTP field of an HTTP(S) monitor goes back to its default, as Octavia resets a field set to null. */
export function monitorUpdated(
  lb: LiveLoadBalancer,
  monitorId: string,
  changes: LbHealthMonitorChanges,
  at: string,
): LbHealthMonitorUpdated[] {
  const { pool, monitor: current } = monitorOf(lb, monitorId);
  const before = monitorConfig(current);
  const merged = withChanges<LbHealthMonitorConfig>(before, changes);
  const monitor = withMonitorDefaults(monitorConfig({ ...merged, id: before.id, type: before.type, tags: distinctTags(merged.tags) }));
  checkMonitor(monitor);
  if (sameConfig(monitor, before) && current.provisioningStatus !== 'ERROR') return [];
  return [{ type: 'LbHealthMonitorUpdated', version: 1, data: { loadBalancerId: lb.id, poolId: pool.id, monitor, at } }];
}

export function monitorDeleted(lb: LiveLoadBalancer, monitorId: string, at: string): LbHealthMonitorDeleted {
  const { pool } = monitorOf(lb, monitorId);
  return { type: 'LbHealthMonitorDeleted', version: 1, data: { loadBalancerId: lb.id, poolId: pool.id, monitorId, at } };
}
