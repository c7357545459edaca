import type { HaproxyInput, KeepalivedInput } from './model';

/** A value that would reach a configuration file but is not of the strict shape allowed there. */
export class InvalidRenderInput extends Error {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidRenderInput';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'];
/** No quote of any kind: HAProxy's parser treats ' and " as quoting, and \ as an escape. */
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]{0,254}$/;
const EXPECTED_CODES = /^([1-5]\d\d)(\s*,\s*[1-5]\d\d)*$|^([1-5]\d\d)-([1-5]\d\d)$/;
/** RFC 6265 token characters without ' and # (quoting and comments in haproxy.cfg). */
const COOKIE_NAME = /^[A-Za-z0-9!$%&*+\-.^_`|~]{1,64}$/;
const CREDENTIAL = /^[A-Za-z0-9_-]{1,64}$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]{1,200}$/;
const INTERFACE = /^[A-Za-z0-9_.-]{1,15}$/;

function check(ok: boolean, field: string, reason: string): void {
  if (!ok) throw new InvalidRenderInput(field, reason);
}
const str = (v: unknown): v is string => typeof v === 'string';
const uuid = (v: unknown, field: string) => check(str(v) && UUID.test(v), field, 'must be a lower-case UUID');
const ipv4 = (v: unknown, field: string) => check(str(v) && IPV4.test(v), field, 'must be a dotted IPv4 address');
const int = (v: unknown, field: string, min: number, max: number) =>
  check(Number.isInteger(v) && (v as number) >= min && (v as number) <= max, field, `must be an integer from ${min} to ${max}`);
const oneOf = (v: unknown, field: string, allowed: readonly string[]) => check(str(v) && allowed.includes(v), field, `must be one of ${allowed.join(', ')}`);
const path = (v: unknown, field: string) => check(str(v) && ABSOLUTE_PATH.test(v) && !v.split('/').includes('..'), field, 'must be an absolute path of letters, digits, ., _, - and /');

/**
 * Checks every value of a haproxy.cfg input against the strict shape the file allows. The
 * domain validated them already; this is the second wall, since one stray newline or space in a
 * value is a directive of the attacker's choosing.
 */
export function checkHaproxyInput(input: HaproxyInput): void {
  uuid(input.instanceId, 'instanceId');
  const { vip, pool, stats } = input;
  uuid(vip.id, 'vip.id');
  ipv4(vip.address, 'vip.address');
  int(vip.protocolPort, 'vip.protocolPort', 1, 65535);
  oneOf(vip.protocol, 'vip.protocol', ['HTTP', 'HTTPS', 'TCP']);
  int(vip.connectionLimit, 'vip.connectionLimit', -1, 1_000_000);
  check(typeof vip.adminStateUp === 'boolean', 'vip.adminStateUp', 'must be a boolean');
  if (vip.sessionPersistence !== null) {
    oneOf(vip.sessionPersistence.type, 'vip.sessionPersistence.type', ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE']);
    if (vip.sessionPersistence.type === 'APP_COOKIE') {
      check(str(vip.sessionPersistence.cookieName) && COOKIE_NAME.test(vip.sessionPersistence.cookieName), 'vip.sessionPersistence.cookieName', 'must be a cookie name of token characters');
    }
  }
  uuid(pool.id, 'pool.id');
  oneOf(pool.protocol, 'pool.protocol', ['HTTP', 'HTTPS', 'TCP']);
  oneOf(pool.lbMethod, 'pool.lbMethod', ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP']);
  check(typeof pool.adminStateUp === 'boolean', 'pool.adminStateUp', 'must be a boolean');
  input.members.forEach((m, i) => {
    uuid(m.id, `members[${i}].id`);
    ipv4(m.address, `members[${i}].address`);
    int(m.protocolPort, `members[${i}].protocolPort`, 1, 65535);
    int(m.weight, `members[${i}].weight`, 0, 256);
    check(typeof m.adminStateUp === 'boolean', `members[${i}].adminStateUp`, 'must be a boolean');
  });
  input.monitors.forEach((hm, i) => {
    uuid(hm.id, `monitors[${i}].id`);
    oneOf(hm.type, `monitors[${i}].type`, ['PING', 'TCP', 'HTTP', 'HTTPS']);
    int(hm.delay, `monitors[${i}].delay`, 1, 86_400);
    int(hm.timeout, `monitors[${i}].timeout`, 1, 86_400);
    int(hm.maxRetries, `monitors[${i}].maxRetries`, 1, 10);
    oneOf(hm.httpMethod, `monitors[${i}].httpMethod`, HTTP_METHODS);
    check(str(hm.urlPath) && URL_PATH.test(hm.urlPath), `monitors[${i}].urlPath`, 'must be an absolute URL path without spaces, quotes or #');
    check(str(hm.expectedCodes) && hm.expectedCodes.length <= 64 && EXPECTED_CODES.test(hm.expectedCodes), `monitors[${i}].expectedCodes`, 'must be a code, a list like 200,202 or a range like 200-204');
    const range = /^([1-5]\d\d)-([1-5]\d\d)$/.exec(hm.expectedCodes);
    check(!range || Number(range[1]) <= Number(range[2]), `monitors[${i}].expectedCodes`, 'a range must run from the lower code to the higher');
    check(typeof hm.adminStateUp === 'boolean', `monitors[${i}].adminStateUp`, 'must be a boolean');
  });
  ipv4(stats.address, 'stats.address');
  int(stats.port, 'stats.port', 1, 65535);
  check(str(stats.user) && CREDENTIAL.test(stats.user), 'stats.user', 'must be letters, digits, _ and -');
  check(str(stats.password) && CREDENTIAL.test(stats.password), 'stats.password', 'must be letters, digits, _ and -');
  path(input.runDir, 'runDir');
  path(input.pingCheckCommand, 'pingCheckCommand');
}

export function checkKeepalivedInput(input: KeepalivedInput): void {
  uuid(input.instanceId, 'instanceId');
  uuid(input.vmId, 'vmId');
  oneOf(input.role, 'role', ['active', 'standby']);
  int(input.priority, 'priority', 1, 254);
  int(input.virtualRouterId, 'virtualRouterId', 1, 255);
  check(str(input.interface) && INTERFACE.test(input.interface), 'interface', 'must be an interface name of at most 15 characters');
  ipv4(input.vrrpAddress, 'vrrpAddress');
  if (input.peerAddress !== null) ipv4(input.peerAddress, 'peerAddress');
  ipv4(input.vip.address, 'vip.address');
  int(input.vip.prefixLength, 'vip.prefixLength', 8, 32);
  path(input.runDir, 'runDir');
}
