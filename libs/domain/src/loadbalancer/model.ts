/**
 * Octavia's v2 object model (API 2.26), as this project's `loadbalancer` aggregate holds it: a
 * load balancer owns its listeners, pools, members and health monitors in one stream, so every
 * invariant between them (a port once per load balancer, one monitor per pool, a pool in use
 * cannot go) is decided in one place with optimistic concurrency, and a single-call create is one
 * commit.
 */
export const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TERMINATED_HTTPS', 'UDP', 'SCTP', 'PROMETHEUS'] as const;
export type ListenerProtocol = (typeof LISTENER_PROTOCOLS)[number];
export const POOL_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'PROXY', 'PROXYV2', 'UDP', 'SCTP'] as const;
export type PoolProtocol = (typeof POOL_PROTOCOLS)[number];
export const LB_ALGORITHMS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'] as const;
export type LbAlgorithm = (typeof LB_ALGORITHMS)[number];
export const HEALTH_MONITOR_TYPES = ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'] as const;
export type HealthMonitorType = (typeof HEALTH_MONITOR_TYPES)[number];
export const PROVISIONING_STATUSES = ['ACTIVE', 'DELETED', 'ERROR', 'PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE'] as const;
export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];
export const OPERATING_STATUSES = ['ONLINE', 'DRAINING', 'OFFLINE', 'DEGRADED', 'ERROR', 'NO_MONITOR'] as const;
export type OperatingStatus = (typeof OPERATING_STATUSES)[number];
/** What a member's health checks can say; the other operating statuses are derived (admin state, weight, children). */
export type MemberHealth = 'ONLINE' | 'ERROR' | 'NO_MONITOR' | 'DRAINING';

/** This project's provider: the name `provider` defaults to and `/v2/lbaas/providers` lists. */
export const PROVIDER_NAME = 'lbaas';

export interface LbSessionPersistence {
  readonly type: 'SOURCE_IP' | 'HTTP_COOKIE' | 'APP_COOKIE';
  readonly cookieName: string | null;
  readonly persistenceTimeout: number | null;
  readonly persistenceGranularity: string | null;
}

/** Octavia's four listener timeouts, in milliseconds. */
export interface ListenerTimeouts {
  readonly timeoutClientData: number;
  readonly timeoutMemberConnect: number;
  readonly timeoutMemberData: number;
  readonly timeoutTcpInspect: number;
}

export interface ListenerConfig extends ListenerTimeouts {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly protocol: ListenerProtocol;
  readonly protocolPort: number;
  /** -1 is unlimited, as Octavia has it. */
  readonly connectionLimit: number;
  readonly defaultPoolId: string | null;
  /** The reference as the client sent it (a certificate's id or its URL), and the certificate it names. */
  readonly defaultTlsContainerRef: string | null;
  readonly defaultTlsCertificateId: string | null;
  /** Octavia's `insert_headers`: header name -> 'true' / 'false'. */
  readonly insertHeaders: Readonly<Record<string, string>>;
  readonly adminStateUp: boolean;
  readonly tags: readonly string[];
}

export interface LbPoolConfig {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly protocol: PoolProtocol;
  readonly lbAlgorithm: LbAlgorithm;
  readonly sessionPersistence: LbSessionPersistence | null;
  readonly adminStateUp: boolean;
  readonly tags: readonly string[];
}

export interface LbMemberConfig {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly protocolPort: number;
  /** 0..256; 0 drains the member (no new connections). */
  readonly weight: number;
  readonly backup: boolean;
  readonly monitorAddress: string | null;
  readonly monitorPort: number | null;
  readonly subnetId: string | null;
  readonly adminStateUp: boolean;
  readonly tags: readonly string[];
}

export interface LbHealthMonitorConfig {
  readonly id: string;
  readonly name: string;
  readonly type: HealthMonitorType;
  /** Seconds. */
  readonly delay: number;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxRetriesDown: number;
  /** HTTP and HTTPS monitors only; null for the others. */
  readonly httpMethod: string | null;
  readonly urlPath: string | null;
  readonly expectedCodes: string | null;
  readonly httpVersion: number | null;
  readonly domainName: string | null;
  readonly adminStateUp: boolean;
  readonly tags: readonly string[];
}

export interface LoadBalancerVip {
  readonly address: string;
  readonly subnetId: string;
  readonly networkId: string;
  readonly portId: string;
  readonly qosPolicyId: string | null;
}

export interface LoadBalancerConfig {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string;
  readonly vip: LoadBalancerVip;
  readonly adminStateUp: boolean;
  readonly provider: string;
  readonly flavorId: string | null;
  readonly availabilityZone: string | null;
  readonly tags: readonly string[];
}
