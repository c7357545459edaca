import type { DomainEvent } from '../envelope';

export type NetworkCreated = DomainEvent<
  'NetworkCreated',
  1,
  {
    networkId: string;
    tenantId: string;
    name: string;
    adminStateUp: boolean;
    shared: boolean;
    external: boolean;
  }
>;
export type NetworkUpdated = DomainEvent<'NetworkUpdated', 1, { networkId: string; name: string; adminStateUp: boolean; shared: boolean }>;
/** A reservation: the subnet's cidr is claimed on the network before the subnet's own stream is written. */
export type NetworkSubnetAttached = DomainEvent<'NetworkSubnetAttached', 1, { networkId: string; subnetId: string; cidr: string }>;
export type NetworkSubnetDetached = DomainEvent<'NetworkSubnetDetached', 1, { networkId: string; subnetId: string }>;
export type NetworkDeleted = DomainEvent<'NetworkDeleted', 1, { networkId: string }>;

export type NetworkEvent = NetworkCreated | NetworkUpdated | NetworkSubnetAttached | NetworkSubnetDetached | NetworkDeleted;
