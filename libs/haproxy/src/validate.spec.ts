import { baseHaproxyInput, baseKeepalivedInput, monitorOf, uuidOf } from './golden-cases';
import type { HaproxyInput, KeepalivedInput } from './model';
import { InvalidRenderInput, validateHaproxyInput, validateKeepalivedInput } from './validate';

const TLS = { certificateId: uuidOf(80), fingerprint: `0123456789abcdef${'0'.repeat(48)}` };

type Change<I> = (i: I) => I;
const vip =
  (v: Partial<HaproxyInput['vip']>): Change<HaproxyInput> =>
  (i) => ({ ...i, vip: { ...i.vip, ...v } });
const pool =
  (p: Partial<HaproxyInput['pool']>): Change<HaproxyInput> =>
  (i) => ({ ...i, pool: { ...i.pool, ...p } });
const member =
  (m: Partial<HaproxyInput['members'][number]>): Change<HaproxyInput> =>
  (i) => ({ ...i, members: [{ ...i.members[0], ...m }] });
const monitor =
  (m: Partial<HaproxyInput['monitors'][number]>): Change<HaproxyInput> =>
  (i) => ({ ...i, monitors: [monitorOf('HTTP', m)] });
const stats =
  (s: Partial<HaproxyInput['stats']>): Change<HaproxyInput> =>
  (i) => ({ ...i, stats: { ...i.stats, ...s } });
const cookie = (cookieName: string | undefined): Change<HaproxyInput> =>
  vip({ sessionPersistence: { type: 'APP_COOKIE', ...(cookieName === undefined ? {} : { cookieName }) } });
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
      (i) => ({
        ...i,
        members: [
          { ...i.members[0], weight: 0 },
          { ...i.members[1], weight: 256 },
        ],
      }),
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
    ['no members and no monitors', (i) => ({ ...i, members: [], monitors: [] })],
    ['connection limit -1 (unlimited)', vip({ connectionLimit: -1 })],
    ['a disabled monitor with a PING type', (i) => ({ ...i, monitors: [monitorOf('PING', { adminStateUp: false })] })],
    ['a TLS certificate on an HTTP VIP', vip({ tls: { certificateId: uuidOf(80), fingerprint: `0123456789abcdef${'0'.repeat(48)}` } })],
  ])('accepts %s', (_, change) => expect(() => validateHaproxyInput(change(baseHaproxyInput()))).not.toThrow());

  it.each<[string, Change<HaproxyInput>, string]>([
    ['a non-UUID instance id', (i) => ({ ...i, instanceId: 'instance-1' }), 'instanceId'],
    ['a UUID without dashes', vip({ id: uuidOf(2).replaceAll('-', '') }), 'vip.id'],
    ['a UUID with a trailing newline', pool({ id: `${uuidOf(3)}\n` }), 'pool.id'],
    ['an IPv4 address with a leading zero', vip({ address: '198.18.01.10' }), 'vip.address'],
    ['an octet over 255', member({ address: '198.18.2.256' }), 'members[0].address'],
    ['an IPv6 address', member({ address: '::1' }), 'members[0].address'],
    ['port 0', vip({ protocolPort: 0 }), 'vip.protocolPort'],
    ['port 65536', member({ protocolPort: 65536 }), 'members[0].protocolPort'],
    ['a fractional port', stats({ port: 80.5 }), 'stats.port'],
    ['weight 257', member({ weight: 257 }), 'members[0].weight'],
    ['weight -1', member({ weight: -1 }), 'members[0].weight'],
    ['a boolean given as a string', member({ adminStateUp: bad<boolean>('false') }), 'members[0].adminStateUp'],
    ['two members with the same id', (i) => ({ ...i, members: [i.members[0], { ...i.members[1], id: i.members[0].id }] }), 'members[1].id'],
    ['an unknown protocol', vip({ protocol: bad<'HTTP'>('UDP') }), 'vip.protocol'],
    ['an unknown lb method', pool({ lbMethod: bad<'SOURCE_IP'>('RANDOM') }), 'pool.lbMethod'],
    ['an unknown persistence type', vip({ sessionPersistence: { type: bad<'SOURCE_IP'>('SSL_ID') } }), 'vip.sessionPersistence.type'],
    ['APP_COOKIE without a cookie name', cookie(undefined), 'vip.sessionPersistence.cookieName'],
    ['a cookie name with a space', cookie('a b'), 'vip.sessionPersistence.cookieName'],
    ['a cookie name with a quote', cookie("a'b"), 'vip.sessionPersistence.cookieName'],
    ['a cookie name with #', cookie('a#b'), 'vip.sessionPersistence.cookieName'],
    ['a cookie name with a parenthesis', cookie('a)b'), 'vip.sessionPersistence.cookieName'],
    ['a 65-character cookie name', cookie('c'.repeat(65)), 'vip.sessionPersistence.cookieName'],
    ['delay 0', monitor({ delay: 0 }), 'monitors[0].delay'],
    ['a negative timeout', monitor({ timeout: -3 }), 'monitors[0].timeout'],
    ['max retries 0', monitor({ maxRetries: 0 }), 'monitors[0].maxRetries'],
    ['max retries 11', monitor({ maxRetries: 11 }), 'monitors[0].maxRetries'],
    ['a lower-case http method', monitor({ httpMethod: 'get' }), 'monitors[0].httpMethod'],
    ['an unknown http method', monitor({ httpMethod: 'BREW' }), 'monitors[0].httpMethod'],
    ['a relative URL path', monitor({ urlPath: 'health' }), 'monitors[0].urlPath'],
    ['a URL path with a space', monitor({ urlPath: '/a b' }), 'monitors[0].urlPath'],
    ['a URL path with a single quote', monitor({ urlPath: "/a'b" }), 'monitors[0].urlPath'],
    ['a URL path with a double quote', monitor({ urlPath: '/a"b' }), 'monitors[0].urlPath'],
    ['a URL path with #', monitor({ urlPath: '/a#b' }), 'monitors[0].urlPath'],
    ['a URL path with a backslash', monitor({ urlPath: '/a\\b' }), 'monitors[0].urlPath'],
    ['a URL path with a newline', monitor({ urlPath: '/a\nb' }), 'monitors[0].urlPath'],
    ['a URL path of 256 characters', monitor({ urlPath: `/${'a'.repeat(255)}` }), 'monitors[0].urlPath'],
    ['expected code 99', monitor({ expectedCodes: '99' }), 'monitors[0].expectedCodes'],
    ['expected code 600', monitor({ expectedCodes: '600' }), 'monitors[0].expectedCodes'],
    ['a descending range', monitor({ expectedCodes: '204-200' }), 'monitors[0].expectedCodes'],
    ['a list mixed with a range', monitor({ expectedCodes: '200,300-302' }), 'monitors[0].expectedCodes'],
    ['an overlong list', monitor({ expectedCodes: Array.from({ length: 20 }, () => '200').join(',') }), 'monitors[0].expectedCodes'],
    ['a stats user with a colon', stats({ user: 'a:b' }), 'stats.user'],
    ['an empty stats password', stats({ password: '' }), 'stats.password'],
    ['a 65-character stats password', stats({ password: 'p'.repeat(65) }), 'stats.password'],
    ['a relative runDir', (i) => ({ ...i, runDir: 'run/lbaas' }), 'runDir'],
    ['a runDir with ..', (i) => ({ ...i, runDir: '/run/../etc' }), 'runDir'],
    ['a runDir of 85 characters', (i) => ({ ...i, runDir: `/${'r'.repeat(84)}` }), 'runDir'],
    ['a ping command with a space', (i) => ({ ...i, pingCheckCommand: '/bin/ping -c1' }), 'pingCheckCommand'],
    ['TLS on a TCP VIP', (i) => vip({ protocol: 'TCP', tls: TLS })(i), 'vip.tls'],
    ['TLS on an HTTPS VIP (passed through, not terminated)', vip({ protocol: 'HTTPS', tls: TLS }), 'vip.tls'],
    ['tls missing (undefined)', vip({ tls: bad<null>(undefined) }), 'vip.tls'],
    ['tls as a string', vip({ tls: bad<null>('/run/x.pem') }), 'vip.tls'],
    ['a certificate id that is not a UUID', vip({ tls: { ...TLS, certificateId: 'x.pem alpn h2' } }), 'vip.tls.certificateId'],
    ['a certificate id with a path in it', vip({ tls: { ...TLS, certificateId: `../${uuidOf(80)}` } }), 'vip.tls.certificateId'],
    ['a fingerprint with a newline', vip({ tls: { ...TLS, fingerprint: `${TLS.fingerprint.slice(1)}\n` } }), 'vip.tls.fingerprint'],
    [
      'a fingerprint in upper case',
      vip({ tls: { ...TLS, fingerprint: TLS.fingerprint.toUpperCase().replace('0', 'A') } }),
      'vip.tls.fingerprint',
    ],
    ['a fingerprint of 63 digits', vip({ tls: { ...TLS, fingerprint: TLS.fingerprint.slice(1) } }), 'vip.tls.fingerprint'],
  ])('refuses %s, naming the field', (_, change, field) => {
    const error = refusal(() => validateHaproxyInput(change(baseHaproxyInput())));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: .+`));
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
