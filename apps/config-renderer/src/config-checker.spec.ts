import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkerWords, replaceCertificatePaths, sweepCheckDirectories } from './config-checker';

describe('sweepCheckDirectories', () => {
  let parent: string;
  beforeEach(() => (parent = mkdtempSync(join(tmpdir(), 'lbck-sweep-test-'))));
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('removes the check directories of renderers that died, and nothing else', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const dead = join(parent, `lbck-${deadPid}-AbC123`);
    const mine = join(parent, `lbck-${process.pid}-XyZ789`);
    const unrelated = join(parent, 'lbck-notapid');
    for (const dir of [dead, mine, unrelated]) mkdirSync(dir);
    sweepCheckDirectories(parent);
    expect([dead, mine, unrelated].map((dir) => existsSync(dir))).toEqual([false, true, true]);
  });
});

describe('replaceCertificatePaths', () => {
  it('names the stand-in in place of every crt file the bundle lists, on every bind', () => {
    const crt = '/run/lbaas/vm/tls/c-0123456789abcdef.pem';
    const text = [
      'frontend x',
      `    bind 198.18.1.10:443 ssl crt ${crt} alpn h2,http/1.1`,
      `    bind 198.19.1.7:443 ssl crt ${crt} alpn h2,http/1.1`,
      '    mode http',
    ].join('\n');
    expect(replaceCertificatePaths(text, [crt], '/tmp/throwaway.pem')).toBe(text.replaceAll(crt, '/tmp/throwaway.pem'));
  });

  it('leaves a file without TLS as it is', () => {
    const text = 'listen stats\n    bind 127.0.0.1:5937\n    mode http\n';
    expect(replaceCertificatePaths(text, [], '/tmp/t.pem')).toBe(text);
  });
});

describe('checkerWords', () => {
  it('keeps the alerts without notices and pids, so a refusal reads the same every time', () => {
    const output = [
      '[NOTICE]   (26927) : haproxy version is 2.6.12-1+deb12u4',
      '[NOTICE]   (26927) : path to executable is /usr/sbin/haproxy',
      "[ALERT]    (26927) : config : parsing [haproxy.cfg:5] : 'bind 127.0.0.1:1' in section 'frontend': unknown keyword 'foo'.",
      '[ALERT]    (26927) : config : Fatal errors found in configuration.',
      '',
    ].join('\n');
    expect(checkerWords(output)).toBe(
      [
        "[ALERT] config : parsing [haproxy.cfg:5] : 'bind 127.0.0.1:1' in section 'frontend': unknown keyword 'foo'.",
        '[ALERT] config : Fatal errors found in configuration.',
      ].join('\n'),
    );
  });

  it('keeps words in another shape (a wrapper script) as they are', () => {
    expect(checkerWords('[ALERT] injected refusal\n')).toBe('[ALERT] injected refusal');
  });
});
