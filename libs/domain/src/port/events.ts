import type { DomainEvent } from '../envelope';

export type PortCreated = DomainEvent<
  'PortCreated',
  1,
  {
    portId: string;
    tenantId: string;
    networkId: string;
    subnetId: string;
    ipAddress: string;
    macAddress: string;
    name: string;
    deviceId: string;
    deviceOwner: string;
  }
>;
export type PortDeleted = DomainEvent<'PortDeleted', 1, { portId: string }>;

export type PortEvent = PortCreated | PortDeleted;
