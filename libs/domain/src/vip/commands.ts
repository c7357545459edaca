import type { LbStatus } from '../resources';
import type { VipCreated, VipSettings } from './events';

/** The last step of the VIP saga: the pool is bound, the address allocated and the port created before this. */
export interface CreateVip {
  readonly type: 'CreateVip';
  readonly data: VipCreated['data'];
  /** A certificate to terminate TLS with (already attached by the saga): VipCertificateChanged follows VipCreated in the same commit. */
  readonly tlsCertificateId?: string | null;
}
export interface UpdateVip {
  readonly type: 'UpdateVip';
  readonly data: Partial<VipSettings> & { vipId: string };
}
/** Follows the new pool's BindVip; the old pool is unbound after it. */
export interface ChangeVipPool {
  readonly type: 'ChangeVipPool';
  readonly data: { vipId: string; poolId: string };
}
/** After the new certificate's AttachCertificateVip; the old one is detached after it. */
export interface ChangeVipCertificate {
  readonly type: 'ChangeVipCertificate';
  readonly data: { vipId: string; certificateId: string | null };
}
export interface DeleteVip {
  readonly type: 'DeleteVip';
  readonly data: { vipId: string };
}

/** The data plane's report: idempotent, and a no-op once the VIP is gone. */
export interface RecordVipStatus {
  readonly type: 'RecordVipStatus';
  readonly data: { vipId: string; status: LbStatus; statusDescription: string | null };
}

/**
 * The pending deadline passed (the scheduler's watch): ERROR with what the VIP was waiting for,
 * only if it is still pending, so a watch behind the log never overwrites a later report.
 */
export interface ExpireVipPending {
  readonly type: 'ExpireVipPending';
  readonly data: { vipId: string; statusDescription: string };
}

export type VipCommand = CreateVip | UpdateVip | ChangeVipPool | ChangeVipCertificate | DeleteVip | RecordVipStatus | ExpireVipPending;
