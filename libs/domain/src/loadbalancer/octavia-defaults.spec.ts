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
const built = {
  loadBalancer: loadBalancerWithDefaults({ id: 'lb', projectId: 'p', vip: VIP }),
  listener: listenerWithDefaults({ id: 'l', protocol: 'HTTP', protocolPort: 80 }),
  pool: poolWithDefaults({ id: 'p', protocol: 'TCP', lbAlgorithm: 'SOURCE_IP' }),
  member: memberWithDefaults({ id: 'm', address: '198.18.2.10', protocolPort: 8080 }),
  monitor: monitorWithDefaults({ id: 'h', type: 'HTTP', delay: 5, timeout: 3, maxRetries: 2 }),
};
type Kind = keyof typeof built;

/** Every field of every configuration, with what the builder puts there from the required fields above or from Octavia. */
const EXPECTED: { readonly [K in Kind]: readonly (readonly [string, unknown])[] } = {
  loadBalancer: [
    ['id', 'lb'],
    ['projectId', 'p'],
    ['vip', VIP],
    ['name', ''],
    ['description', ''],
    ['adminStateUp', true],
    ['provider', 'lbaas'],
    ['flavorId', null],
    ['availabilityZone', null],
    ['tags', []],
  ],
  listener: [
    ['id', 'l'],
    ['protocol', 'HTTP'],
    ['protocolPort', 80],
    ['name', ''],
    ['description', ''],
    ['connectionLimit', -1],
    ['defaultPoolId', null],
    ['defaultTlsContainerRef', null],
    ['defaultTlsCertificateId', null],
    ['insertHeaders', {}],
    ...Object.entries(DEFAULT_TIMEOUTS),
    ['adminStateUp', true],
    ['tags', []],
    ['sniContainerRefs', []],
    ['sniCertificateIds', []],
    ['clientCaTlsContainerRef', null],
    ['clientCaCertificateId', null],
    ['clientAuthentication', 'NONE'],
    ['clientCrlContainerRef', null],
    ['clientCrlCertificateId', null],
    ['tlsCiphers', null],
    ['tlsVersions', null],
    ['alpnProtocols', null],
    ['allowedCidrs', []],
  ],
  pool: [
    ['id', 'p'],
    ['protocol', 'TCP'],
    ['lbAlgorithm', 'SOURCE_IP'],
    ['name', ''],
    ['description', ''],
    ['sessionPersistence', null],
    ['adminStateUp', true],
    ['tags', []],
    ['tlsEnabled', false],
    ['tlsContainerRef', null],
    ['tlsCertificateId', null],
    ['caTlsContainerRef', null],
    ['caCertificateId', null],
    ['crlContainerRef', null],
    ['crlCertificateId', null],
    ['tlsCiphers', null],
    ['tlsVersions', null],
    ['alpnProtocols', null],
  ],
  member: [
    ['id', 'm'],
    ['address', '198.18.2.10'],
    ['protocolPort', 8080],
    ['name', ''],
    ['weight', 1],
    ['backup', false],
    ['monitorAddress', null],
    ['monitorPort', null],
    ['subnetId', null],
    ['adminStateUp', true],
    ['tags', []],
  ],
  monitor: [
    ['id', 'h'],
    ['type', 'HTTP'],
    ['delay', 5],
    ['timeout', 3],
    ['maxRetries', 2],
    ['name', ''],
    ['maxRetriesDown', 3],
    ['httpMethod', 'GET'],
    ['urlPath', '/'],
    ['expectedCodes', '200'],
    ['httpVersion', null],
    ['domainName', null],
    ['adminStateUp', true],
    ['tags', []],
  ],
};
const rows = (Object.keys(EXPECTED) as Kind[]).flatMap((kind) => EXPECTED[kind].map(([field, value]) => ({ kind, field, value })));

describe("Octavia's defaults", () => {
  it.each(rows)('a $kind has $field $value unless given', ({ kind, field, value }) => expect(built[kind]).toHaveProperty([field], value));

  it.each(Object.keys(EXPECTED) as Kind[])('a %s has no field but those', (kind) =>
    expect(Object.keys(built[kind]).sort()).toEqual(EXPECTED[kind].map(([field]) => field).sort()),
  );

  it("the timeouts are Octavia's, in milliseconds", () =>
    expect(DEFAULT_TIMEOUTS).toStrictEqual({
      timeoutClientData: 50_000,
      timeoutMemberConnect: 5_000,
      timeoutMemberData: 50_000,
      timeoutTcpInspect: 0,
    }));

  it.each<[HealthMonitorType, string | null, string | null, string | null]>([
    ['HTTP', 'GET', '/', '200'],
    ['HTTPS', 'GET', '/', '200'],
    ['TCP', null, null, null],
    ['PING', null, null, null],
    ['TLS-HELLO', null, null, null],
    ['UDP-CONNECT', null, null, null],
    ['SCTP', null, null, null],
  ])('a %s monitor asks %p for %p and expects %p unless given', (type, httpMethod, urlPath, expectedCodes) =>
    expect(monitorWithDefaults({ id: 'h', type, delay: 5, timeout: 3, maxRetries: 3 })).toMatchObject({
      httpMethod,
      urlPath,
      expectedCodes,
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
    const other = listenerWithDefaults({ id: 'l2', protocol: 'HTTP', protocolPort: 81 });
    expect(other.tags).not.toBe(built.listener.tags);
    expect(other.insertHeaders).not.toBe(built.listener.insertHeaders);
    expect(other.allowedCidrs).not.toBe(built.listener.allowedCidrs);
  });
});
