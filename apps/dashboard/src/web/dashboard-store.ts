import type {
  AmphoraResource,
  FloatingIpResource,
  HealthMonitorResource,
  LbHealthMonitorResource,
  LbMemberResource,
  LbPoolResource,
  ListenerResource,
  LoadBalancerResource,
  MemberResource,
  PoolResource,
  ServiceInstanceResource,
  VipResource,
} from '@lbaas/domain';
import type {
  CommitMessage,
  DashboardCollection,
  DashboardNode,
  DashboardRowByCollection,
  PoolStatsPoint,
  QuotaDefault,
  SnapshotMessage,
  StatsMessage,
  Viewer,
} from './dashboard-protocol';

type Rows = { [C in DashboardCollection]: Map<string, DashboardRowByCollection[C]> };

/** As many samples as the server keeps, so a long-open page charts the same span as a new one. */
const POINTS_PER_POOL = 120;

export interface VipPlacements {
  readonly active: string | null;
  readonly standby: string | null;
  readonly degraded: boolean;
}

export interface NodeLoad {
  readonly active: number;
  readonly standby: number;
}

const byName = <R extends { name: string; id: string }>(a: R, b: R): number => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
const byId = <R extends { id: string }>(a: R, b: R): number => a.id.localeCompare(b.id);
const byAddress = <R extends { address: string; protocol_port: number; id: string }>(a: R, b: R): number =>
  a.address.localeCompare(b.address, undefined, { numeric: true }) || a.protocol_port - b.protocol_port || a.id.localeCompare(b.id);

const AMPHORA_ROLE_ORDER: Readonly<Record<AmphoraResource['role'], number>> = { MASTER: 0, BACKUP: 1, STANDALONE: 2 };

/** Whether any of `fields` contains the search text, ignoring case; an empty search matches everything. */
export function matchesSearch(search: string, ...fields: readonly (string | null)[]): boolean {
  const wanted = search.trim().toLowerCase();
  return wanted === '' || fields.some((field) => field !== null && field.toLowerCase().includes(wanted));
}

/** What the page shows, narrowed by the tenant picker (administrators) and the search box. */
export interface ViewFilter {
  /** null: every tenant the viewer may see. */
  readonly tenant: string | null;
  readonly search: string;
}

export interface FilteredView {
  readonly vips: VipResource[];
  readonly pools: PoolResource[];
  readonly monitors: HealthMonitorResource[];
  readonly nodes: DashboardNode[];
  readonly loadBalancers: LoadBalancerResource[];
}

/**
 * The page's copy of the read models: replaced by each snapshot, then changed row by row by the
 * commits the server pushes, never fetched whole again.
 */
export class DashboardStore {
  viewer: Viewer | null = null;
  seq = 0;
  readonly rows: Rows = {
    vips: new Map(),
    pools: new Map(),
    members: new Map(),
    health_monitors: new Map(),
    floatingips: new Map(),
    service_instances: new Map(),
    nodes: new Map(),
    loadbalancers: new Map(),
    listeners: new Map(),
    octavia_pools: new Map(),
    octavia_members: new Map(),
    octavia_healthmonitors: new Map(),
    amphorae: new Map(),
    octavia_quotas: new Map(),
    availability_zones: new Map(),
  };
  readonly stats = new Map<string, PoolStatsPoint[]>();
  quotaDefaults: readonly QuotaDefault[] = [];

  applySnapshot(snapshot: SnapshotMessage): void {
    this.viewer = snapshot.viewer;
    this.seq = snapshot.seq;
    this.quotaDefaults = snapshot.quotaDefaults;
    for (const collection of Object.keys(this.rows) as DashboardCollection[]) this.replaceRows(collection, snapshot.rows[collection]);
    this.stats.clear();
    for (const [poolId, points] of Object.entries(snapshot.stats)) this.stats.set(poolId, [...points]);
  }

  applyCommit(message: CommitMessage): void {
    for (const change of message.changes) {
      // The server sends a row of the change's collection; the union cannot say so per member.
      const rows = this.rows[change.collection] as Map<string, DashboardRowByCollection[DashboardCollection]>;
      if (change.row === null) rows.delete(change.id);
      else rows.set(change.id, change.row);
      if (change.collection === 'pools' && change.row === null) this.stats.delete(change.id);
    }
    this.seq = message.seq;
  }

  applyStats({ poolId, point }: StatsMessage): void {
    const points = this.stats.get(poolId) ?? [];
    points.push(point);
    if (points.length > POINTS_PER_POOL) points.splice(0, points.length - POINTS_PER_POOL);
    this.stats.set(poolId, points);
  }

  /** The tenants that own something the viewer sees, for the administrators' tenant picker. */
  tenants(): string[] {
    const tenants = new Set<string>();
    for (const collection of ['vips', 'pools', 'health_monitors', 'floatingips', 'loadbalancers', 'octavia_quotas'] as const) {
      for (const row of this.rows[collection].values()) tenants.add(row.tenant_id);
    }
    return [...tenants].sort();
  }

  serviceInstanceOf(vipId: string): ServiceInstanceResource | undefined {
    return [...this.rows.service_instances.values()].find((si) => si.vip_id === vipId);
  }

  /** The nodes that run a VIP's HAProxy pair, from its service instance's vm_list (`ha` is "active: 200" or "standby: 100"). */
  placementsOf(vipId: string): VipPlacements | null {
    const instance = this.serviceInstanceOf(vipId);
    if (!instance) return null;
    const nodeIn = (role: string): string | null => instance.vm_list.find((vm) => vm.ha.startsWith(`${role}:`))?.vr_name ?? null;
    return { active: nodeIn('active'), standby: nodeIn('standby'), degraded: instance.degraded };
  }

  floatingIpsOf(vip: VipResource): FloatingIpResource[] {
    return [...this.rows.floatingips.values()].filter((fip) => fip.port_id === vip.port_id).sort(byId);
  }

  membersOf(poolId: string): MemberResource[] {
    return [...this.rows.members.values()].filter((member) => member.pool_id === poolId).sort(byAddress);
  }

  monitorsOf(pool: PoolResource): HealthMonitorResource[] {
    return pool.health_monitors.flatMap((id) => this.rows.health_monitors.get(id) ?? []);
  }

  /** Placements per compute node, by role: the load the scheduler balances. */
  nodeLoads(): Map<string, NodeLoad> {
    const loads = new Map<string, NodeLoad>();
    for (const instance of this.rows.service_instances.values()) {
      for (const vm of instance.vm_list) {
        const load = loads.get(vm.vr_name) ?? { active: 0, standby: 0 };
        const active = vm.ha.startsWith('active:');
        loads.set(vm.vr_name, { active: load.active + (active ? 1 : 0), standby: load.standby + (active ? 0 : 1) });
      }
    }
    return loads;
  }

  /** The objects whose events make up `id`'s timeline: a VIP's and a load balancer's include their port's and service instance's. */
  relatedIds(id: string): string[] {
    const port = this.rows.vips.get(id)?.port_id ?? this.rows.loadbalancers.get(id)?.vip_port_id;
    const instance = this.serviceInstanceOf(id) ?? [...this.rows.service_instances.values()].find((si) => si.loadbalancer_id === id);
    return [id, ...(port ? [port] : []), ...(instance ? [instance.id] : [])];
  }

  /** A short human name for an object the viewer sees, for the timeline's heading. */
  describe(id: string): string {
    const vip = this.rows.vips.get(id);
    if (vip) return `VIP ${vip.name || vip.id}`;
    const pool = this.rows.pools.get(id);
    if (pool) return `pool ${pool.name || pool.id}`;
    const member = this.rows.members.get(id);
    if (member) return `member ${member.address}:${member.protocol_port}`;
    const monitor = this.rows.health_monitors.get(id);
    if (monitor) return `${monitor.type} health monitor`;
    if (this.rows.nodes.has(id)) return `compute node ${id}`;
    return this.describeLoadBalancerObject(id) ?? id;
  }

  filtered(filter: ViewFilter): FilteredView {
    const inTenant = (row: { tenant_id: string }): boolean => filter.tenant === null || row.tenant_id === filter.tenant;
    const s = filter.search;
    const vips = [...this.rows.vips.values()]
      .filter(
        (vip) =>
          inTenant(vip) &&
          matchesSearch(s, vip.name, vip.id, vip.address, ...this.floatingIpsOf(vip).map((fip) => fip.floating_ip_address)),
      )
      .sort(byName);
    const pools = [...this.rows.pools.values()]
      .filter(
        (pool) =>
          inTenant(pool) &&
          (matchesSearch(s, pool.name, pool.id) || this.membersOf(pool.id).some((m) => matchesSearch(s, m.id, m.address))),
      )
      .sort(byName);
    const monitors = [...this.rows.health_monitors.values()]
      .filter((m) => inTenant(m) && matchesSearch(s, m.id, m.type, m.url_path))
      .sort(byId);
    const nodes = [...this.rows.nodes.values()].filter((node) => matchesSearch(s, node.id, node.zone)).sort(byId);
    const loadBalancers = [...this.rows.loadbalancers.values()]
      .filter((lb) => inTenant(lb) && this.matchesLoadBalancer(lb, s))
      .sort(byName);
    return { vips, pools, monitors, nodes, loadBalancers };
  }

  /** A load balancer's listeners by port. */
  listenersOf(lb: LoadBalancerResource): ListenerResource[] {
    return lb.listeners
      .flatMap(({ id }) => this.rows.listeners.get(id) ?? [])
      .sort((a, b) => a.protocol_port - b.protocol_port || byId(a, b));
  }

  /** A load balancer's pools by name. */
  lbPoolsOf(lb: LoadBalancerResource): LbPoolResource[] {
    return lb.pools.flatMap(({ id }) => this.rows.octavia_pools.get(id) ?? []).sort(byName);
  }

  lbMembersOf(poolId: string): LbMemberResource[] {
    return [...this.rows.octavia_members.values()].filter((m) => m.pool_id === poolId).sort(byAddress);
  }

  lbMonitorOf(pool: LbPoolResource): LbHealthMonitorResource | undefined {
    return pool.healthmonitor_id === null ? undefined : this.rows.octavia_healthmonitors.get(pool.healthmonitor_id);
  }

  /** A load balancer's placements as amphorae (administrators only), MASTER first. */
  amphoraeOf(loadBalancerId: string): AmphoraResource[] {
    return [...this.rows.amphorae.values()]
      .filter((a) => a.loadbalancer_id === loadBalancerId)
      .sort((a, b) => AMPHORA_ROLE_ORDER[a.role] - AMPHORA_ROLE_ORDER[b.role] || byId(a, b));
  }

  private matchesLoadBalancer(lb: LoadBalancerResource, search: string): boolean {
    return (
      matchesSearch(search, lb.name, lb.id, lb.vip_address) ||
      this.listenersOf(lb).some((l) => matchesSearch(search, l.id, l.name)) ||
      this.lbPoolsOf(lb).some(
        (p) => matchesSearch(search, p.id, p.name) || this.lbMembersOf(p.id).some((m) => matchesSearch(search, m.id, m.address)),
      )
    );
  }

  private describeLoadBalancerObject(id: string): string | null {
    const lb = this.rows.loadbalancers.get(id);
    if (lb) return `load balancer ${lb.name || lb.id}`;
    const listener = this.rows.listeners.get(id);
    if (listener) return `listener ${listener.name || `${listener.protocol}:${listener.protocol_port}`}`;
    const pool = this.rows.octavia_pools.get(id);
    if (pool) return `pool ${pool.name || pool.id}`;
    const member = this.rows.octavia_members.get(id);
    if (member) return `member ${member.address}:${member.protocol_port}`;
    const monitor = this.rows.octavia_healthmonitors.get(id);
    if (monitor) return `${monitor.type} health monitor`;
    return null;
  }

  private replaceRows<C extends DashboardCollection>(collection: C, rows: readonly DashboardRowByCollection[C][]): void {
    const map: Map<string, DashboardRowByCollection[C]> = this.rows[collection];
    map.clear();
    for (const row of rows) map.set(row.id, row);
  }
}
