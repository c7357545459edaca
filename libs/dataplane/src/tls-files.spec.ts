import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneTlsFiles, tlsDirOf, writeTlsFiles } from './tls-files';

describe('writeTlsFiles and pruneTlsFiles', () => {
  let runDir: string;
  const file = (name: string, pem = `PEM of ${name}\n`) => ({ path: join(runDir, 'tls', name), pem });
  const mode = (path: string) => statSync(path).mode & 0o777;

  beforeEach(() => {
    runDir = join(mkdtempSync(join(tmpdir(), 'lbt-tls-files-')), '00000000-0000-4000-8000-000000000071');
    mkdirSync(runDir, { mode: 0o700 });
  });
  afterEach(() => rmSync(join(runDir, '..'), { recursive: true, force: true }));

  it('writes each file mode 0600 in <runDir>/tls, mode 0700, and leaves no temporary file', () => {
    const files = [file('c1-0123456789abcdef.pem'), file('c2-fedcba9876543210.pem')];
    expect(writeTlsFiles(runDir, files)).toBe(false);
    expect(mode(tlsDirOf(runDir))).toBe(0o700);
    for (const f of files) {
      expect(readFileSync(f.path, 'utf8')).toBe(f.pem);
      expect(mode(f.path)).toBe(0o600);
    }
    expect(readdirSync(tlsDirOf(runDir)).sort()).toEqual(['c1-0123456789abcdef.pem', 'c2-fedcba9876543210.pem']);
  });

  it('says when a file already there got other bytes (a new chain for the same leaf), and not when it is the same', () => {
    writeTlsFiles(runDir, [file('c1-0123456789abcdef.pem')]);
    expect(writeTlsFiles(runDir, [file('c1-0123456789abcdef.pem')])).toBe(false);
    expect(writeTlsFiles(runDir, [file('c1-0123456789abcdef.pem', 'other chain\n')])).toBe(true);
    expect(readFileSync(join(tlsDirOf(runDir), 'c1-0123456789abcdef.pem'), 'utf8')).toBe('other chain\n');
  });

  it('brings back mode 0600 and 0700 when they were changed', () => {
    const f = file('c1-0123456789abcdef.pem');
    mkdirSync(tlsDirOf(runDir), { mode: 0o755 });
    writeFileSync(f.path, f.pem, { mode: 0o644 });
    writeTlsFiles(runDir, [f]);
    expect([mode(tlsDirOf(runDir)), mode(f.path)]).toEqual([0o700, 0o600]);
  });

  it.each([
    ['a relative path', 'tls/c1.pem'],
    ['a path outside the run directory', '/etc/ssl/private/c1.pem'],
    ['a path of another placement', '/run/lbaas/00000000-0000-4000-8000-000000000072/tls/c1.pem'],
    ['the run directory itself', '<run>/c1.pem'],
    ['a subdirectory of tls', '<run>/tls/sub/c1.pem'],
    ['a .. that climbs out', '<run>/tls/../haproxy.cfg'],
    ['a file that is not .pem', '<run>/tls/c1.key'],
    ['a hidden file', '<run>/tls/.c1.pem'],
    ['a name with a space', '<run>/tls/c 1.pem'],
    ['a name with a newline', '<run>/tls/c1\n.pem'],
  ])('refuses %s before writing anything', (_what, path) => {
    const files = [file('ok-0123456789abcdef.pem'), { path: path.replace('<run>', runDir), pem: 'x' }];
    expect(() => writeTlsFiles(runDir, files)).toThrow(/^refusing the TLS file .*: not a \.pem file in /);
    expect(existsSync(tlsDirOf(runDir))).toBe(false);
  });

  it('refuses an empty PEM', () => {
    expect(() => writeTlsFiles(runDir, [file('c1-0123456789abcdef.pem', '')])).toThrow(/no PEM text/);
  });

  it('prunes the files no longer named, and the directory when none is', () => {
    const [old, now] = [file('c1-0123456789abcdef.pem'), file('c1-aaaaaaaaaaaaaaaa.pem')];
    writeTlsFiles(runDir, [old, now]);
    writeFileSync(`${now.path}.123.tmp`, 'half');
    pruneTlsFiles(runDir, [now]);
    expect(readdirSync(tlsDirOf(runDir))).toEqual(['c1-aaaaaaaaaaaaaaaa.pem']);
    pruneTlsFiles(runDir, []);
    expect(existsSync(tlsDirOf(runDir))).toBe(false);
    pruneTlsFiles(runDir, []);
  });
});
