import { HTTP_METHODS, LB_METHODS, SESSION_PERSISTENCE_TYPES } from '@lbaas/domain';
import {
  API_PROTOCOLS,
  type HaproxyInput,
  type KeepalivedInput,
  PROXY_MODES,
  RENDERED_MONITOR_TYPES,
  type RenderedBackend,
  type RenderedFrontend,
  type RenderedMember,
  type RenderedMonitor,
} from './model';
import { validateBackendL7, validateFrontendL7 } from './validate-l7';

/** A value that would reach a configuration file but is not of the strict shape allowed there. */
export class InvalidRenderInput extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidRenderInput';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
// RFC 3986 path and query characters without the single quote: haproxy.cfg reads ' as strong quoting.
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]{0,254}$/;
const CODE = '[1-5][0-9][0-9]';
const EXPECTED_CODES_LIST = new RegExp(`^${CODE}( *, *${CODE})*$`);
const EXPECTED_CODES_RANGE = new RegExp(`^(${CODE})-(${CODE})$`);
// RFC 6265 token characters without ' (quoting) and # (comment start) of haproxy.cfg.
const COOKIE_NAME = /^[A-Za-z0-9!$%&*+\-.^_`|~]{1,64}$/;
// RFC 1123 labels (and _, which Octavia's domain_name allows), nothing haproxy.cfg reads as syntax.
const HOST_NAME = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*$/;
const CREDENTIAL = /^[A-Za-z0-9_-]{1,64}$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]{1,200}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const INTERFACE = /^[A-Za-z0-9_.-]{1,15}$/;
// HAProxy 2.6 refuses a stats socket path longer than 97 bytes; runDir is followed by "/haproxy.sock".
const MAX_RUN_DIR = 97 - '/haproxy.sock'.length;

function check(ok: boolean, field: string, reason: string): void {
  if (!ok) throw new InvalidRenderInput(field, reason);
}
const isString = (v: unknown): v is string => typeof v === 'string';
const matches = (v: unknown, shape: RegExp): boolean => isString(v) && shape.test(v);

const uuid = (v: unknown, field: string) => check(matches(v, UUID), field, 'must be a UUID');
const ipv4 = (v: unknown, field: string) => check(matches(v, IPV4), field, 'must be a dotted-quad IPv4 address without leading zeros');
const int = (v: unknown, field: string, min: number, max: number) =>
  check(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max, field, `must be an integer from ${min} to ${max}`);
const port = (v: unknown, field: string) => int(v, field, 1, 65535);
const bool = (v: unknown, field: string) => check(typeof v === 'boolean', field, 'must be a boolean');
const oneOf = (v: unknown, field: string, allowed: readonly string[]) =>
  check(isString(v) && allowed.includes(v), field, `must be one of ${allowed.join(', ')}`);
const absolutePath = (v: unknown, field: string, maxLength: number) =>
  check(
    matches(v, ABSOLUTE_PATH) && (v as string).length <= maxLength && !(v as string).split('/').includes('..'),
    field,
    `must be an absolute path of at most ${maxLength} letters, digits, ., _, - and /, without ..`,
  );

/** Neutron's expected_codes: one status code, a comma list (`200, 202`) or a range (`200-204`), codes 100 to 599. */
export function validateExpectedCodes(v: unknown, field: string): void {
  check(
    isString(v) && v.length <= 64 && (EXPECTED_CODES_LIST.test(v) || EXPECTED_CODES_RANGE.test(v)),
    field,
    'must be a status code from 100 to 599, a list like 200,202 or a range like 200-204',
  );
  const range = EXPECTED_CODES_RANGE.exec(v as string);
  check(!range || Number(range[1]) <= Number(range[2]), field, 'a range must run from the lower code to the higher');
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
const object = (v: unknown, field: string) => check(isObject(v), field, 'must be an object');
const nullOr = (v: unknown, field: string, validate: (v: unknown, field: string) => void) => {
  if (v !== null) validate(v, field);
};
// HAProxy refuses a timer above 2^31-1 milliseconds.
const MAX_TIMEOUT_MS = 2_147_483_647;
const timeoutMs = (v: unknown, field: string) => nullOr(v, field, (t, f) => int(t, f, 1, MAX_TIMEOUT_MS));

function validatePersistence(v: unknown, field: string): void {
  if (v === null) return;
  object(v, field);
  const persistence = v as { type: unknown; cookieName?: unknown };
  oneOf(persistence.type, `${field}.type`, SESSION_PERSISTENCE_TYPES);
  if (persistence.type === 'APP_COOKIE')
    check(matches(persistence.cookieName, COOKIE_NAME), `${field}.cookieName`, "must be 1 to 64 cookie token characters, without ' and #");
}

function validateFrontend(f: RenderedFrontend, field: string): void {
  object(f, field);
  uuid(f.id, `${field}.id`);
  ipv4(f.address, `${field}.address`);
  port(f.protocolPort, `${field}.protocolPort`);
  oneOf(f.mode, `${field}.mode`, PROXY_MODES);
  int(f.connectionLimit, `${field}.connectionLimit`, -1, 1_000_000);
  bool(f.adminStateUp, `${field}.adminStateUp`);
  nullOr(f.defaultBackendId, `${field}.defaultBackendId`, uuid);
  const tls: unknown = f.tls;
  check(tls === null || isObject(tls), `${field}.tls`, 'must be null or an object');
  if (f.tls !== null) {
    // HAProxy terminates TLS in http mode only; a TLS stream in tcp mode passes through untouched.
    check(f.mode === 'http', `${field}.tls`, 'is allowed on an http-mode frontend only');
    uuid(f.tls.certificateId, `${field}.tls.certificateId`);
    check(matches(f.tls.fingerprint, FINGERPRINT), `${field}.tls.fingerprint`, 'must be 64 lower-case hexadecimal digits (SHA-256)');
  }
  object(f.insertHeaders, `${field}.insertHeaders`);
  for (const header of ['forwardedFor', 'forwardedPort', 'forwardedProto'] as const) {
    bool(f.insertHeaders[header], `${field}.insertHeaders.${header}`);
    // Headers are HTTP: a tcp-mode frontend has none to set.
    check(!f.insertHeaders[header] || f.mode === 'http', `${field}.insertHeaders.${header}`, 'is allowed on an http-mode frontend only');
  }
  timeoutMs(f.timeoutClientMs, `${field}.timeoutClientMs`);
  timeoutMs(f.timeoutTcpInspectMs, `${field}.timeoutTcpInspectMs`);
}

function validateMember(m: RenderedMember, field: string): void {
  object(m, field);
  uuid(m.id, `${field}.id`);
  ipv4(m.address, `${field}.address`);
  port(m.protocolPort, `${field}.protocolPort`);
  int(m.weight, `${field}.weight`, 0, 256);
  bool(m.adminStateUp, `${field}.adminStateUp`);
  bool(m.backup, `${field}.backup`);
  nullOr(m.monitorAddress, `${field}.monitorAddress`, ipv4);
  nullOr(m.monitorPort, `${field}.monitorPort`, port);
}

function validateMonitor(hm: RenderedMonitor, field: string): void {
  object(hm, field);
  uuid(hm.id, `${field}.id`);
  oneOf(hm.type, `${field}.type`, RENDERED_MONITOR_TYPES);
  int(hm.delay, `${field}.delay`, 1, 86_400);
  int(hm.timeout, `${field}.timeout`, 1, 86_400);
  int(hm.maxRetries, `${field}.maxRetries`, 1, 10);
  int(hm.maxRetriesDown, `${field}.maxRetriesDown`, 1, 10);
  oneOf(hm.httpMethod, `${field}.httpMethod`, HTTP_METHODS);
  check(
    matches(hm.urlPath, URL_PATH),
    `${field}.urlPath`,
    'must be an absolute URL path of at most 255 characters without spaces, quotes, #, \\ or control characters',
  );
  validateExpectedCodes(hm.expectedCodes, `${field}.expectedCodes`);
  nullOr(hm.httpVersion, `${field}.httpVersion`, (v, f) => oneOf(v, f, ['1.0', '1.1']));
  nullOr(hm.domainName, `${field}.domainName`, (v, f) =>
    check(
      matches(v, HOST_NAME) && (v as string).length <= 253,
      f,
      'must be a host name of dot-separated labels of letters, digits, - and _',
    ),
  );
  bool(hm.adminStateUp, `${field}.adminStateUp`);
}

function validateBackend(b: RenderedBackend, field: string): void {
  object(b, field);
  uuid(b.id, `${field}.id`);
  oneOf(b.mode, `${field}.mode`, PROXY_MODES);
  object(b.modeOf, `${field}.modeOf`);
  oneOf(b.modeOf.object, `${field}.modeOf.object`, ['VIP', 'pool', 'listener']);
  oneOf(b.modeOf.protocol, `${field}.modeOf.protocol`, API_PROTOCOLS);
  oneOf(b.lbMethod, `${field}.lbMethod`, LB_METHODS);
  bool(b.adminStateUp, `${field}.adminStateUp`);
  validatePersistence(b.sessionPersistence, `${field}.sessionPersistence`);
  nullOr(b.proxyProtocol, `${field}.proxyProtocol`, (v, f) => oneOf(v, f, ['v1', 'v2']));
  timeoutMs(b.timeoutMemberConnectMs, `${field}.timeoutMemberConnectMs`);
  timeoutMs(b.timeoutMemberDataMs, `${field}.timeoutMemberDataMs`);
  check(Array.isArray(b.members), `${field}.members`, 'must be an array');
  const serverNames = new Set<string>();
  b.members.forEach((m, i) => {
    validateMember(m, `${field}.members[${i}]`);
    // Server names must be unique within a backend, or haproxy refuses the file.
    check(!serverNames.has(m.id), `${field}.members[${i}].id`, 'must be unique in the pool');
    serverNames.add(m.id);
  });
  check(Array.isArray(b.monitors), `${field}.monitors`, 'must be an array');
  b.monitors.forEach((hm, i) => validateMonitor(hm, `${field}.monitors[${i}]`));
  validateBackendL7(b, field);
}

/**
 * Checks every value of a haproxy.cfg input against the strict shape the file allows, and throws
 * InvalidRenderInput naming the first field that is not. The domain validated the values
 * already; this is the second wall, since one stray newline or space in a value is a directive
 * of the attacker's choosing. It also refuses what haproxy would refuse or silently misserve:
 * two proxies of one name, two frontends on one address and port, a default backend that is not
 * there or in tcp mode behind an http frontend.
 */
export function validateHaproxyInput(input: HaproxyInput): void {
  object(input, 'input');
  uuid(input.instanceId, 'instanceId');
  check(Array.isArray(input.frontends), 'frontends', 'must be an array');
  check(Array.isArray(input.backends), 'backends', 'must be an array');
  const backends = new Map<string, RenderedBackend>();
  input.backends.forEach((b, i) => {
    validateBackend(b, `backends[${i}]`);
    check(!backends.has(b.id), `backends[${i}].id`, 'must be unique among the backends');
    backends.set(b.id, b);
  });
  const httpBackends = new Set(input.backends.filter((b) => b.mode === 'http').map((b) => b.id));
  const frontendIds = new Set<string>();
  const binds = new Set<string>();
  input.frontends.forEach((f, i) => {
    validateFrontend(f, `frontends[${i}]`);
    validateFrontendL7(f, `frontends[${i}]`, httpBackends);
    check(!frontendIds.has(f.id), `frontends[${i}].id`, 'must be unique among the frontends');
    frontendIds.add(f.id);
    check(!binds.has(`${f.address}:${f.protocolPort}`), `frontends[${i}].protocolPort`, 'must be unique per address');
    binds.add(`${f.address}:${f.protocolPort}`);
    if (f.defaultBackendId !== null) {
      const backend = backends.get(f.defaultBackendId);
      check(backend !== undefined, `frontends[${i}].defaultBackendId`, 'must name one of the backends');
      check(
        f.mode === 'tcp' || backend?.mode === 'http',
        `frontends[${i}].defaultBackendId`,
        'must name an http-mode backend: HAProxy cannot pass an http frontend to a tcp one',
      );
    }
  });
  const { stats } = input;
  object(stats, 'stats');
  ipv4(stats.address, 'stats.address');
  port(stats.port, 'stats.port');
  check(matches(stats.user, CREDENTIAL), 'stats.user', 'must be 1 to 64 letters, digits, _ and -');
  check(matches(stats.password, CREDENTIAL), 'stats.password', 'must be 1 to 64 letters, digits, _ and -');
  absolutePath(input.runDir, 'runDir', MAX_RUN_DIR);
  absolutePath(input.pingCheckCommand, 'pingCheckCommand', 200);
}

/** Checks every value of a keepalived.conf input; throws InvalidRenderInput naming the first bad field. */
export function validateKeepalivedInput(input: KeepalivedInput): void {
  uuid(input.instanceId, 'instanceId');
  uuid(input.vmId, 'vmId');
  oneOf(input.role, 'role', ['active', 'standby']);
  int(input.priority, 'priority', 1, 254);
  int(input.virtualRouterId, 'virtualRouterId', 1, 255);
  check(matches(input.interface, INTERFACE), 'interface', 'must be an interface name of 1 to 15 letters, digits, _, . and -');
  ipv4(input.vrrpAddress, 'vrrpAddress');
  if (input.peerAddress !== null) ipv4(input.peerAddress, 'peerAddress');
  ipv4(input.vip.address, 'vip.address');
  int(input.vip.prefixLength, 'vip.prefixLength', 1, 32);
  absolutePath(input.runDir, 'runDir', MAX_RUN_DIR);
}
