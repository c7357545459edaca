/**
 * What the renderers need to know about one placement of a service instance. The config
 * renderer service builds it from the folded domain state; everything here is already
 * validated by the domain, and the renderers check it again (see validate.ts) because a
 * string that reaches a configuration file is a way to inject directives.
 */
import type { LbMethod, MonitorType, Protocol, SessionPersistenceType } from '@lbaas/domain';

export interface RenderedMember {
  id: string;
  address: string;
  protocolPort: number;
  weight: number;
  adminStateUp: boolean;
}

export interface RenderedMonitor {
  id: string;
  type: MonitorType;
  delay: number;
  timeout: number;
  maxRetries: number;
  httpMethod: string;
  urlPath: string;
  expectedCodes: string;
  adminStateUp: boolean;
}

export interface HaproxyInput {
  instanceId: string;
  vip: {
    id: string;
    address: string;
    protocolPort: number;
    protocol: Protocol;
    connectionLimit: number;
    adminStateUp: boolean;
    sessionPersistence: { type: SessionPersistenceType; cookieName?: string } | null;
    /**
     * TLS termination (an HTTP VIP with a certificate): the certificate whose chain and key the
     * node agent writes, mode 0600, before HAProxy reads them, at tlsCertificatePath(runDir,
     * certificateId, fingerprint).
     */
    tls: { certificateId: string; fingerprint: string } | null;
  };
  pool: { id: string; protocol: Protocol; lbMethod: LbMethod; adminStateUp: boolean };
  members: readonly RenderedMember[];
  /** Every monitor associated with the pool; HAProxy runs one check per server, so one is chosen (see the renderer). */
  monitors: readonly RenderedMonitor[];
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
