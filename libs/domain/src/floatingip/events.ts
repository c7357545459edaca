import type { DomainEvent } from '../envelope';

export type FloatingIpCreated = DomainEvent<
  'FloatingIpCreated',
  1,
  {
    floatingIpId: string;
    tenantId: string;
    floatingNetworkId: string;
    floatingSubnetId: string;
    floatingIpAddress: string;
    portId: string | null;
    fixedIpAddress: string | null;
  }
>;
export type FloatingIpAssociated = DomainEvent<'FloatingIpAssociated', 1, { floatingIpId: string; portId: string; fixedIpAddress: string }>;
export type FloatingIpDisassociated = DomainEvent<'FloatingIpDisassociated', 1, { floatingIpId: string; portId: string }>;
export type FloatingIpDeleted = DomainEvent<'FloatingIpDeleted', 1, { floatingIpId: string }>;

export type FloatingIpEvent = FloatingIpCreated | FloatingIpAssociated | FloatingIpDisassociated | FloatingIpDeleted;
