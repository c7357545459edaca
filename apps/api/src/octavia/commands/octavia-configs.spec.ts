import { ValidationError } from '@lbaas/domain';
import { listenerChanges, listenerConfig, loadBalancerTree, memberConfig, monitorConfig, NO_TLS, poolConfig } from './octavia-configs';
import { l7PolicyChanges, l7PolicyConfig, l7RuleConfig } from './l7-configs';
import { certificateIdOf } from './tls-reference';

const ids = (): (() => string) => {
  let n = 0;
  return () => `id-${++n}`;
};

describe("v2 bodies as the aggregate's configurations", () => {
  it("fills in Octavia's defaults", () => {
    expect(listenerConfig('l', { protocol: 'HTTP', protocol_port: 80 }, null, {})).toEqual({
      id: 'l',
      name: '',
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
      timeoutClientData: 50_000,
      timeoutMemberConnect: 5_000,
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
    });
    expect(memberConfig('m', { address: '198.18.2.11', protocol_port: 80 })).toMatchObject({
      weight: 1,
      backup: false,
      monitorAddress: null,
      subnetId: null,
    });
    expect(monitorConfig('h', { type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 })).toMatchObject({
      maxRetriesDown: 3,
      httpMethod: 'GET',
      urlPath: '/',
      expectedCodes: '200',
    });
    expect(monitorConfig('h', { type: 'TCP', delay: 5, timeout: 3, max_retries: 3 })).toMatchObject({
      httpMethod: null,
      urlPath: null,
      expectedCodes: null,
    });
    expect(
      poolConfig('p', { protocol: 'TCP', lb_algorithm: 'SOURCE_IP', session_persistence: { type: 'APP_COOKIE', cookie_name: 'c' } }, {}),
    ).toMatchObject({
      sessionPersistence: { type: 'APP_COOKIE', cookieName: 'c', persistenceTimeout: null, persistenceGranularity: null },
      tlsEnabled: false,
      caCertificateId: null,
      tlsVersions: null,
    });
    expect(l7PolicyConfig('p', { action: 'REJECT' })).toMatchObject({ position: 2147483647, redirectHttpCode: null, adminStateUp: true });
    expect(l7RuleConfig('r', { type: 'PATH', compare_type: 'STARTS_WITH', value: '/a' })).toMatchObject({ key: null, invert: false });
  });

  it('changes only what a PUT names, and null resets to the default', () => {
    expect(listenerChanges({ name: 'x', timeout_client_data: null, connection_limit: null }, {})).toEqual({
      name: 'x',
      timeoutClientData: 50_000,
      connectionLimit: -1,
    });
    const ca = { ref: 'ca-ref', certificateId: 'ca' };
    expect(listenerChanges({ client_authentication: null, allowed_cidrs: null, tls_versions: null }, { clientCa: ca })).toEqual({
      clientAuthentication: 'NONE',
      allowedCidrs: [],
      tlsVersions: null,
      clientCaTlsContainerRef: 'ca-ref',
      clientCaCertificateId: 'ca',
    });
    expect(l7PolicyChanges({ name: null, position: 3 })).toEqual({ name: '', position: 3 });
  });

  it('builds the single-call tree: pools by name, a whole default pool moved beside the others', () => {
    const tree = loadBalancerTree(
      [
        { protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'web' } },
        { protocol: 'TCP', protocol_port: 8080, default_pool: { name: 'tcp', protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' } },
        { protocol: 'TCP', protocol_port: 9090 },
      ],
      [
        {
          name: 'web',
          protocol: 'HTTP',
          lb_algorithm: 'LEAST_CONNECTIONS',
          members: [{ address: '198.18.2.11', protocol_port: 80 }],
          healthmonitor: { type: 'HTTP', delay: 1, timeout: 1, max_retries: 1 },
        },
      ],
      ids(),
      () => ({ defaultTls: NO_TLS }),
      () => ({}),
    );
    const [web, tcp] = tree.pools;
    expect(tree.listeners.map((l) => [l.protocolPort, l.defaultPoolId])).toEqual([
      [80, web.pool.id],
      [8080, tcp.pool.id],
      [9090, null],
    ]);
    expect([web.listenerId, tcp.listenerId]).toEqual([tree.listeners[0].id, tree.listeners[1].id]);
    expect(web.members).toHaveLength(1);
    expect(web.monitor?.type).toBe('HTTP');
    expect(new Set([...tree.listeners.map((l) => l.id), ...tree.pools.map((p) => p.pool.id)]).size).toBe(5);
  });

  it.each([
    ['an unnamed pool', [], [{ protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }], 'Pools must be named'],
    [
      'two pools of one name',
      [],
      [
        { name: 'a', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
        { name: 'a', protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' },
      ],
      'Pool names must be unique',
    ],
    [
      'a reference to no pool',
      [{ protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'ghost' } }],
      [],
      "Pool 'ghost' was referenced but no full definition was found.",
    ],
  ] as const)('refuses %s', (_desc, listeners, pools, message) => {
    expect(() =>
      loadBalancerTree(
        listeners as never,
        pools as never,
        ids(),
        () => ({}),
        () => ({}),
      ),
    ).toThrow(ValidationError);
    expect(() =>
      loadBalancerTree(
        listeners as never,
        pools as never,
        ids(),
        () => ({}),
        () => ({}),
      ),
    ).toThrow(message);
  });
});

describe('default_tls_container_ref', () => {
  const CERT = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
  it.each([
    [CERT, CERT],
    [CERT.toUpperCase(), CERT],
    [`https://barbican.example:9311/v1/containers/${CERT}`, CERT],
    [`http://127.0.0.1:9696/v2.0/lb/certificates/${CERT}/`, CERT],
    ['not-a-reference', null],
    [`${CERT}x`, null],
  ])('names the certificate of %p', (ref, id) => {
    expect(certificateIdOf(ref)).toBe(id);
  });
});
