import type { CertificateState, L7PolicyState, L7RuleState, LiveLoadBalancer } from '@lbaas/domain';
import { baseHaproxyInput, InvalidRenderInput, renderHaproxyConfig } from '@lbaas/haproxy';
import { loadBalancerServedConfig } from './load-balancer-config';
import { id, listener, pool, provisioned, twoListeners } from './load-balancer-fixtures';

const fp = (hex: string) => hex.repeat(64 / hex.length);
const CERTIFICATES: Record<string, string> = {
  [id(80)]: fp('80'),
  [id(81)]: fp('81'),
  [id(82)]: fp('82'),
  [id(83)]: fp('83'),
  [id(84)]: fp('84'),
  [id(85)]: fp('85'),
};
const folded = (x: string): CertificateState | undefined =>
  CERTIFICATES[x] === undefined ? undefined : ({ kind: 'live', id: x, fingerprint: CERTIFICATES[x] } as CertificateState);
const without =
  (missing: string) =>
  (x: string): CertificateState | undefined =>
    x === missing ? undefined : folded(x);

const rule = (n: number, change: Partial<L7RuleState> = {}): L7RuleState => ({
  ...provisioned,
  id: id(100 + n),
  type: 'PATH',
  compareType: 'STARTS_WITH',
  key: null,
  value: `/p${n}`,
  invert: false,
  adminStateUp: true,
  tags: [],
  ...change,
});
const policy = (n: number, change: Partial<L7PolicyState> = {}): L7PolicyState => ({
  ...provisioned,
  id: id(90 + n),
  name: '',
  description: '',
  action: 'REJECT',
  redirectPoolId: null,
  redirectUrl: null,
  redirectPrefix: null,
  redirectHttpCode: null,
  position: n,
  adminStateUp: true,
  tags: [],
  rules: [rule(n)],
  ...change,
});

/** twoListeners with the HTTP listener (21) changed, and a third pool (33) for policies to send to. */
const withHttpListener = (change: Parameters<typeof listener>[1]): LiveLoadBalancer => {
  const lb = twoListeners();
  return { ...lb, listeners: [lb.listeners[0], { ...lb.listeners[1], ...change }], pools: [...lb.pools, pool(33)] };
};
const served = (lb: LiveLoadBalancer, certificate = folded) => {
  const config = loadBalancerServedConfig(lb, certificate);
  if (config === null) throw new Error('nothing served');
  return config;
};
const frontend21 = (lb: LiveLoadBalancer, certificate = folded) => served(lb, certificate).frontends[0];

describe('L7 policies in the Octavia v2 mapping', () => {
  it('renders enabled policies with their enabled rules in position order, as Octavia leaves the others out', () => {
    const lb = withHttpListener({
      l7policies: [
        policy(1, { action: 'REDIRECT_TO_POOL', redirectPoolId: id(33), rules: [rule(1), rule(2, { adminStateUp: false })] }),
        policy(2, { adminStateUp: false }),
        policy(3, { rules: [rule(3, { adminStateUp: false })] }),
        policy(4, {
          action: 'REDIRECT_PREFIX',
          redirectPrefix: 'https://www.lbaas.test',
          rules: [rule(4, { type: 'HEADER', key: 'X-A', value: '"a b"' })],
        }),
        policy(5, {
          action: 'REDIRECT_TO_URL',
          redirectUrl: 'https://lbaas.test/x',
          redirectHttpCode: 301,
          rules: [rule(5, { invert: true })],
        }),
      ],
    });
    expect(frontend21(lb).l7Policies).toEqual([
      {
        id: id(91),
        action: 'REDIRECT_TO_POOL',
        backendId: id(33),
        redirect: null,
        redirectCode: null,
        rules: [expect.objectContaining({ id: id(101) })],
      },
      {
        id: id(94),
        action: 'REDIRECT_PREFIX',
        backendId: null,
        redirect: 'https://www.lbaas.test',
        redirectCode: 302,
        // Octavia's quoted HEADER value holds spaces: HAProxy compares what is inside the quotes.
        rules: [{ id: id(104), type: 'HEADER', compareType: 'STARTS_WITH', key: 'X-A', value: 'a b', invert: false }],
      },
      {
        id: id(95),
        action: 'REDIRECT_TO_URL',
        backendId: null,
        redirect: 'https://lbaas.test/x',
        redirectCode: 301,
        rules: [expect.objectContaining({ invert: true })],
      },
    ]);
    const text = renderHaproxyConfig({ ...baseHaproxyInput(), ...served(lb) });
    expect(text).toContain(`    use_backend ${id(33)} if { var(txn.lb_l7_pool) -m str ${id(33)} }\n    default_backend ${id(31)}\n`);
  });

  it("leaves out a REDIRECT_TO_POOL policy whose pool is disabled, and gives a pool used only by policies its listener's timeouts", () => {
    const lb = withHttpListener({ l7policies: [policy(1, { action: 'REDIRECT_TO_POOL', redirectPoolId: id(33) })] });
    expect(served(lb).backends.find((b) => b.id === id(33))).toMatchObject({ timeoutMemberConnectMs: 5000, timeoutMemberDataMs: 50_000 });
    const disabled = { ...lb, pools: lb.pools.map((p) => (p.id === id(33) ? { ...p, adminStateUp: false } : p)) };
    expect(frontend21(disabled).l7Policies).toEqual([]);
  });

  it('passes allowed CIDRs on any listener', () => {
    const lb = twoListeners();
    const config = served({ ...lb, listeners: lb.listeners.map((l) => ({ ...l, allowedCidrs: ['198.18.0.0/15'] })) });
    expect(config.frontends.map((f) => f.allowedCidrs)).toEqual([['198.18.0.0/15'], ['198.18.0.0/15']]);
  });
});

describe('listener TLS options in the Octavia v2 mapping', () => {
  const terminated = (change: Parameters<typeof listener>[1] = {}) =>
    withHttpListener({
      protocol: 'TERMINATED_HTTPS',
      protocolPort: 443,
      defaultTlsCertificateId: id(80),
      sniCertificateIds: [id(81), id(82)],
      clientCaCertificateId: id(83),
      clientAuthentication: 'MANDATORY',
      tlsCiphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      tlsVersions: ['TLSv1.3', 'TLSv1.2'],
      alpnProtocols: ['h2'],
      insertHeaders: { 'X-SSL-Client-DN': 'true', 'X-SSL-Client-Verify': 'True', 'X-SSL-Issuer': 'false' },
      ...change,
    });

  it('serves the default certificate first, then the SNI ones, and verifies clients against the CA, each by its current fingerprint', () => {
    expect(frontend21(terminated())).toMatchObject({
      tls: { certificateId: id(80), fingerprint: fp('80') },
      tlsOptions: {
        sni: [
          { certificateId: id(81), fingerprint: fp('81') },
          { certificateId: id(82), fingerprint: fp('82') },
        ],
        clientCa: { certificateId: id(83), fingerprint: fp('83') },
        clientCrl: null,
        clientAuthentication: 'MANDATORY',
        ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
        versions: ['TLSv1.2', 'TLSv1.3'],
        alpn: ['h2'],
      },
      clientCertificateHeaders: ['X-SSL-Client-Verify', 'X-SSL-Client-DN'],
    });
  });

  it('serves the first SNI certificate as the default when the listener has none', () => {
    expect(frontend21(terminated({ defaultTlsCertificateId: null }))).toMatchObject({
      tls: { certificateId: id(81) },
      tlsOptions: { sni: [{ certificateId: id(82) }] },
    });
  });

  it.each([id(80), id(82), id(83)])('renders nothing while certificate %s is not folded', (missing) => {
    expect(loadBalancerServedConfig(terminated(), without(missing))).toBeNull();
  });

  it('verifies clients against the revocation list too, and renders nothing while it is not folded', () => {
    const crl = terminated({ clientCrlCertificateId: id(84) });
    expect(frontend21(crl).tlsOptions).toMatchObject({ clientCrl: { certificateId: id(84), fingerprint: fp('84') } });
    expect(renderHaproxyConfig({ ...baseHaproxyInput(), ...served(crl) })).toMatch(
      / ca-file \S+83-8383838383838383\.ca\.pem verify required crl-file \S+84-8484848484848484\.crl\.pem /,
    );
    expect(loadBalancerServedConfig(crl, without(id(84)))).toBeNull();
  });

  it("refuses, in Octavia's words, TLS versions with a hole", () => {
    expect(() => served(terminated({ tlsVersions: ['TLSv1', 'TLSv1.2'] }))).toThrow(InvalidRenderInput);
  });

  it('renders a file haproxy would take: every certificate on the bind, the CA and verify required', () => {
    const text = renderHaproxyConfig({ ...baseHaproxyInput(), ...served(terminated()) });
    expect(text).toMatch(
      /bind 198\.18\.1\.10:443 ssl crt \S+80-8080808080808080\.pem crt \S+81-8181818181818181\.pem crt \S+82-8282828282828282\.pem ca-file \S+83-8383838383838383\.ca\.pem verify required ciphers ECDHE-ECDSA-AES128-GCM-SHA256 ssl-min-ver TLSv1\.2 ssl-max-ver TLSv1\.3 alpn h2\n/,
    );
  });
});

describe('pool re-encryption in the Octavia v2 mapping', () => {
  const reencrypting = (change: Parameters<typeof pool>[1]) => {
    const lb = twoListeners();
    return { ...lb, pools: lb.pools.map((p) => (p.id === id(31) ? { ...p, tlsEnabled: true, ...change } : p)) };
  };

  it('presents the client certificate and verifies the members against the CA', () => {
    const backend = served(reencrypting({ tlsCertificateId: id(85), caCertificateId: id(83), tlsVersions: ['TLSv1.2'] })).backends.find(
      (b) => b.id === id(31),
    );
    expect(backend?.tls).toEqual({
      clientCertificate: { certificateId: id(85), fingerprint: fp('85') },
      ca: { certificateId: id(83), fingerprint: fp('83') },
      crl: null,
      ciphers: null,
      versions: ['TLSv1.2'],
      alpn: null,
    });
  });

  it('does not verify the members without a CA, renders nothing while a certificate is not folded, and checks them against a CRL', () => {
    expect(served(reencrypting({})).backends.find((b) => b.id === id(31))?.tls).toMatchObject({ clientCertificate: null, ca: null });
    expect(loadBalancerServedConfig(reencrypting({ caCertificateId: id(86) }), folded)).toBeNull();
    const withCrl = reencrypting({ caCertificateId: id(83), crlCertificateId: id(84) });
    expect(served(withCrl).backends.find((b) => b.id === id(31))?.tls?.crl).toEqual({ certificateId: id(84), fingerprint: fp('84') });
    expect(loadBalancerServedConfig(withCrl, without(id(84)))).toBeNull();
  });
});
