import type { AvailabilityZone, AvailabilityZoneProfile, CatalogUse, Flavor, FlavorProfile } from './model';

export interface CreateFlavorProfile {
  readonly type: 'CreateFlavorProfile';
  readonly data: { profile: FlavorProfile };
}
export interface UpdateFlavorProfile {
  readonly type: 'UpdateFlavorProfile';
  readonly data: { flavorProfileId: string; changes: Partial<Omit<FlavorProfile, 'id'>> };
}
export interface DeleteFlavorProfile {
  readonly type: 'DeleteFlavorProfile';
  readonly data: { flavorProfileId: string };
}
export interface CreateFlavor {
  readonly type: 'CreateFlavor';
  readonly data: { flavor: Flavor };
}
export interface UpdateFlavor {
  readonly type: 'UpdateFlavor';
  readonly data: { flavorId: string; changes: Partial<Pick<Flavor, 'name' | 'description' | 'enabled'>> };
}
export interface DeleteFlavor {
  readonly type: 'DeleteFlavor';
  readonly data: { flavorId: string };
}
export interface CreateAvailabilityZoneProfile {
  readonly type: 'CreateAvailabilityZoneProfile';
  readonly data: { profile: AvailabilityZoneProfile };
}
export interface UpdateAvailabilityZoneProfile {
  readonly type: 'UpdateAvailabilityZoneProfile';
  readonly data: { availabilityZoneProfileId: string; changes: Partial<Omit<AvailabilityZoneProfile, 'id'>> };
}
export interface DeleteAvailabilityZoneProfile {
  readonly type: 'DeleteAvailabilityZoneProfile';
  readonly data: { availabilityZoneProfileId: string };
}
export interface CreateAvailabilityZone {
  readonly type: 'CreateAvailabilityZone';
  readonly data: { zone: AvailabilityZone };
}
export interface UpdateAvailabilityZone {
  readonly type: 'UpdateAvailabilityZone';
  readonly data: { name: string; changes: Partial<Pick<AvailabilityZone, 'description' | 'enabled'>> };
}
export interface DeleteAvailabilityZone {
  readonly type: 'DeleteAvailabilityZone';
  readonly data: { name: string };
}

/**
 * A new load balancer's flavor and zone, resolved (as `placementPolicy` does, so a missing or
 * disabled one is refused) and recorded before the load balancer is created; idempotent.
 */
export interface RecordCatalogUse {
  readonly type: 'RecordCatalogUse';
  readonly data: CatalogUse;
}
/**
 * Records again the use of a load balancer that exists but whose use a reclaimer ended while its
 * create was appended. Never refused (the flavor or zone may be gone since: the load balancer
 * still has it); a no-op while the use stands.
 */
export interface RestoreCatalogUse {
  readonly type: 'RestoreCatalogUse';
  readonly data: CatalogUse;
}
/** The load balancer is deleted, or its create was refused or never appended; a no-op without a use. */
export interface EndCatalogUse {
  readonly type: 'EndCatalogUse';
  readonly data: { loadBalancerId: string };
}

export type CatalogCommand =
  | CreateFlavorProfile
  | UpdateFlavorProfile
  | DeleteFlavorProfile
  | CreateFlavor
  | UpdateFlavor
  | DeleteFlavor
  | CreateAvailabilityZoneProfile
  | UpdateAvailabilityZoneProfile
  | DeleteAvailabilityZoneProfile
  | CreateAvailabilityZone
  | UpdateAvailabilityZone
  | DeleteAvailabilityZone
  | RecordCatalogUse
  | RestoreCatalogUse
  | EndCatalogUse;
