import { Conflict, NotFound, ValidationError } from '../errors';
import { checkText, invalidInput } from '../loadbalancer/checks';
import { PROVIDER_NAME } from '../loadbalancer/model';
import { availabilityZoneSettings, flavorSettings } from './capabilities';
import type { CatalogCommand } from './commands';
import type { CatalogEvent } from './events';
import type { AvailabilityZone, AvailabilityZoneProfile, Flavor, FlavorProfile } from './model';
import { placementPolicy } from './placement-policy';
import type { CatalogState } from './state';

const TITLES = {
  flavorProfile: 'Flavor Profile',
  flavor: 'Flavor',
  zoneProfile: 'Availability Zone Profile',
  zone: 'Availability Zone',
} as const;

const notFound = (title: string, id: string) => new NotFound(title.replace(/ /g, ''), id, `${title} ${id} not found.`);
const inUse = (title: string, id: string) => new Conflict('ObjectInUse', `${title} ${id} is in use and cannot be modified.`);
const exists = (field: string, name: string) => new Conflict('RecordAlreadyExists', `A ${field} of ${name} already exists.`);

function found<T>(items: readonly T[], match: (item: T) => boolean, title: string, id: string): T {
  const item = items.find(match);
  if (item === undefined) throw notFound(title, id);
  return item;
}

function checkName(name: string): void {
  if (name.length === 0) throw invalidInput('name', name, 'Mandatory field missing.');
  checkText('name', name);
}

function checkProvider(providerName: string): void {
  if (providerName !== PROVIDER_NAME)
    throw new ValidationError(`Provider '${providerName.slice(0, 64)}' is not enabled.`, 'ProviderNotEnabled');
}

function checkFlavorProfile(profile: FlavorProfile): void {
  checkName(profile.name);
  checkProvider(profile.providerName);
  flavorSettings(profile.flavorData);
}

function checkZoneProfile(profile: AvailabilityZoneProfile): void {
  checkName(profile.name);
  checkProvider(profile.providerName);
  availabilityZoneSettings(profile.availabilityZoneData);
}

function checkFlavor(state: CatalogState, flavor: Flavor): void {
  checkName(flavor.name);
  checkText('description', flavor.description);
  if (state.flavors.some((f) => f.id !== flavor.id && f.name === flavor.name)) throw exists('flavor', flavor.name);
  if (!state.flavorProfiles.some((p) => p.id === flavor.flavorProfileId))
    throw new ValidationError(`${flavor.flavorProfileId} is not a valid option for flavor_profile_id`, 'InvalidOption');
}

function checkZone(state: CatalogState, zone: AvailabilityZone): void {
  checkText('description', zone.description);
  if (!state.zoneProfiles.some((p) => p.id === zone.availabilityZoneProfileId))
    throw new ValidationError(`${zone.availabilityZoneProfileId} is not a valid option for availability_zone_profile_id`, 'InvalidOption');
}

/** Same fields, same values: an update that changes nothing appends nothing. */
const same = <T extends object>(a: T, b: T): boolean => (Object.keys(a) as (keyof T)[]).every((k) => a[k] === b[k]);

function decideFlavors(command: CatalogCommand, state: CatalogState): CatalogEvent[] | null {
  switch (command.type) {
    case 'CreateFlavorProfile': {
      const { profile } = command.data;
      if (state.flavorProfiles.some((p) => p.id === profile.id))
        throw new Conflict('IDAlreadyExists', 'Already an entity with that specified id.');
      checkFlavorProfile(profile);
      return [{ type: 'FlavorProfileCreated', version: 1, data: { profile: { ...profile } } }];
    }
    case 'UpdateFlavorProfile': {
      const id = command.data.flavorProfileId;
      const before = found(state.flavorProfiles, (p) => p.id === id, TITLES.flavorProfile, id);
      const profile: FlavorProfile = { ...before, ...command.data.changes, id };
      checkFlavorProfile(profile);
      if (same(profile, before)) return [];
      // A flavor's meaning is its profile's: only the name may change while a flavor uses it, as in Octavia.
      const settingsChange = profile.flavorData !== before.flavorData || profile.providerName !== before.providerName;
      if (settingsChange && state.flavors.some((f) => f.flavorProfileId === id)) throw inUse(TITLES.flavorProfile, id);
      return [{ type: 'FlavorProfileUpdated', version: 1, data: { profile } }];
    }
    case 'DeleteFlavorProfile': {
      const id = command.data.flavorProfileId;
      found(state.flavorProfiles, (p) => p.id === id, TITLES.flavorProfile, id);
      if (state.flavors.some((f) => f.flavorProfileId === id)) throw inUse(TITLES.flavorProfile, id);
      return [{ type: 'FlavorProfileDeleted', version: 1, data: { flavorProfileId: id } }];
    }
    case 'CreateFlavor': {
      const { flavor } = command.data;
      if (state.flavors.some((f) => f.id === flavor.id)) throw new Conflict('IDAlreadyExists', 'Already an entity with that specified id.');
      checkFlavor(state, flavor);
      return [{ type: 'FlavorCreated', version: 1, data: { flavor: { ...flavor } } }];
    }
    case 'UpdateFlavor': {
      const id = command.data.flavorId;
      const before = found(state.flavors, (f) => f.id === id, TITLES.flavor, id);
      const flavor: Flavor = { ...before, ...command.data.changes, id };
      checkFlavor(state, flavor);
      return same(flavor, before) ? [] : [{ type: 'FlavorUpdated', version: 1, data: { flavor } }];
    }
    case 'DeleteFlavor': {
      const id = command.data.flavorId;
      found(state.flavors, (f) => f.id === id, TITLES.flavor, id);
      if (state.uses.some((u) => u.flavorId === id)) throw inUse(TITLES.flavor, id);
      return [{ type: 'FlavorDeleted', version: 1, data: { flavorId: id } }];
    }
    default:
      return null;
  }
}

function decideZones(command: CatalogCommand, state: CatalogState): CatalogEvent[] {
  switch (command.type) {
    case 'CreateAvailabilityZoneProfile': {
      const { profile } = command.data;
      if (state.zoneProfiles.some((p) => p.id === profile.id))
        throw new Conflict('IDAlreadyExists', 'Already an entity with that specified id.');
      checkZoneProfile(profile);
      return [{ type: 'AvailabilityZoneProfileCreated', version: 1, data: { profile: { ...profile } } }];
    }
    case 'UpdateAvailabilityZoneProfile': {
      const id = command.data.availabilityZoneProfileId;
      const before = found(state.zoneProfiles, (p) => p.id === id, TITLES.zoneProfile, id);
      const profile: AvailabilityZoneProfile = { ...before, ...command.data.changes, id };
      checkZoneProfile(profile);
      if (same(profile, before)) return [];
      const settingsChange = profile.availabilityZoneData !== before.availabilityZoneData || profile.providerName !== before.providerName;
      if (settingsChange && state.zones.some((z) => z.availabilityZoneProfileId === id)) throw inUse(TITLES.zoneProfile, id);
      return [{ type: 'AvailabilityZoneProfileUpdated', version: 1, data: { profile } }];
    }
    case 'DeleteAvailabilityZoneProfile': {
      const id = command.data.availabilityZoneProfileId;
      found(state.zoneProfiles, (p) => p.id === id, TITLES.zoneProfile, id);
      if (state.zones.some((z) => z.availabilityZoneProfileId === id)) throw inUse(TITLES.zoneProfile, id);
      return [{ type: 'AvailabilityZoneProfileDeleted', version: 1, data: { availabilityZoneProfileId: id } }];
    }
    case 'CreateAvailabilityZone': {
      const { zone } = command.data;
      checkName(zone.name);
      if (state.zones.some((z) => z.name === zone.name)) throw exists('availability zone', zone.name);
      checkZone(state, zone);
      return [{ type: 'AvailabilityZoneCreated', version: 1, data: { zone: { ...zone } } }];
    }
    case 'UpdateAvailabilityZone': {
      const { name } = command.data;
      const before = found(state.zones, (z) => z.name === name, TITLES.zone, name);
      const zone: AvailabilityZone = { ...before, ...command.data.changes, name };
      checkZone(state, zone);
      return same(zone, before) ? [] : [{ type: 'AvailabilityZoneUpdated', version: 1, data: { zone } }];
    }
    case 'DeleteAvailabilityZone': {
      const { name } = command.data;
      found(state.zones, (z) => z.name === name, TITLES.zone, name);
      if (state.uses.some((u) => u.availabilityZone === name)) throw inUse(TITLES.zone, name);
      return [{ type: 'AvailabilityZoneDeleted', version: 1, data: { name } }];
    }
    default:
      return decideUses(command, state);
  }
}

function decideUses(command: CatalogCommand, state: CatalogState): CatalogEvent[] {
  switch (command.type) {
    case 'RecordCatalogUse': {
      const use = command.data;
      placementPolicy(state, use.flavorId, use.availabilityZone);
      const held = state.uses.find((u) => u.loadBalancerId === use.loadBalancerId);
      if (held !== undefined && held.flavorId === use.flavorId && held.availabilityZone === use.availabilityZone) return [];
      return [{ type: 'CatalogUseRecorded', version: 2, data: { ...use } }];
    }
    case 'RestoreCatalogUse': {
      const use = command.data;
      return state.uses.some((u) => u.loadBalancerId === use.loadBalancerId)
        ? []
        : [{ type: 'CatalogUseRecorded', version: 2, data: { ...use } }];
    }
    case 'EndCatalogUse': {
      const { loadBalancerId } = command.data;
      return state.uses.some((u) => u.loadBalancerId === loadBalancerId)
        ? [{ type: 'CatalogUseEnded', version: 1, data: { loadBalancerId } }]
        : [];
    }
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}`);
  }
}

/**
 * The catalog's rules, on its one stream: names once (flavors, zones), a profile exists before
 * its flavor or zone names it, a profile in use is neither deleted nor given other settings, and
 * every profile's data is checked against the provider's capabilities, and a flavor or zone that
 * a load balancer uses (its `CatalogUseRecorded`, not yet ended) is not deleted, as in Octavia.
 */
export function decideCatalog(command: CatalogCommand, state: CatalogState): CatalogEvent[] {
  return decideFlavors(command, state) ?? decideZones(command, state);
}

export { TITLES as CATALOG_TITLES };
