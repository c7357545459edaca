import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { baseHaproxyInput, tlsCertificatePaths, writeThrowawayCertificate } from '@lbaas/haproxy';
import { loopbackConfig, type LoopbackOptions } from './loopback-config';

const run = promisify(execFile);
const GOLDEN = join(__dirname, '..', '..', 'haproxy', 'src', 'golden');
const goldens = readdirSync(GOLDEN).filter((f) => f.endsWith('.haproxy.cfg'));
const dir = mkdtempSync(join(tmpdir(), 'lbp-loopback-'));
const certificate = join(dir, 'throwaway.pem');
beforeAll(() => writeThrowawayCertificate(certificate));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `haproxy -c` with every warning an error (-dW), as the golden spec checks the rendered files. */
async function check(name: string, text: string): Promise<{ code: number; output: string }> {
  const path = join(dir, name);
  // The placement's runDir moved into this run's directory, with a certificate where a TLS frontend names one.
  const moved = text.replaceAll(baseHaproxyInput().runDir, dir);
  for (const { path: crt } of tlsCertificatePaths(moved)) {
    mkdirSync(join(crt, '..'), { recursive: true });
    copyFileSync(certificate, crt);
  }
  writeFileSync(path, moved);
  try {
    const { stdout, stderr } = await run('/usr/sbin/haproxy', ['-c', '-dW', '-f', path], { timeout: 20_000 });
    return { code: 0, output: `${stderr}${stdout}`.trim() };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stderr ?? ''}${failed.stdout ?? ''}`.trim() };
  }
}
const VALID = { code: 0, output: 'Configuration file is valid' };

const base: LoopbackOptions = { role: 'active', portOffset: 10000, root: false, statsAddress: '127.19.192.1', floatingIps: [] };
const VARIANTS: [string, LoopbackOptions][] = [
  ['active', base],
  ['standby', { ...base, role: 'standby', statsAddress: '127.19.192.2' }],
  ['active with floating IPs', { ...base, floatingIps: [{ floatingAddress: '198.19.0.3', vipAddress: '198.18.1.10' }, { floatingAddress: '198.19.0.4', vipAddress: '198.18.1.10' }] }],
  ['active as root, offset 0', { ...base, root: true, portOffset: 0 }],
  ['standby as root, largest offset', { ...base, role: 'standby', root: true, portOffset: 64512 }],
];

describe('haproxy -c on every golden haproxy.cfg rewritten for the loopback data plane', () => {
  describe.each(VARIANTS)('%s', (variant, options) => {
    it.each(goldens)('accepts %s without a warning', async (file) => {
      const text = loopbackConfig(readFileSync(join(GOLDEN, file), 'utf8'), options);
      expect(await check(`${variant.replace(/\W+/g, '-')}-${file}`, text)).toEqual(VALID);
    });
  });

  it('refuses a broken rewrite, so the checks above can fail', async () => {
    const text = loopbackConfig(readFileSync(join(GOLDEN, 'monitor-tcp.haproxy.cfg'), 'utf8'), base).replace('127.18.1.10:10080', '127.18.1.10:70080');
    expect((await check('broken.cfg', text)).code).not.toBe(0);
  });
});
