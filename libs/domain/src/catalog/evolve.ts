import type { CatalogEvent } from './events';
import type { CatalogState } from './state';

const put = <T>(items: readonly T[], item: T, same: (a: T) => boolean): T[] =>
  items.some(same) ? items.map((i) => (same(i) ? item : i)) : [...items, item];

/** Never throws: an update of an object that is gone adds it back, as the event says what it is. */
export function evolveCatalog(state: CatalogState, event: CatalogEvent): CatalogState {
  switch (event.type) {
    case 'FlavorProfileCreated':
    case 'FlavorProfileUpdated': {
      const { profile } = event.data;
      return { ...state, flavorProfiles: put(state.flavorProfiles, profile, (p) => p.id === profile.id) };
    }
    case 'FlavorProfileDeleted':
      return { ...state, flavorProfiles: state.flavorProfiles.filter((p) => p.id !== event.data.flavorProfileId) };
    case 'FlavorCreated':
    case 'FlavorUpdated': {
      const { flavor } = event.data;
      return { ...state, flavors: put(state.flavors, flavor, (f) => f.id === flavor.id) };
    }
    case 'FlavorDeleted':
      return { ...state, flavors: state.flavors.filter((f) => f.id !== event.data.flavorId) };
    case 'AvailabilityZoneProfileCreated':
    case 'AvailabilityZoneProfileUpdated': {
      const { profile } = event.data;
      return { ...state, zoneProfiles: put(state.zoneProfiles, profile, (p) => p.id === profile.id) };
    }
    case 'AvailabilityZoneProfileDeleted':
      return { ...state, zoneProfiles: state.zoneProfiles.filter((p) => p.id !== event.data.availabilityZoneProfileId) };
    case 'AvailabilityZoneCreated':
    case 'AvailabilityZoneUpdated': {
      const { zone } = event.data;
      return { ...state, zones: put(state.zones, zone, (z) => z.name === zone.name) };
    }
    case 'AvailabilityZoneDeleted':
      return { ...state, zones: state.zones.filter((z) => z.name !== event.data.name) };
    case 'CatalogUseRecorded':
      return { ...state, uses: put(state.uses, { ...event.data }, (u) => u.loadBalancerId === event.data.loadBalancerId) };
    case 'CatalogUseEnded':
      return { ...state, uses: state.uses.filter((u) => u.loadBalancerId !== event.data.loadBalancerId) };
    default:
      return state;
  }
}
