import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TLS_DIR } from '@lbaas/haproxy';
import type { TlsFile } from './placement-driver';

const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}\.pem$/;

/** The directory of a placement's TLS files: `<run directory>/tls`. */
export const tlsDirOf = (runDir: string): string => join(runDir, TLS_DIR);

/**
 * Writes the certificate files a placement's haproxy.cfg names into `<runDir>/tls` (mode 0700),
 * each mode 0600 by a temporary file and a rename, so HAProxy never reads half a key. Refuses a
 * path that is not a plain `.pem` file directly in that directory, before writing anything.
 * Returns whether a file HAProxy may already have loaded got other bytes (a replaced chain with
 * the same leaf keeps its name): then a running HAProxy must read its files again.
 */
export function writeTlsFiles(runDir: string, files: readonly TlsFile[]): boolean {
  const dir = tlsDirOf(resolve(runDir));
  for (const f of files) {
    if (typeof f.path !== 'string' || resolve(f.path) !== f.path || dirname(f.path) !== dir || !FILE_NAME.test(basename(f.path))) {
      throw new Error(`refusing the TLS file ${JSON.stringify(String(f.path)).slice(0, 300)}: not a .pem file in ${dir}`);
    }
    if (typeof f.pem !== 'string' || f.pem.length === 0) throw new Error(`refusing the TLS file ${f.path}: no PEM text`);
  }
  if (files.length === 0) return false;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  let changed = false;
  for (const f of files) {
    const current = existsSync(f.path) ? readFileSync(f.path, 'utf8') : null;
    if (current === f.pem) {
      chmodSync(f.path, 0o600);
      continue;
    }
    const temporary = `${f.path}.${process.pid}.tmp`;
    rmSync(temporary, { force: true });
    // 'wx': a file of that name someone slipped in is an error, never followed or reused.
    writeFileSync(temporary, f.pem, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, f.path);
    if (current !== null) changed = true;
  }
  return changed;
}

/** Removes every file of `<runDir>/tls` that `keep` does not name (an older certificate, a temporary file of a crash). */
export function pruneTlsFiles(runDir: string, keep: readonly TlsFile[]): void {
  const dir = tlsDirOf(resolve(runDir));
  if (!existsSync(dir)) return;
  const wanted = new Set(keep.map((f) => f.path));
  for (const name of readdirSync(dir)) {
    if (!wanted.has(join(dir, name))) rmSync(join(dir, name), { recursive: true, force: true });
  }
  if (keep.length === 0) rmSync(dir, { recursive: true, force: true });
}
