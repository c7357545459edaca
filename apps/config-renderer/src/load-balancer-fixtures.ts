import { join } from 'node:path';
import type { LbHealthMonitorState, LbMemberState, LbPoolState, ListenerState, LiveLoadBalancer, Provisioned } from '@lbaas/domain';

/* The Octavia v2 domain state the mapping specs start from (load-balancer-config.spec.ts, load-balancer-l7.spec.ts). */

export const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const FINGERPRINT = `5f3a09c2e1b47d86${'0'.repeat(48)}`;
export const GOLDEN = join(__dirname, '../../../libs/haproxy/src/golden');

export const provisioned: Provisioned = {
  provisioningStatus: 'ACTIVE',
  pendingRevision: null,
  createdAt: '2026-01-01T00:00:00',
  updatedAt: null,
};
export const listener = (n: number, change: Partial<ListenerState> = {}): ListenerState => ({
  ...provisioned,
  id: id(n),
  name: `listener-${n}`,
  description: '',
  protocol: 'HTTP',
  protocolPort: 80,
  connectionLimit: -1,
  defaultPoolId: null,
  defaultTlsContainerRef: null,
  defaultTlsCertificateId: null,
  insertHeaders: {},
  adminStateUp: true,
  tags: [],
  // Octavia's defaults.
  timeoutClientData: 50_000,
  timeoutMemberConnect: 5000,
  timeoutMemberData: 50_000,
  timeoutTcpInspect: 0,
  sniContainerRefs: [],
  sniCertificateIds: [],
  clientCaTlsContainerRef: null,
  clientCaCertificateId: null,
  clientAuthentication: 'NONE',
  clientCrlContainerRef: null,
  clientCrlCertificateId: null,
  tlsCiphers: null,
  tlsVersions: null,
  alpnProtocols: null,
  allowedCidrs: [],
  l7policies: [],
  ...change,
});
export const member = (n: number, address: string, protocolPort: number, change: Partial<LbMemberState> = {}): LbMemberState => ({
  ...provisioned,
  id: id(n),
  name: '',
  address,
  protocolPort,
  weight: 1,
  backup: false,
  monitorAddress: null,
  monitorPort: null,
  subnetId: null,
  adminStateUp: true,
  tags: [],
  health: 'NO_MONITOR',
  ...change,
});
export const pool = (n: number, change: Partial<LbPoolState> = {}): LbPoolState => ({
  ...provisioned,
  id: id(n),
  name: '',
  description: '',
  protocol: 'HTTP',
  lbAlgorithm: 'ROUND_ROBIN',
  sessionPersistence: null,
  adminStateUp: true,
  tags: [],
  members: [],
  monitor: null,
  tlsEnabled: false,
  tlsContainerRef: null,
  tlsCertificateId: null,
  caTlsContainerRef: null,
  caCertificateId: null,
  crlContainerRef: null,
  crlCertificateId: null,
  tlsCiphers: null,
  tlsVersions: null,
  alpnProtocols: null,
  ...change,
});
export const monitor = (change: Partial<LbHealthMonitorState> = {}): LbHealthMonitorState => ({
  ...provisioned,
  id: id(60),
  name: '',
  type: 'HTTP',
  delay: 5,
  timeout: 3,
  maxRetries: 3,
  maxRetriesDown: 3,
  httpMethod: 'GET',
  urlPath: '/',
  expectedCodes: '200',
  httpVersion: null,
  domainName: null,
  adminStateUp: true,
  tags: [],
  ...change,
});

/** The load balancer of the golden file v2-two-listeners: HTTP 80 with X-Forwarded-For and TCP 8080, a pool each. */
export const twoListeners = (change: Partial<LiveLoadBalancer> = {}): LiveLoadBalancer => ({
  kind: 'live',
  ...provisioned,
  id: id(10),
  projectId: 'p',
  name: 'lb',
  description: '',
  vip: { address: '198.18.1.10', subnetId: id(11), networkId: id(12), portId: id(13), qosPolicyId: null },
  adminStateUp: true,
  provider: 'lbaas',
  flavorId: null,
  availabilityZone: null,
  tags: [],
  revision: 3,
  errorReason: null,
  // Out of port and id order: the file is in port order (listeners) and id order (pools).
  listeners: [
    listener(22, { protocol: 'TCP', protocolPort: 8080, defaultPoolId: id(32), insertHeaders: { 'X-Forwarded-For': 'true' } }),
    listener(21, { defaultPoolId: id(31), insertHeaders: { 'X-Forwarded-For': 'True', 'X-Forwarded-Port': 'false' } }),
  ],
  pools: [
    pool(32, {
      protocol: 'TCP',
      lbAlgorithm: 'LEAST_CONNECTIONS',
      members: [member(43, '198.18.2.12', 5432), member(44, '198.18.2.13', 5432)],
    }),
    pool(31, { members: [member(42, '198.18.2.11', 8080), member(41, '198.18.2.10', 8080)] }),
  ],
  ...change,
});
