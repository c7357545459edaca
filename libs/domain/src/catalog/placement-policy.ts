import { ValidationError } from '../errors';
import { validationFailure } from '../loadbalancer/checks';
import { availabilityZoneSettings, flavorSettings } from './capabilities';
import { DEFAULT_TOPOLOGY, type PlacementPolicy } from './model';
import type { CatalogState } from './state';

const disabled = (option: string, value: string) =>
  new ValidationError(`The selected ${option} is not allowed in this deployment: ${value}`, 'DisabledOption');

/**
 * What a new load balancer's `flavor_id` and `availability_zone` mean for its placement, decided
 * on the catalog as the api read it from the log: the flavor's topology (the pair without one),
 * and the zone's compute zone (the zone's own name when its profile names none).
 */
export function placementPolicy(catalog: CatalogState, flavorId: string | null, zoneName: string | null): PlacementPolicy {
  let topology = DEFAULT_TOPOLOGY;
  if (flavorId !== null) {
    const flavor = catalog.flavors.find((f) => f.id === flavorId);
    if (flavor === undefined) throw validationFailure('Invalid flavor_id.');
    if (!flavor.enabled) throw disabled('flavor', flavorId);
    const profile = catalog.flavorProfiles.find((p) => p.id === flavor.flavorProfileId);
    topology = (profile && flavorSettings(profile.flavorData).topology) ?? DEFAULT_TOPOLOGY;
  }
  let computeZone: string | null = null;
  if (zoneName !== null) {
    const zone = catalog.zones.find((z) => z.name === zoneName);
    if (zone === undefined) throw validationFailure('Invalid availability zone name.');
    if (!zone.enabled) throw disabled('availability_zone', zoneName);
    const profile = catalog.zoneProfiles.find((p) => p.id === zone.availabilityZoneProfileId);
    computeZone = (profile && availabilityZoneSettings(profile.availabilityZoneData).computeZone) ?? zone.name;
  }
  return { topology, computeZone };
}
