import type { AvailabilityZone, AvailabilityZoneProfile, Flavor, FlavorProfile } from './model';

/** The whole catalog; empty before its first event. */
export interface CatalogState {
  readonly kind: 'live';
  readonly flavorProfiles: readonly FlavorProfile[];
  readonly flavors: readonly Flavor[];
  readonly zoneProfiles: readonly AvailabilityZoneProfile[];
  readonly zones: readonly AvailabilityZone[];
}

export const initialCatalogState: CatalogState = { kind: 'live', flavorProfiles: [], flavors: [], zoneProfiles: [], zones: [] };
