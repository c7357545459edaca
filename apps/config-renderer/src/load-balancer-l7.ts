import { type CertificateState, type LbPoolState, type ListenerState, TLS_VERSIONS, type TlsVersion } from '@lbaas/domain';
import {
  CLIENT_CERTIFICATE_HEADER_NAMES,
  InvalidRenderInput,
  type RenderedBackendTls,
  type RenderedFrontend,
  type RenderedL7Policy,
  type RenderedTls,
} from '@lbaas/haproxy';

/*
 * Issue 16's half of the Octavia v2 mapping (ARCHITECTURE.md section 6): a listener's
 * certificates, client authentication, TLS settings and L7 policies, a pool's re-encryption.
 * Certificates are resolved to their current fingerprints; `undefined` from a function here
 * means one is not folded yet, and nothing is rendered then.
 */

export type CertificateLookup = (id: string) => CertificateState | undefined;

/** Octavia's words for a limit of this provider (its provider driver's faultstring). */
export const unsupported = (field: string, what: string): InvalidRenderInput =>
  new InvalidRenderInput(field, `Provider 'lbaas' does not support a requested option: ${what}`);

const fileOf = (id: string, certificate: CertificateLookup): RenderedTls | undefined => {
  const c = certificate(id);
  return c?.kind === 'live' ? { certificateId: c.id, fingerprint: c.fingerprint } : undefined;
};

/** Octavia takes any set of versions; HAProxy serves a range, so one with a hole cannot be served as asked. */
function versions(v: readonly TlsVersion[] | null, field: string): readonly TlsVersion[] | null {
  if (v === null) return null;
  const sorted = [...v].sort((a, b) => TLS_VERSIONS.indexOf(a) - TLS_VERSIONS.indexOf(b));
  const at = sorted.map((x) => TLS_VERSIONS.indexOf(x));
  if (!at.every((n, i) => i === 0 || n === at[i - 1] + 1))
    throw unsupported(field, `tls_versions ${v.join(', ')} (HAProxy serves a contiguous range of TLS versions)`);
  return sorted;
}

type ListenerTls = Pick<RenderedFrontend, 'tls' | 'tlsOptions' | 'clientCertificateHeaders'>;

/**
 * A TERMINATED_HTTPS listener's certificates and options: the default certificate first (the
 * first SNI one when there is none, as HAProxy serves the bind's first to a client that names no
 * other), then the SNI ones; the client CA and its revocation list (a `crl` certificate).
 */
export function listenerTls(l: ListenerState, certificate: CertificateLookup): ListenerTls | undefined {
  const none: ListenerTls = { tls: null, tlsOptions: null, clientCertificateHeaders: [] };
  if (l.protocol !== 'TERMINATED_HTTPS') return none;
  const ids = [...(l.defaultTlsCertificateId === null ? [] : [l.defaultTlsCertificateId]), ...l.sniCertificateIds];
  const unique = [...new Set(ids)];
  if (unique.length === 0)
    throw new InvalidRenderInput(`listeners[${l.id}].defaultTlsContainerRef`, 'a TERMINATED_HTTPS listener needs a certificate');
  const files = unique.map((id) => fileOf(id, certificate));
  if (files.some((f) => f === undefined)) return undefined;
  const [tls, ...sni] = files as RenderedTls[];
  const clientCa = l.clientCaCertificateId === null ? null : fileOf(l.clientCaCertificateId, certificate);
  const clientCrl = l.clientCrlCertificateId === null ? null : fileOf(l.clientCrlCertificateId, certificate);
  if (clientCa === undefined || clientCrl === undefined) return undefined;
  const on = (name: string) => l.insertHeaders[name]?.toLowerCase() === 'true';
  return {
    tls,
    tlsOptions: {
      sni,
      clientCa,
      clientCrl,
      clientAuthentication: l.clientAuthentication,
      ciphers: l.tlsCiphers,
      versions: versions(l.tlsVersions, `listeners[${l.id}].tlsVersions`),
      alpn: l.alpnProtocols,
    },
    clientCertificateHeaders: CLIENT_CERTIFICATE_HEADER_NAMES.filter(on),
  };
}

/** A pool's TLS towards its members; null when it has none, undefined while a certificate is not folded. */
export function poolTls(p: LbPoolState, certificate: CertificateLookup): RenderedBackendTls | null | undefined {
  if (!p.tlsEnabled) return null;
  const clientCertificate = p.tlsCertificateId === null ? null : fileOf(p.tlsCertificateId, certificate);
  const ca = p.caCertificateId === null ? null : fileOf(p.caCertificateId, certificate);
  const crl = p.crlCertificateId === null ? null : fileOf(p.crlCertificateId, certificate);
  if (clientCertificate === undefined || ca === undefined || crl === undefined) return undefined;
  return {
    clientCertificate,
    ca,
    crl,
    ciphers: p.tlsCiphers,
    versions: versions(p.tlsVersions, `pools[${p.id}].tlsVersions`),
    alpn: p.alpnProtocols,
  };
}

/** Octavia's HEADER value may be a quoted string (to hold spaces): HAProxy compares what is inside the quotes. */
const ruleValue = (type: string, value: string): string =>
  type === 'HEADER' && value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;

/**
 * A listener's policies as Octavia's amphora driver renders them: enabled ones with at least one
 * enabled rule, in position order; a REDIRECT_TO_POOL only while its pool is there and enabled.
 */
export function l7Policies(l: ListenerState, pools: readonly LbPoolState[]): RenderedL7Policy[] {
  const rendered: RenderedL7Policy[] = [];
  for (const p of l.l7policies) {
    const rules = p.rules.filter((r) => r.adminStateUp);
    if (!p.adminStateUp || rules.length === 0) continue;
    if (p.action === 'REDIRECT_TO_POOL' && !pools.some((pool) => pool.id === p.redirectPoolId && pool.adminStateUp)) continue;
    const redirect = p.action === 'REDIRECT_TO_URL' ? p.redirectUrl : p.action === 'REDIRECT_PREFIX' ? p.redirectPrefix : null;
    rendered.push({
      id: p.id,
      action: p.action,
      backendId: p.action === 'REDIRECT_TO_POOL' ? p.redirectPoolId : null,
      redirect,
      redirectCode: redirect === null ? null : (p.redirectHttpCode ?? 302),
      rules: rules.map((r) => ({
        id: r.id,
        type: r.type,
        compareType: r.compareType,
        key: r.key,
        value: ruleValue(r.type, r.value),
        invert: r.invert,
      })),
    });
  }
  return rendered;
}
