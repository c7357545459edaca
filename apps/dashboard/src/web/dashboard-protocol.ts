import type { AggregateType, AvailabilityZoneResource, NodeResource, QuotaResource, ResourceByCollection } from '@lbaas/domain';

/**
 * What the dashboard server sends the page: types only, shared by the server (Node) and the
 * page (browser), so both sides of the wire are checked against one definition.
 */

/**
 * The read-model collections on the page: v1's, then v2's (load balancers with their listeners,
 * pools, members and monitors), the projects' quotas and the availability zones; service
 * instances, nodes, amphorae and zones reach administrators only, as in the apis.
 */
export type DashboardCollection =
  | 'vips'
  | 'pools'
  | 'members'
  | 'health_monitors'
  | 'floatingips'
  | 'service_instances'
  | 'nodes'
  | 'loadbalancers'
  | 'listeners'
  | 'octavia_pools'
  | 'octavia_members'
  | 'octavia_healthmonitors'
  | 'amphorae'
  | 'octavia_quotas'
  | 'availability_zones';

/** A compute node with the zone its agent declares (LBAAS_NODE_ZONE), which the apis' node rows leave out. */
export type DashboardNode = NodeResource & { readonly zone: string | null };

/** An availability zone with the compute zone whose nodes take its load balancers (its profile's, else its own name). */
export type DashboardAvailabilityZone = AvailabilityZoneResource & { readonly compute_zone: string };

/** The rows of each collection as the page gets them: the read models' rows, nodes and zones with what placement needs. */
export type DashboardRowByCollection = Omit<Pick<ResourceByCollection, DashboardCollection>, 'nodes' | 'availability_zones'> & {
  nodes: DashboardNode;
  availability_zones: DashboardAvailabilityZone;
};

export type DashboardRows = { [C in DashboardCollection]: DashboardRowByCollection[C][] };

/** One of a project's limits where the project sets none: the deployment's default (LBAAS_QUOTA_*), with Octavia's name of the object. */
export interface QuotaDefault {
  readonly resource: QuotaResource;
  readonly title: string;
  /** -1: no limit. */
  readonly limit: number;
}

/** The caller a token names. */
export interface Viewer {
  /** As events record it: a dev token's name, or `keystone:<user id>:<user name>`. */
  readonly actor: string;
  /** For people: the Keystone user name, else the actor. */
  readonly name: string;
  readonly tenantId: string;
  readonly admin: boolean;
}

/** One event of the log as the timeline shows it, without its payload. */
export interface EventRecord {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly aggregate: AggregateType;
  readonly aggregateId: string;
  readonly tenantId: string;
  readonly actor: string;
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** The objects the event shaped: its aggregate and every id its payload names (a member, a node, a VIP...). */
  readonly refs: readonly string[];
}

/** A row that appeared, changed (`row` is its new value) or went away (`row` is null). */
export type RowChange = {
  [C in DashboardCollection]: {
    readonly collection: C;
    readonly id: string;
    readonly tenantId: string | null;
    readonly row: DashboardRowByCollection[C] | null;
  };
}[DashboardCollection];

/** One sample of a pool's HAProxy counters, stamped when the dashboard received it (ms since the epoch). */
export interface PoolStatsPoint {
  readonly at: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly activeConnections: number;
  readonly totalConnections: number;
}

/** SSE `snapshot`: the first message of every connection; the page replaces what it had with it. */
export interface SnapshotMessage {
  readonly viewer: Viewer;
  readonly seq: number;
  readonly rows: DashboardRows;
  /** Every quota resource in Octavia's order, with its default limit. */
  readonly quotaDefaults: readonly QuotaDefault[];
  readonly stats: Readonly<Record<string, readonly PoolStatsPoint[]>>;
}

/** SSE `commit`: one commit of the log, with the rows it changed. */
export interface CommitMessage {
  readonly seq: number;
  readonly events: readonly EventRecord[];
  readonly changes: readonly RowChange[];
}

/** SSE `stats`: a pool's newest sample. */
export interface StatsMessage {
  readonly poolId: string;
  readonly point: PoolStatsPoint;
}

/** GET /api/timeline?id=: the events that shaped an object (a VIP's include its service instance's). */
export interface TimelineReply {
  readonly id: string;
  readonly relatedIds: readonly string[];
  /** Oldest first; only the newest ones when there are very many (`total` says how many). */
  readonly events: readonly EventRecord[];
  readonly total: number;
}

/** GET /api/session: whether a token is accepted, and as whom. */
export interface SessionReply {
  readonly viewer: Viewer;
}

/** POST /api/sign-in with a Keystone user name and password: the token the page then uses as a pasted one. */
export interface SignInReply {
  readonly token: string;
  readonly viewer: Viewer;
}

/** POST /api/sign-in's body. */
export interface SignInRequest {
  readonly username: string;
  readonly password: string;
  readonly project?: string;
  readonly domain?: string;
}

export interface ErrorReply {
  readonly error: string;
}
