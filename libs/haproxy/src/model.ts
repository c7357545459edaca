/**
 * What the renderers need to know about one placement of a service instance, the same for both
 * APIs: a v1 VIP is a load balancer with one frontend (the VIP) and one backend (its pool); an
 * Octavia v2 load balancer has a frontend per listener and a backend per pool. The config
 * renderer service maps the folded domain state to it (apps/config-renderer instance-config.ts
 * and load-balancer-config.ts); everything here is already validated by the domain, and the
 * renderers check it again (see validate.ts) because a string that reaches a configuration file
 * is a way to inject directives.
 */
import type {
  AlpnProtocol,
  ClientAuthentication,
  L7PolicyAction,
  L7RuleCompareType,
  L7RuleType,
  LbMethod,
  RedirectHttpCode,
  SessionPersistenceType,
  TlsVersion,
} from '@lbaas/domain';

/** The health checks HAProxy runs for either API: v1's four and Octavia's TLS-HELLO. */
export const RENDERED_MONITOR_TYPES = ['PING', 'TCP', 'HTTP', 'HTTPS', 'TLS-HELLO'] as const;
export type RenderedMonitorType = (typeof RENDERED_MONITOR_TYPES)[number];

export const PROXY_MODES = ['http', 'tcp'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

/** The protocols of either API that decide a backend's mode: v1 VIPs', Octavia's pools' and listeners'. */
export const API_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TERMINATED_HTTPS', 'PROXY', 'PROXYV2'] as const;
export type ApiProtocol = (typeof API_PROTOCOLS)[number];

export interface RenderedMember {
  id: string;
  address: string;
  protocolPort: number;
  /** 0..256; 0 drains the member: no new connections. */
  weight: number;
  adminStateUp: boolean;
  /** Serves only while no other member of its backend is up. */
  backup: boolean;
  /** Where the health check goes instead of address and protocolPort (Octavia's monitor_address, monitor_port). */
  monitorAddress: string | null;
  monitorPort: number | null;
}

export interface RenderedMonitor {
  id: string;
  type: RenderedMonitorType;
  /** Seconds between checks. */
  delay: number;
  /** Seconds a check may take. */
  timeout: number;
  /** Good checks that bring a server up (`rise`). */
  maxRetries: number;
  /** Failed checks that take a server down (`fall`); v1 has one count for both. */
  maxRetriesDown: number;
  httpMethod: string;
  urlPath: string;
  expectedCodes: string;
  /** HTTP(S) monitors: the request's version; null sends HAProxy's default request line (v1). */
  httpVersion: '1.0' | '1.1' | null;
  /** HTTP(S) monitors: the Host header of the check request. */
  domainName: string | null;
  adminStateUp: boolean;
}

/**
 * TLS termination: the certificate whose chain and key the node agent writes, mode 0600, before
 * HAProxy reads them, at tlsCertificatePath(runDir, certificateId, fingerprint).
 */
export interface RenderedTls {
  certificateId: string;
  fingerprint: string;
}

/**
 * A file of certificates the node agent writes before HAProxy reads it, named by the certificate
 * and its fingerprint (tls.ts): a CA bundle (`ca-file`) or a revocation list (`crl-file`), with
 * no private key.
 */
export type RenderedCaFile = RenderedTls;

/** One rule of an L7 policy: an `acl` named by its id. */
export interface RenderedL7Rule {
  id: string;
  type: L7RuleType;
  compareType: L7RuleCompareType;
  /** The header, cookie or DN field a HEADER, COOKIE or SSL_DN_FIELD rule reads; null for the others. */
  key: string | null;
  /** What the request's value is compared with; HAProxy's regex for REGEX (checked by HAProxy at the api). */
  value: string;
  invert: boolean;
}

/** An enabled L7 policy with its enabled rules (at least one): it applies when all of them match. */
export interface RenderedL7Policy {
  id: string;
  action: L7PolicyAction;
  /** REDIRECT_TO_POOL: the backend the request goes to. */
  backendId: string | null;
  /** REDIRECT_TO_URL: the Location; REDIRECT_PREFIX: what replaces the scheme and host. */
  redirect: string | null;
  redirectCode: RedirectHttpCode | null;
  rules: readonly RenderedL7Rule[];
}

/** Octavia's client-certificate headers a TLS-terminating frontend sets towards the members. */
export const CLIENT_CERTIFICATE_HEADER_NAMES = [
  'X-SSL-Client-Verify',
  'X-SSL-Client-Has-Cert',
  'X-SSL-Client-DN',
  'X-SSL-Client-CN',
  'X-SSL-Issuer',
  'X-SSL-Client-SHA1',
  'X-SSL-Client-Not-Before',
  'X-SSL-Client-Not-After',
] as const;
export type ClientCertificateHeader = (typeof CLIENT_CERTIFICATE_HEADER_NAMES)[number];

/** Octavia's TLS settings of a TERMINATED_HTTPS listener, beyond its default certificate. */
export interface RenderedFrontendTlsOptions {
  /** Further certificates, chosen by the client's server name (SNI); the default one serves the rest. */
  sni: readonly RenderedTls[];
  /** Client certificates are verified against this CA bundle (and revocation list), as clientAuthentication says. */
  clientCa: RenderedCaFile | null;
  clientCrl: RenderedCaFile | null;
  clientAuthentication: ClientAuthentication;
  /** An OpenSSL cipher string (TLS 1.3 suites, named TLS_*, go to `ciphersuites`); null: OpenSSL's defaults. */
  ciphers: string | null;
  /** Contiguous, oldest first; null: HAProxy's defaults. */
  versions: readonly TlsVersion[] | null;
  alpn: readonly AlpnProtocol[] | null;
}

/** Re-encryption: TLS towards every member of a backend. */
export interface RenderedBackendTls {
  /** Presented to the members (chain and key). */
  clientCertificate: RenderedTls | null;
  /** Members' certificates are verified against it; null: not verified (`verify none`). */
  ca: RenderedCaFile | null;
  crl: RenderedCaFile | null;
  ciphers: string | null;
  versions: readonly TlsVersion[] | null;
  alpn: readonly AlpnProtocol[] | null;
}

/** A v1 VIP or an Octavia listener: one `frontend` section. */
export interface RenderedFrontend {
  id: string;
  address: string;
  protocolPort: number;
  mode: ProxyMode;
  tls: RenderedTls | null;
  /** `maxconn` when > 0; 0 or -1 is unlimited. */
  connectionLimit: number;
  adminStateUp: boolean;
  /** Null: no backend, so an HTTP frontend answers 503 (Octavia's listener without a default pool). */
  defaultBackendId: string | null;
  /** Headers set towards the members (http mode only): set, not added, so a client's own values never reach them. */
  insertHeaders: { forwardedFor: boolean; forwardedPort: boolean; forwardedProto: boolean };
  /** Milliseconds; null keeps the `defaults` section's. */
  timeoutClientMs: number | null;
  timeoutTcpInspectMs: number | null;
  /** Octavia's TLS settings with `tls`; null: a v1 VIP's bind (`alpn h2,http/1.1`, OpenSSL's defaults). */
  tlsOptions: RenderedFrontendTlsOptions | null;
  /** Set towards the members from the client's certificate (TLS termination only), in this order. */
  clientCertificateHeaders: readonly ClientCertificateHeader[];
  /** Source CIDRs admitted; empty admits every client. */
  allowedCidrs: readonly string[];
  /** Evaluated in this order (Octavia's position) before the default backend; http mode only. */
  l7Policies: readonly RenderedL7Policy[];
}

/** A v1 pool or an Octavia pool: one `backend` section. */
export interface RenderedBackend {
  id: string;
  mode: ProxyMode;
  /**
   * The protocol of the object whose choice made the mode, in its API's words: a v1 VIP's, an
   * Octavia pool's (or, for a PROXY pool, its listener's). Only a comment says it, where a
   * cookie persistence cannot apply in tcp mode.
   */
  modeOf: { object: 'VIP' | 'pool' | 'listener'; protocol: ApiProtocol };
  lbMethod: LbMethod;
  adminStateUp: boolean;
  sessionPersistence: { type: SessionPersistenceType; cookieName?: string } | null;
  /** Octavia's PROXY and PROXYV2 pools: the PROXY protocol header on every connection to a member. */
  proxyProtocol: 'v1' | 'v2' | null;
  /** Milliseconds; null keeps the `defaults` section's. */
  timeoutMemberConnectMs: number | null;
  timeoutMemberDataMs: number | null;
  /** TLS towards the members; null: plain connections. */
  tls: RenderedBackendTls | null;
  members: readonly RenderedMember[];
  /** Every monitor associated with the pool; HAProxy runs one check per server, so one is chosen (see the renderer). */
  monitors: readonly RenderedMonitor[];
}

export interface HaproxyInput {
  instanceId: string;
  frontends: readonly RenderedFrontend[];
  backends: readonly RenderedBackend[];
  /** Node-local statistics listener, with credentials generated per instance. */
  stats: { address: string; port: number; user: string; password: string };
  /** Absolute directory of this placement's runtime files (stats socket, pid file). */
  runDir: string;
  /** Absolute path of the external check command that sends one ICMP echo (PING monitors). */
  pingCheckCommand: string;
}

/**
 * The name of a namespace's end of its veth into the fabric: a placement's (keepalived runs VRRP
 * on it) and every other host's the project plugs in.
 */
export const PLACEMENT_INTERFACE = 'lbv0';

export interface KeepalivedInput {
  instanceId: string;
  /** The placement this file is for: its namespace uuid and role. */
  vmId: string;
  role: 'active' | 'standby';
  priority: number;
  virtualRouterId: number;
  /** Interface inside the placement's namespace that carries VRRP and the VIP. */
  interface: string;
  vrrpAddress: string;
  /** Address of the other placement; null while the instance runs degraded (one placement). */
  peerAddress: string | null;
  vip: { address: string; prefixLength: number };
  runDir: string;
}
