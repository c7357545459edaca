import { type HaproxyInput, type KeepalivedInput, PLACEMENT_INTERFACE, type RenderedMonitor } from './model';

/** Fixed ids, so the golden files read well: ...0001 is the instance, ...0002 the VIP, ...0003 the pool, ...004x members, ...006x monitors. */
export const uuidOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const monitorOf = (type: RenderedMonitor['type'], change: Partial<RenderedMonitor> = {}): RenderedMonitor => ({
  id: uuidOf(60),
  type,
  delay: 5,
  timeout: 3,
  maxRetries: 3,
  httpMethod: 'GET',
  urlPath: '/',
  expectedCodes: '200',
  adminStateUp: true,
  ...change,
});

/** A valid input for tests and benchmarks; members are deliberately out of id order. */
export const baseHaproxyInput = (): HaproxyInput => ({
  instanceId: uuidOf(1),
  vip: {
    id: uuidOf(2),
    address: '198.18.1.10',
    protocolPort: 80,
    protocol: 'HTTP',
    connectionLimit: -1,
    adminStateUp: true,
    sessionPersistence: null,
    tls: null,
  },
  pool: { id: uuidOf(3), protocol: 'HTTP', lbMethod: 'ROUND_ROBIN', adminStateUp: true },
  members: [
    { id: uuidOf(42), address: '198.18.2.11', protocolPort: 8080, weight: 1, adminStateUp: true },
    { id: uuidOf(41), address: '198.18.2.10', protocolPort: 8080, weight: 1, adminStateUp: true },
  ],
  monitors: [],
  stats: { address: '127.0.0.1', port: 5937, user: 'lbstats', password: 'Zm9vYmFyYmF6cXV4cXV1eA' },
  runDir: '/run/lbaas/00000000-0000-4000-8000-000000000071',
  pingCheckCommand: '/usr/local/lib/lbaas/ping-check',
});

type Change = (i: HaproxyInput) => HaproxyInput;
const withVip =
  (v: Partial<HaproxyInput['vip']>): Change =>
  (i) => ({ ...i, vip: { ...i.vip, ...v } });
const withPool =
  (p: Partial<HaproxyInput['pool']>): Change =>
  (i) => ({ ...i, pool: { ...i.pool, ...p } });
const withMonitors =
  (...monitors: RenderedMonitor[]): Change =>
  (i) => ({ ...i, monitors });
const withWeights =
  (...weights: number[]): Change =>
  (i) => ({ ...i, members: i.members.map((m, n) => ({ ...m, weight: weights[n] })) });
const both =
  (protocol: HaproxyInput['vip']['protocol'], protocolPort: number): Change =>
  (i) =>
    withPool({ protocol })(withVip({ protocol, protocolPort })(i));
const all =
  (...changes: Change[]): Change =>
  (i) =>
    changes.reduce((acc, change) => change(acc), i);
/** TLS termination on 443 with certificate ...0080, whose fingerprint starts 5f3a...; the file is in the placement's runDir. */
const terminated: Change = withVip({
  protocolPort: 443,
  tls: { certificateId: uuidOf(80), fingerprint: `5f3a09c2e1b47d86${'0'.repeat(48)}` },
});

/** One haproxy.cfg per feature combination of ARCHITECTURE.md section 6. */
export const HAPROXY_CASES: Record<string, Change> = {
  'round-robin-weights': withWeights(3, 1),
  'least-connections-weights': all(withPool({ lbMethod: 'LEAST_CONNECTIONS' }), withWeights(5, 0)),
  'source-ip-weights': all(withPool({ lbMethod: 'SOURCE_IP' }), withWeights(256, 2)),
  'persistence-source-ip': withVip({ sessionPersistence: { type: 'SOURCE_IP' } }),
  'persistence-http-cookie': withVip({ sessionPersistence: { type: 'HTTP_COOKIE' } }),
  'persistence-app-cookie': withVip({ sessionPersistence: { type: 'APP_COOKIE', cookieName: 'JSESSIONID' } }),
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
  'member-disabled': (i) => ({ ...i, members: [i.members[0], { ...i.members[1], adminStateUp: false }] }),
  'vip-disabled': withVip({ adminStateUp: false }),
  'pool-disabled': withPool({ adminStateUp: false }),
  'tcp-vip': all(both('TCP', 5432), withMonitors(monitorOf('TCP'))),
  'tcp-source-ip-persistence': all(both('TCP', 5432), withVip({ sessionPersistence: { type: 'SOURCE_IP' } })),
  'tcp-http-cookie-persistence': all(both('TCP', 5432), withVip({ sessionPersistence: { type: 'HTTP_COOKIE' } })),
  'https-passthrough': all(both('HTTPS', 443), withMonitors(monitorOf('HTTPS', { urlPath: '/status' }))),
  'https-passthrough-app-cookie': all(both('HTTPS', 443), withVip({ sessionPersistence: { type: 'APP_COOKIE', cookieName: 'SID' } })),
  'tls-termination': all(terminated, withMonitors(monitorOf('HTTP', { urlPath: '/healthz' }))),
  'tls-termination-cookie-limit': all(terminated, withVip({ sessionPersistence: { type: 'HTTP_COOKIE' }, connectionLimit: 500 })),
  'no-members': (i) => ({ ...i, members: [] }),
  'no-members-monitored-cookie': (i) => ({
    ...withVip({ sessionPersistence: { type: 'HTTP_COOKIE' } })(i),
    members: [],
    monitors: [monitorOf('PING')],
  }),
};

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
