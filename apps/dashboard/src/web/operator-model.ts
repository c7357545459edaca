import type { AmphoraResource, LoadBalancerResource, ProjectQuotaResource } from '@lbaas/domain';
import type { DashboardAvailabilityZone, DashboardNode, QuotaDefault, Viewer } from './dashboard-protocol';

/** One resource of a project's quota: the limit in force (-1: none) and how many objects hold it. */
export interface QuotaLine {
  readonly resource: QuotaDefault['resource'];
  readonly title: string;
  readonly limit: number;
  readonly usage: number;
  /** The project sets this limit itself; otherwise it is the deployment's default. */
  readonly own: boolean;
  /** No more of it can be created. */
  readonly full: boolean;
}

export interface ProjectQuota {
  readonly projectId: string;
  readonly lines: readonly QuotaLine[];
}

/**
 * The quota of each project the page shows: its own limits over the deployment's defaults, and
 * its usage. A project that has neither set a quota nor created anything has no row in the log;
 * the one a tenant or the tenant picker asks about is shown with the defaults and nothing used.
 */
export function projectQuotas(
  rows: Iterable<ProjectQuotaResource>,
  defaults: readonly QuotaDefault[],
  viewer: Viewer | null,
  tenant: string | null,
): ProjectQuota[] {
  const wanted = tenant ?? (viewer !== null && !viewer.admin ? viewer.tenantId : null);
  const shown = [...rows].filter((row) => wanted === null || row.project_id === wanted);
  const quotas = shown.map((row) => ({ projectId: row.project_id, lines: defaults.map((d) => quotaLine(d, row)) }));
  if (wanted !== null && shown.length === 0) quotas.push({ projectId: wanted, lines: defaults.map((d) => quotaLine(d, null)) });
  return quotas.sort((a, b) => a.projectId.localeCompare(b.projectId));
}

function quotaLine(fallback: QuotaDefault, row: ProjectQuotaResource | null): QuotaLine {
  const own = row?.[fallback.resource] ?? null;
  const limit = own ?? fallback.limit;
  const usage = row?.in_use[fallback.resource] ?? 0;
  return { resource: fallback.resource, title: fallback.title, limit, usage, own: own !== null, full: limit !== -1 && usage >= limit };
}

/** A load balancer placed by its zone, and the nodes its amphorae run on. */
export interface ZonePlacement {
  readonly loadBalancer: LoadBalancerResource;
  readonly nodes: readonly string[];
}

export interface ZoneSummary {
  readonly zone: DashboardAvailabilityZone;
  /** The nodes that declare the zone's compute zone: the only ones its load balancers may use. */
  readonly nodes: readonly DashboardNode[];
  readonly loadBalancers: readonly ZonePlacement[];
}

export interface ZonesOverview {
  readonly zones: readonly ZoneSummary[];
  /** Nodes whose compute zone no availability zone names, or that declare none: only load balancers without a zone go there. */
  readonly otherNodes: readonly DashboardNode[];
}

const byName = <R extends { name: string; id: string }>(a: R, b: R): number => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** Each availability zone with its nodes and the load balancers created in it, and the nodes outside every zone. */
export function zonesOverview(
  zones: Iterable<DashboardAvailabilityZone>,
  nodes: Iterable<DashboardNode>,
  loadBalancers: Iterable<LoadBalancerResource>,
  amphorae: Iterable<AmphoraResource>,
): ZonesOverview {
  const allNodes = [...nodes].sort(byName);
  const allLoadBalancers = [...loadBalancers].sort(byName);
  const allAmphorae = [...amphorae];
  const summaries = [...zones].sort(byName).map((zone) => ({
    zone,
    nodes: allNodes.filter((node) => node.zone === zone.compute_zone),
    loadBalancers: allLoadBalancers
      .filter((lb) => lb.availability_zone === zone.name)
      .map((loadBalancer) => ({
        loadBalancer,
        nodes: allAmphorae
          .filter((a) => a.loadbalancer_id === loadBalancer.id)
          .map((a) => a.compute_id)
          .sort(),
      })),
  }));
  const zoned = new Set(summaries.map((s) => s.zone.compute_zone));
  return { zones: summaries, otherNodes: allNodes.filter((node) => node.zone === null || !zoned.has(node.zone)) };
}
