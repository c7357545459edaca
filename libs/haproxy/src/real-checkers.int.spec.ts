import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { InvalidRenderInput } from './config-input-checks';
import { baseHaproxyInput, baseKeepalivedInput, uuidOf } from './golden-cases';
import { renderHaproxyConfig } from './haproxy-config';
import { renderKeepalivedConfig } from './keepalived-config';
import type { HaproxyInput } from './model';

const GOLDEN = join(__dirname, 'golden');
const dir = mkdtempSync(join(tmpdir(), 'lbt-haproxy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function haproxyCheck(text: string): { ok: boolean; output: string } {
  const path = join(dir, `check-${Math.random().toString(16).slice(2)}.cfg`);
  writeFileSync(path, text);
  const r = spawnSync('/usr/sbin/haproxy', ['-c', '-q', '-f', path], { encoding: 'utf8' });
  rmSync(path, { force: true });
  return { ok: r.status === 0, output: `${r.stderr}${r.stdout}` };
}

describe('the golden files pass the real checkers', () => {
  const files = readdirSync(GOLDEN);
  it.each(files.filter((f) => f.endsWith('.haproxy.cfg')))('haproxy -c accepts %s', (file) => {
    const result = haproxyCheck(require('node:fs').readFileSync(join(GOLDEN, file), 'utf8'));
    expect(result).toEqual({ ok: true, output: '' });
  });

  const root = process.getuid?.() === 0;
  (root ? it : it.skip)('keepalived -t accepts every keepalived.conf, in a namespace that has the placement interface', () => {
    const ns = `lbt${process.pid.toString(16)}-kt`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      execFileSync('ip', ['-n', ns, 'link', 'add', 'lbv0', 'type', 'veth', 'peer', 'name', 'lbv0p']);
      for (const file of files.filter((f) => f.endsWith('.keepalived.conf'))) {
        const r = spawnSync('ip', ['netns', 'exec', ns, '/usr/sbin/keepalived', '-t', '-f', join(GOLDEN, file)], { encoding: 'utf8' });
        expect({ file, status: r.status, output: r.stderr.trim() }).toEqual({ file, status: 0, output: '' });
      }
      const broken = join(dir, 'broken.conf');
      writeFileSync(broken, renderKeepalivedConfig(baseKeepalivedInput()).replace('advert_int 0.1', 'advert_int 0.1\n    not_a_keyword 1'));
      expect(spawnSync('ip', ['netns', 'exec', ns, '/usr/sbin/keepalived', '-t', '-f', broken]).status).not.toBe(0);
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });
});

const HOSTILE = ['\n', '\r', '"', "'", '#', ' ', '\\', '{', '}', '\u0000', '\u2028', 'é', '; x', '$(reboot) now', '\nbackend x', 'x'.repeat(10_000)];
const hostileString = fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 20 })).map(([a, h, b]) => `${a}${h}${b}`);

/** Every string-valued path of the input a hostile value can be put at. */
const STRING_FIELDS: ((i: HaproxyInput, v: string) => HaproxyInput)[] = [
  (i, v) => ({ ...i, instanceId: v }),
  (i, v) => ({ ...i, vip: { ...i.vip, id: v } }),
  (i, v) => ({ ...i, vip: { ...i.vip, address: v } }),
  (i, v) => ({ ...i, vip: { ...i.vip, sessionPersistence: { type: 'APP_COOKIE', cookieName: v } } }),
  (i, v) => ({ ...i, pool: { ...i.pool, id: v } }),
  (i, v) => ({ ...i, members: [{ ...i.members[0], id: v }] }),
  (i, v) => ({ ...i, members: [{ ...i.members[0], address: v }] }),
  (i, v) => ({ ...i, monitors: [{ id: uuidOf(60), type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3, httpMethod: v, urlPath: '/', expectedCodes: '200', adminStateUp: true }] }),
  (i, v) => ({ ...i, monitors: [{ id: uuidOf(60), type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3, httpMethod: 'GET', urlPath: `/${v}`, expectedCodes: '200', adminStateUp: true }] }),
  (i, v) => ({ ...i, monitors: [{ id: uuidOf(60), type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3, httpMethod: 'GET', urlPath: '/', expectedCodes: `200${v}`, adminStateUp: true }] }),
  (i, v) => ({ ...i, stats: { ...i.stats, user: v } }),
  (i, v) => ({ ...i, stats: { ...i.stats, password: v } }),
  (i, v) => ({ ...i, runDir: `/run/lbaas/${v}` }),
  (i, v) => ({ ...i, pingCheckCommand: `/usr/bin/${v}` }),
];

describe('hostile and random input (fast-check)', () => {
  it('refuses a hostile value in any string field before producing any text', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: STRING_FIELDS.length - 1 }), hostileString, (field, value) => {
      expect(() => renderHaproxyConfig(STRING_FIELDS[field](baseHaproxyInput(), value))).toThrow(InvalidRenderInput);
    }), { numRuns: 2000 });
    fc.assert(fc.property(hostileString, (value) => {
      expect(() => renderKeepalivedConfig({ ...baseKeepalivedInput(), interface: value })).toThrow(InvalidRenderInput);
      expect(() => renderKeepalivedConfig({ ...baseKeepalivedInput(), peerAddress: value })).toThrow(InvalidRenderInput);
    }), { numRuns: 500 });
  });

  const hex = fc.hexaString({ minLength: 12, maxLength: 12 }).map((h) => `00000000-0000-4000-8000-${h.toLowerCase().padStart(12, '0')}`);
  const address = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `198.18.${a}.${b}`);
  const validInput = fc.record({
    members: fc.array(fc.record({ id: hex, address, protocolPort: fc.integer({ min: 1, max: 65535 }), weight: fc.integer({ min: 0, max: 256 }), adminStateUp: fc.boolean() }), { maxLength: 20 }),
    protocol: fc.constantFrom('HTTP' as const, 'HTTPS' as const, 'TCP' as const),
    lbMethod: fc.constantFrom('ROUND_ROBIN' as const, 'LEAST_CONNECTIONS' as const, 'SOURCE_IP' as const),
    persistence: fc.option(fc.constantFrom('SOURCE_IP' as const, 'HTTP_COOKIE' as const, 'APP_COOKIE' as const)),
    monitorType: fc.option(fc.constantFrom('PING' as const, 'TCP' as const, 'HTTP' as const, 'HTTPS' as const)),
    codes: fc.constantFrom('200', '200,202', '200-299', '301, 302', '404'),
    connectionLimit: fc.integer({ min: -1, max: 100_000 }),
    adminStates: fc.tuple(fc.boolean(), fc.boolean()),
  }).map((r): HaproxyInput => {
    const base = baseHaproxyInput();
    return {
      ...base,
      vip: { ...base.vip, protocol: r.protocol, connectionLimit: r.connectionLimit, adminStateUp: r.adminStates[0],
        sessionPersistence: r.persistence === null ? null : { type: r.persistence, ...(r.persistence === 'APP_COOKIE' ? { cookieName: 'SESSION' } : {}) } },
      pool: { ...base.pool, protocol: r.protocol, lbMethod: r.lbMethod, adminStateUp: r.adminStates[1] },
      // Server names must be unique in a backend; the ids are.
      members: r.members.filter((m, i, all) => all.findIndex((o) => o.id === m.id) === i),
      monitors: r.monitorType === null ? [] : [{ id: uuidOf(60), type: r.monitorType, delay: 5, timeout: 3, maxRetries: 3, httpMethod: 'GET', urlPath: '/', expectedCodes: r.codes, adminStateUp: true }],
    };
  });

  it('renders random valid resources into files the real haproxy accepts, in which every line has a known shape', () => {
    const inputs = fc.sample(validInput, { numRuns: 40, seed: 20261125 });
    const allowed = /^(# [ -~]+|global|defaults|listen stats|frontend [0-9a-f-]{36}|backend [0-9a-f-]{36}| {4}([a-z]|# )[ -~]*)$/;
    for (const input of inputs) {
      const text = renderHaproxyConfig(input);
      for (const line of text.trimEnd().split('\n')) expect(line).toMatch(allowed);
      const result = haproxyCheck(text);
      expect({ ok: result.ok, output: result.output, text: result.ok ? '' : text }).toEqual({ ok: true, output: '', text: '' });
    }
  });
});
