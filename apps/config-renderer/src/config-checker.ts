import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contentHash, writeThrowawayCertificate } from '@lbaas/haproxy';

const run = promisify(execFile);

export interface CheckResult {
  readonly ok: boolean;
  /** The checker's own words when it refused the file. */
  readonly message: string;
}

const CHECK_TIMEOUT_MS = 20_000;

/**
 * The text with each of `paths` (the bundle's TLS files: `crt`, `ca-file` and `crl-file`, on binds
 * and servers) naming `by` instead. HAProxy loads a self-signed certificate as any of the three.
 */
export const replaceCertificatePaths = (text: string, paths: readonly string[], by: string): string =>
  paths.reduce((replaced, path) => replaced.replaceAll(` ${path}`, ` ${by}`), text);

/** What a placement's own run directory is named as in the checked copy: a vmId's shape and length. */
export const CHECKED_PLACEMENT = '00000000-0000-4000-8000-000000000000';

/** One haproxy.cfg as `haproxy -c` sees it, and the key of that check. */
export interface PlacementCheck {
  readonly text: string;
  readonly tlsPaths: readonly string[];
  readonly key: string;
}

/**
 * A placement's haproxy.cfg with its run directory (pid file, stats socket, TLS files) named as
 * every placement's is. The files of a pair differ only there, so the pair is checked once
 * instead of twice (each check is a haproxy process, some 10 ms of CPU). `haproxy -c` opens none
 * of those paths (the TLS files are replaced by the throwaway certificate) and the stand-in has
 * the directory's length, so the check says of one what it says of the other.
 */
export function placementCheck(text: string, runDir: string, tlsPaths: readonly string[], checkedRunDir: string): PlacementCheck {
  const neutral = (s: string): string => s.replaceAll(`${runDir}/`, `${checkedRunDir}/`);
  const checked = { text: neutral(text), tlsPaths: tlsPaths.map(neutral) };
  return { ...checked, key: contentHash(`${checked.text}\n${checked.tlsPaths.join('\n')}`) };
}

/**
 * Runs `haproxy -c -f` on rendered haproxy.cfg files. A TLS frontend names a file with the
 * tenant's key, which only node agents can open: the checked copy names a throwaway self-signed
 * certificate instead, made at start, so `haproxy -c` checks everything else.
 *
 * keepalived.conf is not checked here: its renderer is pure over validated input, every line of
 * it has one of a few shapes (property-tested), and keepalived -t runs over the golden files and
 * random renders (libs/haproxy int specs). A check here was a process start in a namespace of
 * its own beside haproxy -c, some 15-20 ms of a new VIP's wait on 2 busy cores.
 */
export class ConfigChecker {
  private readonly dir: string;
  private readonly throwaway: string;
  /** Why there is no throwaway certificate (openssl failed), or null once it is there. */
  private noThrowaway: string | null = 'the checker has not started';

  constructor(
    private readonly haproxyBin = '/usr/sbin/haproxy',
    private readonly opensslBin = '/usr/bin/openssl',
  ) {
    sweepCheckDirectories(tmpdir());
    // The pid in the name lets a later renderer remove it when this one is killed before stop().
    this.dir = mkdtempSync(join(tmpdir(), `lbck-${process.pid}-`));
    this.throwaway = join(this.dir, 'throwaway-certificate.pem');
  }

  /** Makes the throwaway certificate; returns what will not be checked, or null. */
  async start(): Promise<string | null> {
    // Renderers before this one checked keepalived.conf in a namespace `lbck-<pid>`: one that died left it.
    if (process.getuid?.() === 0) await sweepCheckNamespaces();
    try {
      await writeThrowawayCertificate(this.throwaway, this.opensslBin);
      this.noThrowaway = null;
      return null;
    } catch (error) {
      this.noThrowaway = error instanceof Error ? error.message : String(error);
      return `no throwaway certificate (${this.noThrowaway}): a haproxy.cfg that terminates TLS is rejected`;
    }
  }

  stop(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Checks one rendered haproxy.cfg; `tlsPaths` are the certificate files it names (its bundle's TLS files). */
  async check(text: string, hash: string, tlsPaths: readonly string[] = []): Promise<CheckResult> {
    const path = join(this.dir, `${hash}-haproxy.cfg`);
    if (tlsPaths.length > 0 && this.noThrowaway !== null) {
      return { ok: false, message: `cannot check a TLS frontend without a throwaway certificate: ${this.noThrowaway}`.slice(0, 2000) };
    }
    // A refusal that names the stand-in names the file the agent will write.
    const certificateName = tlsPaths.length === 1 ? tlsPaths[0] : 'the certificate file';
    writeFileSync(path, replaceCertificatePaths(text, tlsPaths, this.throwaway), { mode: 0o600 });
    try {
      // Not -q: it silences the alerts too, and the rejection must say why.
      await run(this.haproxyBin, ['-c', '-f', path], { timeout: CHECK_TIMEOUT_MS });
      return { ok: true, message: '' };
    } catch (error) {
      const failure = error as { stderr?: string; stdout?: string; message?: string };
      const message = checkerWords(`${failure.stderr ?? ''}${failure.stdout ?? ''}`) || failure.message || String(error);
      return { ok: false, message: message.replaceAll(path, 'haproxy.cfg').replaceAll(this.throwaway, certificateName).slice(0, 2000) };
    } finally {
      rmSync(path, { force: true });
    }
  }
}

/** HAProxy's alerts and warnings without its notices (version, path) and pids, so one refusal reads the same each time. */
export function checkerWords(output: string): string {
  return output
    .split('\n')
    .filter((line) => !line.startsWith('[NOTICE]'))
    .map((line) => line.replace(/^\[(\w+)\] +\(\d+\) : /, '[$1] '))
    .join('\n')
    .trim();
}

/** Check directories in `parent` of renderers that died without removing theirs (a crash, SIGKILL). */
export function sweepCheckDirectories(parent: string): void {
  for (const entry of readdirSync(parent)) {
    const m = /^lbck-(\d+)-/.exec(entry);
    if (m && !processExists(Number(m[1]))) rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/** EPERM means the process exists under another user: only ESRCH says it is gone. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Namespaces of check processes that died without cleaning up (a crash, SIGKILL). */
async function sweepCheckNamespaces(): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'list']).catch(() => ({ stdout: '' }));
  for (const line of stdout.split('\n')) {
    const m = /^lbck-(\d+)\b/.exec(line.trim());
    if (!m) continue;
    if (!processExists(Number(m[1]))) await run('ip', ['netns', 'del', `lbck-${m[1]}`]).catch(() => undefined);
  }
}
