import fc from 'fast-check';
import { baseHaproxyInput, baseKeepalivedInput, monitorOf, uuidOf, withMembers, withMonitors, withPool, withVip } from './golden-cases';
import type { HaproxyInput, KeepalivedInput, RenderedBackend, RenderedFrontend, RenderedMember, RenderedMonitor } from './model';
import { renderHaproxyConfig } from './render-haproxy';
import { renderKeepalivedConfig } from './render-keepalived';
import { InvalidRenderInput } from './validate';

// Random valid input, and the real haproxy -c on it, is random-input.int.spec.ts.

// --- hostile values -------------------------------------------------------------------------

const HOSTILE = [
  '\n',
  '\r',
  '\r\n',
  '"',
  "'",
  '#',
  ' ',
  '\t',
  '\\',
  '{',
  '}',
  '\u0000',
  '\u2028',
  '\u00e9',
  '\u{1F600}',
  '$(reboot) now',
  '\nbackend evil\n    server x 1.2.3.4:1',
  '\n}\nvrrp_script x {\n',
  ' disabled',
  'x'.repeat(10_000),
];
const hostileString = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }))
  .map(([a, h, b]) => `${a}${h}${b}`);

type Put<I> = (input: I, value: string) => I;
const member =
  (change: Partial<RenderedMember>): Put<HaproxyInput> =>
  (i) =>
    withMembers((ms) => [{ ...ms[0], ...change }])(i);
const monitor =
  (field: keyof RenderedMonitor): Put<HaproxyInput> =>
  (i, v) =>
    withMonitors({ ...monitorOf('HTTP'), [field]: v })(i);
const vip =
  (field: keyof RenderedFrontend): Put<HaproxyInput> =>
  (i, v) =>
    withVip({ [field]: v })(i);
const pool =
  (field: keyof RenderedBackend): Put<HaproxyInput> =>
  (i, v) =>
    withPool({ [field]: v })(i);
const TLS = { certificateId: uuidOf(80), fingerprint: 'f'.repeat(64) };

/** Every string-valued place of the input, with the value placed there both bare and after a valid prefix. */
const HAPROXY_STRINGS: Record<string, Put<HaproxyInput>> = {
  instanceId: (i, v) => ({ ...i, instanceId: v }),
  'instanceId (valid prefix)': (i, v) => ({ ...i, instanceId: `${i.instanceId}${v}` }),
  'frontends[].id': vip('id'),
  'frontends[].address': (i, v) => vip('address')(i, `198.18.1.10${v}`),
  'frontends[].mode': vip('mode'),
  'frontends[].defaultBackendId': (i, v) => vip('defaultBackendId')(i, `${uuidOf(3)}${v}`),
  'frontends[].tls.certificateId': (i, v) => withVip({ tls: { ...TLS, certificateId: `${uuidOf(80)}${v}` } })(i),
  'frontends[].tls.fingerprint': (i, v) => withVip({ tls: { ...TLS, fingerprint: `${'f'.repeat(64)}${v}` } })(i),
  'backends[].id': (i, v) => ({ ...pool('id')(i, `${uuidOf(3)}${v}`), frontends: [] }),
  'backends[].mode': pool('mode'),
  'backends[].modeOf.object': (i, v) => withPool({ modeOf: { object: v as 'VIP', protocol: 'HTTP' } })(i),
  'backends[].modeOf.protocol': (i, v) => withPool({ modeOf: { object: 'pool', protocol: v as 'HTTP' } })(i),
  'backends[].sessionPersistence.type': (i, v) => withPool({ sessionPersistence: { type: v as 'APP_COOKIE', cookieName: 'SID' } })(i),
  'backends[].sessionPersistence.cookieName': (i, v) => withPool({ sessionPersistence: { type: 'APP_COOKIE', cookieName: `SID${v}` } })(i),
  'backends[].lbMethod': pool('lbMethod'),
  'backends[].proxyProtocol': pool('proxyProtocol'),
  'members[].id': (i, v) => member({ id: `${uuidOf(41)}${v}` })(i, v),
  'members[].address': (i, v) => member({ address: `${v}198.18.2.10` })(i, v),
  'members[].monitorAddress': (i, v) => member({ monitorAddress: `198.18.3.1${v}` })(i, v),
  'monitors[].id': monitor('id'),
  'monitors[].type': monitor('type'),
  'monitors[].httpMethod': (i, v) => monitor('httpMethod')(i, `GET${v}`),
  'monitors[].urlPath': (i, v) => monitor('urlPath')(i, `/health${v}`),
  'monitors[].expectedCodes': (i, v) => monitor('expectedCodes')(i, `200${v}`),
  'monitors[].httpVersion': (i, v) => monitor('httpVersion')(i, `1.1${v}`),
  'monitors[].domainName': (i, v) => monitor('domainName')(i, `www.lbaas.test${v}`),
  'stats.address': (i, v) => ({ ...i, stats: { ...i.stats, address: v } }),
  'stats.user': (i, v) => ({ ...i, stats: { ...i.stats, user: `lbstats${v}` } }),
  'stats.password': (i, v) => ({ ...i, stats: { ...i.stats, password: `${v}secret` } }),
  runDir: (i, v) => ({ ...i, runDir: `/run/lbaas/${v}` }),
  pingCheckCommand: (i, v) => ({ ...i, pingCheckCommand: `/usr/lib/${v}/ping` }),
};
const KEEPALIVED_STRINGS: Record<string, Put<KeepalivedInput>> = {
  instanceId: (i, v) => ({ ...i, instanceId: `${i.instanceId}${v}` }),
  vmId: (i, v) => ({ ...i, vmId: v }),
  role: (i, v) => ({ ...i, role: v as KeepalivedInput['role'] }),
  interface: (i, v) => ({ ...i, interface: `lb${v}` }),
  vrrpAddress: (i, v) => ({ ...i, vrrpAddress: `198.19.192.1${v}` }),
  peerAddress: (i, v) => ({ ...i, peerAddress: v }),
  'vip.address': (i, v) => ({ ...i, vip: { ...i.vip, address: v } }),
  runDir: (i, v) => ({ ...i, runDir: `${i.runDir}${v}` }),
};
// -2, not -1: a connection limit of -1 is unlimited; 1e10 is past every range, the timeouts' 2^31-1 ms too.
const NUMBERS = [Number.NaN, Infinity, -2, 0.5, 1e10, 1e21];
const HAPROXY_NUMBERS: Record<string, (i: HaproxyInput, n: number) => HaproxyInput> = {
  'frontends[].protocolPort': (i, n) => withVip({ protocolPort: n })(i),
  'frontends[].connectionLimit': (i, n) => withVip({ connectionLimit: n })(i),
  'frontends[].timeoutClientMs': (i, n) => withVip({ timeoutClientMs: n })(i),
  'frontends[].timeoutTcpInspectMs': (i, n) => withVip({ timeoutTcpInspectMs: n })(i),
  'backends[].timeoutMemberConnectMs': (i, n) => withPool({ timeoutMemberConnectMs: n })(i),
  'backends[].timeoutMemberDataMs': (i, n) => withPool({ timeoutMemberDataMs: n })(i),
  'members[].protocolPort': (i, n) => member({ protocolPort: n })(i, ''),
  'members[].weight': (i, n) => member({ weight: n })(i, ''),
  'members[].monitorPort': (i, n) => member({ monitorPort: n })(i, ''),
  'monitors[].delay': (i, n) => withMonitors(monitorOf('TCP', { delay: n }))(i),
  'monitors[].maxRetries': (i, n) => withMonitors(monitorOf('TCP', { maxRetries: n }))(i),
  'monitors[].maxRetriesDown': (i, n) => withMonitors(monitorOf('TCP', { maxRetriesDown: n }))(i),
  'stats.port': (i, n) => ({ ...i, stats: { ...i.stats, port: n } }),
};

describe('hostile values', () => {
  it.each(Object.keys(HAPROXY_STRINGS))('in haproxy %s are refused with InvalidRenderInput, before any text', (field) => {
    fc.assert(
      fc.property(hostileString, (value) => {
        expect(() => renderHaproxyConfig(HAPROXY_STRINGS[field](baseHaproxyInput(), value))).toThrow(InvalidRenderInput);
      }),
      { numRuns: 150 },
    );
  });

  it.each(Object.keys(KEEPALIVED_STRINGS))('in keepalived %s are refused with InvalidRenderInput, before any text', (field) => {
    fc.assert(
      fc.property(hostileString, (value) => {
        expect(() => renderKeepalivedConfig(KEEPALIVED_STRINGS[field](baseKeepalivedInput(), value))).toThrow(InvalidRenderInput);
      }),
      { numRuns: 150 },
    );
  });

  it.each(Object.keys(HAPROXY_NUMBERS))('in haproxy %s (NaN, Infinity, fractions, out of range) are refused', (field) => {
    for (const n of NUMBERS) expect(() => renderHaproxyConfig(HAPROXY_NUMBERS[field](baseHaproxyInput(), n))).toThrow(InvalidRenderInput);
  });

  it('of another type than declared (a number as id, an object as address) are refused', () => {
    const asString = (v: unknown) => v as string;
    expect(() => renderHaproxyConfig({ ...baseHaproxyInput(), instanceId: asString(1) })).toThrow(InvalidRenderInput);
    expect(() =>
      renderHaproxyConfig({
        ...baseHaproxyInput(),
        stats: { ...baseHaproxyInput().stats, address: asString({ toString: () => '1.2.3.4' }) },
      }),
    ).toThrow(InvalidRenderInput);
    const asBoolean = (v: unknown) => v as boolean;
    expect(() => renderHaproxyConfig(withMembers((ms) => [{ ...ms[0], backup: asBoolean('backup') }])(baseHaproxyInput()))).toThrow(
      InvalidRenderInput,
    );
    expect(() => renderHaproxyConfig({ ...baseHaproxyInput(), frontends: asString('x') as unknown as [] })).toThrow(InvalidRenderInput);
    expect(() => renderKeepalivedConfig({ ...baseKeepalivedInput(), priority: asString('200') as unknown as number })).toThrow(
      InvalidRenderInput,
    );
  });
});
