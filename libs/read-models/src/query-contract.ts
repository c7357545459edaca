import type { Collection } from '@lbaas/domain';

/**
 * The api asks the projections service over NATS request/reply (@nestjs/microservices NATS
 * transport). `minSeq` gives read-your-writes: the projections service answers only once its
 * checkpoint has reached it, or fails with `lagging` after a bounded wait.
 */
export const QUERY_PATTERNS = {
  list: 'lbaas.query.list',
  get: 'lbaas.query.get',
  poolStats: 'lbaas.query.pool-stats',
  listenerStats: 'lbaas.query.listener-stats',
  loadBalancerStats: 'lbaas.query.loadbalancer-stats',
  projects: 'lbaas.query.projects',
  status: 'lbaas.query.status',
  rebuild: 'lbaas.projections.rebuild',
} as const;

/**
 * Octavia's tag filters, each a list of tags (the edge splits `?tags=a,b` and repeated keys):
 * `all` (`tags`) keeps an object that has every tag, `any` (`tags-any`) one that has at least
 * one, `notAll` (`not-tags`) one that lacks at least one, `notAny` (`not-tags-any`) one that has
 * none. An empty list asks nothing. Collections without tags ignore them, as Octavia does.
 */
export interface TagFilters {
  readonly all: readonly string[];
  readonly any: readonly string[];
  readonly notAll: readonly string[];
  readonly notAny: readonly string[];
}

/**
 * null tenant = every tenant (admin).
 *
 * The v1 collections keep Neutron's filters: an unknown field or a list field is ignored. The v2
 * collections (`OCTAVIA_COLLECTIONS`) keep Octavia's: an unknown field or a list or object field
 * is a 400 `InvalidFilterArgument`, so the edge passes only the query's filter parameters
 * (not `limit`, `marker`, `sort`, `fields` or the tag filters). Beside their columns they take
 * Octavia's `loadbalancer_id` (listeners, pools), `pool_id` (health monitors) and `project_id`
 * (amphorae, the load balancer's project), and an empty value on a nullable field matches null.
 */
export interface ListQuery {
  readonly collection: Collection;
  readonly tenantId: string | null;
  /** Query filters: `?name=a&name=b` is name IN (a, b). Values as sent; the read side coerces by column type. */
  readonly filters: Readonly<Record<string, readonly string[]>>;
  readonly tags?: TagFilters;
  /** `?fields=` projection; empty = all fields. */
  readonly fields: readonly string[];
  readonly minSeq: number;
  /** Neutron's sorting: `sort_key`/`sort_dir` pairs, id always last as the tie-breaker. */
  readonly sort?: readonly { readonly key: string; readonly dir: 'asc' | 'desc' }[];
  /** Neutron's pagination: at most `limit` items after (or, with `pageReverse`, before) the `marker` id. */
  readonly page?: { readonly limit: number; readonly marker: string | null; readonly pageReverse: boolean };
}

export interface GetQuery {
  readonly collection: Collection;
  readonly id: string;
  readonly tenantId: string | null;
  readonly fields: readonly string[];
  readonly minSeq: number;
}

export interface PoolStatsQuery {
  readonly poolId: string;
  readonly tenantId: string | null;
  readonly minSeq: number;
}

export interface ListenerStatsQuery {
  readonly listenerId: string;
  readonly tenantId: string | null;
  readonly minSeq: number;
}

export interface LoadBalancerStatsQuery {
  readonly loadBalancerId: string;
  readonly tenantId: string | null;
  readonly minSeq: number;
}

/** Which projects own anything: the api derives per-project resources (Neutron's default security groups) from it. */
export interface ProjectsQuery {
  readonly minSeq: number;
}

export interface QueryError {
  readonly error: { readonly type: string; readonly message: string; readonly status: number };
}
/** `more`: a paged list has items beyond this page in the direction it was read. */
export type ListReply = { readonly items: Record<string, unknown>[]; readonly more?: boolean } | QueryError;
export type GetReply = { readonly item: Record<string, unknown> | null } | QueryError;
export type PoolStatsReply =
  { readonly stats: { bytes_in: number; bytes_out: number; active_connections: number; total_connections: number } | null } | QueryError;

/** Octavia's `stats` of a listener, or of a load balancer (the sum over its listeners). */
export interface OctaviaStats {
  readonly bytes_in: number;
  readonly bytes_out: number;
  readonly active_connections: number;
  readonly total_connections: number;
  readonly request_errors: number;
}
/** null when the object does not exist for this tenant; zeros until the data plane reports. */
export type OctaviaStatsReply = { readonly stats: OctaviaStats | null } | QueryError;

/** The ids of the projects that own at least one object of any collection, sorted. */
export type ProjectsReply = { readonly projects: readonly string[] } | QueryError;

export interface StatusReply {
  readonly checkpoint: number;
  readonly streamLastSeq: number;
}

export interface RebuildReply {
  readonly events: number;
  readonly commits: number;
  readonly seconds: number;
}

/** A rebuild answers its totals, or an error (409 RebuildInProgress when one is already running). */
export type RebuildResult = RebuildReply | QueryError;

/** Core NATS subject on which a running rebuild publishes a `RebuildProgressMessage` after each batch. */
export const REBUILD_PROGRESS_SUBJECT = 'lbaas.projections.rebuild.progress';

export interface RebuildProgressMessage {
  /** Events and commits replayed so far, and the stream sequence reached. */
  readonly events: number;
  readonly commits: number;
  readonly position: number;
  /** The stream's last sequence when the rebuild started: `position / total` is the fraction done. */
  readonly total: number;
  readonly eventsPerSecond: number;
}
