import { ABSENT, type Lifecycle } from '../lifecycle';
import type { SubnetCreated } from './events';

export type SubnetState = Lifecycle<
  Omit<SubnetCreated['data'], 'subnetId'> & {
    id: string;
    /** ip address -> owner id (a port or a floating IP): an address is allocated once per subnet. */
    allocations: Record<string, string>;
  }
>;

export const initialSubnetState: SubnetState = ABSENT;

/** The address `ownerId` holds in the subnet, if any. */
export const addressOf = (state: SubnetState, ownerId: string): string | undefined =>
  state.kind === 'live' ? Object.keys(state.allocations).find((ip) => state.allocations[ip] === ownerId) : undefined;
