import {
  type LbHealthMonitorChanges,
  type LbHealthMonitorConfig,
  type LbMemberChanges,
  type LbMemberConfig,
  type LbPoolChanges,
  type LbPoolConfig,
  type LbSessionPersistence,
  type ListenerChanges,
  type ListenerConfig,
} from '@lbaas/domain';
import type { ListenerTreeBody, MemberBody, MonitorTreeBody, OctaviaBodyOf, PoolTreeBody } from '../http/octavia-schemas';

/*
 * Octavia's bodies as the `loadbalancer` aggregate's configurations, with Octavia's defaults for
 * what a create leaves out. Pure: ids and the resolved TLS certificate come in.
 */

/** Octavia's listener timeouts' defaults, in milliseconds. */
export const DEFAULT_TIMEOUTS = { timeoutClientData: 50_000, timeoutMemberConnect: 5_000, timeoutMemberData: 50_000, timeoutTcpInspect: 0 };

/** A listener's resolved `default_tls_container_ref`: the reference as sent and the certificate it names. */
export interface TlsReference {
  readonly ref: string | null;
  readonly certificateId: string | null;
}
export const NO_TLS: TlsReference = { ref: null, certificateId: null };

/** Every certificate reference of a listener, resolved; a create takes NO_TLS for those it lacks. */
export interface ListenerReferences {
  readonly defaultTls: TlsReference;
  readonly sni: { readonly refs: readonly string[]; readonly certificateIds: readonly string[] };
  readonly clientCa: TlsReference;
  readonly clientCrl: TlsReference;
}
/** A pool's: the client certificate toward members, the CA that verifies them and its revocation list. */
export interface PoolReferences {
  readonly client: TlsReference;
  readonly ca: TlsReference;
  readonly crl: TlsReference;
}
const whole = (r: Partial<ListenerReferences>): ListenerReferences => ({
  defaultTls: r.defaultTls ?? NO_TLS,
  sni: r.sni ?? { refs: [], certificateIds: [] },
  clientCa: r.clientCa ?? NO_TLS,
  clientCrl: r.clientCrl ?? NO_TLS,
});

type SessionBody = OctaviaBodyOf<'createPool'>['session_persistence'];

function sessionPersistence(body: SessionBody): LbSessionPersistence | null {
  if (body === undefined || body === null) return null;
  return {
    type: body.type,
    cookieName: body.cookie_name ?? null,
    persistenceTimeout: body.persistence_timeout ?? null,
    persistenceGranularity: body.persistence_granularity ?? null,
  };
}

/** The fields the client sent: an update changes only those. */
export function present<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** The TLS settings are null when not given: the decider gives a TERMINATED_HTTPS listener Octavia's defaults. */
export function listenerConfig(
  id: string,
  body: Omit<ListenerTreeBody, 'default_pool' | 'l7policies'>,
  defaultPoolId: string | null,
  references: Partial<ListenerReferences>,
): ListenerConfig {
  const refs = whole(references);
  return {
    id,
    name: body.name ?? '',
    description: body.description ?? '',
    protocol: body.protocol,
    protocolPort: body.protocol_port,
    connectionLimit: body.connection_limit ?? -1,
    defaultPoolId,
    defaultTlsContainerRef: refs.defaultTls.ref,
    defaultTlsCertificateId: refs.defaultTls.certificateId,
    sniContainerRefs: [...refs.sni.refs],
    sniCertificateIds: [...refs.sni.certificateIds],
    clientCaTlsContainerRef: refs.clientCa.ref,
    clientCaCertificateId: refs.clientCa.certificateId,
    clientAuthentication: body.client_authentication ?? 'NONE',
    clientCrlContainerRef: refs.clientCrl.ref,
    clientCrlCertificateId: refs.clientCrl.certificateId,
    tlsCiphers: body.tls_ciphers ?? null,
    tlsVersions: body.tls_versions ?? null,
    alpnProtocols: body.alpn_protocols ?? null,
    allowedCidrs: body.allowed_cidrs ?? [],
    insertHeaders: body.insert_headers ?? {},
    adminStateUp: body.admin_state_up ?? true,
    tags: body.tags ?? [],
    timeoutClientData: body.timeout_client_data ?? DEFAULT_TIMEOUTS.timeoutClientData,
    timeoutMemberConnect: body.timeout_member_connect ?? DEFAULT_TIMEOUTS.timeoutMemberConnect,
    timeoutMemberData: body.timeout_member_data ?? DEFAULT_TIMEOUTS.timeoutMemberData,
    timeoutTcpInspect: body.timeout_tcp_inspect ?? DEFAULT_TIMEOUTS.timeoutTcpInspect,
  };
}

/** A PUT's changes; null resets a setting to Octavia's default, as Octavia's PUT does (the decider fills TLS defaults). */
export function listenerChanges(body: OctaviaBodyOf<'updateListener'>, refs: Partial<ListenerReferences>): ListenerChanges {
  const reset = <K extends keyof typeof DEFAULT_TIMEOUTS>(value: number | null | undefined, key: K) =>
    value === null ? DEFAULT_TIMEOUTS[key] : value;
  return present({
    name: body.name === null ? '' : body.name,
    description: body.description === null ? '' : body.description,
    connectionLimit: body.connection_limit === null ? -1 : body.connection_limit,
    defaultPoolId: body.default_pool_id,
    defaultTlsContainerRef: refs.defaultTls?.ref,
    defaultTlsCertificateId: refs.defaultTls?.certificateId,
    sniContainerRefs: refs.sni?.refs,
    sniCertificateIds: refs.sni?.certificateIds,
    clientCaTlsContainerRef: refs.clientCa?.ref,
    clientCaCertificateId: refs.clientCa?.certificateId,
    clientAuthentication: body.client_authentication === null ? 'NONE' : body.client_authentication,
    clientCrlContainerRef: refs.clientCrl?.ref,
    clientCrlCertificateId: refs.clientCrl?.certificateId,
    tlsCiphers: body.tls_ciphers,
    tlsVersions: body.tls_versions,
    alpnProtocols: body.alpn_protocols,
    allowedCidrs: body.allowed_cidrs === null ? [] : body.allowed_cidrs,
    insertHeaders: body.insert_headers === null ? {} : body.insert_headers,
    adminStateUp: body.admin_state_up,
    tags: body.tags,
    timeoutClientData: reset(body.timeout_client_data, 'timeoutClientData'),
    timeoutMemberConnect: reset(body.timeout_member_connect, 'timeoutMemberConnect'),
    timeoutMemberData: reset(body.timeout_member_data, 'timeoutMemberData'),
    timeoutTcpInspect: reset(body.timeout_tcp_inspect, 'timeoutTcpInspect'),
  });
}

export function poolConfig(id: string, body: Omit<PoolTreeBody, 'members' | 'healthmonitor'>, refs: Partial<PoolReferences>): LbPoolConfig {
  const client = refs.client ?? NO_TLS;
  const ca = refs.ca ?? NO_TLS;
  const crl = refs.crl ?? NO_TLS;
  return {
    id,
    name: body.name ?? '',
    description: body.description ?? '',
    protocol: body.protocol,
    lbAlgorithm: body.lb_algorithm,
    sessionPersistence: sessionPersistence(body.session_persistence),
    adminStateUp: body.admin_state_up ?? true,
    tags: body.tags ?? [],
    tlsEnabled: body.tls_enabled ?? false,
    tlsContainerRef: client.ref,
    tlsCertificateId: client.certificateId,
    caTlsContainerRef: ca.ref,
    caCertificateId: ca.certificateId,
    crlContainerRef: crl.ref,
    crlCertificateId: crl.certificateId,
    tlsCiphers: body.tls_ciphers ?? null,
    tlsVersions: body.tls_versions ?? null,
    alpnProtocols: body.alpn_protocols ?? null,
  };
}

export function poolChanges(body: OctaviaBodyOf<'updatePool'>, refs: Partial<PoolReferences>): LbPoolChanges {
  return present({
    tlsEnabled: body.tls_enabled,
    tlsContainerRef: refs.client?.ref,
    tlsCertificateId: refs.client?.certificateId,
    caTlsContainerRef: refs.ca?.ref,
    caCertificateId: refs.ca?.certificateId,
    crlContainerRef: refs.crl?.ref,
    crlCertificateId: refs.crl?.certificateId,
    tlsCiphers: body.tls_ciphers,
    tlsVersions: body.tls_versions,
    alpnProtocols: body.alpn_protocols,
    name: body.name === null ? '' : body.name,
    description: body.description === null ? '' : body.description,
    lbAlgorithm: body.lb_algorithm,
    sessionPersistence: body.session_persistence === undefined ? undefined : sessionPersistence(body.session_persistence),
    adminStateUp: body.admin_state_up,
    tags: body.tags,
  });
}

export function memberConfig(id: string, body: MemberBody): LbMemberConfig {
  return {
    id,
    name: body.name ?? '',
    address: body.address,
    protocolPort: body.protocol_port,
    weight: body.weight ?? 1,
    backup: body.backup ?? false,
    monitorAddress: body.monitor_address ?? null,
    monitorPort: body.monitor_port ?? null,
    subnetId: body.subnet_id ?? null,
    adminStateUp: body.admin_state_up ?? true,
    tags: body.tags ?? [],
  };
}

export function memberChanges(body: OctaviaBodyOf<'updateMember'>): LbMemberChanges {
  return present({
    name: body.name === null ? '' : body.name,
    weight: body.weight,
    backup: body.backup,
    monitorAddress: body.monitor_address,
    monitorPort: body.monitor_port,
    adminStateUp: body.admin_state_up,
    tags: body.tags,
  });
}

const HTTP_MONITORS: ReadonlySet<string> = new Set(['HTTP', 'HTTPS']);

export function monitorConfig(id: string, body: MonitorTreeBody): LbHealthMonitorConfig {
  const http = HTTP_MONITORS.has(body.type);
  return {
    id,
    name: body.name ?? '',
    type: body.type,
    delay: body.delay,
    timeout: body.timeout,
    maxRetries: body.max_retries,
    maxRetriesDown: body.max_retries_down ?? 3,
    httpMethod: http ? (body.http_method ?? 'GET') : (body.http_method ?? null),
    urlPath: http ? (body.url_path ?? '/') : (body.url_path ?? null),
    expectedCodes: http ? (body.expected_codes ?? '200') : (body.expected_codes ?? null),
    httpVersion: body.http_version ?? null,
    domainName: body.domain_name ?? null,
    adminStateUp: body.admin_state_up ?? true,
    tags: body.tags ?? [],
  };
}

export function monitorChanges(body: OctaviaBodyOf<'updateHealthMonitor'>): LbHealthMonitorChanges {
  return present({
    name: body.name === null ? '' : body.name,
    delay: body.delay,
    timeout: body.timeout,
    maxRetries: body.max_retries,
    maxRetriesDown: body.max_retries_down === null ? 3 : body.max_retries_down,
    httpMethod: body.http_method,
    urlPath: body.url_path,
    expectedCodes: body.expected_codes,
    httpVersion: body.http_version,
    domainName: body.domain_name,
    adminStateUp: body.admin_state_up,
    tags: body.tags,
  });
}
