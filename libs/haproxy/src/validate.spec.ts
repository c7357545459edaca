import {
  baseHaproxyInput,
  baseKeepalivedInput,
  monitorOf,
  uuidOf,
  v1Protocol,
  withMembers,
  withMonitors,
  withPool as pool,
  withVip as vip,
} from './golden-cases';
import type { HaproxyInput, KeepalivedInput, RenderedMember, RenderedMonitor } from './model';
import { InvalidRenderInput, validateHaproxyInput, validateKeepalivedInput } from './validate';

const TLS = { certificateId: uuidOf(80), fingerprint: `0123456789abcdef${'0'.repeat(48)}` };

type Change<I> = (i: I) => I;
const member = (m: Partial<RenderedMember>): Change<HaproxyInput> => withMembers((ms) => [{ ...ms[0], ...m }]);
const monitor = (m: Partial<RenderedMonitor>): Change<HaproxyInput> => withMonitors(monitorOf('HTTP', m));
const stats =
  (s: Partial<HaproxyInput['stats']>): Change<HaproxyInput> =>
  (i) => ({ ...i, stats: { ...i.stats, ...s } });
const cookie = (cookieName: string | undefined): Change<HaproxyInput> =>
  pool({ sessionPersistence: { type: 'APP_COOKIE', ...(cookieName === undefined ? {} : { cookieName }) } });
const F = 'frontends[0]';
const B = 'backends[0]';
const M = 'backends[0].members';
const HM = 'backends[0].monitors[0]';
const bad = <T>(v: unknown) => v as T;

function refusal(validate: () => void): InvalidRenderInput {
  try {
    validate();
  } catch (error) {
    if (error instanceof InvalidRenderInput) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('validateHaproxyInput', () => {
  it('accepts the base input', () => expect(() => validateHaproxyInput(baseHaproxyInput())).not.toThrow());

  it.each<[string, Change<HaproxyInput>]>([
    ['an upper-case UUID', (i) => ({ ...i, instanceId: 'ABCDEF01-2345-4789-ABCD-EF0123456789' })],
    [
      'weights 0 and 256',
      withMembers((ms) => [
        { ...ms[0], weight: 0 },
        { ...ms[1], weight: 256 },
      ]),
    ],
    ['ports 1 and 65535', (i) => member({ protocolPort: 1 })(vip({ protocolPort: 65535 })(i))],
    ['max retries 1', monitor({ maxRetries: 1 })],
    ['max retries 10', monitor({ maxRetries: 10 })],
    ['every allowed URL path character', monitor({ urlPath: '/AZaz09-._~!$&()*+,;=:@%/?' })],
    ['a URL path of 255 characters', monitor({ urlPath: `/${'a'.repeat(254)}` })],
    ['expected codes 100 and 599', monitor({ expectedCodes: '100,599' })],
    ['an expected codes list with spaces', monitor({ expectedCodes: '200 , 202' })],
    ['an expected codes range', monitor({ expectedCodes: '100-599' })],
    ['a 64-character cookie name of every token character', cookie(`!$%&*+-.^_\`|~${'a'.repeat(51)}`)],
    ['64-character credentials', stats({ user: 'u'.repeat(64), password: 'P_-9'.repeat(16) })],
    ['a runDir of 84 characters, the longest whose socket path HAProxy takes', (i) => ({ ...i, runDir: `/${'r'.repeat(83)}` })],
    ['no members and no monitors', (i) => withMonitors()(withMembers(() => [])(i))],
    ['connection limit -1 (unlimited)', vip({ connectionLimit: -1 })],
    ['a disabled monitor with a PING type', withMonitors(monitorOf('PING', { adminStateUp: false }))],
    ['a TLS certificate on an HTTP VIP', vip({ tls: { certificateId: uuidOf(80), fingerprint: `0123456789abcdef${'0'.repeat(48)}` } })],
  ])('accepts %s', (_, change) => expect(() => validateHaproxyInput(change(baseHaproxyInput()))).not.toThrow());

  it.each<[string, Change<HaproxyInput>, string]>([
    ['a non-UUID instance id', (i) => ({ ...i, instanceId: 'instance-1' }), 'instanceId'],
    ['a UUID without dashes', vip({ id: uuidOf(2).replaceAll('-', '') }), `${F}.id`],
    ['a UUID with a trailing newline', pool({ id: `${uuidOf(3)}\n` }), `${B}.id`],
    ['an IPv4 address with a leading zero', vip({ address: '198.18.01.10' }), `${F}.address`],
    ['an octet over 255', member({ address: '198.18.2.256' }), `${M}[0].address`],
    ['an IPv6 address', member({ address: '::1' }), `${M}[0].address`],
    ['port 0', vip({ protocolPort: 0 }), `${F}.protocolPort`],
    ['port 65536', member({ protocolPort: 65536 }), `${M}[0].protocolPort`],
    ['a fractional port', stats({ port: 80.5 }), 'stats.port'],
    ['weight 257', member({ weight: 257 }), `${M}[0].weight`],
    ['weight -1', member({ weight: -1 }), `${M}[0].weight`],
    ['a boolean given as a string', member({ adminStateUp: bad<boolean>('false') }), `${M}[0].adminStateUp`],
    ['two members with the same id', withMembers((ms) => [ms[0], { ...ms[1], id: ms[0].id }]), `${M}[1].id`],
    ['an unknown mode', vip({ mode: bad<'http'>('health') }), `${F}.mode`],
    ['an unknown lb method', pool({ lbMethod: bad<'SOURCE_IP'>('RANDOM') }), `${B}.lbMethod`],
    ['an unknown persistence type', pool({ sessionPersistence: { type: bad<'SOURCE_IP'>('SSL_ID') } }), `${B}.sessionPersistence.type`],
    ['APP_COOKIE without a cookie name', cookie(undefined), `${B}.sessionPersistence.cookieName`],
    ['a cookie name with a space', cookie('a b'), `${B}.sessionPersistence.cookieName`],
    ['a cookie name with a quote', cookie("a'b"), `${B}.sessionPersistence.cookieName`],
    ['a cookie name with #', cookie('a#b'), `${B}.sessionPersistence.cookieName`],
    ['a cookie name with a parenthesis', cookie('a)b'), `${B}.sessionPersistence.cookieName`],
    ['a 65-character cookie name', cookie('c'.repeat(65)), `${B}.sessionPersistence.cookieName`],
    ['delay 0', monitor({ delay: 0 }), `${HM}.delay`],
    ['a negative timeout', monitor({ timeout: -3 }), `${HM}.timeout`],
    ['max retries 0', monitor({ maxRetries: 0 }), `${HM}.maxRetries`],
    ['max retries 11', monitor({ maxRetries: 11 }), `${HM}.maxRetries`],
    ['a lower-case http method', monitor({ httpMethod: 'get' }), `${HM}.httpMethod`],
    ['an unknown http method', monitor({ httpMethod: 'BREW' }), `${HM}.httpMethod`],
    ['a relative URL path', monitor({ urlPath: 'health' }), `${HM}.urlPath`],
    ['a URL path with a space', monitor({ urlPath: '/a b' }), `${HM}.urlPath`],
    ['a URL path with a single quote', monitor({ urlPath: "/a'b" }), `${HM}.urlPath`],
    ['a URL path with a double quote', monitor({ urlPath: '/a"b' }), `${HM}.urlPath`],
    ['a URL path with #', monitor({ urlPath: '/a#b' }), `${HM}.urlPath`],
    ['a URL path with a backslash', monitor({ urlPath: '/a\\b' }), `${HM}.urlPath`],
    ['a URL path with a newline', monitor({ urlPath: '/a\nb' }), `${HM}.urlPath`],
    ['a URL path of 256 characters', monitor({ urlPath: `/${'a'.repeat(255)}` }), `${HM}.urlPath`],
    ['expected code 99', monitor({ expectedCodes: '99' }), `${HM}.expectedCodes`],
    ['expected code 600', monitor({ expectedCodes: '600' }), `${HM}.expectedCodes`],
    ['a descending range', monitor({ expectedCodes: '204-200' }), `${HM}.expectedCodes`],
    ['a list mixed with a range', monitor({ expectedCodes: '200,300-302' }), `${HM}.expectedCodes`],
    ['an overlong list', monitor({ expectedCodes: Array.from({ length: 20 }, () => '200').join(',') }), `${HM}.expectedCodes`],
    ['a stats user with a colon', stats({ user: 'a:b' }), 'stats.user'],
    ['an empty stats password', stats({ password: '' }), 'stats.password'],
    ['a 65-character stats password', stats({ password: 'p'.repeat(65) }), 'stats.password'],
    ['a relative runDir', (i) => ({ ...i, runDir: 'run/lbaas' }), 'runDir'],
    ['a runDir with ..', (i) => ({ ...i, runDir: '/run/../etc' }), 'runDir'],
    ['a runDir of 85 characters', (i) => ({ ...i, runDir: `/${'r'.repeat(84)}` }), 'runDir'],
    ['a ping command with a space', (i) => ({ ...i, pingCheckCommand: '/bin/ping -c1' }), 'pingCheckCommand'],
    ['TLS on a TCP VIP', (i) => vip({ tls: TLS })(v1Protocol('TCP', 443)(i)), `${F}.tls`],
    ['TLS on an HTTPS VIP (passed through, not terminated)', (i) => vip({ tls: TLS })(v1Protocol('HTTPS', 443)(i)), `${F}.tls`],
    ['tls missing (undefined)', vip({ tls: bad<null>(undefined) }), `${F}.tls`],
    ['tls as a string', vip({ tls: bad<null>('/run/x.pem') }), `${F}.tls`],
    ['a certificate id that is not a UUID', vip({ tls: { ...TLS, certificateId: 'x.pem alpn h2' } }), `${F}.tls.certificateId`],
    ['a certificate id with a path in it', vip({ tls: { ...TLS, certificateId: `../${uuidOf(80)}` } }), `${F}.tls.certificateId`],
    ['a fingerprint with a newline', vip({ tls: { ...TLS, fingerprint: `${TLS.fingerprint.slice(1)}\n` } }), `${F}.tls.fingerprint`],
    [
      'a fingerprint in upper case',
      vip({ tls: { ...TLS, fingerprint: TLS.fingerprint.toUpperCase().replace('0', 'A') } }),
      `${F}.tls.fingerprint`,
    ],
    ['a fingerprint of 63 digits', vip({ tls: { ...TLS, fingerprint: TLS.fingerprint.slice(1) } }), `${F}.tls.fingerprint`],
  ])('refuses %s, naming the field', (_, change, field) => {
    const error = refusal(() => validateHaproxyInput(change(baseHaproxyInput())));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: .+`));
  });
});

describe('validateHaproxyInput: what Octavia v2 adds', () => {
  const second = (i: HaproxyInput): HaproxyInput => ({
    ...i,
    frontends: [...i.frontends, { ...i.frontends[0], id: uuidOf(22), protocolPort: 8080, defaultBackendId: uuidOf(32) }],
    backends: [...i.backends, { ...i.backends[0], id: uuidOf(32) }],
  });

  it.each<[string, Change<HaproxyInput>]>([
    ['two frontends and two backends', second],
    ['no frontends and no backends', (i) => ({ ...i, frontends: [], backends: [] })],
    ['a frontend without a default backend', vip({ defaultBackendId: null })],
    [
      'a tcp frontend in front of an http backend (HAProxy upgrades it)',
      vip({ mode: 'tcp', insertHeaders: { forwardedFor: false, forwardedPort: false, forwardedProto: false } }),
    ],
    ['the longest timeouts HAProxy takes', vip({ timeoutClientMs: 2_147_483_647, timeoutTcpInspectMs: 1 })],
    ['member timeouts', pool({ timeoutMemberConnectMs: 1, timeoutMemberDataMs: 2_147_483_647 })],
    ['PROXY and PROXYV2', pool({ proxyProtocol: 'v2' })],
    ['a backup member checked elsewhere', member({ backup: true, monitorAddress: '198.18.3.1', monitorPort: 65535 })],
    [
      'max retries down 1 and 10',
      (i) => withMonitors(monitorOf('TCP', { maxRetriesDown: 1 }), monitorOf('TCP', { id: uuidOf(61), maxRetriesDown: 10 }))(i),
    ],
    ['HTTP/1.1 with a host name', monitor({ httpVersion: '1.1', domainName: 'a-b.c_d.lbaas.test' })],
    ['HTTP/1.0 without one', monitor({ httpVersion: '1.0' })],
    ['a host name of one 63-character label', monitor({ domainName: 'a'.repeat(63) })],
    ['a TLS-HELLO monitor', withMonitors(monitorOf('TLS-HELLO'))],
    ['X-Forwarded-Proto and -Port without TLS', vip({ insertHeaders: { forwardedFor: false, forwardedPort: true, forwardedProto: true } })],
  ])('accepts %s', (_, change) => expect(() => validateHaproxyInput(change(baseHaproxyInput()))).not.toThrow());

  it.each<[string, Change<HaproxyInput>, string]>([
    ['a default backend that is not there', vip({ defaultBackendId: uuidOf(9) }), `${F}.defaultBackendId`],
    ['an http frontend in front of a tcp backend', pool({ mode: 'tcp' }), `${F}.defaultBackendId`],
    [
      'two frontends of one id',
      (i) => ({ ...second(i), frontends: [i.frontends[0], { ...second(i).frontends[1], id: uuidOf(2) }] }),
      'frontends[1].id',
    ],
    [
      'two frontends on one address and port',
      (i) => ({ ...second(i), frontends: [i.frontends[0], { ...second(i).frontends[1], protocolPort: 80 }] }),
      'frontends[1].protocolPort',
    ],
    ['two backends of one id', (i) => ({ ...second(i), backends: [i.backends[0], { ...i.backends[0] }] }), 'backends[1].id'],
    [
      'headers on a tcp frontend',
      (i) => vip({ insertHeaders: { forwardedFor: true, forwardedPort: false, forwardedProto: false } })(v1Protocol('TCP', 80)(i)),
      `${F}.insertHeaders.forwardedFor`,
    ],
    [
      'a header flag given as a string',
      vip({ insertHeaders: { forwardedFor: true, forwardedPort: bad<boolean>('true'), forwardedProto: false } }),
      `${F}.insertHeaders.forwardedPort`,
    ],
    ['a timeout of 0 (null keeps the default)', vip({ timeoutClientMs: 0 }), `${F}.timeoutClientMs`],
    ['a timeout past 2^31-1 ms', pool({ timeoutMemberDataMs: 2_147_483_648 }), `${B}.timeoutMemberDataMs`],
    ['a fractional timeout', vip({ timeoutTcpInspectMs: 1.5 }), `${F}.timeoutTcpInspectMs`],
    ['an unknown proxy protocol', pool({ proxyProtocol: bad<'v1'>('v3') }), `${B}.proxyProtocol`],
    ['an unknown object in modeOf', pool({ modeOf: { object: bad<'VIP'>('member'), protocol: 'TCP' } }), `${B}.modeOf.object`],
    ['an unknown protocol in modeOf', pool({ modeOf: { object: 'pool', protocol: bad<'TCP'>('UDP') } }), `${B}.modeOf.protocol`],
    ['backup given as a string', member({ backup: bad<boolean>('yes') }), `${M}[0].backup`],
    ['a monitor address with a port', member({ monitorAddress: '198.18.3.1:80' }), `${M}[0].monitorAddress`],
    ['monitor port 0', member({ monitorPort: 0 }), `${M}[0].monitorPort`],
    ['max retries down 0', monitor({ maxRetriesDown: 0 }), `${HM}.maxRetriesDown`],
    ['max retries down 11', monitor({ maxRetriesDown: 11 }), `${HM}.maxRetriesDown`],
    ['an unknown monitor type', withMonitors(monitorOf(bad<'TCP'>('UDP-CONNECT'))), `${HM}.type`],
    ['HTTP version 2', monitor({ httpVersion: bad<'1.1'>('2') }), `${HM}.httpVersion`],
    ['HTTP version as a number', monitor({ httpVersion: bad<'1.1'>(1.1) }), `${HM}.httpVersion`],
    ['a host name with a space', monitor({ domainName: 'www.lbaas.test hdr X y' }), `${HM}.domainName`],
    ['a host name with a newline', monitor({ domainName: 'www\nbackend x' }), `${HM}.domainName`],
    ['a host name with a port', monitor({ domainName: 'www.lbaas.test:80' }), `${HM}.domainName`],
    ['a host name with an empty label', monitor({ domainName: 'www..test' }), `${HM}.domainName`],
    ['a label starting with -', monitor({ domainName: '-www.test' }), `${HM}.domainName`],
    ['a 64-character label', monitor({ domainName: 'a'.repeat(64) }), `${HM}.domainName`],
    [
      'a host name of 254 characters',
      monitor({
        domainName: Array.from({ length: 51 }, () => 'abcd')
          .join('.')
          .slice(0, 254),
      }),
      `${HM}.domainName`,
    ],
  ])('refuses %s, naming the field', (_, change, field) => {
    expect(refusal(() => validateHaproxyInput(change(baseHaproxyInput()))).field).toBe(field);
  });
});

describe('validateKeepalivedInput', () => {
  it('accepts the base input and a degraded one', () => {
    expect(() => validateKeepalivedInput(baseKeepalivedInput())).not.toThrow();
    expect(() => validateKeepalivedInput({ ...baseKeepalivedInput(), peerAddress: null })).not.toThrow();
  });

  it('accepts a 15-character interface name', () =>
    expect(() => validateKeepalivedInput({ ...baseKeepalivedInput(), interface: 'veth.lb_0123-ab' })).not.toThrow());

  it.each<[string, Change<KeepalivedInput>, string]>([
    ['a non-UUID vm id', (i) => ({ ...i, vmId: 'vm-1' }), 'vmId'],
    ['an unknown role', (i) => ({ ...i, role: bad<'active'>('primary') }), 'role'],
    ['priority 0', (i) => ({ ...i, priority: 0 }), 'priority'],
    ['priority 255', (i) => ({ ...i, priority: 255 }), 'priority'],
    ['virtual router id 256', (i) => ({ ...i, virtualRouterId: 256 }), 'virtualRouterId'],
    ['a 16-character interface name', (i) => ({ ...i, interface: 'a'.repeat(16) }), 'interface'],
    ['an interface name with a space', (i) => ({ ...i, interface: 'lb v0' }), 'interface'],
    ['an interface name with a brace', (i) => ({ ...i, interface: 'lbv0}' }), 'interface'],
    ['a bad vrrp address', (i) => ({ ...i, vrrpAddress: '198.19.192' }), 'vrrpAddress'],
    ['a bad peer address', (i) => ({ ...i, peerAddress: '' }), 'peerAddress'],
    ['a bad VIP address', (i) => ({ ...i, vip: { ...i.vip, address: '198.18.1.10/24' } }), 'vip.address'],
    ['prefix length 33', (i) => ({ ...i, vip: { ...i.vip, prefixLength: 33 } }), 'vip.prefixLength'],
    ['a runDir with a quote', (i) => ({ ...i, runDir: '/run/x"y' }), 'runDir'],
  ])('refuses %s, naming the field', (_, change, field) => {
    expect(refusal(() => validateKeepalivedInput(change(baseKeepalivedInput()))).field).toBe(field);
  });
});
