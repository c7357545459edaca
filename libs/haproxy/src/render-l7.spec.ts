import { baseHaproxyInput, GOLDEN_TLS, uuidOf, withPool, withVip } from './golden-cases';
import { HAPROXY_CASES } from './golden-cases-l7';
import type { HaproxyInput, RenderedFrontendTlsOptions, RenderedL7Policy, RenderedL7Rule } from './model';
import { haproxyFacts } from './placement-bundle';
import { renderHaproxyConfig } from './render-haproxy';
import { logFormatQuoted, ruleAcl } from './render-l7';
import { InvalidRenderInput } from './validate';

const rule = (n: number, change: Partial<RenderedL7Rule> = {}): RenderedL7Rule => ({
  id: uuidOf(100 + n),
  type: 'PATH',
  compareType: 'STARTS_WITH',
  key: null,
  value: `/p${n}`,
  invert: false,
  ...change,
});
const policy = (n: number, action: RenderedL7Policy['action'], change: Partial<RenderedL7Policy> = {}): RenderedL7Policy => ({
  id: uuidOf(90 + n),
  action,
  backendId: action === 'REDIRECT_TO_POOL' ? uuidOf(3) : null,
  redirect: action === 'REDIRECT_TO_URL' || action === 'REDIRECT_PREFIX' ? 'https://lbaas.test' : null,
  redirectCode: action === 'REDIRECT_TO_URL' || action === 'REDIRECT_PREFIX' ? 302 : null,
  rules: [rule(n)],
  ...change,
});
const frontendLines = (i: HaproxyInput) =>
  renderHaproxyConfig(i)
    .split('\n')
    .map((l) => l.trim());
const OPTIONS: RenderedFrontendTlsOptions = {
  sni: [],
  clientCa: null,
  clientCrl: null,
  clientAuthentication: 'NONE',
  ciphers: null,
  versions: null,
  alpn: null,
};

describe('L7 rendering', () => {
  it('reads each rule type with its fetch, and a compare type as its match method', () => {
    expect(ruleAcl(rule(1, { type: 'HOST_NAME', compareType: 'REGEX', value: '^a$' }))).toBe(
      `acl ${uuidOf(101)} req.hdr(host) -i -m reg -- "^a\\$"`,
    );
    expect(ruleAcl(rule(1, { type: 'FILE_TYPE', compareType: 'EQUAL_TO', value: 'jpg' }))).toBe(
      `acl ${uuidOf(101)} path_end -m str -- "jpg"`,
    );
    expect(ruleAcl(rule(1, { type: 'COOKIE', compareType: 'CONTAINS', key: 'SID', value: 'x' }))).toBe(
      `acl ${uuidOf(101)} req.cook("SID") -m sub -- "x"`,
    );
    expect(ruleAcl(rule(1, { type: 'HEADER', compareType: 'ENDS_WITH', key: 'X-A', value: 'x' }))).toBe(
      `acl ${uuidOf(101)} req.hdr("X-A") -m end -- "x"`,
    );
    expect(ruleAcl(rule(1, { type: 'SSL_CONN_HAS_CERT', compareType: 'EQUAL_TO', value: 'True' }))).toBe(`acl ${uuidOf(101)} ssl_c_used`);
    expect(ruleAcl(rule(1, { type: 'SSL_VERIFY_RESULT', compareType: 'EQUAL_TO', value: '20' }))).toBe(
      `acl ${uuidOf(101)} ssl_c_verify eq 20`,
    );
    expect(ruleAcl(rule(1, { type: 'SSL_DN_FIELD', compareType: 'EQUAL_TO', key: 'CN', value: 'a b' }))).toBe(
      `acl ${uuidOf(101)} ssl_c_s_dn("CN") -m str -- "a b"`,
    );
  });

  it("doubles a redirect target's % (a log format) before quoting it", () => {
    expect(logFormatQuoted('https://a/%20$#"')).toBe('"https://a/%%20\\$\\#\\""');
  });

  it('keeps position order across http-request rules and use_backend: a policy after a chosen pool applies only while none is chosen', () => {
    const lines = frontendLines(
      withVip({
        l7Policies: [
          policy(1, 'REJECT'),
          policy(2, 'REDIRECT_TO_POOL'),
          policy(3, 'REDIRECT_PREFIX'),
          policy(4, 'REJECT', { rules: [rule(4, { invert: true }), rule(5)] }),
        ],
      })(baseHaproxyInput()),
    );
    const actions = lines.filter((l) => l.startsWith('http-request') || l.startsWith('use_backend') || l.startsWith('default_backend'));
    expect(actions).toEqual([
      `http-request deny if ${uuidOf(101)}`,
      `http-request set-var(txn.lb_l7_pool) str(${uuidOf(3)}) if ${uuidOf(102)}`,
      `http-request redirect prefix "https://lbaas.test" code 302 if !{ var(txn.lb_l7_pool) -m found } ${uuidOf(103)}`,
      `http-request deny if !{ var(txn.lb_l7_pool) -m found } !${uuidOf(104)} ${uuidOf(105)}`,
      `use_backend ${uuidOf(3)} if { var(txn.lb_l7_pool) -m str ${uuidOf(3)} }`,
      `default_backend ${uuidOf(3)}`,
    ]);
  });

  it('puts at most 50 allowed CIDRs on one acl line (HAProxy reads 64 words a line)', () => {
    const cidrs = Array.from({ length: 100 }, (_, n) => `198.19.${n}.0/24`);
    const lines = frontendLines(withVip({ allowedCidrs: cidrs })(baseHaproxyInput()));
    expect(lines.filter((l) => l.startsWith('acl lb_allowed_cidrs src ')).map((l) => l.split(' ').length - 3)).toEqual([50, 50]);
    expect(lines).toContain('tcp-request connection reject unless lb_allowed_cidrs');
  });

  it('names every file the TLS golden cases read, each once, by kind', () => {
    const facts = haproxyFacts(HAPROXY_CASES['v2-sni-client-auth'](baseHaproxyInput()), '');
    expect(facts.tlsFiles.map((f) => [f.kind, f.certificateId, f.path.split('/').pop()])).toEqual([
      ['certificate', uuidOf(80), `${uuidOf(80)}-5f3a09c2e1b47d86.pem`],
      ['certificate', uuidOf(81), `${uuidOf(81)}-a1a1a1a1a1a1a1a1.pem`],
      ['certificate', uuidOf(82), `${uuidOf(82)}-b2b2b2b2b2b2b2b2.pem`],
      ['ca', uuidOf(83), `${uuidOf(83)}-c3c3c3c3c3c3c3c3.ca.pem`],
      ['crl', uuidOf(84), `${uuidOf(84)}-d4d4d4d4d4d4d4d4.crl.pem`],
    ]);
    const pools = haproxyFacts(HAPROXY_CASES['v2-reencryption'](baseHaproxyInput()), '');
    expect(pools.tlsFiles.map((f) => f.kind)).toEqual(['certificate', 'ca', 'crl']);
  });

  it.each([
    [
      'policies on a tcp frontend',
      withVip({
        mode: 'tcp',
        insertHeaders: { forwardedFor: false, forwardedPort: false, forwardedProto: false },
        l7Policies: [policy(1, 'REJECT')],
      }),
      'frontends[0].l7Policies',
    ],
    ['a policy without a rule', withVip({ l7Policies: [policy(1, 'REJECT', { rules: [] })] }), 'frontends[0].l7Policies[0].rules'],
    [
      'a pool that is not a backend',
      withVip({ l7Policies: [policy(1, 'REDIRECT_TO_POOL', { backendId: uuidOf(9) })] }),
      'frontends[0].l7Policies[0].backendId',
    ],
    [
      'a pool in tcp mode',
      (i: HaproxyInput) => withVip({ l7Policies: [policy(1, 'REDIRECT_TO_POOL')], defaultBackendId: null })(withPool({ mode: 'tcp' })(i)),
      'frontends[0].l7Policies[0].backendId',
    ],
    [
      'a redirect code that is no redirect',
      withVip({ l7Policies: [policy(1, 'REDIRECT_TO_URL', { redirectCode: 200 as 302 })] }),
      'frontends[0].l7Policies[0].redirectCode',
    ],
    [
      'a redirect to another scheme',
      withVip({ l7Policies: [policy(1, 'REDIRECT_PREFIX', { redirect: 'javascript:alert(1)' })] }),
      'frontends[0].l7Policies[0].redirect',
    ],
    [
      'one rule id twice',
      withVip({ l7Policies: [policy(1, 'REJECT'), policy(2, 'REJECT', { rules: [rule(1)] })] }),
      'frontends[0].l7Policies[1].rules[0].id',
    ],
    [
      'a header key with a quote',
      withVip({ l7Policies: [policy(1, 'REJECT', { rules: [rule(1, { type: 'HEADER', key: "X-'" })] })] }),
      'frontends[0].l7Policies[0].rules[0].key',
    ],
    [
      'a key on a PATH rule',
      withVip({ l7Policies: [policy(1, 'REJECT', { rules: [rule(1, { key: 'X' })] })] }),
      'frontends[0].l7Policies[0].rules[0].key',
    ],
    ['TLS options without TLS', withVip({ tlsOptions: OPTIONS }), 'frontends[0].tlsOptions'],
    [
      'client certificate headers without TLS',
      withVip({ clientCertificateHeaders: ['X-SSL-Client-DN'] }),
      'frontends[0].clientCertificateHeaders',
    ],
    [
      'versions with a hole',
      withVip({ tls: GOLDEN_TLS, tlsOptions: { ...OPTIONS, versions: ['TLSv1', 'TLSv1.2'] } }),
      'frontends[0].tlsOptions.versions',
    ],
    [
      'versions newest first',
      withVip({ tls: GOLDEN_TLS, tlsOptions: { ...OPTIONS, versions: ['TLSv1.3', 'TLSv1.2'] } }),
      'frontends[0].tlsOptions.versions',
    ],
    ['an empty ALPN list', withVip({ tls: GOLDEN_TLS, tlsOptions: { ...OPTIONS, alpn: [] } }), 'frontends[0].tlsOptions.alpn'],
    [
      'MANDATORY without a CA',
      withVip({ tls: GOLDEN_TLS, tlsOptions: { ...OPTIONS, clientAuthentication: 'MANDATORY' } }),
      'frontends[0].tlsOptions.clientCa',
    ],
    [
      'a CRL without a CA',
      withVip({ tls: GOLDEN_TLS, tlsOptions: { ...OPTIONS, clientCrl: GOLDEN_TLS } }),
      'frontends[0].tlsOptions.clientCrl',
    ],
    [
      'a pool CRL without a CA',
      withPool({ tls: { clientCertificate: null, ca: null, crl: GOLDEN_TLS, ciphers: null, versions: null, alpn: null } }),
      'backends[0].tls.crl',
    ],
    ['an IPv6 CIDR', withVip({ allowedCidrs: ['2001:db8::/32'] }), 'frontends[0].allowedCidrs[0]'],
    ['a CIDR with a /33', withVip({ allowedCidrs: ['198.18.0.0/33'] }), 'frontends[0].allowedCidrs[0]'],
  ])('refuses %s', (_what, change, field) => {
    expect(() => renderHaproxyConfig(change(baseHaproxyInput()))).toThrow(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `));
    expect(() => renderHaproxyConfig(change(baseHaproxyInput()))).toThrow(InvalidRenderInput);
  });
});
