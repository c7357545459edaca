import {
  AGGREGATES,
  type AggregateType,
  isAbsentOrDeleted,
  QUOTA_RESOURCE_TITLES,
  QUOTA_RESOURCES,
  type QuotaLimits,
  upcast,
} from '@lbaas/domain';
import type { StoredCommit } from '@lbaas/event-log';
import { dashboardViews, type DashboardViews } from './dashboard-views';
import { EventTimelineIndex, eventRecord } from './event-timeline-index';
import type {
  CommitMessage,
  DashboardCollection,
  DashboardRowByCollection,
  DashboardRows,
  EventRecord,
  PoolStatsPoint,
  QuotaDefault,
  RowChange,
  SnapshotMessage,
  TimelineReply,
  Viewer,
} from './web/dashboard-protocol';

export const DASHBOARD_COLLECTIONS: readonly DashboardCollection[] = [
  'vips',
  'pools',
  'members',
  'health_monitors',
  'floatingips',
  'service_instances',
  'nodes',
  'loadbalancers',
  'listeners',
  'octavia_pools',
  'octavia_members',
  'octavia_healthmonitors',
  'amphorae',
  'octavia_quotas',
  'availability_zones',
];
/**
 * The apis show these to administrators only; so does the dashboard, rows and events alike.
 * Tenants may list the enabled availability zones, but the panel is about nodes and placements.
 */
const ADMIN_ONLY_COLLECTIONS: ReadonlySet<DashboardCollection> = new Set(['service_instances', 'nodes', 'amphorae', 'availability_zones']);
const ADMIN_ONLY_AGGREGATES: ReadonlySet<AggregateType> = new Set(['serviceinstance', 'node', 'catalog']);
/** A busy node's timeline grows with every placement; the page needs the recent past, not all of it. */
const TIMELINE_LIMIT = 2000;
/**
 * Events the timelines are drawn from by default: the most recent of the log, so the dashboard's
 * memory follows what exists, not every event ever appended.
 */
export const TIMELINE_EVENTS = 100_000;

type RowsByCollection = { [C in DashboardCollection]: Map<string, DashboardRowByCollection[C]> };

const tenantOf = (row: DashboardRowByCollection[DashboardCollection]): string | null => ('tenant_id' in row ? row.tenant_id : null);

const canSeeRow = (viewer: Viewer, collection: DashboardCollection, tenantId: string | null): boolean =>
  viewer.admin || (!ADMIN_ONLY_COLLECTIONS.has(collection) && tenantId === viewer.tenantId);

const canSeeEvent = (viewer: Viewer, event: EventRecord): boolean =>
  viewer.admin || (!ADMIN_ONLY_AGGREGATES.has(event.aggregate) && event.tenantId === viewer.tenantId);

/**
 * The dashboard's own fold of the whole event log, in memory: each aggregate's state through the
 * domain's `evolve`, the rows its `views` show (the same rows the read models hold), and the
 * events by the objects they shaped. `apply` returns what a commit changed, for the live stream.
 * It holds the states of live aggregates only (`isAbsentOrDeleted`), so its memory follows what exists.
 */
export class DashboardModel {
  private readonly aggregates = new Map<string, { readonly state: unknown; readonly views: DashboardViews }>();
  private readonly rows: RowsByCollection = {
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
  private readonly timeline: EventTimelineIndex;
  private readonly quotaDefaults: readonly QuotaDefault[];
  private position = 0;

  /** `quotaDefaults`: the deployment's default limits, as the api has them (LBAAS_QUOTA_*). */
  constructor(quotaDefaults: QuotaLimits, timelineEvents = TIMELINE_EVENTS) {
    this.timeline = new EventTimelineIndex(timelineEvents);
    this.quotaDefaults = QUOTA_RESOURCES.map((resource) => ({
      resource,
      title: QUOTA_RESOURCE_TITLES[resource],
      limit: quotaDefaults[resource],
    }));
  }

  get seq(): number {
    return this.position;
  }

  /** Aggregates whose state is held: the live ones. */
  get aggregateCount(): number {
    return this.aggregates.size;
  }

  apply({ seq, commit }: StoredCommit): CommitMessage {
    const changes: RowChange[] = [];
    const [first] = commit.events;
    // A commit holds the events of one aggregate (the subject's), so its first event names it for all.
    const behaviour = AGGREGATES[first.aggregate];
    const key = `${first.aggregate}/${first.aggregateId}`;
    const viewsOf = (state: unknown) => dashboardViews(first.aggregate, state, behaviour.views(state));
    const before = this.aggregates.get(key) ?? { state: behaviour.initialState, views: viewsOf(behaviour.initialState) };
    const state = commit.events.reduce((folded, event) => behaviour.evolve(folded, upcast(event)), before.state);
    const views = viewsOf(state);
    if (isAbsentOrDeleted(state)) this.aggregates.delete(key);
    else this.aggregates.set(key, { state, views });
    for (const collection of DASHBOARD_COLLECTIONS) this.diff(collection, before.views, views, changes);
    const events = commit.events.map((event) => eventRecord(seq, event));
    for (const record of events) this.timeline.add(record);
    this.position = seq;
    return { seq, events, changes };
  }

  snapshot(viewer: Viewer, stats: Readonly<Record<string, readonly PoolStatsPoint[]>>): SnapshotMessage {
    const visible = <C extends DashboardCollection>(collection: C): DashboardRowByCollection[C][] =>
      [...this.rows[collection].values()].filter((row) => canSeeRow(viewer, collection, tenantOf(row)));
    const rows: DashboardRows = {
      vips: visible('vips'),
      pools: visible('pools'),
      members: visible('members'),
      health_monitors: visible('health_monitors'),
      floatingips: visible('floatingips'),
      service_instances: visible('service_instances'),
      nodes: visible('nodes'),
      loadbalancers: visible('loadbalancers'),
      listeners: visible('listeners'),
      octavia_pools: visible('octavia_pools'),
      octavia_members: visible('octavia_members'),
      octavia_healthmonitors: visible('octavia_healthmonitors'),
      amphorae: visible('amphorae'),
      octavia_quotas: visible('octavia_quotas'),
      availability_zones: visible('availability_zones'),
    };
    const visibleStats = Object.fromEntries(Object.entries(stats).filter(([poolId]) => this.canSeePool(viewer, poolId)));
    return { viewer, seq: this.position, rows, quotaDefaults: this.quotaDefaults, stats: visibleStats };
  }

  /** What of a commit `viewer` may see, or null when nothing. */
  forViewer(message: CommitMessage, viewer: Viewer): CommitMessage | null {
    if (viewer.admin) return message;
    const events = message.events.filter((event) => canSeeEvent(viewer, event));
    const changes = message.changes.filter((change) => canSeeRow(viewer, change.collection, change.tenantId));
    return events.length === 0 && changes.length === 0 ? null : { seq: message.seq, events, changes };
  }

  canSeePool(viewer: Viewer, poolId: string): boolean {
    const pool = this.rows.pools.get(poolId);
    return viewer.admin || pool?.tenant_id === viewer.tenantId;
  }

  /**
   * Every event that shaped `id`. A VIP's include those of its port (the address allocation, the
   * floating IPs) and of the service instance that serves it; a load balancer's, its VIP port's
   * and its service instance's.
   */
  timelineOf(id: string, viewer: Viewer): TimelineReply {
    const port = this.rows.vips.get(id)?.port_id ?? this.rows.loadbalancers.get(id)?.vip_port_id;
    const instances = viewer.admin
      ? [...this.rows.service_instances.values()].filter((si) => si.vip_id === id || si.loadbalancer_id === id).map((si) => si.id)
      : [];
    const relatedIds = [id, ...(port ? [port] : []), ...instances];
    const events = this.timeline.shaping(relatedIds).filter((event) => canSeeEvent(viewer, event));
    return { id, relatedIds, events: events.slice(-TIMELINE_LIMIT), total: events.length };
  }

  private diff<C extends DashboardCollection>(collection: C, before: DashboardViews, after: DashboardViews, changes: RowChange[]): void {
    const rows: Map<string, DashboardRowByCollection[C]> = this.rows[collection];
    const old = new Map((before[collection] ?? []).map((row) => [row.id, row]));
    for (const row of after[collection] ?? []) {
      const previous = old.get(row.id);
      old.delete(row.id);
      if (previous !== undefined && JSON.stringify(previous) === JSON.stringify(row)) continue;
      rows.set(row.id, row);
      // TypeScript does not tie the generic collection to its member of the RowChange union.
      changes.push({ collection, id: row.id, tenantId: tenantOf(row), row } as RowChange);
    }
    for (const [id, row] of old) {
      rows.delete(id);
      changes.push({ collection, id, tenantId: tenantOf(row), row: null } as RowChange);
    }
  }
}
