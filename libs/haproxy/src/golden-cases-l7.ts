import { DEFAULT_TLS_CIPHERS } from '@lbaas/domain';
import {
  all,
  BASE_CASES,
  backendOf,
  type Change,
  GOLDEN_TLS,
  memberOf,
  monitorOf,
  secondListener,
  secondPool,
  twoListeners,
  uuidOf,
  withMonitors,
  withPool,
  withVip,
} from './golden-cases';
import type { RenderedFrontendTlsOptions, RenderedL7Policy, RenderedL7Rule, RenderedTls } from './model';

/*
 * The golden cases of issue 16's half of the Octavia v2 mapping: L7 policies and rules, allowed
 * CIDRs, SNI and client authentication, re-encryption (ARCHITECTURE.md section 6). Ids: ...009x
 * policies, ...01xx rules, ...008x certificates (80 the default one, 81 and 82 SNI, 83 the
 * client CA, 84 its CRL, 85 the pools' client certificate, 86 their CA), ...0033 a third pool.
 */

const certificate = (n: number, fingerprint: string): RenderedTls => ({
  certificateId: uuidOf(n),
  fingerprint: fingerprint.repeat(64 / fingerprint.length),
});
const SNI = [certificate(81, 'a1'), certificate(82, 'b2')];
const CLIENT_CA = certificate(83, 'c3');
const CLIENT_CRL = certificate(84, 'd4');
const POOL_CLIENT = certificate(85, 'e5');
const POOL_CA = certificate(86, 'f6');

const rule = (
  n: number,
  type: RenderedL7Rule['type'],
  compareType: RenderedL7Rule['compareType'],
  value: string,
  change: Partial<RenderedL7Rule> = {},
): RenderedL7Rule => ({
  id: uuidOf(100 + n),
  type,
  compareType,
  key: null,
  value,
  invert: false,
  ...change,
});
const policy = (
  n: number,
  action: RenderedL7Policy['action'],
  rules: RenderedL7Rule[],
  change: Partial<RenderedL7Policy> = {},
): RenderedL7Policy => ({
  id: uuidOf(90 + n),
  action,
  backendId: null,
  redirect: null,
  redirectCode: null,
  rules,
  ...change,
});

/** A third pool, HTTP, that L7 policies send requests to. */
const withThirdPool: Change = (i) => ({
  ...i,
  backends: [
    ...i.backends,
    backendOf(33, { modeOf: { object: 'pool', protocol: 'HTTP' }, members: [memberOf(45, '198.18.2.14'), memberOf(46, '198.18.2.15')] }),
  ],
});

/** Every action and the common rule types on the HTTP listener, in position order, the second pool chosen twice. */
const POLICIES: RenderedL7Policy[] = [
  policy(1, 'REJECT', [rule(1, 'PATH', 'STARTS_WITH', '/admin')]),
  policy(2, 'REDIRECT_TO_POOL', [rule(2, 'PATH', 'STARTS_WITH', '/api'), rule(3, 'HEADER', 'EQUAL_TO', '2', { key: 'X-Version' })], {
    backendId: uuidOf(33),
  }),
  policy(3, 'REDIRECT_PREFIX', [rule(4, 'HOST_NAME', 'REGEX', '^old\\.lbaas\\.test$')], {
    redirect: 'https://www.lbaas.test',
    redirectCode: 301,
  }),
  policy(
    4,
    'REDIRECT_TO_URL',
    [rule(5, 'FILE_TYPE', 'EQUAL_TO', 'php'), rule(6, 'COOKIE', 'CONTAINS', 'beta', { key: 'SID', invert: true })],
    { redirect: 'https://lbaas.test/moved?from=a%20b', redirectCode: 308 },
  ),
  policy(5, 'REDIRECT_TO_POOL', [rule(7, 'HOST_NAME', 'ENDS_WITH', '.beta.lbaas.test')], { backendId: uuidOf(33) }),
];

/** Values that mean something to haproxy.cfg or to an acl's flags, each of which must stay one pattern. */
const HOSTILE: RenderedL7Policy[] = [
  policy(1, 'REJECT', [
    rule(1, 'PATH', 'EQUAL_TO', '-i'),
    rule(2, 'HEADER', 'CONTAINS', 'a "quoted" # not a comment $HOME \\ end', { key: 'X-Odd_#$%&*+.^`|~' }),
    rule(3, 'COOKIE', 'REGEX', '^(a|b)\\d+ .*$', { key: 'S$ID#' }),
    rule(4, 'PATH', 'ENDS_WITH', ' if TRUE'),
  ]),
  policy(2, 'REDIRECT_TO_URL', [rule(5, 'HOST_NAME', 'EQUAL_TO', 'x }')], {
    redirect: 'https://lbaas.test/%25$HOME#frag"',
    redirectCode: 302,
  }),
];

const TLS_OPTIONS: RenderedFrontendTlsOptions = {
  sni: SNI,
  clientCa: CLIENT_CA,
  clientCrl: CLIENT_CRL,
  clientAuthentication: 'MANDATORY',
  ciphers: DEFAULT_TLS_CIPHERS,
  versions: ['TLSv1.2', 'TLSv1.3'],
  alpn: ['h2', 'http/1.1', 'http/1.0'],
};
const terminatedListener = (tlsOptions: RenderedFrontendTlsOptions): Change =>
  withVip({
    protocolPort: 443,
    tls: GOLDEN_TLS,
    tlsOptions,
    insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true },
  });

const CIDRS = Array.from({ length: 60 }, (_, n) => `198.18.${n}.0/24`);

export const L7_CASES: Record<string, Change> = {
  'v2-l7-policies': all(twoListeners, withThirdPool, withVip({ l7Policies: POLICIES })),
  'v2-l7-hostile-values': all(twoListeners, withVip({ l7Policies: HOSTILE })),
  'v2-allowed-cidrs': all(
    twoListeners,
    withVip({ allowedCidrs: ['198.18.7.0/24', '198.19.0.1/32'] }),
    secondListener({ allowedCidrs: CIDRS }),
  ),
  'v2-sni-client-auth': all(
    twoListeners,
    terminatedListener(TLS_OPTIONS),
    withVip({
      clientCertificateHeaders: [
        'X-SSL-Client-Verify',
        'X-SSL-Client-Has-Cert',
        'X-SSL-Client-DN',
        'X-SSL-Client-CN',
        'X-SSL-Issuer',
        'X-SSL-Client-SHA1',
        'X-SSL-Client-Not-Before',
        'X-SSL-Client-Not-After',
      ],
      l7Policies: [
        policy(1, 'REJECT', [rule(1, 'SSL_CONN_HAS_CERT', 'EQUAL_TO', 'True', { invert: true })]),
        policy(2, 'REJECT', [rule(2, 'SSL_VERIFY_RESULT', 'EQUAL_TO', '0', { invert: true })]),
        policy(3, 'REDIRECT_TO_POOL', [rule(3, 'SSL_DN_FIELD', 'EQUAL_TO', 'ops', { key: 'OU' })], { backendId: uuidOf(31) }),
      ],
    }),
  ),
  'v2-client-auth-optional': all(
    twoListeners,
    terminatedListener({
      ...TLS_OPTIONS,
      sni: [],
      clientCrl: null,
      clientAuthentication: 'OPTIONAL',
      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      versions: ['TLSv1.1', 'TLSv1.2'],
      alpn: ['http/1.1'],
    }),
    withVip({ clientCertificateHeaders: ['X-SSL-Client-Verify', 'X-SSL-Client-DN'] }),
  ),
  'v2-client-ca-not-verified': all(
    twoListeners,
    terminatedListener({
      ...TLS_OPTIONS,
      sni: [SNI[0]],
      clientCrl: null,
      clientAuthentication: 'NONE',
      ciphers: 'TLS_AES_128_GCM_SHA256',
      versions: ['TLSv1.3'],
      alpn: null,
    }),
  ),
  'v2-reencryption': all(
    twoListeners,
    withPool({
      tls: {
        clientCertificate: POOL_CLIENT,
        ca: POOL_CA,
        crl: CLIENT_CRL,
        ciphers: DEFAULT_TLS_CIPHERS,
        versions: ['TLSv1.2', 'TLSv1.3'],
        alpn: ['h2', 'http/1.1'],
      },
    }),
    withMonitors(monitorOf('HTTPS', { urlPath: '/healthz' })),
    secondPool({ tls: { clientCertificate: null, ca: null, crl: null, ciphers: null, versions: null, alpn: null } }),
  ),
};

/** Every golden haproxy.cfg: v1's and Octavia v2's. */
export const HAPROXY_CASES: Record<string, Change> = { ...BASE_CASES, ...L7_CASES };
