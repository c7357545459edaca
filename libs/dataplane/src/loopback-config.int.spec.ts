import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { baseHaproxyInput, HAPROXY_CASES, type HaproxyInput, haproxyFacts, writeThrowawayCertificate } from '@lbaas/haproxy';
import { loopbackConfig, type LoopbackOptions } from './loopback-config';

const run = promisify(execFile);
const cases = Object.keys(HAPROXY_CASES);
const dir = mkdtempSync(join(tmpdir(), 'lbp-loopback-'));
const certificate = join(dir, 'throwaway.pem');
beforeAll(() => writeThrowawayCertificate(certificate));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `haproxy -c` with every warning an error (-dW), as the golden spec checks the rendered files. */
async function check(name: string, text: string): Promise<{ code: number; output: string }> {
  const path = join(dir, name);
  writeFileSync(path, text);
  try {
    const { stdout, stderr } = await run('/usr/sbin/haproxy', ['-c', '-dW', '-f', path], { timeout: 20_000 });
    return { code: 0, output: `${stderr}${stdout}`.trim() };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stderr ?? ''}${failed.stdout ?? ''}`.trim() };
  }
}
const VALID = { code: 0, output: 'Configuration file is valid' };

/** A golden case with its runDir in this run's directory, and a certificate where a TLS frontend names one, as the agent would write it. */
function goldenInput(name: string): HaproxyInput {
  const input = { ...HAPROXY_CASES[name](baseHaproxyInput()), runDir: dir };
  for (const crt of haproxyFacts(input, '').tlsFiles) {
    mkdirSync(join(crt.path, '..'), { recursive: true });
    copyFileSync(certificate, crt.path);
  }
  return input;
}

const base: LoopbackOptions = { role: 'active', portOffset: 10000, root: false, statsAddress: '127.19.192.1', floatingAddresses: [] };
const VARIANTS: [string, LoopbackOptions][] = [
  ['active', base],
  ['standby', { ...base, role: 'standby', statsAddress: '127.19.192.2' }],
  ['active with floating IPs', { ...base, floatingAddresses: ['198.19.0.3', '198.19.0.4'] }],
  ['active as root, offset 0', { ...base, root: true, portOffset: 0 }],
  ['standby as root, largest offset', { ...base, role: 'standby', root: true, portOffset: 64512 }],
];

describe('haproxy -c on every golden case rendered for the loopback data plane', () => {
  describe.each(VARIANTS)('%s', (variant, options) => {
    it.each(cases)('accepts %s without a warning', async (name) => {
      const text = loopbackConfig(goldenInput(name), options);
      expect(await check(`${variant.replace(/\W+/g, '-')}-${name}.cfg`, text)).toEqual(VALID);
    });
  });

  it('refuses a broken rendering, so the checks above can fail', async () => {
    const text = loopbackConfig(goldenInput('monitor-tcp'), base).replace('127.18.1.10:10080', '127.18.1.10:70080');
    expect((await check('broken.cfg', text)).code).not.toBe(0);
  });
});
