/** What the api asks of a network; ids come in with the command so `decide` stays pure. */
export interface CreateNetwork {
  readonly type: 'CreateNetwork';
  readonly data: { networkId: string; tenantId: string; name: string; adminStateUp: boolean; shared: boolean; external: boolean };
}
export interface UpdateNetwork {
  readonly type: 'UpdateNetwork';
  readonly data: { networkId: string; name?: string; adminStateUp?: boolean; shared?: boolean };
}
/** Reserves a subnet's cidr on its network, before the subnet's own stream is written. */
export interface AttachSubnet {
  readonly type: 'AttachSubnet';
  readonly data: { networkId: string; subnetId: string; cidr: string };
}
export interface DetachSubnet {
  readonly type: 'DetachSubnet';
  readonly data: { networkId: string; subnetId: string };
}
export interface DeleteNetwork {
  readonly type: 'DeleteNetwork';
  readonly data: { networkId: string };
}

export type NetworkCommand = CreateNetwork | UpdateNetwork | AttachSubnet | DetachSubnet | DeleteNetwork;
