import type { ResourceRows } from '../resources';
import type { CatalogState } from './state';

/** Octavia's rows of the catalog; a zone's id is its name (the read model keys rows by id, the api shows none). */
export function catalogViews(state: CatalogState): ResourceRows {
  return {
    flavorprofiles: state.flavorProfiles.map((p) => ({
      id: p.id,
      name: p.name,
      provider_name: p.providerName,
      flavor_data: p.flavorData,
    })),
    flavors: state.flavors.map((f) => ({
      id: f.id,
      name: f.name,
      description: f.description,
      flavor_profile_id: f.flavorProfileId,
      enabled: f.enabled,
    })),
    availability_zone_profiles: state.zoneProfiles.map((p) => ({
      id: p.id,
      name: p.name,
      provider_name: p.providerName,
      availability_zone_data: p.availabilityZoneData,
    })),
    availability_zones: state.zones.map((z) => ({
      id: z.name,
      name: z.name,
      description: z.description,
      availability_zone_profile_id: z.availabilityZoneProfileId,
      enabled: z.enabled,
    })),
  };
}
