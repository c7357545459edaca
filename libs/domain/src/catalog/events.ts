import type { DomainEvent } from '../envelope';
import type { AvailabilityZone, AvailabilityZoneProfile, CatalogUse, Flavor, FlavorProfile } from './model';

/* Created and updated events carry the whole object, so evolve replaces and never merges. */
export type FlavorProfileCreated = DomainEvent<'FlavorProfileCreated', 1, { profile: FlavorProfile }>;
export type FlavorProfileUpdated = DomainEvent<'FlavorProfileUpdated', 1, { profile: FlavorProfile }>;
export type FlavorProfileDeleted = DomainEvent<'FlavorProfileDeleted', 1, { flavorProfileId: string }>;
export type FlavorCreated = DomainEvent<'FlavorCreated', 1, { flavor: Flavor }>;
export type FlavorUpdated = DomainEvent<'FlavorUpdated', 1, { flavor: Flavor }>;
export type FlavorDeleted = DomainEvent<'FlavorDeleted', 1, { flavorId: string }>;
export type AvailabilityZoneProfileCreated = DomainEvent<'AvailabilityZoneProfileCreated', 1, { profile: AvailabilityZoneProfile }>;
export type AvailabilityZoneProfileUpdated = DomainEvent<'AvailabilityZoneProfileUpdated', 1, { profile: AvailabilityZoneProfile }>;
export type AvailabilityZoneProfileDeleted = DomainEvent<'AvailabilityZoneProfileDeleted', 1, { availabilityZoneProfileId: string }>;
export type AvailabilityZoneCreated = DomainEvent<'AvailabilityZoneCreated', 1, { zone: AvailabilityZone }>;
export type AvailabilityZoneUpdated = DomainEvent<'AvailabilityZoneUpdated', 1, { zone: AvailabilityZone }>;
export type AvailabilityZoneDeleted = DomainEvent<'AvailabilityZoneDeleted', 1, { name: string }>;
/** Version 1: no time of its own (upcast from the envelope's). */
export type CatalogUseRecordedV1 = DomainEvent<'CatalogUseRecorded', 1, Omit<CatalogUse, 'at'>>;
/** A load balancer was created with this flavor or zone: while the use stands, neither can be deleted. */
export type CatalogUseRecorded = DomainEvent<'CatalogUseRecorded', 2, CatalogUse>;
/** The load balancer is gone (or never came): its flavor and zone are free of it. */
export type CatalogUseEnded = DomainEvent<'CatalogUseEnded', 1, { loadBalancerId: string }>;

export type CatalogEvent =
  | FlavorProfileCreated
  | FlavorProfileUpdated
  | FlavorProfileDeleted
  | FlavorCreated
  | FlavorUpdated
  | FlavorDeleted
  | AvailabilityZoneProfileCreated
  | AvailabilityZoneProfileUpdated
  | AvailabilityZoneProfileDeleted
  | AvailabilityZoneCreated
  | AvailabilityZoneUpdated
  | AvailabilityZoneDeleted
  | CatalogUseRecorded
  | CatalogUseEnded;
