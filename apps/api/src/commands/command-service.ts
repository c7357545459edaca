import type {
  CertificateResource, FloatingIpResource, HealthMonitorResource, MemberResource, NetworkResource, PoolResource, SubnetResource, VipResource,
} from '@lbaas/domain';
import type * as In from './inputs';

/** Who is asking, stamped on every event the request appends. */
export interface RequestContext {
  readonly tenantId: string;
  readonly isAdmin: boolean;
  readonly actor: string;
  readonly correlationId: string;
  /** From the `Idempotency-Key` header on POST: a retry with the same key returns the first result. */
  readonly idempotencyKey: string | null;
}

/** The resource as the decider's new state, and the highest stream sequence the request appended. */
export interface Written<R> {
  readonly resource: R;
  readonly seq: number;
}
export interface Deleted {
  readonly seq: number;
}

/** Immutable look-ups the command handlers route with (a member's pool); served by the read side. */
export interface ResourceLookup {
  memberPoolId(memberId: string): Promise<string | null>;
  floatingIpIdsOnPort(portId: string): Promise<string[]>;
}

/**
 * Every write the API accepts. Implementations read the aggregates' streams, decide, append
 * with optimistic concurrency, retry on conflicts, and throw DomainErrors for rejections.
 * Objects of another tenant are NotFound for non-admins.
 */
export abstract class LbaasCommandService {
  abstract createNetwork(ctx: RequestContext, input: In.CreateNetworkInput): Promise<Written<NetworkResource>>;
  abstract updateNetwork(ctx: RequestContext, id: string, input: In.UpdateNetworkInput): Promise<Written<NetworkResource>>;
  abstract deleteNetwork(ctx: RequestContext, id: string): Promise<Deleted>;

  abstract createSubnet(ctx: RequestContext, input: In.CreateSubnetInput): Promise<Written<SubnetResource>>;
  abstract updateSubnet(ctx: RequestContext, id: string, input: In.UpdateSubnetInput): Promise<Written<SubnetResource>>;
  abstract deleteSubnet(ctx: RequestContext, id: string): Promise<Deleted>;

  abstract createFloatingIp(ctx: RequestContext, input: In.CreateFloatingIpInput): Promise<Written<FloatingIpResource>>;
  abstract updateFloatingIp(ctx: RequestContext, id: string, input: In.UpdateFloatingIpInput): Promise<Written<FloatingIpResource>>;
  abstract deleteFloatingIp(ctx: RequestContext, id: string): Promise<Deleted>;

  abstract createPool(ctx: RequestContext, input: In.CreatePoolInput): Promise<Written<PoolResource>>;
  abstract updatePool(ctx: RequestContext, id: string, input: In.UpdatePoolInput): Promise<Written<PoolResource>>;
  abstract deletePool(ctx: RequestContext, id: string): Promise<Deleted>;

  abstract createMember(ctx: RequestContext, input: In.CreateMemberInput): Promise<Written<MemberResource>>;
  abstract updateMember(ctx: RequestContext, id: string, input: In.UpdateMemberInput): Promise<Written<MemberResource>>;
  abstract deleteMember(ctx: RequestContext, id: string): Promise<Deleted>;

  abstract createVip(ctx: RequestContext, input: In.CreateVipInput): Promise<Written<VipResource>>;
  abstract updateVip(ctx: RequestContext, id: string, input: In.UpdateVipInput): Promise<Written<VipResource>>;
  abstract deleteVip(ctx: RequestContext, id: string): Promise<Deleted>;

  abstract createHealthMonitor(ctx: RequestContext, input: In.CreateHealthMonitorInput): Promise<Written<HealthMonitorResource>>;
  abstract updateHealthMonitor(ctx: RequestContext, id: string, input: In.UpdateHealthMonitorInput): Promise<Written<HealthMonitorResource>>;
  abstract deleteHealthMonitor(ctx: RequestContext, id: string): Promise<Deleted>;

  /** POST /v2.0/lb/pools/{id}/health_monitors: answers `{"health_monitor": {}}` like Neutron. */
  abstract associateHealthMonitor(ctx: RequestContext, poolId: string, monitorId: string): Promise<Deleted>;
  abstract disassociateHealthMonitor(ctx: RequestContext, poolId: string, monitorId: string): Promise<Deleted>;

  /** The private key is validated with the certificate and sealed before anything is appended; no answer carries it. */
  abstract createCertificate(ctx: RequestContext, input: In.CreateCertificateInput): Promise<Written<CertificateResource>>;
  abstract updateCertificate(ctx: RequestContext, id: string, input: In.UpdateCertificateInput): Promise<Written<CertificateResource>>;
  abstract deleteCertificate(ctx: RequestContext, id: string): Promise<Deleted>;
  /** Admin only: opens the sealed key with the key ring and seals it with the current key (a deployment key rotation). */
  abstract resealCertificate(ctx: RequestContext, id: string): Promise<Written<CertificateResource>>;
}
