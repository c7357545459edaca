/**
 * The operator's catalog of Octavia flavors and availability zones: profiles hold the provider's
 * settings (JSON text, validated against the provider's capabilities), flavors and zones are what
 * tenants name when they create a load balancer. One stream holds the whole catalog, so its rules
 * (names once, a profile in use stays) are decided in one place; operators write it rarely.
 */
export interface FlavorProfile {
  readonly id: string;
  readonly name: string;
  readonly providerName: string;
  /** JSON text of an object whose keys are flavor capabilities. */
  readonly flavorData: string;
}

export interface Flavor {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly flavorProfileId: string;
  readonly enabled: boolean;
}

export interface AvailabilityZoneProfile {
  readonly id: string;
  readonly name: string;
  readonly providerName: string;
  /** JSON text of an object whose keys are availability zone capabilities. */
  readonly availabilityZoneData: string;
}

/** Octavia names a zone by its name: it has no other id. */
export interface AvailabilityZone {
  readonly name: string;
  readonly description: string;
  readonly availabilityZoneProfileId: string;
  readonly enabled: boolean;
}

/** A load balancer's flavor and zone, as it was created with them (one of the two at least), and since when (ISO). */
export interface CatalogUse {
  readonly loadBalancerId: string;
  readonly flavorId: string | null;
  readonly availabilityZone: string | null;
  readonly at: string;
}

/** The stream id of the one catalog. */
export const CATALOG_ID = 'octavia';

/** How many placements a load balancer gets: one, or the VRRP pair. */
export const TOPOLOGIES = ['SINGLE', 'ACTIVE_STANDBY'] as const;
export type Topology = (typeof TOPOLOGIES)[number];
export const DEFAULT_TOPOLOGY: Topology = 'ACTIVE_STANDBY';

/** Where and how a load balancer is placed, as its flavor and zone say at its creation. */
export interface PlacementPolicy {
  readonly topology: Topology;
  /** The compute zone whose nodes alone may hold the placements; null places anywhere. */
  readonly computeZone: string | null;
}

/** A load balancer without flavor or zone: the pair, on any node. */
export const DEFAULT_PLACEMENT: PlacementPolicy = { topology: DEFAULT_TOPOLOGY, computeZone: null };
