import type { AvailabilityZone, AvailabilityZoneProfile, CatalogUse, Flavor, FlavorProfile } from './model';

/** The whole catalog; empty before its first event. */
export interface CatalogState {
  readonly kind: 'live';
  readonly flavorProfiles: readonly FlavorProfile[];
  readonly flavors: readonly Flavor[];
  readonly zoneProfiles: readonly AvailabilityZoneProfile[];
  readonly zones: readonly AvailabilityZone[];
  /** The load balancers that use a flavor or zone, by the log's record of their creation. */
  readonly uses: readonly CatalogUse[];
}

export const initialCatalogState: CatalogState = { kind: 'live', flavorProfiles: [], flavors: [], zoneProfiles: [], zones: [], uses: [] };
