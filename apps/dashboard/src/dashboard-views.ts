import {
  type AggregateType,
  type AvailabilityZoneProfileResource,
  type AvailabilityZoneResource,
  availabilityZoneSettings,
  type NodeState,
  type ResourceRows,
} from '@lbaas/domain';
import type { DashboardAvailabilityZone, DashboardCollection, DashboardRowByCollection } from './web/dashboard-protocol';

/** The rows one aggregate puts on the page. */
export type DashboardViews = { [C in DashboardCollection]?: DashboardRowByCollection[C][] };

/**
 * The compute zone whose nodes take a zone's load balancers, as the api's placement policy
 * resolves it. The api validated the profile's data when it was created; should a later
 * version read it otherwise, the page shows the zone's own name rather than stop folding.
 */
function computeZoneOf(zone: AvailabilityZoneResource, profiles: readonly AvailabilityZoneProfileResource[]): string {
  const profile = profiles.find((p) => p.id === zone.availability_zone_profile_id);
  if (profile === undefined) return zone.name;
  try {
    return availabilityZoneSettings(profile.availability_zone_data).computeZone ?? zone.name;
  } catch {
    return zone.name;
  }
}

/**
 * An aggregate's rows as the dashboard shows them: its `views`, a node's row with the zone its
 * agent declared and each availability zone's row with its compute zone, so the page can tell
 * which nodes serve a zone without the domain's code.
 */
export function dashboardViews(aggregate: AggregateType, state: unknown, views: ResourceRows): DashboardViews {
  const { nodes, availability_zones, ...rest } = views;
  if (aggregate === 'node' && nodes !== undefined) {
    // AGGREGATES.node folds NodeState: the registry only erases the type.
    const node = state as NodeState;
    const zone = node.kind === 'live' ? node.zone : null;
    return { ...rest, nodes: nodes.map((row) => ({ ...row, zone })) };
  }
  if (availability_zones !== undefined) {
    const profiles = views.availability_zone_profiles ?? [];
    const zones: DashboardAvailabilityZone[] = availability_zones.map((zone) => ({ ...zone, compute_zone: computeZoneOf(zone, profiles) }));
    return { ...rest, availability_zones: zones };
  }
  return rest;
}
