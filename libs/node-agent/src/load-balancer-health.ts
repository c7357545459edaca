import type { ListenerStatsSample } from '@lbaas/coordination';
import type { MemberHealth } from '@lbaas/domain';
import { parseShowStat } from '@lbaas/haproxy';

/** A v2 proxy or server name: the renderer names frontends by listener id, backends by pool id and servers by member id. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A server's `show stat` status as Octavia's member health: UP (also going down, `UP 1/3`) or
 * NOLB is ONLINE; DOWN (also coming up, `DOWN 1/2`) is ERROR; DRAIN, or a weight of 0, is
 * DRAINING; `no check` (the pool has no enabled monitor) is NO_MONITOR. MAINT is an operator's
 * `admin_state_up: false` (OFFLINE, which views derive from the admin state): no verdict, unless
 * its weight is 0, which drains it.
 */
export function lbMemberHealth(status: string, weight: number): MemberHealth | null {
  if (status.startsWith('MAINT')) return weight === 0 ? 'DRAINING' : null;
  if (status.startsWith('DOWN')) return 'ERROR';
  if (status.startsWith('DRAIN') || weight === 0) return 'DRAINING';
  if (status === 'no check') return 'NO_MONITOR';
  if (status.startsWith('UP') || status === 'NOLB') return 'ONLINE';
  return null;
}

export interface MemberHealthReading {
  readonly poolId: string;
  readonly memberId: string;
  readonly health: MemberHealth;
}

export interface LoadBalancerReading {
  readonly members: readonly MemberHealthReading[];
  readonly listeners: readonly ListenerStatsSample[];
}

/**
 * Request errors per frontend (`ereq`), which libs/haproxy's StatRow does not carry: only
 * listeners count them, so the column is read here, beside the one reader that needs it.
 */
function requestErrorsByFrontend(csv: string): ReadonlyMap<string, number> {
  const lines = csv.split('\n').filter((l) => l.length > 0);
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) return new Map();
  const columns = header.slice(2).split(',');
  const [px, sv, ereq] = ['pxname', 'svname', 'ereq'].map((c) => columns.indexOf(c));
  const errors = new Map<string, number>();
  for (const cells of lines.filter((l) => !l.startsWith('#')).map((l) => l.split(','))) {
    const value = cells[ereq] ?? '';
    if (cells[sv] === 'FRONTEND') errors.set(cells[px] ?? '', ereq >= 0 && /^\d+$/.test(value) ? Number(value) : 0);
  }
  return errors;
}

/**
 * What a load balancer's active placement says in `show stat`: each member's health (servers of
 * the pools' backends) and each listener's counters (the frontends' rows). The stats listener
 * and anything not named by an id is left out. Pure.
 */
export function readLoadBalancerStats(loadBalancerId: string, csv: string): LoadBalancerReading {
  const members: MemberHealthReading[] = [];
  const listeners: ListenerStatsSample[] = [];
  const requestErrors = requestErrorsByFrontend(csv);
  for (const row of parseShowStat(csv)) {
    if (!UUID.test(row.pxname)) continue;
    if (row.svname === 'FRONTEND') {
      listeners.push({
        listenerId: row.pxname,
        loadBalancerId,
        bytesIn: row.bytesIn,
        bytesOut: row.bytesOut,
        activeConnections: row.currentSessions,
        totalConnections: row.totalSessions,
        requestErrors: requestErrors.get(row.pxname) ?? 0,
      });
      continue;
    }
    if (row.svname === 'BACKEND' || !UUID.test(row.svname)) continue;
    const health = lbMemberHealth(row.status, row.weight);
    if (health !== null) members.push({ poolId: row.pxname, memberId: row.svname, health });
  }
  return { members, listeners };
}
