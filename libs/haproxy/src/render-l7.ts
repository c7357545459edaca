import type { L7RuleCompareType, TlsVersion } from '@lbaas/domain';
import { haproxyQuoted } from './config-string';
import type { ClientCertificateHeader, RenderedBackend, RenderedFrontend, RenderedL7Policy, RenderedL7Rule } from './model';
import { tlsFilePath } from './tls';

/*
 * The Octavia v2 lines of a frontend and a server beyond v1's: L7 policies and rules, allowed
 * CIDRs, client-certificate headers, and the TLS options of binds and servers (ARCHITECTURE.md
 * section 6). Every value was validated (validate-l7.ts); a free-form one (a rule's value, a
 * redirect target) reaches the file only as one double-quoted word.
 */

const MATCH: Record<L7RuleCompareType, string> = { REGEX: 'reg', STARTS_WITH: 'beg', ENDS_WITH: 'end', CONTAINS: 'sub', EQUAL_TO: 'str' };

/** The acl name allowed_cidrs are matched by: not a uuid, so no rule's acl can take it. */
export const ALLOWED_CIDRS_ACL = 'lb_allowed_cidrs';
/** HAProxy reads at most 64 words a line: the CIDRs go on several lines of one acl, which HAProxy ORs. */
const CIDRS_PER_LINE = 50;
/** The transaction variable that holds the backend an earlier REDIRECT_TO_POOL policy chose. */
const POOL_VARIABLE = 'txn.lb_l7_pool';

const HAPROXY_TLS_VERSION: Record<TlsVersion, string> = {
  SSLv3: 'SSLv3',
  TLSv1: 'TLSv1.0',
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
};

const CLIENT_CERTIFICATE_FETCH: Record<ClientCertificateHeader, string> = {
  'X-SSL-Client-Verify': '%[ssl_c_verify]',
  'X-SSL-Client-Has-Cert': '%[ssl_c_used]',
  'X-SSL-Client-DN': '%{+Q}[ssl_c_s_dn]',
  'X-SSL-Client-CN': '%{+Q}[ssl_c_s_dn(cn)]',
  'X-SSL-Issuer': '%{+Q}[ssl_c_i_dn]',
  'X-SSL-Client-SHA1': '%{+Q}[ssl_c_sha1,hex]',
  'X-SSL-Client-Not-Before': '%{+Q}[ssl_c_notbefore]',
  'X-SSL-Client-Not-After': '%{+Q}[ssl_c_notafter]',
};

/**
 * A value as one word of an `http-request redirect` target, which HAProxy reads as a log format:
 * a `%` (a URL's percent-encoding) is doubled so it stays a literal `%`, then the word is quoted.
 */
export const logFormatQuoted = (value: string): string => haproxyQuoted(value.replaceAll('%', '%%'));

/**
 * The `acl` line of a rule. The pattern follows `--`, so a value that starts with `-` is a
 * pattern and never a flag; a key is a sample fetch's argument, validated to hold no `,` or `)`.
 */
export function ruleAcl(r: RenderedL7Rule): string {
  const pattern = `-m ${MATCH[r.compareType]} -- ${haproxyQuoted(r.value)}`;
  const key = r.key === null ? '' : haproxyQuoted(r.key);
  switch (r.type) {
    case 'HOST_NAME':
      return `acl ${r.id} req.hdr(host) -i ${pattern}`;
    case 'PATH':
      return `acl ${r.id} path ${pattern}`;
    case 'FILE_TYPE':
      return `acl ${r.id} path_end ${pattern}`;
    case 'HEADER':
      return `acl ${r.id} req.hdr(${key}) ${pattern}`;
    case 'COOKIE':
      return `acl ${r.id} req.cook(${key}) ${pattern}`;
    case 'SSL_CONN_HAS_CERT':
      return `acl ${r.id} ssl_c_used`;
    case 'SSL_VERIFY_RESULT':
      return `acl ${r.id} ssl_c_verify eq ${Number(r.value)}`;
    case 'SSL_DN_FIELD':
      return `acl ${r.id} ssl_c_s_dn(${key}) ${pattern}`;
    default: {
      const unhandled: never = r.type;
      throw new Error(`unknown L7 rule type ${String(unhandled)}`);
    }
  }
}

function policyAction(p: RenderedL7Policy): string {
  switch (p.action) {
    case 'REJECT':
      return 'http-request deny';
    case 'REDIRECT_TO_URL':
      return `http-request redirect location ${logFormatQuoted(p.redirect ?? '')} code ${p.redirectCode ?? 302}`;
    case 'REDIRECT_PREFIX':
      return `http-request redirect prefix ${logFormatQuoted(p.redirect ?? '')} code ${p.redirectCode ?? 302}`;
    case 'REDIRECT_TO_POOL':
      return `http-request set-var(${POOL_VARIABLE}) str(${p.backendId ?? ''})`;
    default: {
      const unhandled: never = p.action;
      throw new Error(`unknown L7 policy action ${String(unhandled)}`);
    }
  }
}

/**
 * A frontend's rules and policies. HAProxy evaluates every `http-request` rule before any
 * `use_backend`, so a REDIRECT_TO_POOL policy is an `http-request set-var` of its backend among
 * the other policies, in position order, and the policies after it apply only while no pool is
 * chosen; the `use_backend` lines then route by the variable, before `default_backend`.
 */
export function l7Lines(f: RenderedFrontend): string[] {
  const acls = f.l7Policies.flatMap((p) => p.rules.map(ruleAcl));
  let poolChosenBefore = false;
  const actions = f.l7Policies.map((p) => {
    const guard = poolChosenBefore ? ` !{ var(${POOL_VARIABLE}) -m found }` : '';
    poolChosenBefore ||= p.action === 'REDIRECT_TO_POOL';
    return `${policyAction(p)} if${guard} ${p.rules.map((r) => `${r.invert ? '!' : ''}${r.id}`).join(' ')}`;
  });
  const pools = [...new Set(f.l7Policies.flatMap((p) => (p.action === 'REDIRECT_TO_POOL' && p.backendId !== null ? [p.backendId] : [])))];
  return [...acls, ...actions, ...pools.map((id) => `use_backend ${id} if { var(${POOL_VARIABLE}) -m str ${id} }`)];
}

/** allowed_cidrs: connections from any other source are closed before anything is read (or a TLS handshake begins). */
export function allowedCidrLines(f: RenderedFrontend): string[] {
  if (f.allowedCidrs.length === 0) return [];
  const lines: string[] = [];
  for (let i = 0; i < f.allowedCidrs.length; i += CIDRS_PER_LINE)
    lines.push(`acl ${ALLOWED_CIDRS_ACL} src ${f.allowedCidrs.slice(i, i + CIDRS_PER_LINE).join(' ')}`);
  return [...lines, `tcp-request connection reject unless ${ALLOWED_CIDRS_ACL}`];
}

/** Set, not added: a client's own X-SSL-* headers never reach the members. */
export const clientCertificateHeaderLines = (f: RenderedFrontend): string[] =>
  f.clientCertificateHeaders.map((h) => `http-request set-header ${h} ${CLIENT_CERTIFICATE_FETCH[h]}`);

/** TLS 1.3 suites (TLS_*) are OpenSSL's `ciphersuites`, the others its `ciphers`: one string splits in two. */
function cipherOptions(ciphers: string | null): string[] {
  if (ciphers === null) return [];
  const names = ciphers.split(':').filter((c) => c !== '');
  const suites = names.filter((c) => c.startsWith('TLS_'));
  const others = names.filter((c) => !c.startsWith('TLS_'));
  return [
    ...(others.length > 0 ? [`ciphers ${others.join(':')}`] : []),
    ...(suites.length > 0 ? [`ciphersuites ${suites.join(':')}`] : []),
  ];
}

/** The versions are contiguous (validated): HAProxy warns about a hole, so a range is all it takes. */
const versionOptions = (versions: readonly TlsVersion[] | null): string[] =>
  versions === null
    ? []
    : [`ssl-min-ver ${HAPROXY_TLS_VERSION[versions[0]]}`, `ssl-max-ver ${HAPROXY_TLS_VERSION[versions[versions.length - 1]]}`];

/** The bind's TLS words (after the address) of a TLS-terminating frontend; '' without TLS. */
export function bindTlsOptions(runDir: string, f: RenderedFrontend): string {
  if (f.tls === null) return '';
  const crt = (t: { certificateId: string; fingerprint: string }) =>
    `crt ${tlsFilePath(runDir, 'certificate', t.certificateId, t.fingerprint)}`;
  const o = f.tlsOptions;
  // A v1 VIP's bind, byte for byte as before Octavia's options.
  if (o === null) return ` ssl ${crt(f.tls)} alpn h2,http/1.1`;
  const words = ['ssl', crt(f.tls), ...o.sni.map(crt)];
  if (o.clientCa !== null) {
    words.push(`ca-file ${tlsFilePath(runDir, 'ca', o.clientCa.certificateId, o.clientCa.fingerprint)}`);
    words.push(
      `verify ${o.clientAuthentication === 'MANDATORY' ? 'required' : o.clientAuthentication === 'OPTIONAL' ? 'optional' : 'none'}`,
    );
    if (o.clientCrl !== null) words.push(`crl-file ${tlsFilePath(runDir, 'crl', o.clientCrl.certificateId, o.clientCrl.fingerprint)}`);
  }
  words.push(...cipherOptions(o.ciphers), ...versionOptions(o.versions));
  if (o.alpn !== null) words.push(`alpn ${o.alpn.join(',')}`);
  return ` ${words.join(' ')}`;
}

/** The words every server line of a re-encrypting backend ends with; '' without TLS. */
export function serverTlsOptions(runDir: string, b: RenderedBackend): string {
  const t = b.tls;
  if (t === null) return '';
  const words = ['ssl'];
  if (t.clientCertificate !== null)
    words.push(`crt ${tlsFilePath(runDir, 'certificate', t.clientCertificate.certificateId, t.clientCertificate.fingerprint)}`);
  if (t.ca === null) words.push('verify none');
  else {
    words.push('verify required', `ca-file ${tlsFilePath(runDir, 'ca', t.ca.certificateId, t.ca.fingerprint)}`);
    if (t.crl !== null) words.push(`crl-file ${tlsFilePath(runDir, 'crl', t.crl.certificateId, t.crl.fingerprint)}`);
  }
  words.push(...cipherOptions(t.ciphers), ...versionOptions(t.versions));
  if (t.alpn !== null) words.push(`alpn ${t.alpn.join(',')}`);
  return ` ${words.join(' ')}`;
}
