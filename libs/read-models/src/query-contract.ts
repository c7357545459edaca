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
  status: 'lbaas.query.status',
  rebuild: 'lbaas.projections.rebuild',
} as const;

/** null tenant = every tenant (admin). */
export interface ListQuery {
  readonly collection: Collection;
  readonly tenantId: string | null;
  /** Neutron query filters: `?name=a&name=b` is name IN (a, b). Values as sent; the read side coerces by column type. */
  readonly filters: Readonly<Record<string, readonly string[]>>;
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

export interface QueryError {
  readonly error: { readonly type: string; readonly message: string; readonly status: number };
}
/** `more`: a paged list has items beyond this page in the direction it was read. */
export type ListReply = { readonly items: Record<string, unknown>[]; readonly more?: boolean } | QueryError;
export type GetReply = { readonly item: Record<string, unknown> | null } | QueryError;
export type PoolStatsReply =
  { readonly stats: { bytes_in: number; bytes_out: number; active_connections: number; total_connections: number } | null } | QueryError;

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
