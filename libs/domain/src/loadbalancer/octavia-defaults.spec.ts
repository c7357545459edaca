import type { HealthMonitorType } from './model';
import {
  DEFAULT_TIMEOUTS,
  listenerWithDefaults,
  loadBalancerWithDefaults,
  memberWithDefaults,
  monitorWithDefaults,
  poolWithDefaults,
} from './octavia-defaults';

const VIP = { address: '198.18.1.10', subnetId: 'subnet-1', networkId: 'net-1', portId: 'port-1', qosPolicyId: null };

describe("Octavia's defaults", () => {
  it('a load balancer is named nothing, up, of this provider, in no flavor or zone, untagged', () =>
    expect(loadBalancerWithDefaults({ id: 'lb', projectId: 'p', vip: VIP })).toStrictEqual({
      id: 'lb',
      projectId: 'p',
      name: '',
      description: '',
      vip: VIP,
      adminStateUp: true,
      provider: 'lbaas',
      flavorId: null,
      availabilityZone: null,
      tags: [],
    }));

  it('a listener is unlimited, with the default timeouts, no pool, no TLS, no client authentication, every client admitted', () =>
    expect(listenerWithDefaults({ id: 'l', protocol: 'HTTP', protocolPort: 80 })).toStrictEqual({
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
      timeoutClientData: 50_000,
      timeoutMemberConnect: 5_000,
      timeoutMemberData: 50_000,
      timeoutTcpInspect: 0,
      adminStateUp: true,
      tags: [],
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
    }));

  it("the timeouts are Octavia's, in milliseconds", () =>
    expect(DEFAULT_TIMEOUTS).toStrictEqual({
      timeoutClientData: 50_000,
      timeoutMemberConnect: 5_000,
      timeoutMemberData: 50_000,
      timeoutTcpInspect: 0,
    }));

  it('a pool has no session persistence and speaks plain text to its members', () =>
    expect(poolWithDefaults({ id: 'p', protocol: 'TCP', lbAlgorithm: 'SOURCE_IP' })).toStrictEqual({
      id: 'p',
      name: '',
      description: '',
      protocol: 'TCP',
      lbAlgorithm: 'SOURCE_IP',
      sessionPersistence: null,
      adminStateUp: true,
      tags: [],
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
    }));

  it('a member weighs 1, is no backup and is checked at its own address', () =>
    expect(memberWithDefaults({ id: 'm', address: '198.18.2.10', protocolPort: 8080 })).toStrictEqual({
      id: 'm',
      name: '',
      address: '198.18.2.10',
      protocolPort: 8080,
      weight: 1,
      backup: false,
      monitorAddress: null,
      monitorPort: null,
      subnetId: null,
      adminStateUp: true,
      tags: [],
    }));

  it.each<[HealthMonitorType, string | null, string | null, string | null]>([
    ['HTTP', 'GET', '/', '200'],
    ['HTTPS', 'GET', '/', '200'],
    ['TCP', null, null, null],
    ['PING', null, null, null],
    ['TLS-HELLO', null, null, null],
    ['UDP-CONNECT', null, null, null],
    ['SCTP', null, null, null],
  ])('a %s monitor asks %p for %p and expects %p, going down after 3 failures', (type, httpMethod, urlPath, expectedCodes) =>
    expect(monitorWithDefaults({ id: 'h', type, delay: 5, timeout: 3, maxRetries: 2 })).toStrictEqual({
      id: 'h',
      name: '',
      type,
      delay: 5,
      timeout: 3,
      maxRetries: 2,
      maxRetriesDown: 3,
      httpMethod,
      urlPath,
      expectedCodes,
      httpVersion: null,
      domainName: null,
      adminStateUp: true,
      tags: [],
    }),
  );

  it('given fields win over the defaults, HTTP ones on any monitor', () => {
    expect(listenerWithDefaults({ id: 'l', protocol: 'TCP', protocolPort: 81, connectionLimit: 10, timeoutTcpInspect: 7 })).toMatchObject({
      connectionLimit: 10,
      timeoutTcpInspect: 7,
      timeoutClientData: 50_000,
    });
    expect(poolWithDefaults({ id: 'p', protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', tlsEnabled: true, name: 'web' })).toMatchObject({
      tlsEnabled: true,
      name: 'web',
      tlsCiphers: null,
    });
    expect(memberWithDefaults({ id: 'm', address: '198.18.2.10', protocolPort: 80, weight: 0, backup: true })).toMatchObject({
      weight: 0,
      backup: true,
    });
    expect(
      monitorWithDefaults({ id: 'h', type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3, urlPath: '/health', maxRetriesDown: 5 }),
    ).toMatchObject({ httpMethod: 'GET', urlPath: '/health', expectedCodes: '200', maxRetriesDown: 5 });
    expect(monitorWithDefaults({ id: 'h', type: 'TCP', delay: 5, timeout: 3, maxRetries: 3, httpMethod: 'HEAD' })).toMatchObject({
      httpMethod: 'HEAD',
      urlPath: null,
    });
    expect(loadBalancerWithDefaults({ id: 'lb', projectId: 'p', vip: VIP, name: 'web', tags: ['a'] })).toMatchObject({
      name: 'web',
      tags: ['a'],
      provider: 'lbaas',
    });
  });

  it('an undefined field keeps the default, a null one is taken as given', () => {
    expect(
      listenerWithDefaults({ id: 'l', protocol: 'HTTP', protocolPort: 80, name: undefined, connectionLimit: undefined }),
    ).toMatchObject({
      name: '',
      connectionLimit: -1,
    });
    expect(monitorWithDefaults({ id: 'h', type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3, httpMethod: null })).toMatchObject({
      httpMethod: null,
      urlPath: '/',
    });
  });

  it('no two configurations share a default list or map', () => {
    const [a, b] = [
      listenerWithDefaults({ id: 'a', protocol: 'HTTP', protocolPort: 80 }),
      listenerWithDefaults({ id: 'b', protocol: 'HTTP', protocolPort: 81 }),
    ];
    expect(a.tags).not.toBe(b.tags);
    expect(a.insertHeaders).not.toBe(b.insertHeaders);
    expect(a.allowedCidrs).not.toBe(b.allowedCidrs);
  });
});
