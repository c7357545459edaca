import type { DomainEvent } from '../envelope';
import type { LbStatus, Protocol, SessionPersistence } from '../resources';

export interface VipSettings {
  name: string;
  description: string;
  sessionPersistence: SessionPersistence | null;
  connectionLimit: number;
  adminStateUp: boolean;
}
export type VipCreated = DomainEvent<
  'VipCreated',
  1,
  VipSettings & {
    vipId: string;
    tenantId: string;
    subnetId: string;
    address: string;
    portId: string;
    protocolPort: number;
    protocol: Protocol;
    poolId: string;
  }
>;
export type VipUpdated = DomainEvent<'VipUpdated', 1, VipSettings & { vipId: string }>;
export type VipPoolChanged = DomainEvent<'VipPoolChanged', 1, { vipId: string; poolId: string; previousPoolId: string }>;
export type VipStatusChanged = DomainEvent<'VipStatusChanged', 1, { vipId: string; status: LbStatus; statusDescription: string | null }>;
export type VipDeleted = DomainEvent<'VipDeleted', 1, { vipId: string }>;
/** The VIP terminates TLS with this certificate from now on (null: no longer). Appended with VipCreated when a VIP is created with one. */
export type VipCertificateChanged = DomainEvent<
  'VipCertificateChanged',
  1,
  {
    vipId: string;
    certificateId: string | null;
    previousCertificateId: string | null;
  }
>;

export type VipEvent = VipCreated | VipUpdated | VipPoolChanged | VipStatusChanged | VipDeleted | VipCertificateChanged;
