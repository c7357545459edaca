import {
  type HaproxyInput,
  type KeepalivedInput,
  PLACEMENT_INTERFACE,
  type RenderedBackend,
  type RenderedFrontend,
  type RenderedMember,
  type RenderedMonitor,
} from './model';

/**
 * Fixed ids, so the golden files read well: ...0001 is the instance, ...0002 the VIP, ...0003
 * the pool, ...004x members, ...006x monitors; Octavia's cases: ...002x listeners, ...003x pools.
 */
export const uuidOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A monitor as v1 has it (one max_retries for rise and fall, no version or Host) unless `change` says otherwise. */
export const monitorOf = (type: RenderedMonitor['type'], change: Partial<RenderedMonitor> = {}): RenderedMonitor => ({
  id: uuidOf(60),
  type,
  delay: 5,
  timeout: 3,
  maxRetries: 3,
  maxRetriesDown: change.maxRetries ?? 3,
  httpMethod: 'GET',
  urlPath: '/',
  expectedCodes: '200',
  httpVersion: null,
  domainName: null,
  adminStateUp: true,
  ...change,
});

/** A member as v1 has it (no backup, checked at its own address) unless `change` says otherwise. */
export const memberOf = (n: number, address: string, change: Partial<RenderedMember> = {}): RenderedMember => ({
  id: uuidOf(n),
  address,
  protocolPort: 8080,
  weight: 1,
  adminStateUp: true,
  backup: false,
  monitorAddress: null,
  monitorPort: null,
  ...change,
});

export const frontendOf = (n: number, change: Partial<RenderedFrontend> = {}): RenderedFrontend => ({
  id: uuidOf(n),
  address: '198.18.1.10',
  protocolPort: 80,
  mode: 'http',
  tls: null,
  connectionLimit: -1,
  adminStateUp: true,
  defaultBackendId: uuidOf(3),
  insertHeaders: { forwardedFor: true, forwardedPort: false, forwardedProto: false },
  timeoutClientMs: null,
  timeoutTcpInspectMs: null,
  tlsOptions: null,
  clientCertificateHeaders: [],
  allowedCidrs: [],
  l7Policies: [],
  ...change,
});

export const backendOf = (n: number, change: Partial<RenderedBackend> = {}): RenderedBackend => ({
  id: uuidOf(n),
  mode: 'http',
  modeOf: { object: 'VIP', protocol: 'HTTP' },
  lbMethod: 'ROUND_ROBIN',
  adminStateUp: true,
  sessionPersistence: null,
  proxyProtocol: null,
  timeoutMemberConnectMs: null,
  timeoutMemberDataMs: null,
  tls: null,
  members: [],
  monitors: [],
  ...change,
});

/** A valid input for tests and benchmarks: an HTTP VIP on port 80 and its pool, as v1 maps them; members are deliberately out of id order. */
export const baseHaproxyInput = (): HaproxyInput => ({
  instanceId: uuidOf(1),
  frontends: [frontendOf(2)],
  backends: [backendOf(3, { members: [memberOf(42, '198.18.2.11'), memberOf(41, '198.18.2.10')] })],
  stats: { address: '127.0.0.1', port: 5937, user: 'lbstats', password: 'Zm9vYmFyYmF6cXV4cXV1eA' },
  runDir: '/run/lbaas/00000000-0000-4000-8000-000000000071',
  pingCheckCommand: '/usr/local/lib/lbaas/ping-check',
});

export type Change = (i: HaproxyInput) => HaproxyInput;
/** Changes the first frontend: the VIP of a v1 input. */
export const withVip =
  (v: Partial<RenderedFrontend>): Change =>
  (i) => ({ ...i, frontends: i.frontends.map((f, n) => (n === 0 ? { ...f, ...v } : f)) });
/** Changes the first backend: the pool of a v1 input. */
export const withPool =
  (p: Partial<RenderedBackend>): Change =>
  (i) => ({ ...i, backends: i.backends.map((b, n) => (n === 0 ? { ...b, ...p } : b)) });
export const withMonitors = (...monitors: RenderedMonitor[]): Change => withPool({ monitors });
export const withMembers =
  (change: (members: readonly RenderedMember[]) => RenderedMember[]): Change =>
  (i) =>
    withPool({ members: change(i.backends[0].members) })(i);
const withWeights = (...weights: number[]): Change => withMembers((ms) => ms.map((m, n) => ({ ...m, weight: weights[n] })));
/** A v1 VIP of this protocol (its pool's too): HTTP in http mode with X-Forwarded-For, HTTPS and TCP in tcp mode. */
export const v1Protocol = (protocol: 'HTTP' | 'HTTPS' | 'TCP', protocolPort: number): Change => {
  const mode = protocol === 'HTTP' ? 'http' : 'tcp';
  return (i) =>
    withPool({ mode, modeOf: { object: 'VIP', protocol } })(
      withVip({ protocolPort, mode, insertHeaders: { forwardedFor: mode === 'http', forwardedPort: false, forwardedProto: false } })(i),
    );
};
export const all =
  (...changes: Change[]): Change =>
  (i) =>
    changes.reduce((acc, change) => change(acc), i);
/** The certificate of the TLS cases, ...0080, whose fingerprint starts 5f3a...; the file is in the placement's runDir. */
export const GOLDEN_TLS = { certificateId: uuidOf(80), fingerprint: `5f3a09c2e1b47d86${'0'.repeat(48)}` };
/** A v1 HTTP VIP terminating TLS on 443: X-Forwarded-For, -Proto https and -Port. */
export const terminated: Change = withVip({
  protocolPort: 443,
  tls: GOLDEN_TLS,
  insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true },
});
const persistence = (sessionPersistence: RenderedBackend['sessionPersistence']): Change => withPool({ sessionPersistence });

/** One haproxy.cfg per feature combination of the v1 mapping (ARCHITECTURE.md section 6): each is byte for byte what v1 rendered. */
const V1_CASES: Record<string, Change> = {
  'round-robin-weights': withWeights(3, 1),
  'least-connections-weights': all(withPool({ lbMethod: 'LEAST_CONNECTIONS' }), withWeights(5, 0)),
  'source-ip-weights': all(withPool({ lbMethod: 'SOURCE_IP' }), withWeights(256, 2)),
  'persistence-source-ip': persistence({ type: 'SOURCE_IP' }),
  'persistence-http-cookie': persistence({ type: 'HTTP_COOKIE' }),
  'persistence-app-cookie': persistence({ type: 'APP_COOKIE', cookieName: 'JSESSIONID' }),
  'connection-limit': withVip({ connectionLimit: 1000 }),
  'monitor-http-list': withMonitors(
    monitorOf('HTTP', { httpMethod: 'HEAD', urlPath: '/healthz?full=1&x=%20', expectedCodes: '202, 200,301' }),
  ),
  'monitor-http-range': withMonitors(monitorOf('HTTP', { delay: 10, timeout: 5, maxRetries: 5, expectedCodes: '200-204' })),
  'monitor-http-wide-range': withMonitors(
    monitorOf('HTTP', { httpMethod: 'POST', delay: 1, timeout: 1, maxRetries: 1, expectedCodes: '150-420' }),
  ),
  'monitor-https': withMonitors(monitorOf('HTTPS', { urlPath: '/status', maxRetries: 10, expectedCodes: '200-299' })),
  'monitor-tcp': withMonitors(monitorOf('TCP', { delay: 30, timeout: 10, maxRetries: 2 })),
  'monitor-ping': withMonitors(monitorOf('PING')),
  'monitor-disabled': withMonitors(monitorOf('HTTP', { adminStateUp: false })),
  'monitors-several': withMonitors(
    monitorOf('HTTP', { id: uuidOf(63), urlPath: '/third' }),
    monitorOf('TCP', { id: uuidOf(61), adminStateUp: false }),
    monitorOf('HTTP', { id: uuidOf(62), urlPath: '/second-and-chosen' }),
  ),
  'member-disabled': withMembers((ms) => [ms[0], { ...ms[1], adminStateUp: false }]),
  'vip-disabled': withVip({ adminStateUp: false }),
  'pool-disabled': withPool({ adminStateUp: false }),
  'tcp-vip': all(v1Protocol('TCP', 5432), withMonitors(monitorOf('TCP'))),
  'tcp-source-ip-persistence': all(v1Protocol('TCP', 5432), persistence({ type: 'SOURCE_IP' })),
  'tcp-http-cookie-persistence': all(v1Protocol('TCP', 5432), persistence({ type: 'HTTP_COOKIE' })),
  'https-passthrough': all(v1Protocol('HTTPS', 443), withMonitors(monitorOf('HTTPS', { urlPath: '/status' }))),
  'https-passthrough-app-cookie': all(v1Protocol('HTTPS', 443), persistence({ type: 'APP_COOKIE', cookieName: 'SID' })),
  'tls-termination': all(terminated, withMonitors(monitorOf('HTTP', { urlPath: '/healthz' }))),
  'tls-termination-cookie-limit': all(terminated, persistence({ type: 'HTTP_COOKIE' }), withVip({ connectionLimit: 500 })),
  'no-members': withMembers(() => []),
  'no-members-monitored-cookie': all(
    persistence({ type: 'HTTP_COOKIE' }),
    withMembers(() => []),
    withMonitors(monitorOf('PING')),
  ),
};

const OCTAVIA_TIMEOUTS = { timeoutClientMs: 50_000, timeoutTcpInspectMs: null } as const;
const MEMBER_TIMEOUTS = { timeoutMemberConnectMs: 5000, timeoutMemberDataMs: 50_000 } as const;
const NO_HEADERS = { forwardedFor: false, forwardedPort: false, forwardedProto: false };

/**
 * An Octavia load balancer with two listeners, HTTP on 80 (X-Forwarded-For) and TCP on 8080,
 * each with its own pool, and Octavia's default timeouts, as load-balancer-config maps them.
 */
export const twoListeners = (i: HaproxyInput): HaproxyInput => ({
  ...i,
  frontends: [
    frontendOf(21, { defaultBackendId: uuidOf(31), ...OCTAVIA_TIMEOUTS }),
    frontendOf(22, { protocolPort: 8080, mode: 'tcp', defaultBackendId: uuidOf(32), insertHeaders: NO_HEADERS, ...OCTAVIA_TIMEOUTS }),
  ],
  backends: [
    backendOf(31, { modeOf: { object: 'pool', protocol: 'HTTP' }, members: i.backends[0].members, ...MEMBER_TIMEOUTS }),
    backendOf(32, {
      mode: 'tcp',
      modeOf: { object: 'pool', protocol: 'TCP' },
      lbMethod: 'LEAST_CONNECTIONS',
      members: [memberOf(43, '198.18.2.12', { protocolPort: 5432 }), memberOf(44, '198.18.2.13', { protocolPort: 5432 })],
      ...MEMBER_TIMEOUTS,
    }),
  ],
});
export const secondPool =
  (p: Partial<RenderedBackend>): Change =>
  (i) => ({ ...i, backends: [i.backends[0], { ...i.backends[1], ...p }] });
export const secondListener =
  (f: Partial<RenderedFrontend>): Change =>
  (i) => ({ ...i, frontends: [i.frontends[0], { ...i.frontends[1], ...f }] });

/** One haproxy.cfg per feature of the Octavia v2 mapping (ARCHITECTURE.md section 6), each on the two-listener load balancer. */
const V2_CASES: Record<string, Change> = {
  'v2-two-listeners': twoListeners,
  'v2-terminated-https': all(
    twoListeners,
    withVip({ protocolPort: 443, tls: GOLDEN_TLS, insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true } }),
    persistence({ type: 'HTTP_COOKIE' }),
  ),
  'v2-proxy-pools': all(
    twoListeners,
    withPool({ modeOf: { object: 'listener', protocol: 'HTTP' }, proxyProtocol: 'v1' }),
    secondPool({ modeOf: { object: 'listener', protocol: 'TCP' }, proxyProtocol: 'v2', sessionPersistence: { type: 'SOURCE_IP' } }),
  ),
  'v2-backup-monitor-port': all(
    twoListeners,
    withMembers((ms) => [
      { ...ms[0], monitorAddress: '198.18.3.10', monitorPort: 9000 },
      { ...ms[1], weight: 0, backup: true, monitorPort: 9001 },
    ]),
    withMonitors(monitorOf('TCP', { maxRetries: 2, maxRetriesDown: 4 })),
  ),
  'v2-monitor-http11-domain': all(
    twoListeners,
    withMonitors(
      monitorOf('HTTP', {
        httpMethod: 'HEAD',
        urlPath: '/healthz',
        expectedCodes: '200-204',
        httpVersion: '1.1',
        domainName: 'www.lbaas.test',
      }),
    ),
  ),
  'v2-monitor-https10': all(twoListeners, withMonitors(monitorOf('HTTPS', { urlPath: '/status', httpVersion: '1.0', maxRetriesDown: 5 }))),
  'v2-tls-hello': all(
    twoListeners,
    secondListener({ protocolPort: 443 }),
    secondPool({ modeOf: { object: 'pool', protocol: 'HTTPS' }, monitors: [monitorOf('TLS-HELLO', { id: uuidOf(64) })] }),
  ),
  'v2-timeouts': all(
    twoListeners,
    withVip({ timeoutClientMs: 1000, timeoutTcpInspectMs: 500 }),
    secondListener({ timeoutClientMs: 2_147_483_647, timeoutTcpInspectMs: 3000 }),
    withPool({ timeoutMemberConnectMs: 1, timeoutMemberDataMs: 120_000 }),
  ),
  'v2-insert-headers': all(twoListeners, withVip({ insertHeaders: { forwardedFor: false, forwardedPort: true, forwardedProto: true } })),
  'v2-no-default-pool': all(twoListeners, withVip({ defaultBackendId: null }), secondListener({ defaultBackendId: null })),
  'v2-disabled': all(twoListeners, withVip({ adminStateUp: false, connectionLimit: 100 }), secondPool({ adminStateUp: false })),
};

/** The golden haproxy.cfg of v1 and of Octavia v2 without L7 and TLS options (golden-cases-l7.ts adds those). */
export const BASE_CASES: Record<string, Change> = { ...V1_CASES, ...V2_CASES };

export const baseKeepalivedInput = (): KeepalivedInput => ({
  instanceId: uuidOf(1),
  vmId: uuidOf(71),
  role: 'active',
  priority: 200,
  virtualRouterId: 7,
  interface: PLACEMENT_INTERFACE,
  vrrpAddress: '198.19.192.1',
  peerAddress: '198.19.192.2',
  vip: { address: '198.18.1.10', prefixLength: 24 },
  runDir: '/run/lbaas/00000000-0000-4000-8000-000000000071',
});

/** One keepalived.conf per role, and the degraded instance that has no peer. */
export const KEEPALIVED_CASES: Record<string, (i: KeepalivedInput) => KeepalivedInput> = {
  active: (i) => i,
  standby: (i) => ({
    ...i,
    vmId: uuidOf(72),
    role: 'standby',
    priority: 100,
    vrrpAddress: '198.19.192.2',
    peerAddress: '198.19.192.1',
    runDir: '/run/lbaas/00000000-0000-4000-8000-000000000072',
  }),
  degraded: (i) => ({ ...i, peerAddress: null }),
};
