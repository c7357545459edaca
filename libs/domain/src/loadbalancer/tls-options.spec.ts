import type { EventEnvelope } from '../envelope';
import { ValidationError } from '../errors';
import { upcast } from '../registry';
import { given } from '../testing/given-when-then';
import { loadBalancerDecider } from './decider';
import type { LbPoolConfig, ListenerConfig, TlsVersion } from './model';
import { at, LB, lbCreated, listenerCreated, poolCreated, refusalOf, sampleListener, samplePool } from './samples';
import { contiguousTlsVersions, DEFAULT_ALPN_PROTOCOLS, DEFAULT_TLS_CIPHERS, DEFAULT_TLS_VERSIONS } from './tls-options';

const createListener = (listener: ListenerConfig) =>
  ({ type: 'CreateListener', data: { loadBalancerId: LB, listener, at: at(10) } }) as const;
const createPool = (pool: LbPoolConfig) =>
  ({ type: 'CreateLbPool', data: { loadBalancerId: LB, pool, listenerId: null, at: at(10) } }) as const;
const DEFAULTS = { tlsCiphers: DEFAULT_TLS_CIPHERS, tlsVersions: [...DEFAULT_TLS_VERSIONS], alpnProtocols: [...DEFAULT_ALPN_PROTOCOLS] };
const terminated = (change: Partial<ListenerConfig> = {}) =>
  sampleListener('l', 443, { protocol: 'TERMINATED_HTTPS', defaultTlsContainerRef: 'c1', defaultTlsCertificateId: 'c1', ...change });

describe('listener TLS options', () => {
  it("a TERMINATED_HTTPS listener gets Octavia's default ciphers, versions and ALPN protocols", () =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createListener(terminated()))
      .then([listenerCreated(10, terminated(DEFAULTS))]));

  it('takes SNI certificates alone, client authentication with its CA and CRL, the client certificate headers, and allowed CIDRs', () => {
    const listener = terminated({
      defaultTlsContainerRef: null,
      defaultTlsCertificateId: null,
      sniContainerRefs: ['s1', 's2'],
      sniCertificateIds: ['s1', 's2'],
      clientCaTlsContainerRef: 'ca',
      clientCaCertificateId: 'ca',
      clientAuthentication: 'MANDATORY',
      clientCrlContainerRef: 'crl',
      clientCrlCertificateId: 'crl',
      insertHeaders: { 'X-SSL-Client-DN': 'true', 'X-SSL-Client-Verify': 'true' },
      tlsCiphers: 'ECDHE-RSA-AES128-GCM-SHA256',
      tlsVersions: ['TLSv1.3'],
      alpnProtocols: ['http/1.1'],
      allowedCidrs: ['198.18.0.0/15', '198.19.7.7/32'],
    });
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createListener(listener))
      .then([listenerCreated(10, listener)]);
  });

  it.each<[string, Partial<ListenerConfig>, string]>([
    [
      'no certificate at all',
      { defaultTlsContainerRef: null, defaultTlsCertificateId: null },
      'An SNI or default certificate container reference must be provided',
    ],
    [
      'client authentication without a CA',
      { clientAuthentication: 'OPTIONAL' },
      'Client authentication setting OPTIONAL requires a client CA container reference.',
    ],
    ['a CRL without a CA', { clientCrlContainerRef: 'x', clientCrlCertificateId: 'x' }, 'A client authentication CA reference is required'],
    ['a cipher string with a space', { tlsCiphers: 'AES128 #x' }, 'Invalid characters in cipher string.'],
    ['an empty TLS version list', { tlsVersions: [] }, 'Empty TLS version list.'],
    [
      'TLS versions with a hole',
      { tlsVersions: ['TLSv1', 'TLSv1.2'] },
      "Provider 'lbaas' does not support a requested option: tls_versions TLSv1, TLSv1.2 (HAProxy serves a contiguous range of TLS versions)",
    ],
    ['SSLv3 and TLSv1.3 alone', { tlsVersions: ['TLSv1.3', 'SSLv3'] }, 'tls_versions TLSv1.3, SSLv3 (HAProxy serves a contiguous range'],
    ['an empty ALPN list', { alpnProtocols: [] }, 'Empty ALPN protocol list.'],
    ['a CIDR that is not one', { allowedCidrs: ['198.18.0.0/33'] }, 'Invalid input for field/attribute allowed_cidrs'],
    ['a CIDR with a newline', { allowedCidrs: ['198.18.0.0/16\nbind'] }, 'Invalid input for field/attribute allowed_cidrs'],
    ['an IPv6 CIDR', { allowedCidrs: ['2001:db8::/32'] }, 'IPv6 allowed_cidrs'],
  ])('refuses %s (400)', (_desc, change, words) => {
    const error = refusalOf([lbCreated(0)], createListener(terminated(change)));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(words);
  });

  it.each<[string, Partial<ListenerConfig>, string]>([
    [
      'SNI',
      { sniContainerRefs: ['s'], sniCertificateIds: ['s'] },
      'Certificate container references are not allowed on HTTP protocol listeners.',
    ],
    ['a client CA', { clientCaTlsContainerRef: 'ca', clientCaCertificateId: 'ca' }, 'Certificate container references are not allowed'],
    ['ciphers', { tlsCiphers: 'AES128-SHA' }, 'only for TERMINATED_HTTPS listeners'],
    [
      'client certificate headers',
      { insertHeaders: { 'X-SSL-Client-CN': 'true' } },
      'X-SSL-Client-CN is not a valid option for HTTP protocol listener.',
    ],
  ])('refuses %s on an HTTP listener', (_desc, change, words) =>
    expect(refusalOf([lbCreated(0)], createListener(sampleListener('l', 80, change))).message).toContain(words),
  );

  it('allowed CIDRs work on any listener', () => {
    const listener = sampleListener('l', 9000, { protocol: 'TCP', allowedCidrs: ['198.18.5.0/24'] });
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createListener(listener))
      .then([listenerCreated(10, listener)]);
  });
});

describe('pool re-encryption', () => {
  it("a TLS pool gets Octavia's defaults; one without TLS keeps nulls", () => {
    const pool = samplePool('p', {
      tlsEnabled: true,
      caTlsContainerRef: 'ca',
      caCertificateId: 'ca',
      tlsContainerRef: 'c',
      tlsCertificateId: 'c',
    });
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createPool(pool))
      .then([poolCreated(10, { ...pool, ...DEFAULTS })]);
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createPool(samplePool('p')))
      .then([poolCreated(10, samplePool('p'))]);
  });

  it('takes contiguous TLS versions in any order, and refuses a hole on a pool too', () => {
    const pool = samplePool('p', { tlsEnabled: true, tlsVersions: ['TLSv1.3', 'TLSv1.1', 'TLSv1.2'] });
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createPool(pool))
      .then([poolCreated(10, { ...pool, tlsCiphers: DEFAULT_TLS_CIPHERS, alpnProtocols: [...DEFAULT_ALPN_PROTOCOLS] })]);
    expect(refusalOf([lbCreated(0)], createPool(samplePool('p', { tlsEnabled: true, tlsVersions: ['TLSv1.1', 'TLSv1.3'] }))).message).toBe(
      "Provider 'lbaas' does not support a requested option: tls_versions TLSv1.1, TLSv1.3 (HAProxy serves a contiguous range of TLS versions)",
    );
  });

  it.each<[readonly TlsVersion[], boolean]>([
    [['TLSv1.2'], true],
    [['TLSv1.2', 'TLSv1.3'], true],
    [['TLSv1.3', 'TLSv1.2', 'TLSv1.2'], true],
    [['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], true],
    [['SSLv3', 'TLSv1.1'], false],
    [['TLSv1', 'TLSv1.1', 'TLSv1.3'], false],
  ])('contiguousTlsVersions(%j) is %s', (versions, expected) => expect(contiguousTlsVersions(versions)).toBe(expected));

  it('refuses a CRL without a CA, and bad ciphers', () => {
    expect(refusalOf([lbCreated(0)], createPool(samplePool('p', { tlsEnabled: true, crlCertificateId: 'x' }))).message).toBe(
      'Validation failure: A CA reference is required to specify a certificate revocation list.',
    );
    expect(refusalOf([lbCreated(0)], createPool(samplePool('p', { tlsEnabled: true, tlsCiphers: "a'b" }))).message).toContain(
      'Invalid characters in cipher string.',
    );
  });
});

describe('upcasting listeners and pools of version 1', () => {
  const stored = (type: string, data: object): EventEnvelope => ({
    id: 'e',
    type,
    version: 1,
    aggregate: 'loadbalancer',
    aggregateId: LB,
    occurredAt: at(0),
    tenantId: 't',
    actor: 'a',
    correlationId: 'c',
    causationId: null,
    data,
  });
  const v1Listener = (l: ListenerConfig) => {
    const {
      sniContainerRefs: _a,
      sniCertificateIds: _b,
      clientCaTlsContainerRef: _c,
      clientCaCertificateId: _d,
      clientAuthentication: _e,
      clientCrlContainerRef: _f,
      clientCrlCertificateId: _g,
      tlsCiphers: _h,
      tlsVersions: _i,
      alpnProtocols: _j,
      allowedCidrs: _k,
      ...v1
    } = l;
    return v1;
  };

  it('a v1 HTTP listener has no TLS settings, a v1 TERMINATED_HTTPS one the defaults', () => {
    const plain = stored('ListenerCreated', { loadBalancerId: LB, listener: v1Listener(sampleListener('l')), at: at(1) });
    expect(upcast(plain)).toEqual({ ...plain, version: 2, data: { loadBalancerId: LB, listener: sampleListener('l'), at: at(1) } });
    const tls = stored('ListenerUpdated', { loadBalancerId: LB, listener: v1Listener(terminated()), at: at(1) });
    expect(upcast(tls).data).toEqual({ loadBalancerId: LB, listener: terminated(DEFAULTS), at: at(1) });
    expect(upcast(tls).version).toBe(2);
  });

  it('a v1 pool speaks plain text to its members', () => {
    const {
      tlsEnabled: _a,
      tlsContainerRef: _b,
      tlsCertificateId: _c,
      caTlsContainerRef: _d,
      caCertificateId: _e,
      crlContainerRef: _f,
      crlCertificateId: _g,
      tlsCiphers: _h,
      tlsVersions: _i,
      alpnProtocols: _j,
      ...v1
    } = samplePool('p');
    const created = stored('LbPoolCreated', { loadBalancerId: LB, pool: v1, listenerId: null, at: at(1) });
    expect(upcast(created)).toEqual({
      ...created,
      version: 2,
      data: { loadBalancerId: LB, pool: samplePool('p'), listenerId: null, at: at(1) },
    });
    const updated = stored('LbPoolUpdated', { loadBalancerId: LB, pool: v1, at: at(2) });
    expect(upcast(updated).data).toEqual({ loadBalancerId: LB, pool: samplePool('p'), at: at(2) });
  });
});
