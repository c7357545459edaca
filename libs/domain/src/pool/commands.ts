import type { LbMethod, LbStatus, Protocol } from '../resources';
import type { MemberAdded, PoolCreated } from './events';

export interface CreatePool {
  readonly type: 'CreatePool';
  readonly data: PoolCreated['data'];
}
export interface UpdatePool {
  readonly type: 'UpdatePool';
  readonly data: { poolId: string; name?: string; description?: string; lbMethod?: LbMethod; adminStateUp?: boolean };
}
/** Deletes the pool with its members and its side of its monitor associations (Neutron v1 semantics). */
export interface DeletePool {
  readonly type: 'DeletePool';
  readonly data: { poolId: string };
}
export interface AddMember {
  readonly type: 'AddMember';
  readonly data: MemberAdded['data'];
}
export interface UpdateMember {
  readonly type: 'UpdateMember';
  readonly data: { poolId: string; memberId: string; weight?: number; adminStateUp?: boolean };
}
export interface RemoveMember {
  readonly type: 'RemoveMember';
  readonly data: { poolId: string; memberId: string };
}
/** The first step of creating (or moving) a VIP: the pool guards "one VIP per pool" and the protocol match. */
export interface BindVip {
  readonly type: 'BindVip';
  readonly data: { poolId: string; vipId: string; protocol: Protocol };
}
export interface UnbindVip {
  readonly type: 'UnbindVip';
  readonly data: { poolId: string; vipId: string };
}
export interface AssociateMonitor {
  readonly type: 'AssociateMonitor';
  readonly data: { poolId: string; monitorId: string };
}
export interface DisassociateMonitor {
  readonly type: 'DisassociateMonitor';
  readonly data: { poolId: string; monitorId: string };
}

/** The data plane's report: idempotent, and a no-op once the pool is gone. */
export interface RecordPoolStatus {
  readonly type: 'RecordPoolStatus';
  readonly data: { poolId: string; status: LbStatus; statusDescription: string | null };
}

/** Health checks' report of a member: idempotent, and a no-op for a member or pool that is gone. */
export interface RecordMemberStatus {
  readonly type: 'RecordMemberStatus';
  readonly data: { poolId: string; memberId: string; status: LbStatus; statusDescription: string | null };
}

/**
 * The pending deadline passed (the scheduler's watch): ERROR with what the pool was waiting for,
 * only if it is still pending, so a watch behind the log never overwrites a later report.
 */
export interface ExpirePoolPending {
  readonly type: 'ExpirePoolPending';
  readonly data: { poolId: string; statusDescription: string };
}

export type PoolCommand =
  | CreatePool
  | UpdatePool
  | DeletePool
  | AddMember
  | UpdateMember
  | RemoveMember
  | BindVip
  | UnbindVip
  | AssociateMonitor
  | DisassociateMonitor
  | RecordPoolStatus
  | RecordMemberStatus
  | ExpirePoolPending;
