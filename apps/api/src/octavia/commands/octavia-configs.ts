import {
  DEFAULT_TIMEOUTS,
  type LbHealthMonitorChanges,
  type LbHealthMonitorConfig,
  type LbMemberChanges,
  type LbMemberConfig,
  type LbPoolChanges,
  type LbPoolConfig,
  type LbSessionPersistence,
  type ListenerChanges,
  type ListenerConfig,
  listenerWithDefaults,
  memberWithDefaults,
  monitorWithDefaults,
  poolWithDefaults,
} from '@lbaas/domain';
import type { ListenerTreeBody, MemberBody, MonitorTreeBody, OctaviaBodyOf, PoolTreeBody } from '../http/octavia-schemas';

/*
 * Octavia's bodies as the `loadbalancer` aggregate's configurations, with Octavia's defaults for
 * what a create leaves out. Pure: ids and the resolved TLS certificate come in.
 */

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

/** The fields a create gives a value: there null asks for Octavia's default as much as leaving the field out does. */
function given<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null)) as {
    [K in keyof T]?: NonNullable<T[K]>;
  };
}

/*
 * Each object's settings as the client sent them, in the aggregate's names. A create body holds
 * an update body's fields and more, so both read them here: a create gives what is set to the
 * domain's defaults builder, an update changes what is present.
 */
const listenerSettings = (body: OctaviaBodyOf<'updateListener'>) => ({
  name: body.name,
  description: body.description,
  connectionLimit: body.connection_limit,
  clientAuthentication: body.client_authentication,
  tlsCiphers: body.tls_ciphers,
  tlsVersions: body.tls_versions,
  alpnProtocols: body.alpn_protocols,
  allowedCidrs: body.allowed_cidrs,
  insertHeaders: body.insert_headers,
  adminStateUp: body.admin_state_up,
  tags: body.tags,
  timeoutClientData: body.timeout_client_data,
  timeoutMemberConnect: body.timeout_member_connect,
  timeoutMemberData: body.timeout_member_data,
  timeoutTcpInspect: body.timeout_tcp_inspect,
});
const listenerReferences = ({ defaultTls, sni, clientCa, clientCrl }: Partial<ListenerReferences>) => ({
  defaultTlsContainerRef: defaultTls?.ref,
  defaultTlsCertificateId: defaultTls?.certificateId,
  sniContainerRefs: sni && [...sni.refs],
  sniCertificateIds: sni && [...sni.certificateIds],
  clientCaTlsContainerRef: clientCa?.ref,
  clientCaCertificateId: clientCa?.certificateId,
  clientCrlContainerRef: clientCrl?.ref,
  clientCrlCertificateId: clientCrl?.certificateId,
});
const poolSettings = (body: OctaviaBodyOf<'updatePool'>) => ({
  name: body.name,
  description: body.description,
  adminStateUp: body.admin_state_up,
  tags: body.tags,
  tlsEnabled: body.tls_enabled,
  tlsCiphers: body.tls_ciphers,
  tlsVersions: body.tls_versions,
  alpnProtocols: body.alpn_protocols,
});
const poolReferences = ({ client, ca, crl }: Partial<PoolReferences>) => ({
  tlsContainerRef: client?.ref,
  tlsCertificateId: client?.certificateId,
  caTlsContainerRef: ca?.ref,
  caCertificateId: ca?.certificateId,
  crlContainerRef: crl?.ref,
  crlCertificateId: crl?.certificateId,
});
const memberSettings = (body: OctaviaBodyOf<'updateMember'>) => ({
  name: body.name,
  weight: body.weight,
  backup: body.backup,
  monitorAddress: body.monitor_address,
  monitorPort: body.monitor_port,
  adminStateUp: body.admin_state_up,
  tags: body.tags,
});
const monitorSettings = (body: OctaviaBodyOf<'updateHealthMonitor'>) => ({
  name: body.name,
  delay: body.delay,
  timeout: body.timeout,
  maxRetries: body.max_retries,
  maxRetriesDown: body.max_retries_down,
  httpMethod: body.http_method,
  urlPath: body.url_path,
  expectedCodes: body.expected_codes,
  httpVersion: body.http_version,
  domainName: body.domain_name,
  adminStateUp: body.admin_state_up,
  tags: body.tags,
});

/** The TLS settings are null when not given: the decider gives a TERMINATED_HTTPS listener Octavia's defaults. */
export function listenerConfig(
  id: string,
  body: Omit<ListenerTreeBody, 'default_pool' | 'l7policies'>,
  defaultPoolId: string | null,
  references: Partial<ListenerReferences>,
): ListenerConfig {
  return listenerWithDefaults({
    ...given(listenerSettings(body)),
    ...listenerReferences(references),
    id,
    protocol: body.protocol,
    protocolPort: body.protocol_port,
    defaultPoolId,
  });
}

/** A PUT's changes; null resets a setting to Octavia's default, as Octavia's PUT does (the decider fills TLS defaults). */
export function listenerChanges(body: OctaviaBodyOf<'updateListener'>, refs: Partial<ListenerReferences>): ListenerChanges {
  const reset = <K extends keyof typeof DEFAULT_TIMEOUTS>(value: number | null | undefined, key: K) =>
    value === null ? DEFAULT_TIMEOUTS[key] : value;
  return present({
    ...listenerSettings(body),
    ...listenerReferences(refs),
    name: body.name === null ? '' : body.name,
    description: body.description === null ? '' : body.description,
    connectionLimit: body.connection_limit === null ? -1 : body.connection_limit,
    defaultPoolId: body.default_pool_id,
    clientAuthentication: body.client_authentication === null ? 'NONE' : body.client_authentication,
    allowedCidrs: body.allowed_cidrs === null ? [] : body.allowed_cidrs,
    insertHeaders: body.insert_headers === null ? {} : body.insert_headers,
    timeoutClientData: reset(body.timeout_client_data, 'timeoutClientData'),
    timeoutMemberConnect: reset(body.timeout_member_connect, 'timeoutMemberConnect'),
    timeoutMemberData: reset(body.timeout_member_data, 'timeoutMemberData'),
    timeoutTcpInspect: reset(body.timeout_tcp_inspect, 'timeoutTcpInspect'),
  });
}

export function poolConfig(id: string, body: Omit<PoolTreeBody, 'members' | 'healthmonitor'>, refs: Partial<PoolReferences>): LbPoolConfig {
  return poolWithDefaults({
    ...given(poolSettings(body)),
    ...poolReferences(refs),
    id,
    protocol: body.protocol,
    lbAlgorithm: body.lb_algorithm,
    sessionPersistence: sessionPersistence(body.session_persistence),
  });
}

export function poolChanges(body: OctaviaBodyOf<'updatePool'>, refs: Partial<PoolReferences>): LbPoolChanges {
  return present({
    ...poolSettings(body),
    ...poolReferences(refs),
    name: body.name === null ? '' : body.name,
    description: body.description === null ? '' : body.description,
    lbAlgorithm: body.lb_algorithm,
    sessionPersistence: body.session_persistence === undefined ? undefined : sessionPersistence(body.session_persistence),
  });
}

export function memberConfig(id: string, body: MemberBody): LbMemberConfig {
  return memberWithDefaults({
    ...given({ ...memberSettings(body), subnetId: body.subnet_id }),
    id,
    address: body.address,
    protocolPort: body.protocol_port,
  });
}

export function memberChanges(body: OctaviaBodyOf<'updateMember'>): LbMemberChanges {
  return present({ ...memberSettings(body), name: body.name === null ? '' : body.name });
}

/** HTTP and HTTPS monitors get Octavia's method, path and codes unless given; the others have none unless given. */
export function monitorConfig(id: string, body: MonitorTreeBody): LbHealthMonitorConfig {
  return monitorWithDefaults({
    ...given(monitorSettings(body)),
    id,
    type: body.type,
    delay: body.delay,
    timeout: body.timeout,
    maxRetries: body.max_retries,
  });
}

export function monitorChanges(body: OctaviaBodyOf<'updateHealthMonitor'>): LbHealthMonitorChanges {
  return present({
    ...monitorSettings(body),
    name: body.name === null ? '' : body.name,
    maxRetriesDown: body.max_retries_down === null ? 3 : body.max_retries_down,
  });
}
