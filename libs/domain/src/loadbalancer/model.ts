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

export const L7POLICY_ACTIONS = ['REDIRECT_TO_POOL', 'REDIRECT_TO_URL', 'REDIRECT_PREFIX', 'REJECT'] as const;
export type L7PolicyAction = (typeof L7POLICY_ACTIONS)[number];
export const L7RULE_TYPES = [
  'HOST_NAME',
  'PATH',
  'FILE_TYPE',
  'HEADER',
  'COOKIE',
  'SSL_CONN_HAS_CERT',
  'SSL_VERIFY_RESULT',
  'SSL_DN_FIELD',
] as const;
export type L7RuleType = (typeof L7RULE_TYPES)[number];
export const L7RULE_COMPARE_TYPES = ['REGEX', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'EQUAL_TO'] as const;
export type L7RuleCompareType = (typeof L7RULE_COMPARE_TYPES)[number];
export const REDIRECT_HTTP_CODES = [301, 302, 303, 307, 308] as const;
export type RedirectHttpCode = (typeof REDIRECT_HTTP_CODES)[number];
export const CLIENT_AUTHENTICATIONS = ['NONE', 'OPTIONAL', 'MANDATORY'] as const;
export type ClientAuthentication = (typeof CLIENT_AUTHENTICATIONS)[number];
/** Octavia's TLS versions, oldest first. */
export const TLS_VERSIONS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];
export const ALPN_PROTOCOLS = ['h2', 'http/1.1', 'http/1.0'] as const;
export type AlpnProtocol = (typeof ALPN_PROTOCOLS)[number];

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
  /** SNI certificates: the references as sent and, in the same order, the certificates they name. */
  readonly sniContainerRefs: readonly string[];
  readonly sniCertificateIds: readonly string[];
  /** The CA (a certificate of kind 'ca') that client certificates are verified against. */
  readonly clientCaTlsContainerRef: string | null;
  readonly clientCaCertificateId: string | null;
  readonly clientAuthentication: ClientAuthentication;
  /** A revocation list (a certificate of kind 'crl') for client certificates. */
  readonly clientCrlContainerRef: string | null;
  readonly clientCrlCertificateId: string | null;
  /** OpenSSL cipher string, TLS versions and ALPN protocols of a TERMINATED_HTTPS listener; null on the others. */
  readonly tlsCiphers: string | null;
  readonly tlsVersions: readonly TlsVersion[] | null;
  readonly alpnProtocols: readonly AlpnProtocol[] | null;
  /** Source CIDRs admitted; empty admits every client. */
  readonly allowedCidrs: readonly string[];
}

/** One rule of an L7 policy: all of a policy's rules must match (AND) for its action to apply. */
export interface L7RuleConfig {
  readonly id: string;
  readonly type: L7RuleType;
  readonly compareType: L7RuleCompareType;
  /** The header, cookie or distinguished-name field a HEADER, COOKIE or SSL_DN_FIELD rule reads; null for the others. */
  readonly key: string | null;
  readonly value: string;
  readonly invert: boolean;
  readonly adminStateUp: boolean;
  readonly tags: readonly string[];
}

/** An L7 policy of a listener, its rules apart (they are children with their own events). */
export interface L7PolicyConfig {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly action: L7PolicyAction;
  readonly redirectPoolId: string | null;
  readonly redirectUrl: string | null;
  readonly redirectPrefix: string | null;
  /** REDIRECT_TO_URL and REDIRECT_PREFIX only (302 unless given); null for the others. */
  readonly redirectHttpCode: RedirectHttpCode | null;
  /** 1-based place among the listener's policies, which HAProxy evaluates in this order. */
  readonly position: number;
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
  /** Re-encryption: TLS towards the members. */
  readonly tlsEnabled: boolean;
  /** The client certificate (with its key) presented to members. */
  readonly tlsContainerRef: string | null;
  readonly tlsCertificateId: string | null;
  /** The CA (kind 'ca') members' certificates are verified against; without it members are not verified. */
  readonly caTlsContainerRef: string | null;
  readonly caCertificateId: string | null;
  readonly crlContainerRef: string | null;
  readonly crlCertificateId: string | null;
  /** Null unless `tlsEnabled`. */
  readonly tlsCiphers: string | null;
  readonly tlsVersions: readonly TlsVersion[] | null;
  readonly alpnProtocols: readonly AlpnProtocol[] | null;
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
