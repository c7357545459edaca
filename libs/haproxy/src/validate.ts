import { HTTP_METHODS, LB_METHODS, MONITOR_TYPES, PROTOCOLS, SESSION_PERSISTENCE_TYPES } from '@lbaas/domain';
import type { HaproxyInput, KeepalivedInput } from './model';

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

/**
 * Checks every value of a haproxy.cfg input against the strict shape the file allows, and throws
 * InvalidRenderInput naming the first field that is not. The domain validated the values
 * already; this is the second wall, since one stray newline or space in a value is a directive
 * of the attacker's choosing.
 */
export function validateHaproxyInput(input: HaproxyInput): void {
  uuid(input.instanceId, 'instanceId');
  const { vip, pool, stats } = input;
  uuid(vip.id, 'vip.id');
  ipv4(vip.address, 'vip.address');
  port(vip.protocolPort, 'vip.protocolPort');
  oneOf(vip.protocol, 'vip.protocol', PROTOCOLS);
  int(vip.connectionLimit, 'vip.connectionLimit', -1, 1_000_000);
  bool(vip.adminStateUp, 'vip.adminStateUp');
  const persistence: unknown = vip.sessionPersistence;
  check(persistence === null || typeof persistence === 'object', 'vip.sessionPersistence', 'must be null or an object');
  if (vip.sessionPersistence !== null) {
    oneOf(vip.sessionPersistence.type, 'vip.sessionPersistence.type', SESSION_PERSISTENCE_TYPES);
    if (vip.sessionPersistence.type === 'APP_COOKIE') {
      check(
        matches(vip.sessionPersistence.cookieName, COOKIE_NAME),
        'vip.sessionPersistence.cookieName',
        "must be 1 to 64 cookie token characters, without ' and #",
      );
    }
  }
  const tls: unknown = vip.tls;
  check(tls === null || (typeof tls === 'object' && !Array.isArray(tls)), 'vip.tls', 'must be null or an object');
  if (vip.tls !== null) {
    // HAProxy terminates TLS for an HTTP VIP only; an HTTPS VIP passes its bytes through untouched.
    check(vip.protocol === 'HTTP', 'vip.tls', 'is allowed on an HTTP VIP only');
    uuid(vip.tls.certificateId, 'vip.tls.certificateId');
    check(matches(vip.tls.fingerprint, FINGERPRINT), 'vip.tls.fingerprint', 'must be 64 lower-case hexadecimal digits (SHA-256)');
  }
  uuid(pool.id, 'pool.id');
  oneOf(pool.protocol, 'pool.protocol', PROTOCOLS);
  oneOf(pool.lbMethod, 'pool.lbMethod', LB_METHODS);
  bool(pool.adminStateUp, 'pool.adminStateUp');
  check(Array.isArray(input.members), 'members', 'must be an array');
  const serverNames = new Set<string>();
  input.members.forEach((m, i) => {
    uuid(m.id, `members[${i}].id`);
    // Server names must be unique within a backend, or haproxy refuses the file.
    check(!serverNames.has(m.id), `members[${i}].id`, 'must be unique in the pool');
    serverNames.add(m.id);
    ipv4(m.address, `members[${i}].address`);
    port(m.protocolPort, `members[${i}].protocolPort`);
    int(m.weight, `members[${i}].weight`, 0, 256);
    bool(m.adminStateUp, `members[${i}].adminStateUp`);
  });
  check(Array.isArray(input.monitors), 'monitors', 'must be an array');
  input.monitors.forEach((hm, i) => {
    uuid(hm.id, `monitors[${i}].id`);
    oneOf(hm.type, `monitors[${i}].type`, MONITOR_TYPES);
    int(hm.delay, `monitors[${i}].delay`, 1, 86_400);
    int(hm.timeout, `monitors[${i}].timeout`, 1, 86_400);
    int(hm.maxRetries, `monitors[${i}].maxRetries`, 1, 10);
    oneOf(hm.httpMethod, `monitors[${i}].httpMethod`, HTTP_METHODS);
    check(
      matches(hm.urlPath, URL_PATH),
      `monitors[${i}].urlPath`,
      'must be an absolute URL path of at most 255 characters without spaces, quotes, #, \\ or control characters',
    );
    validateExpectedCodes(hm.expectedCodes, `monitors[${i}].expectedCodes`);
    bool(hm.adminStateUp, `monitors[${i}].adminStateUp`);
  });
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
