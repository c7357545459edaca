type Row = Record<string, unknown>;

export interface StatusNode {
  id: string;
  name: string;
  provisioning_status: string;
  operating_status: string;
}
export interface MemberStatus extends StatusNode {
  address: string;
  protocol_port: number;
}
export interface MonitorStatus extends StatusNode {
  type: string;
}
export interface PoolStatus extends StatusNode {
  health_monitor?: MonitorStatus;
  members: MemberStatus[];
}
export interface ListenerStatus extends StatusNode {
  pools: PoolStatus[];
}
export interface StatusTree {
  statuses: { loadbalancer: StatusNode & { listeners: ListenerStatus[] } };
}

const node = (row: Row): StatusNode => ({
  id: String(row.id),
  name: typeof row.name === 'string' ? row.name : '',
  provisioning_status: String(row.provisioning_status),
  operating_status: String(row.operating_status),
});

const ids = (refs: unknown): string[] =>
  Array.isArray(refs)
    ? refs.flatMap((r: unknown) =>
        typeof r === 'object' && r !== null && typeof (r as Row).id === 'string' ? [(r as Row).id as string] : [],
      )
    : [];

/**
 * Octavia's status tree (`GET /v2/lbaas/loadbalancers/{id}/status`) from the read-model rows: the
 * load balancer, its listeners, under each the pools it uses (its default pool), under each pool
 * its members and its health monitor (when it has one). Pools no listener uses do not appear, as
 * in Octavia.
 */
export function statusTree(
  loadBalancer: Row,
  listeners: readonly Row[],
  pools: readonly Row[],
  members: readonly Row[],
  monitors: readonly Row[],
): StatusTree {
  const poolStatus = (pool: Row): PoolStatus => {
    const monitor = monitors.find((m) => m.id === pool.healthmonitor_id);
    return {
      ...node(pool),
      ...(monitor ? { health_monitor: { ...node(monitor), type: String(monitor.type) } } : {}),
      members: members
        .filter((m) => m.pool_id === pool.id)
        .map((m) => ({ ...node(m), address: String(m.address), protocol_port: Number(m.protocol_port) })),
    };
  };
  return {
    statuses: {
      loadbalancer: {
        ...node(loadBalancer),
        listeners: listeners.map((listener) => ({
          ...node(listener),
          pools: pools.filter((p) => p.id === listener.default_pool_id || ids(p.listeners).includes(String(listener.id))).map(poolStatus),
        })),
      },
    },
  };
}
