import {
  ALPN_PROTOCOLS,
  CLIENT_AUTHENTICATIONS,
  L7POLICY_ACTIONS,
  L7RULE_COMPARE_TYPES,
  L7RULE_TYPES,
  REDIRECT_HTTP_CODES,
  TLS_VERSIONS,
} from '@lbaas/domain';
import {
  CLIENT_CERTIFICATE_HEADER_NAMES,
  type RenderedBackend,
  type RenderedBackendTls,
  type RenderedFrontend,
  type RenderedFrontendTlsOptions,
  type RenderedL7Policy,
  type RenderedL7Rule,
} from './model';
import { InvalidRenderInput } from './validate';

/*
 * The second wall for the Octavia v2 fields of frontends and backends (validate.ts has the
 * first fields'): the strict shape each value must have before render-l7.ts writes it.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const CIDR = new RegExp(`^${OCTET}(\\.${OCTET}){3}/([0-9]|[12][0-9]|3[0-2])$`);
// A sample fetch's argument ends at `,` or `)` and HAProxy reads quotes in it: a header or cookie
// name is RFC 7230 token characters without ' (the domain takes one; HAProxy cannot read it there).
const FETCH_KEY = /^[A-Za-z0-9!#$%&*+\-.^_`|~]{1,255}$/;
const DN_FIELD = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
// Printable ASCII and spaces: the value becomes one quoted word; control characters cannot be quoted.
const RULE_VALUE = /^[\x20-\x7e]{1,1024}$/;
const VERIFY_RESULT = /^[0-9]{1,9}$/;
const REDIRECT = /^https?:\/\/[\x21-\x7e]{1,2040}$/;
// OpenSSL cipher names and operators only: no space, quote, # or $ that haproxy.cfg reads as syntax.
const CIPHERS = /^[A-Za-z0-9\-+!:@=_.]{1,2048}$/;
const MAX_RULES = 50;
const MAX_POLICIES = 1000;
const MAX_SNI = 50;
const MAX_CIDRS = 100;

function check(ok: boolean, field: string, reason: string): void {
  if (!ok) throw new InvalidRenderInput(field, reason);
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const matches = (v: unknown, shape: RegExp): boolean => typeof v === 'string' && shape.test(v);
const oneOf = (v: unknown, field: string, allowed: readonly (string | number)[]) =>
  check((typeof v === 'string' || typeof v === 'number') && allowed.includes(v), field, `must be one of ${allowed.join(', ')}`);
const array = (v: unknown, field: string, max: number) =>
  check(Array.isArray(v) && v.length <= max, field, `must be an array of at most ${max}`);
const uuid = (v: unknown, field: string) => check(matches(v, UUID), field, 'must be a UUID');

function file(v: unknown, field: string): void {
  check(isObject(v), field, 'must be an object');
  const f = v as Record<string, unknown>;
  uuid(f.certificateId, `${field}.certificateId`);
  check(matches(f.fingerprint, FINGERPRINT), `${field}.fingerprint`, 'must be 64 lower-case hexadecimal digits (SHA-256)');
}
const nullOrFile = (v: unknown, field: string) => {
  if (v !== null) file(v, field);
};

/** A list of distinct values of `allowed`, at least one. */
function subset(v: unknown, field: string, allowed: readonly string[]): void {
  check(Array.isArray(v) && v.length > 0 && v.length <= allowed.length, field, `must list 1 to ${allowed.length} values`);
  (v as unknown[]).forEach((x, i) => oneOf(x, `${field}[${i}]`, allowed));
  check(new Set(v as unknown[]).size === (v as unknown[]).length, field, 'must list each value once');
}

function tlsSettings(o: { ciphers: unknown; versions: unknown; alpn: unknown }, field: string): void {
  if (o.ciphers !== null)
    check(matches(o.ciphers, CIPHERS), `${field}.ciphers`, 'must be an OpenSSL cipher string of A-Z a-z 0-9 - + ! : @ = _ .');
  if (o.versions !== null) {
    subset(o.versions, `${field}.versions`, TLS_VERSIONS);
    const at = (o.versions as string[]).map((v) => (TLS_VERSIONS as readonly string[]).indexOf(v));
    // HAProxy serves a range of versions (it warns about a hole): oldest first, none left out between.
    check(
      at.every((n, i) => i === 0 || n === at[i - 1] + 1),
      `${field}.versions`,
      'must be contiguous, oldest first (HAProxy serves a range of versions)',
    );
  }
  if (o.alpn !== null) subset(o.alpn, `${field}.alpn`, ALPN_PROTOCOLS);
}

function validateRule(r: RenderedL7Rule, field: string): void {
  check(isObject(r), field, 'must be an object');
  uuid(r.id, `${field}.id`);
  oneOf(r.type, `${field}.type`, L7RULE_TYPES);
  oneOf(r.compareType, `${field}.compareType`, L7RULE_COMPARE_TYPES);
  check(typeof r.invert === 'boolean', `${field}.invert`, 'must be a boolean');
  if (r.type === 'HEADER' || r.type === 'COOKIE')
    check(matches(r.key, FETCH_KEY), `${field}.key`, "must be 1 to 255 header-name characters, without ' , ( and )");
  else if (r.type === 'SSL_DN_FIELD') check(matches(r.key, DN_FIELD), `${field}.key`, 'must be a DN field name such as CN or OU');
  else check(r.key === null, `${field}.key`, `must be null for a ${r.type} rule`);
  if (r.type === 'SSL_VERIFY_RESULT') check(matches(r.value, VERIFY_RESULT), `${field}.value`, 'must be an integer of at most 9 digits');
  else check(matches(r.value, RULE_VALUE), `${field}.value`, 'must be 1 to 1024 printable ASCII characters');
}

function validatePolicy(p: RenderedL7Policy, field: string, httpBackends: ReadonlySet<string>): void {
  check(isObject(p), field, 'must be an object');
  uuid(p.id, `${field}.id`);
  oneOf(p.action, `${field}.action`, L7POLICY_ACTIONS);
  if (p.action === 'REDIRECT_TO_POOL') {
    uuid(p.backendId, `${field}.backendId`);
    check(httpBackends.has(p.backendId as string), `${field}.backendId`, 'must name an http-mode backend of the input');
  } else check(p.backendId === null, `${field}.backendId`, `must be null for ${p.action}`);
  if (p.action === 'REDIRECT_TO_URL' || p.action === 'REDIRECT_PREFIX') {
    check(matches(p.redirect, REDIRECT), `${field}.redirect`, 'must be an http(s) URL of at most 2048 visible ASCII characters');
    oneOf(p.redirectCode, `${field}.redirectCode`, REDIRECT_HTTP_CODES);
  } else {
    check(p.redirect === null && p.redirectCode === null, `${field}.redirect`, `must be null for ${p.action}`);
  }
  array(p.rules, `${field}.rules`, MAX_RULES);
  // A policy without a rule would apply to every request: the mapping leaves it out, as Octavia does.
  check(p.rules.length > 0, `${field}.rules`, 'must hold at least one rule');
  p.rules.forEach((r, i) => validateRule(r, `${field}.rules[${i}]`));
}

function validateFrontendTlsOptions(o: RenderedFrontendTlsOptions, field: string): void {
  check(isObject(o), field, 'must be null or an object');
  array(o.sni, `${field}.sni`, MAX_SNI);
  o.sni.forEach((s, i) => file(s, `${field}.sni[${i}]`));
  nullOrFile(o.clientCa, `${field}.clientCa`);
  nullOrFile(o.clientCrl, `${field}.clientCrl`);
  oneOf(o.clientAuthentication, `${field}.clientAuthentication`, CLIENT_AUTHENTICATIONS);
  check(o.clientAuthentication === 'NONE' || o.clientCa !== null, `${field}.clientCa`, 'is needed to verify client certificates');
  check(o.clientCrl === null || o.clientCa !== null, `${field}.clientCrl`, 'needs a client CA');
  tlsSettings(o, field);
}

function validateBackendTls(t: RenderedBackendTls, field: string): void {
  check(isObject(t), field, 'must be null or an object');
  nullOrFile(t.clientCertificate, `${field}.clientCertificate`);
  nullOrFile(t.ca, `${field}.ca`);
  nullOrFile(t.crl, `${field}.crl`);
  check(t.crl === null || t.ca !== null, `${field}.crl`, 'needs a CA');
  tlsSettings(t, field);
}

/** The Octavia v2 fields of a frontend; `httpBackends` are the ids of the input's http-mode backends. */
export function validateFrontendL7(f: RenderedFrontend, field: string, httpBackends: ReadonlySet<string>): void {
  if (f.tlsOptions !== null) {
    check(f.tls !== null, `${field}.tlsOptions`, 'need a TLS frontend');
    validateFrontendTlsOptions(f.tlsOptions, `${field}.tlsOptions`);
  }
  array(f.clientCertificateHeaders, `${field}.clientCertificateHeaders`, CLIENT_CERTIFICATE_HEADER_NAMES.length);
  f.clientCertificateHeaders.forEach((h, i) => oneOf(h, `${field}.clientCertificateHeaders[${i}]`, CLIENT_CERTIFICATE_HEADER_NAMES));
  check(f.clientCertificateHeaders.length === 0 || f.tls !== null, `${field}.clientCertificateHeaders`, 'need a TLS frontend');
  array(f.allowedCidrs, `${field}.allowedCidrs`, MAX_CIDRS);
  f.allowedCidrs.forEach((c, i) => check(matches(c, CIDR), `${field}.allowedCidrs[${i}]`, 'must be an IPv4 CIDR like 198.18.0.0/15'));
  array(f.l7Policies, `${field}.l7Policies`, MAX_POLICIES);
  // HAProxy reads requests in http mode only: a tcp frontend has nothing to route on.
  check(f.l7Policies.length === 0 || f.mode === 'http', `${field}.l7Policies`, 'are allowed on an http-mode frontend only');
  const ids = new Set<string>();
  f.l7Policies.forEach((p, i) => {
    validatePolicy(p, `${field}.l7Policies[${i}]`, httpBackends);
    p.rules.forEach((r, j) => {
      // A rule's acl is named by its id: two of one name would be ORed.
      check(!ids.has(r.id), `${field}.l7Policies[${i}].rules[${j}].id`, 'must be unique in the frontend');
      ids.add(r.id);
    });
  });
}

/** The Octavia v2 fields of a backend. */
export function validateBackendL7(b: RenderedBackend, field: string): void {
  if (b.tls !== null) validateBackendTls(b.tls, `${field}.tls`);
}
