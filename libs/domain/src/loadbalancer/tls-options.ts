import { isIpv4 } from '../ipv4';
import { invalidInput, invalidOption, providerLimit, validationFailure } from './checks';
import { type AlpnProtocol, type LbPoolConfig, type ListenerConfig, type ListenerProtocol, TLS_VERSIONS, type TlsVersion } from './model';

/*
 * The TLS options of listeners (termination, SNI, client authentication) and pools
 * (re-encryption), with Octavia's defaults and its words for every refusal. Cipher strings reach
 * haproxy.cfg, so their characters are Octavia's safe set (no space, quote, # or $).
 */

/** Octavia's default cipher string (OWASP suite B), for listeners and pools alike. */
export const DEFAULT_TLS_CIPHERS =
  'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:DHE-RSA-AES256-GCM-SHA384:' +
  'DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA256:' +
  'DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256';
export const DEFAULT_TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];
export const DEFAULT_ALPN_PROTOCOLS: readonly AlpnProtocol[] = ['h2', 'http/1.1', 'http/1.0'];

export const HTTP_HEADERS = ['X-Forwarded-For', 'X-Forwarded-Port', 'X-Forwarded-Proto'];
/** The client certificate headers: what HAProxy knows of the client's certificate, toward the members. */
export const CLIENT_CERTIFICATE_HEADERS = [
  'X-SSL-Client-Verify',
  'X-SSL-Client-Has-Cert',
  'X-SSL-Client-DN',
  'X-SSL-Client-CN',
  'X-SSL-Issuer',
  'X-SSL-Client-SHA1',
  'X-SSL-Client-Not-Before',
  'X-SSL-Client-Not-After',
];
/** At most this many SNI certificates and allowed CIDRs per listener: HAProxy takes more, events stay small. */
export const MAX_SNI_CERTIFICATES = 50;
export const MAX_ALLOWED_CIDRS = 100;
const CIPHERS = /^[A-Za-z0-9\-+!:@=_.]{1,2048}$/;
const CIDR = /^([0-9.]+)\/(\d{1,2})$/;

/** A TERMINATED_HTTPS listener's unset (null) ciphers, versions and ALPN protocols take Octavia's defaults. */
export const withListenerTlsDefaults = (l: ListenerConfig): ListenerConfig =>
  l.protocol === 'TERMINATED_HTTPS'
    ? {
        ...l,
        tlsCiphers: l.tlsCiphers ?? DEFAULT_TLS_CIPHERS,
        tlsVersions: l.tlsVersions ?? [...DEFAULT_TLS_VERSIONS],
        alpnProtocols: l.alpnProtocols ?? [...DEFAULT_ALPN_PROTOCOLS],
      }
    : l;

/** A TLS-enabled pool's unset ciphers, versions and ALPN protocols take Octavia's defaults; a pool without TLS keeps what it was given. */
export const withPoolTlsDefaults = (p: LbPoolConfig): LbPoolConfig =>
  p.tlsEnabled
    ? {
        ...p,
        tlsCiphers: p.tlsCiphers ?? DEFAULT_TLS_CIPHERS,
        tlsVersions: p.tlsVersions ?? [...DEFAULT_TLS_VERSIONS],
        alpnProtocols: p.alpnProtocols ?? [...DEFAULT_ALPN_PROTOCOLS],
      }
    : p;

/** Whether the versions, in any order, leave none out between their oldest and newest. */
export function contiguousTlsVersions(versions: readonly TlsVersion[]): boolean {
  const at = [...new Set(versions.map((v) => TLS_VERSIONS.indexOf(v)))];
  return at.length === 0 || Math.max(...at) - Math.min(...at) + 1 === at.length;
}

function checkTlsSettings(ciphers: string | null, versions: readonly TlsVersion[] | null, alpn: readonly string[] | null): void {
  if (ciphers !== null && !CIPHERS.test(ciphers)) {
    throw validationFailure('Invalid characters in cipher string. Only alphanumeric, -, +, !, :, @, =, _, and . are allowed.');
  }
  if (versions !== null && versions.length === 0) {
    throw validationFailure('Empty TLS version list. Either specify at least one TLS version or remove this parameter to use the default.');
  }
  // Octavia takes any set; HAProxy serves a range (ssl-min-ver to ssl-max-ver), so a hole could only be served wrong.
  if (versions !== null && !contiguousTlsVersions(versions)) {
    throw providerLimit(`tls_versions ${versions.join(', ')} (HAProxy serves a contiguous range of TLS versions)`);
  }
  if (alpn !== null && alpn.length === 0) {
    throw validationFailure(
      'Empty ALPN protocol list. Either specify at least one ALPN protocol or remove this parameter to use the default.',
    );
  }
}

export function checkInsertHeaders(protocol: ListenerProtocol, headers: Readonly<Record<string, string>>): void {
  const names = Object.keys(headers);
  if (names.length === 0) return;
  if (protocol !== 'HTTP' && protocol !== 'TERMINATED_HTTPS') throw invalidOption('insert-headers', `a ${protocol} protocol listener.`);
  const unknown = names.filter((n) => !HTTP_HEADERS.includes(n) && !CLIENT_CERTIFICATE_HEADERS.includes(n));
  if (unknown.length > 0) throw invalidOption(unknown.join(', '), 'insert_headers');
  const clientCertificate = names.filter((n) => CLIENT_CERTIFICATE_HEADERS.includes(n));
  if (clientCertificate.length > 0 && protocol !== 'TERMINATED_HTTPS') {
    throw invalidOption(clientCertificate.join(', '), `${protocol} protocol listener.`);
  }
  for (const name of names) {
    if (!/^(true|false)$/i.test(headers[name]))
      throw invalidInput('insert_headers', headers[name], `Value of ${name} should be 'true' or 'false'`);
  }
}

function checkAllowedCidrs(cidrs: readonly string[]): void {
  if (cidrs.length > MAX_ALLOWED_CIDRS) throw invalidInput('allowed_cidrs', cidrs.length, `A listener has at most ${MAX_ALLOWED_CIDRS}`);
  for (const cidr of cidrs) {
    const parts = CIDR.exec(cidr);
    if (parts && isIpv4(parts[1]) && Number(parts[2]) <= 32) continue;
    if (cidr.includes(':') && /^[0-9A-Fa-f:.]+\/\d{1,3}$/.test(cidr)) {
      throw providerLimit(
        `IPv6 allowed_cidrs (${cidr}); this provider's VIPs are IPv4, so the CIDR's IP version is incompatible with the VIP's`,
      );
    }
    throw invalidInput('allowed_cidrs', cidr, 'Value should be an IPv4 CIDR like 198.18.0.0/15');
  }
  if (new Set(cidrs).size !== cidrs.length) throw invalidInput('allowed_cidrs', cidrs.join(','), 'Each CIDR is listed once');
}

/** A listener's certificates, client authentication, TLS settings and allowed CIDRs, as Octavia's listener API checks them. */
export function checkListenerTls(l: ListenerConfig): void {
  checkAllowedCidrs(l.allowedCidrs);
  if (l.sniContainerRefs.length !== l.sniCertificateIds.length) throw validationFailure('Every SNI reference must name a certificate.');
  if (l.sniContainerRefs.length > MAX_SNI_CERTIFICATES) {
    throw invalidInput('sni_container_refs', l.sniContainerRefs.length, `A listener has at most ${MAX_SNI_CERTIFICATES}`);
  }
  const references = [l.defaultTlsContainerRef, l.defaultTlsCertificateId, l.clientCaCertificateId, l.clientCrlCertificateId];
  if (l.protocol !== 'TERMINATED_HTTPS') {
    if (references.some((r) => r !== null) || l.sniCertificateIds.length > 0)
      throw validationFailure(`Certificate container references are not allowed on ${l.protocol} protocol listeners.`);
    if (l.clientAuthentication !== 'NONE')
      throw validationFailure(`Client authentication setting ${l.clientAuthentication} requires a client CA container reference.`);
    if (l.tlsCiphers !== null || l.tlsVersions !== null || l.alpnProtocols !== null)
      throw validationFailure(`TLS ciphers, versions and ALPN protocols are only for TERMINATED_HTTPS listeners, not ${l.protocol}.`);
    return;
  }
  if (l.defaultTlsCertificateId === null && l.sniCertificateIds.length === 0) {
    throw validationFailure('An SNI or default certificate container reference must be provided for TERMINATED_HTTPS protocol listeners.');
  }
  if (l.clientAuthentication !== 'NONE' && l.clientCaCertificateId === null) {
    throw validationFailure(`Client authentication setting ${l.clientAuthentication} requires a client CA container reference.`);
  }
  if (l.clientCrlCertificateId !== null && l.clientCaCertificateId === null) {
    throw validationFailure('A client authentication CA reference is required to specify a client authentication revocation list.');
  }
  checkTlsSettings(l.tlsCiphers, l.tlsVersions, l.alpnProtocols);
}

/** A pool's re-encryption settings: a CRL needs the CA it revokes for. */
export function checkPoolTls(p: LbPoolConfig): void {
  if (p.crlCertificateId !== null && p.caCertificateId === null) {
    throw validationFailure('A CA reference is required to specify a certificate revocation list.');
  }
  checkTlsSettings(p.tlsCiphers, p.tlsVersions, p.alpnProtocols);
}
