import type { DomainEvent } from '../envelope';

export interface SubnetSettings {
  name: string;
  gatewayIp: string | null;
  enableDhcp: boolean;
  dnsNameservers: string[];
  hostRoutes: { destination: string; nexthop: string }[];
}

export type SubnetCreated = DomainEvent<
  'SubnetCreated',
  1,
  SubnetSettings & {
    subnetId: string;
    tenantId: string;
    networkId: string;
    cidr: string;
    allocationPools: { start: string; end: string }[];
  }
>;
export type SubnetUpdated = DomainEvent<'SubnetUpdated', 1, SubnetSettings & { subnetId: string }>;
export type SubnetAddressAllocated = DomainEvent<'SubnetAddressAllocated', 1, { subnetId: string; ipAddress: string; ownerId: string }>;
export type SubnetAddressReleased = DomainEvent<'SubnetAddressReleased', 1, { subnetId: string; ipAddress: string; ownerId: string }>;
export type SubnetDeleted = DomainEvent<'SubnetDeleted', 1, { subnetId: string }>;

export type SubnetEvent = SubnetCreated | SubnetUpdated | SubnetAddressAllocated | SubnetAddressReleased | SubnetDeleted;
