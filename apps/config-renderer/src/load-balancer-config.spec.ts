import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateState, LiveLoadBalancer, ServiceInstanceState } from '@lbaas/domain';
import { baseHaproxyInput, InvalidRenderInput, renderHaproxyConfig } from '@lbaas/haproxy';
import { loadBalancerServedConfig, renderLoadBalancerInstance } from './load-balancer-config';
import { FINGERPRINT, GOLDEN, id, member, monitor, twoListeners } from './load-balancer-fixtures';

const noCertificate = (_id: string): CertificateState | undefined => undefined;
const served = (lb: LiveLoadBalancer, certificate = noCertificate) => {
  const config = loadBalancerServedConfig(lb, certificate);
  if (config === null) throw new Error('nothing served');
  return config;
};
const text = (lb: LiveLoadBalancer, certificate = noCertificate) =>
  renderHaproxyConfig({ ...baseHaproxyInput(), ...served(lb, certificate) });

describe('loadBalancerServedConfig: the Octavia v2 mapping', () => {
  it('renders the golden file of two listeners byte for byte (headers only in http mode, timeouts, port and id order)', () => {
    expect(text(twoListeners())).toBe(readFileSync(join(GOLDEN, 'v2-two-listeners.haproxy.cfg'), 'utf8'));
  });

  it('terminates TLS on a TERMINATED_HTTPS listener with its certificate, X-Forwarded-Proto https when asked', () => {
    const lb = twoListeners();
    const terminated = {
      ...lb,
      listeners: [
        lb.listeners[0],
        {
          ...lb.listeners[1],
          protocol: 'TERMINATED_HTTPS' as const,
          protocolPort: 443,
          defaultTlsCertificateId: id(80),
          insertHeaders: { 'X-Forwarded-For': 'true', 'X-Forwarded-Proto': 'true', 'X-Forwarded-Port': 'true' },
        },
      ],
    };
    const certificate = (x: string) =>
      x === id(80) ? ({ kind: 'live', id: id(80), fingerprint: FINGERPRINT } as CertificateState) : undefined;
    expect(served(terminated, certificate).frontends[0]).toMatchObject({
      id: id(21),
      mode: 'http',
      tls: { certificateId: id(80), fingerprint: FINGERPRINT },
      insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true },
    });
    expect(loadBalancerServedConfig(terminated, noCertificate)).toBeNull();
  });

  it('maps PROXY pools to the mode of their listener with the PROXY header, backups, monitor ports and the monitor', () => {
    const lb = twoListeners();
    const config = served({
      ...lb,
      pools: [
        { ...lb.pools[0], protocol: 'PROXYV2' },
        {
          ...lb.pools[1],
          protocol: 'PROXY',
          sessionPersistence: { type: 'APP_COOKIE', cookieName: 'SID', persistenceTimeout: null, persistenceGranularity: null },
          members: [member(41, '198.18.2.10', 8080, { backup: true, weight: 0, monitorAddress: '198.18.3.1', monitorPort: 9000 })],
          monitor: monitor({ maxRetriesDown: 5, httpVersion: 1.1, domainName: 'www.lbaas.test' }),
        },
      ],
    });
    expect(config.backends.map((b) => [b.id, b.mode, b.modeOf, b.proxyProtocol])).toEqual([
      [id(31), 'http', { object: 'listener', protocol: 'HTTP' }, 'v1'],
      [id(32), 'tcp', { object: 'listener', protocol: 'TCP' }, 'v2'],
    ]);
    expect(config.backends[0].sessionPersistence).toEqual({ type: 'APP_COOKIE', cookieName: 'SID' });
    expect(config.backends[0].members[0]).toMatchObject({ backup: true, weight: 0, monitorAddress: '198.18.3.1', monitorPort: 9000 });
    expect(config.backends[0].monitors[0]).toMatchObject({
      maxRetries: 3,
      maxRetriesDown: 5,
      httpVersion: '1.1',
      domainName: 'www.lbaas.test',
    });
  });

  it('gives a listener without a default pool no backend, renders a pool no listener uses, and takes its timeouts from no one', () => {
    const lb = twoListeners();
    const config = served({ ...lb, listeners: lb.listeners.map((l) => ({ ...l, defaultPoolId: null })) });
    expect(config.frontends.map((f) => f.defaultBackendId)).toEqual([null, null]);
    expect(config.backends.map((b) => [b.id, b.timeoutMemberConnectMs, b.timeoutMemberDataMs])).toEqual([
      [id(31), null, null],
      [id(32), null, null],
    ]);
  });

  it("leaves Octavia's 0 timeouts to the defaults, keeps the others, and caps them at HAProxy's largest", () => {
    const lb = twoListeners();
    const config = served({
      ...lb,
      listeners: [{ ...lb.listeners[1], timeoutClientData: 0, timeoutTcpInspect: 31_536_000_000, timeoutMemberConnect: 7 }],
    });
    expect(config.frontends[0]).toMatchObject({ timeoutClientMs: null, timeoutTcpInspectMs: 2_147_483_647 });
    expect(config.backends[0]).toMatchObject({ timeoutMemberConnectMs: 7, timeoutMemberDataMs: 50_000 });
  });

  it('disables every frontend of a disabled load balancer, and keeps a disabled listener and pool disabled', () => {
    const lb = twoListeners();
    expect(served({ ...lb, adminStateUp: false }).frontends.map((f) => f.adminStateUp)).toEqual([false, false]);
    const config = served({
      ...lb,
      listeners: [{ ...lb.listeners[0], adminStateUp: false }, lb.listeners[1]],
      pools: [{ ...lb.pools[1], adminStateUp: false }, lb.pools[0]],
    });
    expect(config.frontends.map((f) => f.adminStateUp)).toEqual([true, false]);
    expect(config.backends.map((b) => b.adminStateUp)).toEqual([false, true]);
  });

  it.each<[string, (lb: LiveLoadBalancer) => LiveLoadBalancer, RegExp]>([
    ['a UDP listener', (lb) => ({ ...lb, listeners: [{ ...lb.listeners[0], protocol: 'UDP' }] }), /UDP listeners/],
    ['a PROMETHEUS listener', (lb) => ({ ...lb, listeners: [{ ...lb.listeners[0], protocol: 'PROMETHEUS' }] }), /PROMETHEUS listeners/],
    ['an SCTP pool', (lb) => ({ ...lb, pools: [{ ...lb.pools[0], protocol: 'SCTP' }] }), /SCTP pools/],
    ['SOURCE_IP_PORT', (lb) => ({ ...lb, pools: [{ ...lb.pools[0], lbAlgorithm: 'SOURCE_IP_PORT' }] }), /SOURCE_IP_PORT/],
    ['a UDP-CONNECT monitor', (lb) => ({ ...lb, pools: [{ ...lb.pools[0], monitor: monitor({ type: 'UDP-CONNECT' }) }] }), /UDP-CONNECT/],
  ])("refuses %s in the provider's words, so the rendering is rejected with the reason", (_what, change, reason) => {
    const refuse = () => loadBalancerServedConfig(change(twoListeners()), noCertificate);
    expect(refuse).toThrow(InvalidRenderInput);
    expect(refuse).toThrow(/Provider 'lbaas' does not support a requested option/);
    expect(refuse).toThrow(reason);
  });
});

describe('renderLoadBalancerInstance', () => {
  const si = {
    kind: 'live',
    id: id(1),
    placements: [
      { vmId: id(71), nodeId: 'compute-node-1', role: 'active', priority: 200, vrrpAddress: '198.19.192.1' },
      { vmId: id(72), nodeId: 'compute-node-2', role: 'standby', priority: 100, vrrpAddress: '198.19.192.2' },
    ],
    virtualRouterId: 7,
    deleting: false,
  } as unknown as ServiceInstanceState;
  const settings = { runRoot: '/run/lbaas', pingCheckCommand: '/usr/local/lib/lbaas/ping-check', statsPassword: () => 'statspw' };

  it('renders both placements with the load balancer on one VIP, a frontend and a backend each in the bundle', () => {
    const rendering = renderLoadBalancerInstance(si, twoListeners(), noCertificate, 24, settings);
    if (rendering.kind !== 'files') throw new Error('nothing rendered');
    expect(rendering.bundles.map((b) => [b.vmId, b.keepalived.vip, b.haproxy.frontends.length, b.haproxy.backends.length])).toEqual([
      [id(71), { address: '198.18.1.10', prefixLength: 24 }, 2, 2],
      [id(72), { address: '198.18.1.10', prefixLength: 24 }, 2, 2],
    ]);
  });

  it('renders nothing for an instance being deleted', () => {
    expect(
      renderLoadBalancerInstance({ ...si, deleting: true } as ServiceInstanceState, twoListeners(), noCertificate, 24, settings),
    ).toEqual({
      kind: 'nothing',
    });
  });
});
