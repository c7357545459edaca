import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PLACEMENT_INTERFACE } from './instance-config';

const run = promisify(execFile);

export interface CheckResult {
  readonly ok: boolean;
  /** The checker's own words when it refused the file. */
  readonly message: string;
}

const CHECK_TIMEOUT_MS = 20_000;

/**
 * Runs the real checkers on rendered files: `haproxy -c -f` always, `keepalived -t -f` inside a
 * namespace of its own (`lbck-<pid>`) that holds the placement interface, since keepalived
 * refuses a file naming an interface it cannot see. Without root there is no namespace and the
 * keepalived check is skipped, as the log says once at start.
 */
export class ConfigChecker {
  private readonly dir: string;
  private namespace: string | null = null;

  constructor(private readonly haproxyBin = '/usr/sbin/haproxy', private readonly keepalivedBin = '/usr/sbin/keepalived') {
    sweepCheckDirectories(tmpdir());
    // The pid in the name lets a later renderer remove it when this one is killed before stop().
    this.dir = mkdtempSync(join(tmpdir(), `lbck-${process.pid}-`));
  }

  /** Sets up the keepalived check namespace; returns why keepalived files will not be checked, or null. */
  async start(): Promise<string | null> {
    if (process.getuid?.() !== 0) return 'not root: keepalived.conf is rendered but not checked with keepalived -t';
    await sweepCheckNamespaces();
    const ns = `lbck-${process.pid}`;
    try {
      await run('ip', ['netns', 'add', ns]);
      await run('ip', ['-n', ns, 'link', 'add', PLACEMENT_INTERFACE, 'type', 'veth', 'peer', 'name', `${PLACEMENT_INTERFACE}p`]);
      await run('ip', ['-n', ns, 'link', 'set', PLACEMENT_INTERFACE, 'up']);
      this.namespace = ns;
      return null;
    } catch (error) {
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      return `cannot make the check namespace (${error instanceof Error ? error.message : String(error)}): keepalived.conf is not checked`;
    }
  }

  async stop(): Promise<void> {
    if (this.namespace) await run('ip', ['netns', 'del', this.namespace]).catch(() => undefined);
    this.namespace = null;
    rmSync(this.dir, { recursive: true, force: true });
  }

  async check(file: 'haproxy.cfg' | 'keepalived.conf', text: string, hash: string): Promise<CheckResult> {
    const path = join(this.dir, `${hash}-${file}`);
    writeFileSync(path, text, { mode: 0o600 });
    try {
      if (file === 'haproxy.cfg') await run(this.haproxyBin, ['-c', '-q', '-f', path], { timeout: CHECK_TIMEOUT_MS });
      else if (this.namespace) await run('ip', ['netns', 'exec', this.namespace, this.keepalivedBin, '-t', '-f', path], { timeout: CHECK_TIMEOUT_MS });
      return { ok: true, message: '' };
    } catch (error) {
      const failure = error as { stderr?: string; stdout?: string; message?: string };
      const message = `${failure.stderr ?? ''}${failure.stdout ?? ''}`.trim() || failure.message || String(error);
      return { ok: false, message: message.replaceAll(path, file).slice(0, 2000) };
    } finally {
      rmSync(path, { force: true });
    }
  }
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
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) await run('ip', ['netns', 'del', `lbck-${pid}`]).catch(() => undefined);
  }
}
