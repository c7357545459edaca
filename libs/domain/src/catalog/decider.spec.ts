import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { CatalogCommand } from './commands';
import { catalogDecider } from './decider';
import type { CatalogEvent } from './events';
import type { AvailabilityZone, AvailabilityZoneProfile, Flavor, FlavorProfile } from './model';
import { placementPolicy } from './placement-policy';
import { upcastEvent } from '../upcasters';

const profile = (flavorData = '{"loadbalancer_topology": "SINGLE"}', id = 'fp'): FlavorProfile => ({
  id,
  name: 'single',
  providerName: 'lbaas',
  flavorData,
});
const flavor = (change: Partial<Flavor> = {}): Flavor => ({
  id: 'fl',
  name: 'small',
  description: '',
  flavorProfileId: 'fp',
  enabled: true,
  ...change,
});
const zoneProfile = (availabilityZoneData = '{"compute_zone": "zone-a"}'): AvailabilityZoneProfile => ({
  id: 'azp',
  name: 'a',
  providerName: 'lbaas',
  availabilityZoneData,
});
const zone = (change: Partial<AvailabilityZone> = {}): AvailabilityZone => ({
  name: 'az1',
  description: '',
  availabilityZoneProfileId: 'azp',
  enabled: true,
  ...change,
});
const profileCreated = (p = profile()): CatalogEvent => ({ type: 'FlavorProfileCreated', version: 1, data: { profile: p } });
const flavorCreated = (f = flavor()): CatalogEvent => ({ type: 'FlavorCreated', version: 1, data: { flavor: f } });
const zoneProfileCreated = (p = zoneProfile()): CatalogEvent => ({
  type: 'AvailabilityZoneProfileCreated',
  version: 1,
  data: { profile: p },
});
const zoneCreated = (z = zone()): CatalogEvent => ({ type: 'AvailabilityZoneCreated', version: 1, data: { zone: z } });
const createProfile = (p: FlavorProfile): CatalogCommand => ({ type: 'CreateFlavorProfile', data: { profile: p } });

describe('catalog: flavor profiles', () => {
  it('creates a profile whose data names flavor capabilities', () =>
    given(catalogDecider).when(createProfile(profile())).then([profileCreated()]));

  it.each([
    {
      desc: 'an unknown key, named in the answer',
      data: '{"compute_flavor": "m1"}',
      error: ValidationError,
      words: "key 'compute_flavor'",
    },
    {
      desc: 'a topology that is none',
      data: '{"loadbalancer_topology": "TRIPLE"}',
      error: ValidationError,
      words: 'SINGLE, ACTIVE_STANDBY',
    },
    { desc: 'text that is not JSON', data: '{topology', error: ValidationError, words: 'is not a valid option for flavor data' },
    { desc: 'JSON that is no object', data: '["SINGLE"]', error: ValidationError, words: 'is not a valid option for flavor data' },
  ])('refuses $desc with a 400', ({ data, error, words }) => {
    given(catalogDecider)
      .when(createProfile(profile(data)))
      .thenThrows(error);
    expect(() => catalogDecider.decide(createProfile(profile(data)), catalogDecider.initialState)).toThrow(words);
  });

  it("refuses a provider that is not this deployment's", () =>
    given(catalogDecider)
      .when(createProfile({ ...profile(), providerName: 'amphora' }))
      .thenThrows(ValidationError, 'ProviderNotEnabled'));

  it('keeps a profile a flavor uses: no deletion, no new settings, a new name is fine', () => {
    const history = [profileCreated(), flavorCreated()];
    given(catalogDecider, history)
      .when({ type: 'DeleteFlavorProfile', data: { flavorProfileId: 'fp' } })
      .thenThrows(Conflict, 'ObjectInUse');
    given(catalogDecider, history)
      .when({ type: 'UpdateFlavorProfile', data: { flavorProfileId: 'fp', changes: { flavorData: '{}' } } })
      .thenThrows(Conflict, 'ObjectInUse');
    given(catalogDecider, history)
      .when({ type: 'UpdateFlavorProfile', data: { flavorProfileId: 'fp', changes: { name: 'one' } } })
      .then([{ type: 'FlavorProfileUpdated', version: 1, data: { profile: { ...profile(), name: 'one' } } }]);
  });

  it('deletes a profile no flavor uses', () =>
    given(catalogDecider, [profileCreated()])
      .when({ type: 'DeleteFlavorProfile', data: { flavorProfileId: 'fp' } })
      .then([{ type: 'FlavorProfileDeleted', version: 1, data: { flavorProfileId: 'fp' } }]));
});

describe('catalog: flavors', () => {
  it('creates a flavor on an existing profile, its name once', () => {
    given(catalogDecider, [profileCreated()])
      .when({ type: 'CreateFlavor', data: { flavor: flavor() } })
      .then([flavorCreated()]);
    given(catalogDecider, [profileCreated(), flavorCreated()])
      .when({ type: 'CreateFlavor', data: { flavor: flavor({ id: 'fl2' }) } })
      .thenThrows(Conflict, 'RecordAlreadyExists');
    given(catalogDecider)
      .when({ type: 'CreateFlavor', data: { flavor: flavor() } })
      .thenThrows(ValidationError, 'InvalidOption');
  });

  it('updates name, description and enabled; 404 for one that is not there', () => {
    given(catalogDecider, [profileCreated(), flavorCreated()])
      .when({ type: 'UpdateFlavor', data: { flavorId: 'fl', changes: { enabled: false } } })
      .then([{ type: 'FlavorUpdated', version: 1, data: { flavor: flavor({ enabled: false }) } }]);
    given(catalogDecider)
      .when({ type: 'DeleteFlavor', data: { flavorId: 'nope' } })
      .thenThrows(NotFound);
  });
});

describe('catalog: availability zones', () => {
  it('creates a zone profile and a zone named once', () => {
    given(catalogDecider)
      .when({ type: 'CreateAvailabilityZoneProfile', data: { profile: zoneProfile() } })
      .then([zoneProfileCreated()]);
    given(catalogDecider, [zoneProfileCreated()])
      .when({ type: 'CreateAvailabilityZone', data: { zone: zone() } })
      .then([zoneCreated()]);
    given(catalogDecider, [zoneProfileCreated(), zoneCreated()])
      .when({ type: 'CreateAvailabilityZone', data: { zone: zone() } })
      .thenThrows(Conflict, 'RecordAlreadyExists');
  });

  it('refuses zone data with an unknown key or a compute zone that is no name', () => {
    given(catalogDecider)
      .when({ type: 'CreateAvailabilityZoneProfile', data: { profile: zoneProfile('{"management_network": "n"}') } })
      .thenThrows(ValidationError, 'ProviderUnsupportedOptionError');
    given(catalogDecider)
      .when({ type: 'CreateAvailabilityZoneProfile', data: { profile: zoneProfile('{"compute_zone": "a b"}') } })
      .thenThrows(ValidationError, 'ProviderUnsupportedOptionError');
  });

  it('keeps a zone profile a zone uses', () =>
    given(catalogDecider, [zoneProfileCreated(), zoneCreated()])
      .when({ type: 'DeleteAvailabilityZoneProfile', data: { availabilityZoneProfileId: 'azp' } })
      .thenThrows(Conflict, 'ObjectInUse'));

  it('shows a zone by its name', () =>
    expect(catalogDecider.views(given(catalogDecider, [zoneProfileCreated(), zoneCreated()]).state).availability_zones).toEqual([
      { id: 'az1', name: 'az1', description: '', availability_zone_profile_id: 'azp', enabled: true },
    ]));
});

describe('placementPolicy', () => {
  const catalog = given(catalogDecider, [
    profileCreated(),
    flavorCreated(),
    profileCreated(profile('{}', 'fp-empty')),
    flavorCreated(flavor({ id: 'fl-pair', name: 'pair', flavorProfileId: 'fp-empty' })),
    flavorCreated(flavor({ id: 'fl-off', name: 'off', enabled: false })),
    zoneProfileCreated(),
    zoneCreated(),
    zoneProfileCreated({ ...zoneProfile('{}'), id: 'azp-empty' }),
    zoneCreated(zone({ name: 'az-own', availabilityZoneProfileId: 'azp-empty' })),
    zoneCreated(zone({ name: 'az-off', enabled: false })),
  ]).state;

  it.each([
    { desc: 'no flavor, no zone: the pair anywhere', flavor: null, zone: null, policy: { topology: 'ACTIVE_STANDBY', computeZone: null } },
    {
      desc: "a SINGLE flavor in a zone: one placement in the zone's compute zone",
      flavor: 'fl',
      zone: 'az1',
      policy: { topology: 'SINGLE', computeZone: 'zone-a' },
    },
    {
      desc: 'a flavor without topology: the pair',
      flavor: 'fl-pair',
      zone: null,
      policy: { topology: 'ACTIVE_STANDBY', computeZone: null },
    },
    {
      desc: "a zone whose profile names no compute zone: the zone's name",
      flavor: null,
      zone: 'az-own',
      policy: { topology: 'ACTIVE_STANDBY', computeZone: 'az-own' },
    },
  ])('$desc', ({ flavor: f, zone: z, policy }) => expect(placementPolicy(catalog, f, z)).toEqual(policy));

  it.each([
    { desc: 'an unknown flavor', flavor: 'nope', zone: null, words: 'Validation failure: Invalid flavor_id.' },
    { desc: 'a disabled flavor', flavor: 'fl-off', zone: null, words: 'The selected flavor is not allowed in this deployment: fl-off' },
    { desc: 'an unknown zone', flavor: null, zone: 'nope', words: 'Validation failure: Invalid availability zone name.' },
    {
      desc: 'a disabled zone',
      flavor: null,
      zone: 'az-off',
      words: 'The selected availability_zone is not allowed in this deployment: az-off',
    },
  ])('refuses $desc with a 400', ({ flavor: f, zone: z, words }) => expect(() => placementPolicy(catalog, f, z)).toThrow(words));
});

describe('catalog: flavors and zones in use by load balancers', () => {
  const catalog = [profileCreated(), flavorCreated(), zoneProfileCreated(), zoneCreated()];
  const use = (loadBalancerId: string, flavorId: string | null, availabilityZone: string | null, at = '2026-01-01T00:00:00.000Z') => ({
    loadBalancerId,
    flavorId,
    availabilityZone,
    at,
  });
  const record = (u: ReturnType<typeof use>): CatalogCommand => ({ type: 'RecordCatalogUse', data: u });
  const recorded = (u: ReturnType<typeof use>): CatalogEvent => ({ type: 'CatalogUseRecorded', version: 2, data: u });
  const end = (loadBalancerId: string): CatalogCommand => ({ type: 'EndCatalogUse', data: { loadBalancerId } });
  const ended = (loadBalancerId: string): CatalogEvent => ({ type: 'CatalogUseEnded', version: 1, data: { loadBalancerId } });
  const deleteFlavor: CatalogCommand = { type: 'DeleteFlavor', data: { flavorId: 'fl' } };
  const deleteZone: CatalogCommand = { type: 'DeleteAvailabilityZone', data: { name: 'az1' } };

  it('records a use once, resolving the flavor and zone as a placement does', () => {
    given(catalogDecider, catalog)
      .when(record(use('lb-1', 'fl', 'az1')))
      .then([recorded(use('lb-1', 'fl', 'az1'))]);
    given(catalogDecider, [...catalog, recorded(use('lb-1', 'fl', 'az1'))])
      .when(record(use('lb-1', 'fl', 'az1')))
      .then([]);
  });

  const refusal = (history: readonly CatalogEvent[], command: CatalogCommand): Error => {
    try {
      catalogDecider.decide(command, history.reduce(catalogDecider.evolve, catalogDecider.initialState));
    } catch (error) {
      return error as Error;
    }
    throw new Error(`${command.type} was not refused`);
  };

  it.each([
    { desc: 'a flavor that is not there', u: use('lb-1', 'nope', null), words: 'Validation failure: Invalid flavor_id.' },
    { desc: 'a zone that is not there', u: use('lb-1', null, 'nowhere'), words: 'Validation failure: Invalid availability zone name.' },
  ])('refuses a use of $desc (400)', ({ u, words }) => {
    const error = refusal(catalog, record(u));
    expect([error instanceof ValidationError, error.message]).toEqual([true, words]);
  });

  it("refuses to delete a flavor or zone a load balancer uses, in Octavia's words (409)", () => {
    const inUse = [...catalog, recorded(use('lb-1', 'fl', null)), recorded(use('lb-2', null, 'az1'))];
    given(catalogDecider, inUse).when(deleteFlavor).thenThrows(Conflict, 'ObjectInUse');
    expect(refusal(inUse, deleteFlavor).message).toBe('Flavor fl is in use and cannot be modified.');
    expect(refusal(inUse, deleteZone).message).toBe('Availability Zone az1 is in use and cannot be modified.');
  });

  it('deletes them once every use has ended, and ends a use once', () => {
    const freed = [...catalog, recorded(use('lb-1', 'fl', 'az1')), ended('lb-1')];
    given(catalogDecider, freed)
      .when(deleteFlavor)
      .then([{ type: 'FlavorDeleted', version: 1, data: { flavorId: 'fl' } }]);
    given(catalogDecider, freed)
      .when(deleteZone)
      .then([{ type: 'AvailabilityZoneDeleted', version: 1, data: { name: 'az1' } }]);
    given(catalogDecider, [...catalog, recorded(use('lb-1', 'fl', null))])
      .when(end('lb-1'))
      .then([ended('lb-1')]);
    given(catalogDecider, freed).when(end('lb-1')).then([]);
  });

  it('keeps a disabled flavor in use from deletion too, and a use does not show in the views', () => {
    const history = [
      ...catalog,
      recorded(use('lb-1', 'fl', null)),
      { type: 'FlavorUpdated', version: 1, data: { flavor: flavor({ enabled: false }) } } as CatalogEvent,
    ];
    given(catalogDecider, history).when(deleteFlavor).thenThrows(Conflict);
    const state = history.reduce(catalogDecider.evolve, catalogDecider.initialState);
    expect(Object.keys(catalogDecider.views(state))).not.toContain('uses');
  });

  it('restores a use without checking the catalog (the load balancer exists with it), once', () => {
    given(catalogDecider, [...catalog, { type: 'FlavorDeleted', version: 1, data: { flavorId: 'fl' } }])
      .when({ type: 'RestoreCatalogUse', data: use('lb-1', 'fl', null, '2026-01-02T00:00:00.000Z') })
      .then([recorded(use('lb-1', 'fl', null, '2026-01-02T00:00:00.000Z'))]);
    given(catalogDecider, [...catalog, recorded(use('lb-1', 'fl', null))])
      .when({ type: 'RestoreCatalogUse', data: use('lb-1', 'fl', null, '2026-01-02T00:00:00.000Z') })
      .then([]);
  });

  it('upcasts version 1 with the time of its envelope', () => {
    const v1 = {
      id: 'e',
      type: 'CatalogUseRecorded',
      version: 1,
      aggregate: 'catalog' as const,
      aggregateId: 'octavia',
      tenantId: 'admin',
      actor: 'a',
      occurredAt: '2026-01-03T00:00:00.000Z',
      correlationId: 'c',
      causationId: null,
      data: { loadBalancerId: 'lb-1', flavorId: 'fl', availabilityZone: null },
    };
    expect(upcastEvent(v1)).toEqual({ ...v1, version: 2, data: { ...v1.data, at: '2026-01-03T00:00:00.000Z' } });
  });
});
