import { ABSENT, type Lifecycle } from '../lifecycle';
import type { LbStatus } from '../resources';
import type { PoolCreated } from './events';

export interface MemberState {
  id: string;
  tenantId: string;
  address: string;
  protocolPort: number;
  weight: number;
  adminStateUp: boolean;
  status: LbStatus;
  statusDescription: string | null;
}

export type PoolState = Lifecycle<
  Omit<PoolCreated['data'], 'poolId'> & {
    id: string;
    status: LbStatus;
    statusDescription: string | null;
    /** The VIP bound to the pool: at most one, and a pool with a VIP cannot be deleted. */
    vipId: string | null;
    monitorIds: string[];
    members: MemberState[];
  }
>;
export type LivePool = Extract<PoolState, { kind: 'live' }>;

export const initialPoolState: PoolState = ABSENT;
