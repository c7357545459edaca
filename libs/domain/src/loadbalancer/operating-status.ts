import type { OperatingStatus } from './model';
import type { LbHealthMonitorState, LbMemberState, LbPoolState, ListenerState, LiveLoadBalancer } from './state';

/*
 * Operating status is derived, never stored: from admin state, the members' health checks and
 * the objects below, as Octavia's health manager rolls them up.
 */

export const monitorOperatingStatus = (monitor: LbHealthMonitorState): OperatingStatus => (monitor.adminStateUp ? 'ONLINE' : 'OFFLINE');

const isMonitored = (pool: LbPoolState): boolean => pool.monitor !== null && pool.monitor.adminStateUp;

/**
 * Admin down is OFFLINE. Without an enabled monitor nothing checks the member: NO_MONITOR. With
 * one, OFFLINE until its first verdict (as Octavia shows a new member of a monitored pool), then
 * the verdict; an ONLINE member of weight 0 takes no new connections: DRAINING.
 */
export function memberOperatingStatus(member: LbMemberState, pool: LbPoolState): OperatingStatus {
  if (!member.adminStateUp) return 'OFFLINE';
  if (!isMonitored(pool)) return 'NO_MONITOR';
  if (member.health === 'NO_MONITOR') return 'OFFLINE';
  return member.health === 'ONLINE' && member.weight === 0 ? 'DRAINING' : member.health;
}

export function poolOperatingStatus(pool: LbPoolState): OperatingStatus {
  if (!pool.adminStateUp) return 'OFFLINE';
  const statuses = pool.members.map((m) => memberOperatingStatus(m, pool));
  const failing = statuses.filter((s) => s === 'ERROR').length;
  if (failing === 0) return 'ONLINE';
  return failing === statuses.length ? 'ERROR' : 'DEGRADED';
}

export function listenerOperatingStatus(listener: ListenerState, lb: LiveLoadBalancer): OperatingStatus {
  if (!listener.adminStateUp) return 'OFFLINE';
  const pool = lb.pools.find((p) => p.id === listener.defaultPoolId);
  const status = pool ? poolOperatingStatus(pool) : 'ONLINE';
  return status === 'ERROR' || status === 'DEGRADED' ? status : 'ONLINE';
}

/** Not yet served once (PENDING_CREATE) is OFFLINE; a listener in trouble makes the load balancer DEGRADED. */
export function loadBalancerOperatingStatus(lb: LiveLoadBalancer): OperatingStatus {
  if (!lb.adminStateUp || lb.provisioningStatus === 'PENDING_CREATE') return 'OFFLINE';
  const troubled = lb.listeners.some((l) => {
    const status = listenerOperatingStatus(l, lb);
    return status === 'ERROR' || status === 'DEGRADED';
  });
  return troubled ? 'DEGRADED' : 'ONLINE';
}
