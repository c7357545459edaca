import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contentHash, runtimeChanges } from '@lbaas/haproxy';
import { pruneTlsFiles, type TlsFile, writeTlsFiles } from './tls-files';

const exec = promisify(execFile);

/** The pid in `pidFile` when that process still runs `binary` (a pid of a dead daemon may have been reused). */
export function alive(pidFile: string, binary: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim().split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 1) return null;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(binary) ? pid : null;
  } catch {
    return null;
  }
}

/** Gone or a zombie: a daemon's parent is init, which may take its time to reap it. */
function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

export async function waitGone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (exited(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} within ${withinMs} ms`);
}

/** Pids of the processes that have `argument` among their command-line arguments. */
export function processesWithArgument(argument: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(argument)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** SIGTERM, and SIGKILL for what is still there after `graceMs`. */
export async function terminate(pids: readonly number[], graceMs: number): Promise<void> {
  const signal = (pid: number, name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  pids.forEach((pid) => signal(pid, 'SIGTERM'));
  for (const pid of pids) {
    if (!(await waitGone(pid, graceMs))) signal(pid, 'SIGKILL');
  }
}

export interface DaemonSpec {
  /** The placement's runtime directory: the config file, `<daemon>.pid` and `<daemon>.applied` live there. */
  readonly dir: string;
  readonly daemon: 'haproxy' | 'keepalived';
  /** What the daemon must run; `hash` is what `<daemon>.applied` records once it does. */
  readonly file: { readonly hash: string; readonly text: string };
  /** The command that starts the daemon (it forks into the background and writes its pid file). */
  readonly start: readonly [string, ...string[]];
  /** The signal that makes a running daemon read its file again. */
  readonly reload: NodeJS.Signals;
  /** Where it runs, for error messages: `in lb-<uuid>`. */
  readonly where: string;
  /** HAProxy's certificate files (`<dir>/tls`): written before it starts or reloads, the others removed once it serves. */
  readonly tlsFiles?: readonly TlsFile[];
}

/** How long a reload may take before the master is asked again; a second reload of the same file is harmless. */
const RESIGNAL_MS = 1000;

export const configFileOf = (dir: string, daemon: DaemonSpec['daemon']): string => join(dir, daemon === 'haproxy' ? 'haproxy.cfg' : 'keepalived.conf');

/**
 * Starts the daemon when it is not running, brings it to the new file when it runs an older
 * one, and leaves it alone otherwise. HAProxy takes weight and enable/disable changes through
 * its runtime API and anything else by the reload signal.
 */
export async function convergeDaemon(s: DaemonSpec): Promise<void> {
  const config = configFileOf(s.dir, s.daemon);
  const appliedFile = join(s.dir, `${s.daemon}.applied`);
  const pidFile = join(s.dir, `${s.daemon}.pid`);
  const applied = existsSync(appliedFile) ? readFileSync(appliedFile, 'utf8') : '';
  const previous = existsSync(config) ? readFileSync(config, 'utf8') : '';
  // Before the file that names them, so HAProxy never starts or reloads without its certificates.
  const reread = s.tlsFiles ? writeTlsFiles(s.dir, s.tlsFiles) : false;
  if (previous !== s.file.text) writeFileSync(config, s.file.text, { mode: 0o600 });
  const pid = alive(pidFile, s.daemon);
  if (pid !== null && applied === s.file.hash && !reread) {
    if (s.tlsFiles) pruneTlsFiles(s.dir, s.tlsFiles);
    return;
  }
  if (pid !== null) {
    // Only against the file the process runs: the one on disk may be from an apply that failed half-way.
    // New bytes in a certificate file it loaded need a reload: the runtime API cannot say so.
    const commands = s.daemon === 'haproxy' && !reread && contentHash(previous) === applied ? runtimeChanges(previous, s.file.text) : null;
    if (commands === null || !(await runtime(s.dir, commands))) {
      const before = s.daemon === 'haproxy' ? await servingWorker(s.dir) : null;
      process.kill(pid, s.reload);
      let signalled = Date.now();
      // Applied means serving: the master answers SIGUSR2 at once but starts the new worker
      // later, and keeps the old one if the file does not load. It also drops a SIGUSR2 that
      // comes while it still starts up (just after a start or the last reload): so ask again.
      if (before !== null) {
        await waitFor('HAProxy serving the new file', async () => {
          if (((await servingWorker(s.dir)) ?? before) !== before) return true;
          if (Date.now() - signalled >= RESIGNAL_MS) {
            process.kill(pid, s.reload);
            signalled = Date.now();
          }
          return false;
        }, 10_000);
      }
    }
  } else {
    rmSync(pidFile, { force: true });
    const [command, ...args] = s.start;
    await exec(command, args, { timeout: 20_000 }).catch((error: { stderr?: string }) => {
      // A binary that cannot even be run (ENOENT, EACCES) writes nothing: then the error itself says why.
      throw new Error(`${s.daemon} did not start ${s.where}: ${(error.stderr?.trim() || String(error)).trim().slice(0, 500)}`);
    });
    await waitFor(`${s.daemon} writes its pid file`, () => alive(pidFile, s.daemon) !== null, 5000);
    // Applied means serving here too; and the master writes its pid file before it listens for signals.
    if (s.daemon === 'haproxy') await waitFor('HAProxy serving', async () => (await servingWorker(s.dir)) !== null, 10_000);
  }
  writeFileSync(appliedFile, s.file.hash, { mode: 0o600 });
  // The old worker loaded its certificates at its start: once the new one serves, their files can go.
  if (s.tlsFiles) pruneTlsFiles(s.dir, s.tlsFiles);
}

/** True when HAProxy took every command (the runtime API answers nothing on success). */
async function runtime(dir: string, commands: readonly string[]): Promise<boolean> {
  for (const command of commands) {
    const answer = await runtimeCommand(join(dir, 'haproxy.sock'), command);
    if (answer === null || answer.trim() !== '') return false;
  }
  return true;
}

/** The pid of the worker that answers on the placement's stats socket, or null when none does. */
async function servingWorker(dir: string): Promise<number | null> {
  const pid = /^Pid: (\d+)$/m.exec((await runtimeCommand(join(dir, 'haproxy.sock'), 'show info')) ?? '');
  return pid ? Number(pid[1]) : null;
}

/** One command on HAProxy's runtime API (the stats socket); null when nothing answers there. */
export function runtimeCommand(socket: string, command: string, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    if (!existsSync(socket)) return resolve(null);
    let out = '';
    const conn = connect(socket);
    const timer = setTimeout(() => conn.destroy(), timeoutMs);
    conn.on('connect', () => conn.end(`${command}\n`));
    conn.on('data', (d: Buffer) => (out += d.toString()));
    conn.on('error', () => resolve(null));
    conn.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}
