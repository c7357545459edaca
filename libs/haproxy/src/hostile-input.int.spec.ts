import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { baseHaproxyInput, baseKeepalivedInput, monitorOf, uuidOf } from './golden-cases';
import type { HaproxyInput, KeepalivedInput, RenderedMember, RenderedMonitor } from './model';
import { outcome } from './checker-outcome';
import { renderHaproxyConfig } from './render-haproxy';
import { renderKeepalivedConfig } from './render-keepalived';
import { writeThrowawayCertificate } from './throwaway-certificate';
import { haproxyFacts } from './placement-bundle';
import { InvalidRenderInput } from './validate';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'lbt-hostile-'));
const certificate = join(dir, 'throwaway.pem');
beforeAll(() => writeThrowawayCertificate(certificate));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `check` on every item, two at a time (the machine has two cores). */
async function inPairs<T, R>(items: readonly T[], check: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 2)
    results.push(...(await Promise.all(items.slice(i, i + 2).map((item, j) => check(item, i + j)))));
  return results;
}

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
  (i) => ({ ...i, members: [{ ...i.members[0], ...change }] });
const monitor =
  (field: keyof RenderedMonitor): Put<HaproxyInput> =>
  (i, v) => ({ ...i, monitors: [{ ...monitorOf('HTTP'), [field]: v }] });

/** Every string-valued place of the input, with the value placed there both bare and after a valid prefix. */
const HAPROXY_STRINGS: Record<string, Put<HaproxyInput>> = {
  instanceId: (i, v) => ({ ...i, instanceId: v }),
  'instanceId (valid prefix)': (i, v) => ({ ...i, instanceId: `${i.instanceId}${v}` }),
  'vip.id': (i, v) => ({ ...i, vip: { ...i.vip, id: v } }),
  'vip.address': (i, v) => ({ ...i, vip: { ...i.vip, address: `198.18.1.10${v}` } }),
  'vip.protocol': (i, v) => ({ ...i, vip: { ...i.vip, protocol: v as HaproxyInput['vip']['protocol'] } }),
  'vip.sessionPersistence.type': (i, v) => ({
    ...i,
    vip: { ...i.vip, sessionPersistence: { type: v as 'APP_COOKIE', cookieName: 'SID' } },
  }),
  'vip.tls.certificateId': (i, v) => ({
    ...i,
    vip: { ...i.vip, tls: { certificateId: `${uuidOf(80)}${v}`, fingerprint: 'f'.repeat(64) } },
  }),
  'vip.tls.fingerprint': (i, v) => ({ ...i, vip: { ...i.vip, tls: { certificateId: uuidOf(80), fingerprint: `${'f'.repeat(64)}${v}` } } }),
  'vip.sessionPersistence.cookieName': (i, v) => ({
    ...i,
    vip: { ...i.vip, sessionPersistence: { type: 'APP_COOKIE', cookieName: `SID${v}` } },
  }),
  'pool.id': (i, v) => ({ ...i, pool: { ...i.pool, id: `${i.pool.id}${v}` } }),
  'pool.protocol': (i, v) => ({ ...i, pool: { ...i.pool, protocol: v as HaproxyInput['pool']['protocol'] } }),
  'pool.lbMethod': (i, v) => ({ ...i, pool: { ...i.pool, lbMethod: v as HaproxyInput['pool']['lbMethod'] } }),
  'members[].id': (i, v) => member({ id: `${i.members[0].id}${v}` })(i, v),
  'members[].address': (i, v) => member({ address: `${v}198.18.2.10` })(i, v),
  'monitors[].id': monitor('id'),
  'monitors[].type': monitor('type'),
  'monitors[].httpMethod': (i, v) => monitor('httpMethod')(i, `GET${v}`),
  'monitors[].urlPath': (i, v) => monitor('urlPath')(i, `/health${v}`),
  'monitors[].expectedCodes': (i, v) => monitor('expectedCodes')(i, `200${v}`),
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
const NUMBERS = [Number.NaN, Infinity, -1, 0.5, 1e7, 1e21];
const HAPROXY_NUMBERS: Record<string, (i: HaproxyInput, n: number) => HaproxyInput> = {
  'vip.protocolPort': (i, n) => ({ ...i, vip: { ...i.vip, protocolPort: n } }),
  'members[].protocolPort': (i, n) => member({ protocolPort: n })(i, ''),
  'members[].weight': (i, n) => member({ weight: n })(i, ''),
  'monitors[].delay': (i, n) => ({ ...i, monitors: [monitorOf('TCP', { delay: n })] }),
  'monitors[].maxRetries': (i, n) => ({ ...i, monitors: [monitorOf('TCP', { maxRetries: n })] }),
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
    expect(() => renderKeepalivedConfig({ ...baseKeepalivedInput(), priority: asString('200') as unknown as number })).toThrow(
      InvalidRenderInput,
    );
  });
});

// --- random valid input ---------------------------------------------------------------------

const hexDigits = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'), { minLength: n, maxLength: n }).map((d) => d.join(''));
const uuid = fc.tuple(hexDigits(8), hexDigits(4), hexDigits(4), hexDigits(4), hexDigits(12)).map((parts) => parts.join('-'));
const ipv4 = fc.ipV4();
const port = fc.integer({ min: 1, max: 65535 });
const fromChars = (chars: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((c) => c.join(''));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const code = fc.integer({ min: 100, max: 599 });
const expectedCodes = fc.oneof(
  code.map(String),
  fc.array(code, { minLength: 2, maxLength: 6 }).map((c) => c.join(', ')),
  fc.tuple(code, code).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
);
const monitorArb: fc.Arbitrary<RenderedMonitor> = fc.record({
  id: uuid,
  type: fc.constantFrom('PING' as const, 'TCP' as const, 'HTTP' as const, 'HTTPS' as const),
  delay: fc.integer({ min: 1, max: 86_400 }),
  timeout: fc.integer({ min: 1, max: 86_400 }),
  maxRetries: fc.integer({ min: 1, max: 10 }),
  httpMethod: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'),
  urlPath: fromChars(`${ALNUM}-._~!$&()*+,;=:@%/?`, 0, 40).map((p) => `/${p}`),
  expectedCodes,
  adminStateUp: fc.boolean(),
});
const memberArb: fc.Arbitrary<RenderedMember> = fc.record({
  id: uuid,
  address: ipv4,
  protocolPort: port,
  weight: fc.integer({ min: 0, max: 256 }),
  adminStateUp: fc.boolean(),
});
const protocol = fc.constantFrom('HTTP' as const, 'HTTPS' as const, 'TCP' as const);

const validHaproxyInput: fc.Arbitrary<HaproxyInput> = fc
  .record({
    instanceId: uuid,
    protocol,
    vip: fc.record({
      id: uuid,
      address: ipv4,
      protocolPort: port,
      connectionLimit: fc.integer({ min: -1, max: 1_000_000 }),
      adminStateUp: fc.boolean(),
    }),
    persistence: fc.option(
      fc.oneof(
        fc.constantFrom({ type: 'SOURCE_IP' as const }, { type: 'HTTP_COOKIE' as const }),
        fromChars(`${ALNUM}!$%&*+-.^_\`|~`, 1, 64).map((cookieName) => ({ type: 'APP_COOKIE' as const, cookieName })),
      ),
    ),
    tls: fc.option(fc.tuple(uuid, hexDigits(64))),
    pool: fc.record({
      id: uuid,
      lbMethod: fc.constantFrom('ROUND_ROBIN' as const, 'LEAST_CONNECTIONS' as const, 'SOURCE_IP' as const),
      adminStateUp: fc.boolean(),
    }),
    members: fc.uniqueArray(memberArb, { maxLength: 20, selector: (m) => m.id }),
    monitors: fc.array(monitorArb, { maxLength: 3 }),
    stats: fc.record({ address: ipv4, port, user: fromChars(`${ALNUM}_-`, 1, 64), password: fromChars(`${ALNUM}_-`, 1, 64) }),
    pingCheckCommand: fromChars(`${ALNUM}._-`, 1, 30).map((name) => `/usr/local/lib/${name}`),
  })
  .map((r) => ({
    instanceId: r.instanceId,
    // A certificate only on HTTP VIPs, as the domain allows; its file lies in the run directory.
    vip: {
      ...r.vip,
      protocol: r.protocol,
      sessionPersistence: r.persistence,
      tls: r.protocol === 'HTTP' && r.tls ? { certificateId: r.tls[0], fingerprint: r.tls[1].toLowerCase() } : null,
    },
    pool: { ...r.pool, protocol: r.protocol },
    members: r.members,
    monitors: r.monitors,
    stats: r.stats,
    // A directory that exists, so haproxy -c sees the file as the agent's would be.
    runDir: dir,
    pingCheckCommand: r.pingCheckCommand,
  }));

const validKeepalivedInput: fc.Arbitrary<KeepalivedInput> = fc.record({
  instanceId: uuid,
  vmId: uuid,
  role: fc.constantFrom('active' as const, 'standby' as const),
  priority: fc.integer({ min: 1, max: 254 }),
  virtualRouterId: fc.integer({ min: 1, max: 255 }),
  interface: fc.constant('lbv0'),
  vrrpAddress: ipv4,
  peerAddress: fc.option(ipv4),
  vip: fc.record({ address: ipv4, prefixLength: fc.integer({ min: 1, max: 32 }) }),
  runDir: fc.constant(dir),
});

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const IP = '[0-9]{1,3}(\\.[0-9]{1,3}){3}';
const PATH = '/[A-Za-z0-9._/-]+';
const HAPROXY_LINES = [
  `# haproxy\\.cfg of service instance ${UUID}, rendered by lbaas; do not edit`,
  'global',
  'defaults',
  'listen stats',
  `frontend ${UUID}`,
  `backend ${UUID}`,
  ...[
    'master-worker',
    'user nobody',
    'group nogroup',
    'log stdout format raw local0 notice',
    `pidfile ${PATH}/haproxy\\.pid`,
    `stats socket ${PATH}/haproxy\\.sock mode 600 level admin expose-fd listeners`,
    'external-check',
    'insecure-fork-wanted',
    'log global',
    'retries 3',
    'option redispatch',
    'timeout (connect|client|server) [0-9]+',
    `bind ${IP}:[0-9]+( ssl crt ${PATH}\\.pem alpn h2,http/1\\.1)?`,
    'mode (http|tcp)',
    'http-request set-header X-Forwarded-Proto https',
    'http-request set-header X-Forwarded-Port [0-9]+',
    'stats enable',
    'stats uri /',
    'stats auth [A-Za-z0-9_-]+:[A-Za-z0-9_-]+',
    'option forwardfor',
    'maxconn [0-9]+',
    'disabled',
    `default_backend ${UUID}`,
    'balance (roundrobin|leastconn|source)',
    'stick-table type ip size 10k',
    'stick on src',
    'cookie SRV insert indirect nocache',
    'stick-table type string len 64 size 10k',
    'stick store-response res\\.cook\\([!$%&*+.^_`|~0-9A-Za-z-]+\\)',
    'stick match req\\.cook\\([!$%&*+.^_`|~0-9A-Za-z-]+\\)',
    '# no (HTTP_COOKIE|APP_COOKIE) persistence: VIP protocol (TCP|HTTPS) is proxied in tcp mode, where HAProxy cannot see cookies',
    'timeout check [0-9]+s',
    'option httpchk [A-Z]+ /[A-Za-z0-9._~!$&()*+,;=:@%/?-]*',
    'http-check expect rstatus \\^[0-9|()\\[\\]-]+\\$',
    'option external-check',
    `external-check command ${PATH}`,
    `server ${UUID} ${IP}:[0-9]+ weight [0-9]+( check inter [0-9]+s fall [0-9]+ rise [0-9]+)?( check-ssl verify none)?( cookie ${UUID})?( disabled)?`,
  ].map((line) => ` {4}${line}`),
].map((line) => new RegExp(`^${line}$`));
const KEEPALIVED_LINES = [
  `# keepalived\\.conf of placement ${UUID} \\((active|standby)\\) of service instance ${UUID}, rendered by lbaas; do not edit`,
  'global_defs \\{',
  ` {4}router_id ${UUID}`,
  ' {4}vrrp_version 3',
  ' {4}enable_script_security',
  ' {4}script_user root',
  '\\}',
  'vrrp_script haproxy_alive \\{',
  ` {4}script "/usr/bin/pgrep -F ${PATH}/haproxy\\.pid"`,
  ' {4}interval 1',
  ' {4}fall 2',
  ' {4}rise 1',
  `vrrp_instance lb-${UUID} \\{`,
  ' {4}state (MASTER|BACKUP)',
  ' {4}interface [A-Za-z0-9_.-]+',
  ' {4}virtual_router_id [0-9]+',
  ' {4}priority [0-9]+',
  ' {4}advert_int 0\\.1',
  ` {4}unicast_src_ip ${IP}`,
  ' {4}unicast_peer \\{',
  ` {8}${IP}`,
  ' {4}\\}',
  ' {4}virtual_ipaddress \\{',
  ` {8}${IP}/[0-9]+ dev [A-Za-z0-9_.-]+`,
  ' {4}track_script \\{',
  ' {8}haproxy_alive',
].map((line) => new RegExp(`^${line}$`));

/** Lines of `text` that have none of the known shapes: an injected directive would be one. */
const strangeLines = (text: string, shapes: readonly RegExp[]) =>
  text
    .split('\n')
    .slice(0, -1)
    .filter((line) => !shapes.some((s) => s.test(line)));
/** Characters that only an injection could bring: quotes, escapes, braces in haproxy.cfg, controls, non-ASCII. */
const INJECTED = /[\r\t"'\\\u0000-\u0008\u000b-\u001f\u007f-\uffff]/;

describe('random valid input', () => {
  it('every haproxy.cfg line has one of the known shapes, and no quote, escape or control character appears', () => {
    fc.assert(
      fc.property(validHaproxyInput, (input) => {
        const text = renderHaproxyConfig(input);
        expect(strangeLines(text, HAPROXY_LINES)).toEqual([]);
        expect(text).not.toMatch(INJECTED);
        expect(text).not.toMatch(/[{}]/);
        expect(text.endsWith('\n')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('every keepalived.conf line has one of the known shapes', () => {
    fc.assert(
      fc.property(validKeepalivedInput, (input) => {
        const text = renderKeepalivedConfig(input);
        expect(strangeLines(text, KEEPALIVED_LINES)).toEqual([]);
        // The script line's two quotes are the only ones.
        expect(text.replace(/"[^"\n]*"/, '')).not.toMatch(INJECTED);
      }),
      { numRuns: 300 },
    );
  });

  it('renders 40 random inputs into files the real haproxy -c accepts without a warning', async () => {
    const inputs = fc.sample(validHaproxyInput, { numRuns: 40, seed: 20261125 });
    const results = await inPairs(inputs, async (input, n) => {
      const path = join(dir, `random-${n}.cfg`);
      const text = renderHaproxyConfig(input);
      for (const crt of haproxyFacts(input, '').tlsFiles) {
        mkdirSync(join(crt.path, '..'), { recursive: true });
        copyFileSync(certificate, crt.path);
      }
      writeFileSync(path, text);
      const result = await outcome('/usr/sbin/haproxy', ['-c', '-dW', '-f', path]);
      return { ...result, text: result.code === 0 ? '' : text };
    });
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
  });

  const root = process.getuid?.() === 0;
  if (!root)
    console.warn(
      'hostile-input.int.spec: not root, so keepalived -t on random input is skipped (it needs a namespace holding the interface)',
    );
  (root ? it : it.skip)('renders 20 random inputs into files the real keepalived -t accepts without a warning', async () => {
    const ns = `lbt${process.pid.toString(16)}-kr`;
    await run('ip', ['netns', 'add', ns]);
    try {
      await run('ip', ['-n', ns, 'link', 'add', 'lbv0', 'type', 'veth', 'peer', 'name', 'lbv0p']);
      const inputs = fc.sample(validKeepalivedInput, { numRuns: 20, seed: 20261125 });
      const results = await inPairs(inputs, async (input, n) => {
        const path = join(dir, `random-${n}.conf`);
        const text = renderKeepalivedConfig(input);
        writeFileSync(path, text);
        const result = await outcome('ip', ['netns', 'exec', ns, '/usr/sbin/keepalived', '-t', '-f', path]);
        return { ...result, text: result.code === 0 && result.output === '' ? '' : text };
      });
      expect(results.filter((r) => r.code !== 0 || r.output !== '')).toEqual([]);
    } finally {
      await run('ip', ['netns', 'del', ns]);
    }
  });
});
