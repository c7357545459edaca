import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import type { HaproxyInput, KeepalivedInput, RenderedBackend, RenderedFrontend, RenderedMember, RenderedMonitor } from './model';
import { outcome } from './checker-outcome';
import { renderHaproxyConfig } from './render-haproxy';
import { renderKeepalivedConfig } from './render-keepalived';
import { writeThrowawayCertificate } from './throwaway-certificate';
import { haproxyFacts } from './placement-bundle';

// Hostile values in every field are hostile-input.int.spec.ts.
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'lbt-random-'));
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
const timeoutMs = fc.option(fc.integer({ min: 1, max: 2_147_483_647 }));
const label = fromChars(`${ALNUM}_`, 1, 20);
const hostName = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const monitorArb: fc.Arbitrary<RenderedMonitor> = fc.record({
  id: uuid,
  type: fc.constantFrom('PING' as const, 'TCP' as const, 'HTTP' as const, 'HTTPS' as const, 'TLS-HELLO' as const),
  delay: fc.integer({ min: 1, max: 86_400 }),
  timeout: fc.integer({ min: 1, max: 86_400 }),
  maxRetries: fc.integer({ min: 1, max: 10 }),
  maxRetriesDown: fc.integer({ min: 1, max: 10 }),
  httpMethod: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'),
  urlPath: fromChars(`${ALNUM}-._~!$&()*+,;=:@%/?`, 0, 40).map((p) => `/${p}`),
  expectedCodes,
  httpVersion: fc.constantFrom(null, '1.0' as const, '1.1' as const),
  domainName: fc.option(hostName),
  adminStateUp: fc.boolean(),
});
const memberArb: fc.Arbitrary<RenderedMember> = fc.record({
  id: uuid,
  address: ipv4,
  protocolPort: port,
  weight: fc.integer({ min: 0, max: 256 }),
  adminStateUp: fc.boolean(),
  backup: fc.boolean(),
  monitorAddress: fc.option(ipv4),
  monitorPort: fc.option(port),
});
const mode = fc.constantFrom('http' as const, 'tcp' as const);
const backendArb: fc.Arbitrary<RenderedBackend> = fc.record({
  id: uuid,
  mode,
  modeOf: fc.record({
    object: fc.constantFrom('VIP' as const, 'pool' as const, 'listener' as const),
    protocol: fc.constantFrom(
      'HTTP' as const,
      'HTTPS' as const,
      'TCP' as const,
      'TERMINATED_HTTPS' as const,
      'PROXY' as const,
      'PROXYV2' as const,
    ),
  }),
  lbMethod: fc.constantFrom('ROUND_ROBIN' as const, 'LEAST_CONNECTIONS' as const, 'SOURCE_IP' as const),
  adminStateUp: fc.boolean(),
  sessionPersistence: fc.option(
    fc.oneof(
      fc.constantFrom({ type: 'SOURCE_IP' as const }, { type: 'HTTP_COOKIE' as const }),
      fromChars(`${ALNUM}!$%&*+-.^_\`|~`, 1, 64).map((cookieName) => ({ type: 'APP_COOKIE' as const, cookieName })),
    ),
  ),
  proxyProtocol: fc.constantFrom(null, 'v1' as const, 'v2' as const),
  timeoutMemberConnectMs: timeoutMs,
  timeoutMemberDataMs: timeoutMs,
  // Octavia's TLS options and L7 policies at random are random-l7.int.spec.ts.
  tls: fc.constant(null),
  members: fc.uniqueArray(memberArb, { maxLength: 12, selector: (m) => m.id.toLowerCase() }),
  monitors: fc.array(monitorArb, { maxLength: 2 }),
});
const frontendArb = fc.record({
  id: uuid,
  address: ipv4,
  protocolPort: port,
  mode,
  tls: fc.option(fc.tuple(uuid, hexDigits(64))),
  connectionLimit: fc.integer({ min: -1, max: 1_000_000 }),
  adminStateUp: fc.boolean(),
  backend: fc.nat(),
  insertHeaders: fc.record({ forwardedFor: fc.boolean(), forwardedPort: fc.boolean(), forwardedProto: fc.boolean() }),
  timeoutClientMs: timeoutMs,
  timeoutTcpInspectMs: timeoutMs,
});

/**
 * A load balancer of up to four frontends and four backends, as either API's mapping may give:
 * a frontend routes to one of the backends (or none) of a mode HAProxy takes behind it, sets
 * headers and terminates TLS only in http mode, and no two listen on one address and port.
 */
const validHaproxyInput: fc.Arbitrary<HaproxyInput> = fc
  .record({
    instanceId: uuid,
    frontends: fc.uniqueArray(frontendArb, { maxLength: 4, selector: (f) => f.id.toLowerCase() }),
    backends: fc.uniqueArray(backendArb, { maxLength: 4, selector: (b) => b.id.toLowerCase() }),
    stats: fc.record({ address: ipv4, port, user: fromChars(`${ALNUM}_-`, 1, 64), password: fromChars(`${ALNUM}_-`, 1, 64) }),
    pingCheckCommand: fromChars(`${ALNUM}._-`, 1, 30).map((name) => `/usr/local/lib/${name}`),
  })
  .map((r) => {
    const binds = new Set<string>();
    const frontends: RenderedFrontend[] = r.frontends
      .filter((f) => {
        const bind = `${f.address}:${f.protocolPort}`;
        const first = !binds.has(bind);
        binds.add(bind);
        return first;
      })
      .map(({ backend, tls, insertHeaders, ...f }) => {
        const target = r.backends.length === 0 ? undefined : r.backends[backend % (r.backends.length + 1)];
        // An http frontend cannot pass to a tcp backend: it takes its backend's mode then.
        const frontendMode = target?.mode === 'tcp' ? 'tcp' : f.mode;
        const http = frontendMode === 'http';
        return {
          ...f,
          mode: frontendMode,
          defaultBackendId: target?.id ?? null,
          tls: http && tls ? { certificateId: tls[0], fingerprint: tls[1].toLowerCase() } : null,
          insertHeaders: http ? insertHeaders : { forwardedFor: false, forwardedPort: false, forwardedProto: false },
          tlsOptions: null,
          clientCertificateHeaders: [],
          allowedCidrs: [],
          l7Policies: [],
        };
      });
    return {
      instanceId: r.instanceId,
      frontends,
      backends: r.backends,
      stats: r.stats,
      // A directory that exists, so haproxy -c sees the file as the agent's would be.
      runDir: dir,
      pingCheckCommand: r.pingCheckCommand,
    };
  });

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
    'httpclient\\.ssl\\.verify none',
    'external-check',
    'insecure-fork-wanted',
    'log global',
    'retries 3',
    'option redispatch',
    'timeout (connect|client|server) [0-9]+',
    `bind ${IP}:[0-9]+( ssl crt ${PATH}\\.pem alpn h2,http/1\\.1)?`,
    'mode (http|tcp)',
    'http-request set-header X-Forwarded-Proto https?',
    'http-request set-header X-Forwarded-Port [0-9]+',
    'stats enable',
    'stats uri /',
    'stats auth [A-Za-z0-9_-]+:[A-Za-z0-9_-]+',
    'option forwardfor',
    'maxconn [0-9]+',
    'tcp-request inspect-delay [0-9]+',
    'option allbackups',
    'disabled',
    `default_backend ${UUID}`,
    'balance (roundrobin|leastconn|source)',
    'stick-table type ip size 10k',
    'stick on src',
    'cookie SRV insert indirect nocache',
    'stick-table type string len 64 size 10k',
    'stick store-response res\\.cook\\([!$%&*+.^_`|~0-9A-Za-z-]+\\)',
    'stick match req\\.cook\\([!$%&*+.^_`|~0-9A-Za-z-]+\\)',
    '# no (HTTP_COOKIE|APP_COOKIE) persistence: (VIP|pool|listener) protocol (HTTP|HTTPS|TCP|TERMINATED_HTTPS|PROXY|PROXYV2) is proxied in tcp mode, where HAProxy cannot see cookies',
    'timeout check [0-9]+s',
    'option httpchk( [A-Z]+ /[A-Za-z0-9._~!$&()*+,;=:@%/?-]*)?',
    'http-check send meth [A-Z]+ uri /[A-Za-z0-9._~!$&()*+,;=:@%/?-]* ver HTTP/1\\.[01]( hdr Host [A-Za-z0-9_.-]+)?',
    'option ssl-hello-chk',
    'http-check expect rstatus \\^[0-9|()\\[\\]-]+\\$',
    'option external-check',
    `external-check command ${PATH}`,
    `server ${UUID} ${IP}:[0-9]+ weight [0-9]+( check inter [0-9]+s fall [0-9]+ rise [0-9]+( addr ${IP})?( port [0-9]+)?)?( check-ssl verify none)?( cookie ${UUID})?( send-proxy(-v2)?)?( backup)?( disabled)?`,
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
  ` {4}script "/bin/sh -c 'read -r pid < ${PATH}/haproxy\\.pid; \\[ "\\$pid" -gt 1 \\] && kill -0 "\\$pid"'"`,
  ' {4}interval 1',
  ' {4}fall 2',
  ' {4}rise 1',
  `vrrp_instance lb-${UUID} \\{`,
  ' {4}state (MASTER|BACKUP)',
  ' {4}interface [A-Za-z0-9_.-]+',
  ' {4}virtual_router_id [0-9]+',
  ' {4}priority [0-9]+',
  ' {4}advert_int 0\\.1',
  ' {4}down_timer_adverts 1',
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
        // The script line (its shape checked above, the run directory in it of path letters only) holds the only quotes.
        expect(text.replace(/^ {4}script .*$/m, '')).not.toMatch(INJECTED);
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
