import { NotFound } from '../errors';
import { HTTP_METHODS } from '../healthmonitor/decide';
import { MAX_MEMBER_WEIGHT } from '../pool/decide';
import {
  checkAddress,
  checkInteger,
  checkPort,
  checkTags,
  checkText,
  invalidInput,
  invalidOption,
  providerLimit,
  validationFailure,
} from './checks';
import {
  type LbHealthMonitorConfig,
  type LbMemberConfig,
  type LbPoolConfig,
  type ListenerConfig,
  type ListenerProtocol,
  type LoadBalancerConfig,
  type PoolProtocol,
  PROVIDER_NAME,
} from './model';
import { checkInsertHeaders, checkListenerTls, checkPoolTls } from './tls-options';

/** Octavia's bound on listener timeouts (24 days in ms), under HAProxy's own limit of 2^31 - 1 ms. */
export const MAX_TIMEOUT_MS = 24 * 24 * 60 * 60 * 1000;
/** Monitor delay and timeout in seconds: HAProxy's `inter` and `timeout check` under the same bound once in ms. */
export const MAX_MONITOR_SECONDS = MAX_TIMEOUT_MS / 1000;
export const MAX_RETRIES = 10;

/** Octavia's listener/pool protocol matrix: which pools a listener of each protocol can send to. */
export const COMPATIBLE_POOL_PROTOCOLS: { readonly [L in ListenerProtocol]: readonly PoolProtocol[] } = {
  HTTP: ['HTTP', 'PROXY', 'PROXYV2'],
  HTTPS: ['HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  TCP: ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  TERMINATED_HTTPS: ['HTTP', 'PROXY', 'PROXYV2'],
  UDP: ['UDP'],
  SCTP: ['SCTP'],
  PROMETHEUS: [],
};

const NEEDS_IPVS = "needs IPVS, which this provider's nodes do not have";
const MONITOR_HTTP_DEFAULTS = { httpMethod: 'GET', urlPath: '/', expectedCodes: '200' } as const;
/** Cookie names reach haproxy.cfg: RFC 6265 token characters, less ' and # (quoting and comments there), as for v1 VIPs. */
const COOKIE_NAME = /^[A-Za-z0-9!$%&*+\-.^_`|~]{1,64}$/;
/** url_path reaches haproxy.cfg: an absolute path of visible ASCII, without spaces or quotes. */
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]{0,254}$/;
/** `200`, `200,202`, `200-204`: what the renderer can turn into an rstatus regex. */
const EXPECTED_CODES = /^([1-5]\d\d)(\s*,\s*[1-5]\d\d)*$|^([1-5]\d\d)-([1-5]\d\d)$/;
const DOMAIN_LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN_NAME = new RegExp(`^(?=.{1,253}$)${DOMAIN_LABEL}(\\.${DOMAIN_LABEL})*$`);

export function checkLoadBalancer(lb: LoadBalancerConfig): void {
  if (lb.provider !== PROVIDER_NAME) throw validationFailure(`Provider '${lb.provider}' is not enabled.`);
  checkText('name', lb.name);
  checkText('description', lb.description);
  checkTags(lb.tags);
  checkAddress('vip_address', lb.vip.address);
}

export function checkListenerProtocol(protocol: ListenerProtocol): void {
  if (protocol === 'UDP' || protocol === 'SCTP') throw providerLimit(`${protocol} ${NEEDS_IPVS}`);
  if (protocol === 'PROMETHEUS') throw providerLimit("PROMETHEUS listeners; this provider's nodes do not run HAProxy's exporter");
}

export function checkPoolFitsListener(listener: ListenerProtocol, pool: PoolProtocol): void {
  if (!COMPATIBLE_POOL_PROTOCOLS[listener].includes(pool)) {
    throw validationFailure(`The pool protocol '${pool}' is invalid while the listener protocol is '${listener}'.`);
  }
}

/** A listener's own rules, and its default pool's: a pool of the same load balancer (`poolProtocol` finds it) that the listener can send to. */
export function checkListener(l: ListenerConfig, poolProtocol: (poolId: string) => PoolProtocol | undefined): void {
  checkListenerProtocol(l.protocol);
  checkText('name', l.name);
  checkText('description', l.description);
  checkTags(l.tags);
  checkPort('protocol_port', l.protocolPort);
  checkInteger('connection_limit', l.connectionLimit, -1, Number.MAX_SAFE_INTEGER);
  checkInteger('timeout_client_data', l.timeoutClientData, 0, MAX_TIMEOUT_MS);
  checkInteger('timeout_member_connect', l.timeoutMemberConnect, 0, MAX_TIMEOUT_MS);
  checkInteger('timeout_member_data', l.timeoutMemberData, 0, MAX_TIMEOUT_MS);
  checkInteger('timeout_tcp_inspect', l.timeoutTcpInspect, 0, MAX_TIMEOUT_MS);
  checkInsertHeaders(l.protocol, l.insertHeaders);
  checkListenerTls(l);
  if (l.defaultPoolId !== null) {
    const protocol = poolProtocol(l.defaultPoolId);
    if (protocol === undefined) throw new NotFound('Pool', l.defaultPoolId, `Pool ${l.defaultPoolId} not found.`);
    checkPoolFitsListener(l.protocol, protocol);
  }
}

function checkSessionPersistence(p: LbPoolConfig): void {
  const sp = p.sessionPersistence;
  if (sp === null) return;
  if (sp.persistenceTimeout !== null || sp.persistenceGranularity !== null) {
    throw validationFailure('persistence_timeout and persistence_granularity is only for UDP and SCTP protocol pools.');
  }
  if (sp.type !== 'APP_COOKIE') {
    if (sp.cookieName !== null) {
      throw validationFailure('Field "cookie_name" can only be specified with session persistence of type "APP_COOKIE".');
    }
    return;
  }
  if (sp.cookieName === null || sp.cookieName === '') {
    throw validationFailure('Field "cookie_name" must be specified when using the "APP_COOKIE" session persistence type.');
  }
  if (!COOKIE_NAME.test(sp.cookieName)) throw validationFailure('Supplied "cookie_name" is invalid.');
}

export function checkPool(p: LbPoolConfig): void {
  if (p.protocol === 'UDP' || p.protocol === 'SCTP') throw providerLimit(`${p.protocol} ${NEEDS_IPVS}`);
  if (p.lbAlgorithm === 'SOURCE_IP_PORT') throw providerLimit('SOURCE_IP_PORT; HAProxy balances on the source address alone (SOURCE_IP)');
  checkText('name', p.name);
  checkText('description', p.description);
  checkTags(p.tags);
  checkSessionPersistence(p);
  checkPoolTls(p);
}

export function checkMember(m: LbMemberConfig): void {
  checkText('name', m.name);
  checkTags(m.tags);
  checkAddress('address', m.address);
  checkPort('protocol_port', m.protocolPort);
  checkInteger('weight', m.weight, 0, MAX_MEMBER_WEIGHT);
  if (m.monitorAddress !== null) checkAddress('monitor_address', m.monitorAddress);
  if (m.monitorPort !== null) checkPort('monitor_port', m.monitorPort);
}

const isHttpMonitor = (m: LbHealthMonitorConfig): boolean => m.type === 'HTTP' || m.type === 'HTTPS';

/** An HTTP(S) monitor's unset (null) method, path and codes take Octavia's defaults; other monitors keep them null. */
export const withMonitorDefaults = (m: LbHealthMonitorConfig): LbHealthMonitorConfig =>
  isHttpMonitor(m)
    ? {
        ...m,
        httpMethod: m.httpMethod ?? MONITOR_HTTP_DEFAULTS.httpMethod,
        urlPath: m.urlPath ?? MONITOR_HTTP_DEFAULTS.urlPath,
        expectedCodes: m.expectedCodes ?? MONITOR_HTTP_DEFAULTS.expectedCodes,
      }
    : m;

function checkHttpFields(m: LbHealthMonitorConfig): void {
  if (m.httpMethod !== null && !(HTTP_METHODS as readonly string[]).includes(m.httpMethod)) {
    throw invalidInput('http_method', m.httpMethod, `Value should be one of: ${HTTP_METHODS.join(', ')}`);
  }
  if (m.urlPath !== null && !URL_PATH.test(m.urlPath)) throw invalidInput('url_path', m.urlPath, 'Value must be a valid URL Path string');
  const codes = m.expectedCodes === null ? null : EXPECTED_CODES.exec(m.expectedCodes);
  if (m.expectedCodes !== null && (!codes || (codes[3] !== undefined && Number(codes[3]) > Number(codes[4])))) {
    throw invalidInput('expected_codes', m.expectedCodes, 'Value should be a status code, a list like 200,202 or a range like 200-204');
  }
  if (m.httpVersion !== null && m.httpVersion !== 1.0 && m.httpVersion !== 1.1) {
    throw invalidInput('http_version', m.httpVersion, 'Value should be one of: 1.0, 1.1');
  }
  if (m.domainName === null) return;
  if (m.httpVersion === null) throw validationFailure("'http_version' must be specified when 'domain_name' is provided.");
  if (m.httpVersion < 1.1)
    throw invalidOption(`http_version ${m.httpVersion.toFixed(1)}`, 'health monitors HTTP 1.1 domain name health check');
  if (!DOMAIN_NAME.test(m.domainName)) throw invalidInput('domain_name', m.domainName, 'Value should be a valid domain name');
}

/** Checks a monitor after `withMonitorDefaults`. */
export function checkMonitor(m: LbHealthMonitorConfig): void {
  if (m.type === 'UDP-CONNECT' || m.type === 'SCTP')
    throw providerLimit(`${m.type} health monitors check UDP and SCTP pools, which ${NEEDS_IPVS}`);
  checkText('name', m.name);
  checkTags(m.tags);
  checkInteger('delay', m.delay, 1, MAX_MONITOR_SECONDS);
  checkInteger('timeout', m.timeout, 1, MAX_MONITOR_SECONDS);
  if (m.timeout > m.delay) throw validationFailure(`The timeout (${m.timeout}) must not be greater than the delay (${m.delay}).`);
  checkInteger('max_retries', m.maxRetries, 1, MAX_RETRIES);
  checkInteger('max_retries_down', m.maxRetriesDown, 1, MAX_RETRIES);
  if (isHttpMonitor(m)) {
    checkHttpFields(m);
    return;
  }
  const httpOnly = {
    http_method: m.httpMethod,
    url_path: m.urlPath,
    expected_codes: m.expectedCodes,
    http_version: m.httpVersion,
    domain_name: m.domainName,
  };
  for (const [field, value] of Object.entries(httpOnly)) {
    if (value !== null) throw invalidOption(field, `health monitors of type ${m.type}`);
  }
}
