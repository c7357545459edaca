import type { HaproxyInput, KeepalivedInput, RenderedMonitor } from './model';

/** Fixed ids, so the golden files read well: 0000...0001 is the instance, ...0002 the VIP, and so on. */
export const uuidOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const monitor = (type: RenderedMonitor['type'], change: Partial<RenderedMonitor> = {}): RenderedMonitor => ({
  id: uuidOf(60), type, delay: 5, timeout: 3, maxRetries: 3, httpMethod: 'GET', urlPath: '/', expectedCodes: '200', adminStateUp: true, ...change,
});

export const baseHaproxyInput = (): HaproxyInput => ({
  instanceId: uuidOf(1),
  vip: { id: uuidOf(2), address: '198.18.1.10', protocolPort: 80, protocol: 'HTTP', connectionLimit: -1, adminStateUp: true, sessionPersistence: null },
  pool: { id: uuidOf(3), protocol: 'HTTP', lbMethod: 'ROUND_ROBIN', adminStateUp: true },
  members: [
    { id: uuidOf(41), address: '198.18.2.10', protocolPort: 8080, weight: 1, adminStateUp: true },
    { id: uuidOf(42), address: '198.18.2.11', protocolPort: 8080, weight: 1, adminStateUp: true },
  ],
  monitors: [],
  stats: { address: '127.0.0.1', port: 5937, user: 'lbstats', password: 'Zm9vYmFyYmF6cXV4cXV1eA' },
  runDir: '/run/lbaas/00000000-0000-4000-8000-000000000071',
  pingCheckCommand: '/usr/local/lib/lbaas/ping-check',
});

type Change = (i: HaproxyInput) => HaproxyInput;
const withVip = (v: Partial<HaproxyInput['vip']>): Change => (i) => ({ ...i, vip: { ...i.vip, ...v } });
const withPool = (p: Partial<HaproxyInput['pool']>): Change => (i) => ({ ...i, pool: { ...i.pool, ...p } });

/** One file per feature combination of ARCHITECTURE.md section 6; each golden was read against HAProxy 2.6's configuration manual. */
export const HAPROXY_CASES: Record<string, Change> = {
  'round-robin-weights': (i) => ({ ...i, members: [{ ...i.members[0], weight: 3 }, { ...i.members[1], weight: 1 }] }),
  'least-connections': withPool({ lbMethod: 'LEAST_CONNECTIONS' }),
  'source-ip': withPool({ lbMethod: 'SOURCE_IP' }),
  'persistence-source-ip': withVip({ sessionPersistence: { type: 'SOURCE_IP' } }),
  'persistence-http-cookie': withVip({ sessionPersistence: { type: 'HTTP_COOKIE' } }),
  'persistence-app-cookie': withVip({ sessionPersistence: { type: 'APP_COOKIE', cookieName: 'JSESSIONID' } }),
  'connection-limit': withVip({ connectionLimit: 1000 }),
  'monitor-http-list': (i) => ({ ...i, monitors: [monitor('HTTP', { httpMethod: 'HEAD', urlPath: '/healthz?full=1', expectedCodes: '200, 202,301' })] }),
  'monitor-http-range': (i) => ({ ...i, monitors: [monitor('HTTP', { delay: 10, timeout: 5, maxRetries: 5, expectedCodes: '200-204' })] }),
  'monitor-https': (i) => ({ ...i, monitors: [monitor('HTTPS', { urlPath: '/status' })] }),
  'monitor-tcp': (i) => ({ ...i, monitors: [monitor('TCP')] }),
  'monitor-ping': (i) => ({ ...i, monitors: [monitor('PING')] }),
  'monitor-disabled': (i) => ({ ...i, monitors: [monitor('HTTP', { adminStateUp: false })] }),
  'member-disabled': (i) => ({ ...i, members: [i.members[0], { ...i.members[1], adminStateUp: false }] }),
  'vip-disabled': withVip({ adminStateUp: false }),
  'pool-disabled': withPool({ adminStateUp: false }),
  'tcp-vip': (i) => withPool({ protocol: 'TCP' })(withVip({ protocol: 'TCP', protocolPort: 5432 })(i)),
  'https-passthrough': (i) => withPool({ protocol: 'HTTPS' })(withVip({ protocol: 'HTTPS', protocolPort: 443 })(i)),
  'tcp-with-cookie-persistence': (i) => withPool({ protocol: 'TCP' })(withVip({ protocol: 'TCP', sessionPersistence: { type: 'HTTP_COOKIE' } })(i)),
  'no-members': (i) => ({ ...i, members: [] }),
};

export const baseKeepalivedInput = (): KeepalivedInput => ({
  instanceId: uuidOf(1), vmId: uuidOf(71), role: 'active', priority: 200, virtualRouterId: 7, interface: 'lbv0',
  vrrpAddress: '198.19.192.1', peerAddress: '198.19.192.2', vip: { address: '198.18.1.10', prefixLength: 24 },
  runDir: '/run/lbaas/00000000-0000-4000-8000-000000000071',
});

export const KEEPALIVED_CASES: Record<string, (i: KeepalivedInput) => KeepalivedInput> = {
  active: (i) => i,
  standby: (i) => ({ ...i, vmId: uuidOf(72), role: 'standby', priority: 100, vrrpAddress: '198.19.192.2', peerAddress: '198.19.192.1' }),
  degraded: (i) => ({ ...i, peerAddress: null }),
};
