import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { baseHaproxyInput, baseKeepalivedInput, monitorOf, uuidOf, withPool } from './golden-cases';
import { HAPROXY_CASES } from './golden-cases-l7';
import { haproxyFacts } from './placement-bundle';
import { outcome } from './checker-outcome';
import { renderHaproxyConfig } from './render-haproxy';
import { renderKeepalivedConfig } from './render-keepalived';
import { writeThrowawayCertificate } from './throwaway-certificate';

const run = promisify(execFile);
const HAPROXY = '/usr/sbin/haproxy';
const KEEPALIVED = '/usr/sbin/keepalived';
// -dW turns every warning into a failure; without -q a refusal says why.
const haproxyCheck = (path: string) => outcome(HAPROXY, ['-c', '-dW', '-f', path]);
const VALID = { code: 0, output: 'Configuration file is valid' };
const GOLDEN = join(__dirname, 'golden');
const goldens = readdirSync(GOLDEN);
const dir = mkdtempSync(join(tmpdir(), 'lbt-golden-'));
const certificate = join(dir, 'throwaway.pem');
/**
 * Every file the golden cases name (certificates, CAs, revocation lists) once their runDir is
 * moved to `dir`: the throwaway certificate stands for each, as the config checker's does.
 */
const goldenFiles = Object.values(HAPROXY_CASES).flatMap((change) =>
  haproxyFacts({ ...change(baseHaproxyInput()), runDir: dir }, '').tlsFiles.map((f) => f.path),
);
beforeAll(async () => {
  await writeThrowawayCertificate(certificate);
  mkdirSync(join(dir, 'tls'), { recursive: true });
  for (const path of goldenFiles) copyFileSync(certificate, path);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Golden text with the placement's runDir moved to an existing temp directory, where the
 * certificate the TLS cases name is, as the node agent would have written it.
 */
function writeChecked(name: string, text: string): string {
  const path = join(dir, name);
  const moved = text.replaceAll(baseHaproxyInput().runDir, dir);
  writeFileSync(path, moved);
  return path;
}

describe('haproxy -c on every golden haproxy.cfg', () => {
  it.each(goldens.filter((f) => f.endsWith('.haproxy.cfg')))('accepts %s without a warning', async (file) => {
    const path = writeChecked(file, readFileSync(join(GOLDEN, file), 'utf8'));
    expect(await haproxyCheck(path)).toEqual(VALID);
  });

  it('accepts them with a runDir that does not exist and a PING command that is not installed: -c binds and runs nothing', async () => {
    const text = readFileSync(join(GOLDEN, 'monitor-ping.haproxy.cfg'), 'utf8');
    const path = join(dir, 'as-rendered.cfg');
    writeFileSync(path, text);
    expect(await haproxyCheck(path)).toEqual(VALID);
  });

  it('accepts every character the validators let into a cookie name, a URL path, a host name and credentials', async () => {
    const input = withPool({
      sessionPersistence: { type: 'APP_COOKIE', cookieName: 'Az09!$%&*+-.^_`|~' },
      monitors: [monitorOf('HTTP', { urlPath: '/AZaz09-._~!$&()*+,;=:@%/?x=%41', httpVersion: '1.1', domainName: 'Az09_-b.x_' })],
    })(baseHaproxyInput());
    const path = writeChecked(
      'all-characters.cfg',
      renderHaproxyConfig({ ...input, stats: { ...input.stats, user: 'A-z_0', password: '-_-' } }),
    );
    expect(await haproxyCheck(path)).toEqual(VALID);
  });

  it('refuses a TLS frontend whose certificate file is missing, so the node agent must write it first', async () => {
    const text = readFileSync(join(GOLDEN, 'tls-termination.haproxy.cfg'), 'utf8').replaceAll(
      baseHaproxyInput().runDir,
      join(dir, 'nowhere'),
    );
    const path = join(dir, 'tls-missing.cfg');
    writeFileSync(path, text);
    const result = await haproxyCheck(path);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/unable to load SSL certificate|No such file/);
  });

  it('refuses a broken file, so the checks above can fail', async () => {
    const path = writeChecked('broken.cfg', renderHaproxyConfig(baseHaproxyInput()).replace('balance roundrobin', 'balance nonsense'));
    expect((await haproxyCheck(path)).code).not.toBe(0);
  });

  it('refuses the longest runDir plus one character, the limit validateHaproxyInput enforces', async () => {
    const longest = `/${'r'.repeat(83)}`;
    const ok = writeChecked('longest.cfg', renderHaproxyConfig({ ...baseHaproxyInput(), runDir: longest }));
    const tooLong = writeChecked(
      'too-long.cfg',
      renderHaproxyConfig({ ...baseHaproxyInput(), runDir: longest }).replaceAll(longest, `${longest}r`),
    );
    expect(await haproxyCheck(ok)).toEqual(VALID);
    expect((await haproxyCheck(tooLong)).code).not.toBe(0);
  });
});

// keepalived -t refuses a file that names an interface it cannot see, so it runs in a namespace
// that has the placement's interface; making one needs root.
const root = process.getuid?.() === 0;
if (!root) console.warn('golden.int.spec: not root, so keepalived -t is skipped (it needs a namespace holding the placement interface)');
(root ? describe : describe.skip)('keepalived -t on every golden keepalived.conf', () => {
  const ns = `lbt${process.pid.toString(16)}-kt`;
  const inNs = (file: string) => outcome('ip', ['netns', 'exec', ns, KEEPALIVED, '-t', '-f', file]);
  beforeAll(async () => {
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'add', baseKeepalivedInput().interface, 'type', 'veth', 'peer', 'name', 'lbv0p']);
  });
  afterAll(() => run('ip', ['netns', 'del', ns]));

  it.each(goldens.filter((f) => f.endsWith('.keepalived.conf')))('accepts %s without a warning', async (file) => {
    expect(await inNs(join(GOLDEN, file))).toEqual({ code: 0, output: '' });
  });

  it('refuses an unknown keyword and unicast_src_ip without peers, so the checks above can fail', async () => {
    const text = renderKeepalivedConfig(baseKeepalivedInput());
    const unknown = writeChecked('unknown.conf', text.replace('advert_int 0.1', 'advert_int 0.1\n    not_a_keyword 1'));
    const noPeers = writeChecked('no-peers.conf', text.replace(/ {4}unicast_peer \{\n.*\n {4}\}\n/, ''));
    expect((await inNs(unknown)).code).not.toBe(0);
    expect((await inNs(noPeers)).code).not.toBe(0);
  });

  it('refuses a file naming an interface the namespace does not have', async () => {
    const path = writeChecked(
      'other-interface.conf',
      renderKeepalivedConfig({ ...baseKeepalivedInput(), instanceId: uuidOf(9), interface: 'nosuch0' }),
    );
    expect((await inNs(path)).code).not.toBe(0);
  });
});
