import { ABSENT, type Lifecycle } from '../lifecycle';

export type NetworkState = Lifecycle<{
  id: string;
  tenantId: string;
  name: string;
  adminStateUp: boolean;
  shared: boolean;
  external: boolean;
  /** The cidrs reserved by the network's subnets: overlap and NetworkInUse are decided here. */
  subnets: { subnetId: string; cidr: string }[];
}>;

export const initialNetworkState: NetworkState = ABSENT;
