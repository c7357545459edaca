import type { DomainEvent } from '../envelope';
import type { LbMethod, LbStatus, Protocol } from '../resources';

export type PoolCreated = DomainEvent<
  'PoolCreated',
  1,
  {
    poolId: string;
    tenantId: string;
    name: string;
    description: string;
    subnetId: string;
    protocol: Protocol;
    lbMethod: LbMethod;
    adminStateUp: boolean;
    provider: string;
  }
>;
export type PoolUpdated = DomainEvent<
  'PoolUpdated',
  1,
  { poolId: string; name: string; description: string; lbMethod: LbMethod; adminStateUp: boolean }
>;
/** Appended by the data plane's feedback (later issues): provisioning status of the pool. */
export type PoolStatusChanged = DomainEvent<'PoolStatusChanged', 1, { poolId: string; status: LbStatus; statusDescription: string | null }>;
export type MemberAdded = DomainEvent<
  'MemberAdded',
  1,
  {
    poolId: string;
    memberId: string;
    tenantId: string;
    address: string;
    protocolPort: number;
    weight: number;
    adminStateUp: boolean;
  }
>;
export type MemberUpdated = DomainEvent<'MemberUpdated', 1, { poolId: string; memberId: string; weight: number; adminStateUp: boolean }>;
export type MemberRemoved = DomainEvent<'MemberRemoved', 1, { poolId: string; memberId: string }>;
export type MemberStatusChanged = DomainEvent<
  'MemberStatusChanged',
  1,
  { poolId: string; memberId: string; status: LbStatus; statusDescription: string | null }
>;
/** The pool's side of the one-VIP-per-pool invariant: appended before the VIP's own stream. */
export type PoolVipBound = DomainEvent<'PoolVipBound', 1, { poolId: string; vipId: string }>;
export type PoolVipUnbound = DomainEvent<'PoolVipUnbound', 1, { poolId: string; vipId: string }>;
export type PoolMonitorAssociated = DomainEvent<'PoolMonitorAssociated', 1, { poolId: string; monitorId: string }>;
export type PoolMonitorDisassociated = DomainEvent<'PoolMonitorDisassociated', 1, { poolId: string; monitorId: string }>;
export type PoolDeleted = DomainEvent<'PoolDeleted', 1, { poolId: string }>;

export type PoolEvent =
  | PoolCreated
  | PoolUpdated
  | PoolStatusChanged
  | MemberAdded
  | MemberUpdated
  | MemberRemoved
  | MemberStatusChanged
  | PoolVipBound
  | PoolVipUnbound
  | PoolMonitorAssociated
  | PoolMonitorDisassociated
  | PoolDeleted;
