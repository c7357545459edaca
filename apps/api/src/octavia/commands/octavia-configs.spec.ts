import { listenerChanges, listenerConfig, memberConfig, monitorConfig, poolConfig } from './octavia-configs';
import { l7PolicyChanges, l7PolicyConfig, l7RuleConfig } from './l7-configs';
import { certificateIdOf } from './tls-reference';

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
