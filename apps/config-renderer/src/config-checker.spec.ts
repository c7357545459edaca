import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkerWords, placementCheck, replaceCertificatePaths, sweepCheckDirectories } from './config-checker';

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

describe('placementCheck', () => {
  const text = (dir: string) => `global\n    pidfile ${dir}/haproxy.pid\n    stats socket ${dir}/haproxy.sock mode 600\n`;

  it('names only the run directory itself, not a directory whose name it begins', () => {
    const c = placementCheck(`${text('/run/lbaas/vm1')}# /run/lbaas/vm10/x\n`, '/run/lbaas/vm1', [], '/run/lbaas/vmX');
    expect(c.text).toBe(`${text('/run/lbaas/vmX')}# /run/lbaas/vm10/x\n`);
  });

  it('gives texts that differ elsewhere different keys', () => {
    const a = placementCheck(text('/r/a'), '/r/a', [], '/r/z');
    const b = placementCheck(`${text('/r/b')}    maxconn 10\n`, '/r/b', [], '/r/z');
    expect(b.key).not.toBe(a.key);
    expect(placementCheck(text('/r/b'), '/r/b', [], '/r/z').key).toBe(a.key);
  });

  it('keys the certificate paths with the text', () => {
    const a = placementCheck(text('/r/a'), '/r/a', ['/r/a/tls/c.pem'], '/r/z');
    expect(a.tlsPaths).toEqual(['/r/z/tls/c.pem']);
    expect(placementCheck(text('/r/a'), '/r/a', [], '/r/z').key).not.toBe(a.key);
  });
});
