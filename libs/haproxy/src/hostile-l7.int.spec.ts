import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { outcome } from './checker-outcome';
import { baseHaproxyInput, GOLDEN_TLS, uuidOf, withPool, withVip } from './golden-cases';
import type { HaproxyInput, RenderedBackendTls, RenderedFrontendTlsOptions, RenderedL7Policy, RenderedL7Rule } from './model';
import { haproxyFacts } from './placement-bundle';
import { renderHaproxyConfig } from './render-haproxy';
import { writeThrowawayCertificate } from './throwaway-certificate';
import { InvalidRenderInput } from './validate';

// Hostile values in the fields of issue 16 (L7 policies and rules, allowed CIDRs, TLS options):
// refused before any text, or, where a free-form value is allowed (a rule's value, a redirect),
// one quoted word that HAProxy reads back as exactly that value.

/** Each holds a character no id, key, CIDR, cipher string or list entry may hold. */
const HOSTILE = [
  '\n',
  '\r\n',
  '"',
  "'",
  ' ',
  '\t',
  '\\',
  '{',
  '}',
  '\u0000',
  '\u2028',
  '\u00e9',
  '$(reboot) now',
  '\nbackend evil\n    server x 1.2.3.4:1',
  ' if TRUE',
  ')',
  ',',
  'x'.repeat(3000),
];
/** What a free-form value may hold and haproxy.cfg reads otherwise: each must stay part of the one quoted word. */
const SYNTAX = ['#', '-i', '%[src]', '$HOME', '"', "'", '\\', ' ', '{ }', ' if TRUE'];
const hostileString = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }))
  .map(([a, h, b]) => `${a}${h}${b}`);
const syntaxString = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...SYNTAX), fc.string({ maxLength: 12 }))
  .map(([a, h, b]) => `${a}${h}${b}`);

const rule = (change: Partial<RenderedL7Rule> = {}): RenderedL7Rule => ({
  id: uuidOf(101),
  type: 'PATH',
  compareType: 'EQUAL_TO',
  key: null,
  value: '/x',
  invert: false,
  ...change,
});
const policy = (change: Partial<RenderedL7Policy> = {}): RenderedL7Policy => ({
  id: uuidOf(91),
  action: 'REJECT',
  backendId: null,
  redirect: null,
  redirectCode: null,
  rules: [rule()],
  ...change,
});
const TLS_OPTIONS: RenderedFrontendTlsOptions = {
  sni: [],
  clientCa: null,
  clientCrl: null,
  clientAuthentication: 'NONE',
  ciphers: null,
  versions: null,
  alpn: null,
};
const BACKEND_TLS: RenderedBackendTls = { clientCertificate: null, ca: null, crl: null, ciphers: null, versions: null, alpn: null };
const terminated = (o: Partial<RenderedFrontendTlsOptions>) =>
  withVip({ protocolPort: 443, tls: GOLDEN_TLS, tlsOptions: { ...TLS_OPTIONS, ...o } });
const file = (v: string) => ({ certificateId: v, fingerprint: 'a'.repeat(64) });
const base = baseHaproxyInput;

type Put = (value: string) => HaproxyInput;
/** Fields where every hostile value is refused: ids, keys, CIDRs, cipher strings, list entries. */
const REFUSED: Record<string, Put> = {
  'l7Policies[].id': (v) => withVip({ l7Policies: [policy({ id: v })] })(base()),
  'l7Policies[].backendId': (v) => withVip({ l7Policies: [policy({ action: 'REDIRECT_TO_POOL', backendId: v })] })(base()),
  'l7Policies[].action': (v) => withVip({ l7Policies: [policy({ action: v as 'REJECT' })] })(base()),
  'rules[].id': (v) => withVip({ l7Policies: [policy({ rules: [rule({ id: v })] })] })(base()),
  'rules[].type': (v) => withVip({ l7Policies: [policy({ rules: [rule({ type: v as 'PATH' })] })] })(base()),
  'rules[].compareType': (v) => withVip({ l7Policies: [policy({ rules: [rule({ compareType: v as 'REGEX' })] })] })(base()),
  'rules[].key (HEADER)': (v) => withVip({ l7Policies: [policy({ rules: [rule({ type: 'HEADER', key: `X-A${v}` })] })] })(base()),
  'rules[].key (COOKIE)': (v) => withVip({ l7Policies: [policy({ rules: [rule({ type: 'COOKIE', key: `S${v}` })] })] })(base()),
  'rules[].key (SSL_DN_FIELD)': (v) =>
    withVip({ l7Policies: [policy({ rules: [rule({ type: 'SSL_DN_FIELD', key: `CN${v}` })] })] })(base()),
  'rules[].value (SSL_VERIFY_RESULT)': (v) =>
    withVip({ l7Policies: [policy({ rules: [rule({ type: 'SSL_VERIFY_RESULT', value: `0${v}` })] })] })(base()),
  allowedCidrs: (v) => withVip({ allowedCidrs: [`198.18.0.0/15${v}`] })(base()),
  clientCertificateHeaders: (v) =>
    terminated({})(withVip({ clientCertificateHeaders: [`X-SSL-Client-DN${v}` as 'X-SSL-Client-DN'] })(base())),
  'tlsOptions.sni[].certificateId': (v) => terminated({ sni: [file(v)] })(base()),
  'tlsOptions.clientCa.certificateId': (v) => terminated({ clientCa: file(v), clientAuthentication: 'MANDATORY' })(base()),
  'tlsOptions.ciphers': (v) => terminated({ ciphers: `ECDHE-RSA-AES128-GCM-SHA256${v}` })(base()),
  'tlsOptions.versions[]': (v) => terminated({ versions: [`TLSv1.2${v}` as 'TLSv1.2'] })(base()),
  'tlsOptions.alpn[]': (v) => terminated({ alpn: [`h2${v}` as 'h2'] })(base()),
  'backends[].tls.ca.certificateId': (v) => withPool({ tls: { ...BACKEND_TLS, ca: file(v) } })(base()),
  'backends[].tls.ciphers': (v) => withPool({ tls: { ...BACKEND_TLS, ciphers: `AES128-SHA${v}` } })(base()),
  'backends[].tls.alpn[]': (v) => withPool({ tls: { ...BACKEND_TLS, alpn: [`h2${v}` as 'h2'] } })(base()),
};

/** haproxy.cfg's words as its parser splits them: spaces apart, "..." and '...' quoted, \ escaping. */
function words(line: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === null && c === ' ') {
      if (word !== null) out.push(word);
      word = null;
    } else if (quote === null && (c === '"' || c === "'")) {
      quote = c;
      word ??= '';
    } else if (c === quote) quote = null;
    else if (c === '\\' && quote !== "'") word = `${word ?? ''}${line[++i]}`;
    else word = `${word ?? ''}${c}`;
  }
  if (word !== null) out.push(word);
  return out;
}

const frontendLines = (text: string) => text.split('\n').map((l) => l.trim());
const printable = fc.string({ minLength: 1, maxLength: 60 });
const rendered = (value: string) =>
  renderHaproxyConfig(
    withVip({ l7Policies: [policy({ rules: [rule({ type: 'HEADER', compareType: 'CONTAINS', key: 'X-A', value })] })] })(base()),
  );

describe('hostile values in L7 policies, allowed CIDRs and TLS options', () => {
  it.each(Object.keys(REFUSED))('in %s are refused with InvalidRenderInput', (field) => {
    fc.assert(
      fc.property(hostileString, (v) => {
        expect(() => renderHaproxyConfig(REFUSED[field](v))).toThrow(InvalidRenderInput);
      }),
      { numRuns: 100 },
    );
  });

  it('in a rule value are refused when they hold a control or non-ASCII character, else become one word read back as the value', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString, syntaxString, printable), (value) => {
        if (/[^\x20-\x7e]/.test(value) || value.length > 1024) {
          expect(() => rendered(value)).toThrow(InvalidRenderInput);
          return;
        }
        const acl = frontendLines(rendered(value)).find((l) => l.startsWith(`acl ${uuidOf(101)}`)) ?? '';
        expect(words(acl)).toEqual(['acl', uuidOf(101), 'req.hdr(X-A)', '-m', 'sub', '--', value]);
      }),
      { numRuns: 500 },
    );
  });

  it('in a redirect target are refused, or one word whose log format is the value (every % doubled)', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString, syntaxString, printable), (tail) => {
        const redirect = `https://lbaas.test/${tail}`;
        const input = withVip({ l7Policies: [policy({ action: 'REDIRECT_TO_URL', redirect, redirectCode: 302 })] })(base());
        if (/[^\x21-\x7e]/.test(tail) || redirect.length > 2048) {
          expect(() => renderHaproxyConfig(input)).toThrow(InvalidRenderInput);
          return;
        }
        const line = frontendLines(renderHaproxyConfig(input)).find((l) => l.startsWith('http-request redirect')) ?? '';
        expect(words(line).slice(0, 6)).toEqual(['http-request', 'redirect', 'location', redirect.replaceAll('%', '%%'), 'code', '302']);
      }),
      { numRuns: 500 },
    );
  });
});

describe('haproxy -c on random rule values and redirect targets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbt-l7-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts 60 random printable values, each as one pattern, without a warning', async () => {
    const values = fc.sample(fc.oneof(syntaxString, printable), { numRuns: 60, seed: 20261116 });
    const compareTypes = ['EQUAL_TO', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS'] as const;
    const rules = values.map((value, n) =>
      rule({
        id: uuidOf(200 + n),
        type: n % 2 === 0 ? 'PATH' : 'HEADER',
        key: n % 2 === 0 ? null : 'X-A',
        compareType: compareTypes[n % 4],
        value,
      }),
    );
    const redirects = values.slice(0, 20).map((tail, n) =>
      policy({
        id: uuidOf(300 + n),
        action: n % 2 === 0 ? 'REDIRECT_TO_URL' : 'REDIRECT_PREFIX',
        redirect: `https://lbaas.test/${tail.replaceAll(' ', '')}x`,
        redirectCode: 307,
        rules: [{ ...rules[n], id: uuidOf(400 + n) }],
      }),
    );
    const input = {
      ...withVip({ l7Policies: [policy({ rules: rules.slice(0, 30) }), policy({ id: uuidOf(92), rules: rules.slice(30) }), ...redirects] })(
        base(),
      ),
      runDir: dir,
    };
    mkdirSync(join(dir, 'tls'), { recursive: true });
    expect(haproxyFacts(input, '').tlsFiles).toEqual([]);
    const path = join(dir, 'random-l7.cfg');
    writeFileSync(path, renderHaproxyConfig(input));
    expect(await outcome('/usr/sbin/haproxy', ['-c', '-dW', '-f', path])).toEqual({ code: 0, output: 'Configuration file is valid' });
  });

  it('accepts a TLS frontend with every option and a re-encrypting backend', async () => {
    const certificate = join(dir, 'throwaway.pem');
    await writeThrowawayCertificate(certificate);
    const input = {
      ...terminated({
        sni: [file(uuidOf(81))],
        clientCa: file(uuidOf(83)),
        clientCrl: file(uuidOf(84)),
        clientAuthentication: 'OPTIONAL',
        ciphers: 'TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256',
        versions: ['TLSv1.2', 'TLSv1.3'],
        alpn: ['h2'],
      })(withPool({ tls: { ...BACKEND_TLS, clientCertificate: file(uuidOf(85)), ca: file(uuidOf(86)), versions: ['TLSv1.3'] } })(base())),
      runDir: dir,
    };
    for (const f of haproxyFacts(input, '').tlsFiles) writeFileSync(f.path, readFileSync(certificate));
    expect(haproxyFacts(input, '').tlsFiles.map((f) => f.kind)).toEqual(['certificate', 'certificate', 'ca', 'crl', 'certificate', 'ca']);
    const path = join(dir, 'tls-options.cfg');
    writeFileSync(path, renderHaproxyConfig(input));
    expect(await outcome('/usr/sbin/haproxy', ['-c', '-dW', '-f', path])).toEqual({ code: 0, output: 'Configuration file is valid' });
  });
});
