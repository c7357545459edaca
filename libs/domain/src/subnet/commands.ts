import type { SubnetSettings } from './events';

/** Omitted settings take Neutron's defaults: gateway the first host, one pool of the other hosts, DHCP on. */
export interface CreateSubnet {
  readonly type: 'CreateSubnet';
  readonly data: Partial<SubnetSettings> & {
    subnetId: string;
    tenantId: string;
    networkId: string;
    cidr: string;
    allocationPools?: { start: string; end: string }[];
  };
}
export interface UpdateSubnet {
  readonly type: 'UpdateSubnet';
  readonly data: Partial<SubnetSettings> & { subnetId: string };
}
/** Gives `ownerId` (a port or a floating IP) one address: `ipAddress` if given, else the first free one. */
export interface AllocateAddress {
  readonly type: 'AllocateAddress';
  readonly data: { subnetId: string; ownerId: string; ipAddress?: string };
}
export interface ReleaseAddress {
  readonly type: 'ReleaseAddress';
  readonly data: { subnetId: string; ownerId: string };
}
export interface DeleteSubnet {
  readonly type: 'DeleteSubnet';
  readonly data: { subnetId: string };
}

export type SubnetCommand = CreateSubnet | UpdateSubnet | AllocateAddress | ReleaseAddress | DeleteSubnet;
