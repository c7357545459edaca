import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contentHash, isCurrentHaproxyFacts } from '@lbaas/haproxy';
import type { HaproxyRecord, ObservedPlacement, PlacementSpec, TlsFile } from './placement-driver';
import { pruneTlsFiles, tlsDirOf, writeTlsFiles } from './tls-files';

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

/**
 * A daemon is usually ready within tens of milliseconds of its start: the first checks come every
 * 5 ms, so a new VIP does not wait out most of a longer pause after its HAProxy or keepalived is
 * ready, and later ones every 25 ms, so a slow start costs few checks.
 */
const FAST_CHECKS = 10;
export const pauseBeforeCheck = (checksMade: number): number => (checksMade < FAST_CHECKS ? 5 : 25);

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (let made = 1; Date.now() < deadline; made++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, pauseBeforeCheck(made)));
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

/** One daemon of a placement, as a driver runs it. */
export interface DaemonSpec {
  /** The placement's runtime directory: the config file, `<daemon>.pid` and the record of what runs live there. */
  readonly dir: string;
  /** The file it must run: the driver's own, which the process driver derives from the rendered one. */
  readonly text: string;
  /** The command that starts the daemon (it forks into the background and writes its pid file). */
  readonly start: readonly [string, ...string[]];
  /** Where it runs, for error messages: `in lb-<uuid>`. */
  readonly where: string;
}

export interface HaproxySpec extends DaemonSpec {
  /** Written once HAProxy serves the file. */
  readonly record: HaproxyRecord;
  /** Its certificate files (`<dir>/tls`): written before it starts or reloads, the others removed once it serves. */
  readonly tlsFiles: readonly TlsFile[];
}

export interface KeepalivedSpec extends DaemonSpec {
  readonly hash: string;
}

/** How long a reload may take before the master is asked again; a second reload of the same file is harmless. */
const RESIGNAL_MS = 1000;
const HAPROXY_RECORD = 'haproxy.record.json';
const KEEPALIVED_APPLIED = 'keepalived.applied';

export const configFileOf = (dir: string, daemon: 'haproxy' | 'keepalived'): string =>
  join(dir, daemon === 'haproxy' ? 'haproxy.cfg' : 'keepalived.conf');

/** What the driver brings HAProxy to for `p`, as it records it. */
export const haproxyRecordOf = (p: PlacementSpec, variant: string): HaproxyRecord => ({
  facts: p.bundle.haproxy,
  variant,
  tlsFiles: p.tlsFiles.map((f) => ({ path: f.path, hash: contentHash(f.pem) })),
});

const isRecord = (v: unknown): v is HaproxyRecord =>
  typeof v === 'object' &&
  v !== null &&
  'facts' in v &&
  'variant' in v &&
  'tlsFiles' in v &&
  typeof v.variant === 'string' &&
  Array.isArray(v.tlsFiles) &&
  // A record written by an agent of an older bundle version is no record: the agent reloads once, seamlessly.
  isCurrentHaproxyFacts(v.facts);

/** The record of what HAProxy runs in `dir`; null when there is none or it cannot be read (then the agent reloads to be sure). */
export function readHaproxyRecord(dir: string): HaproxyRecord | null {
  try {
    const value: unknown = JSON.parse(readFileSync(join(dir, HAPROXY_RECORD), 'utf8'));
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

function writeRecord(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, `${name}.tmp`), text, { mode: 0o600 });
  renameSync(join(dir, `${name}.tmp`), join(dir, name));
}

/** HAProxy and keepalived of one run directory as they are: running or not, and what they were last brought to. */
export function observeDaemons(dir: string, keepalived: boolean): Pick<ObservedPlacement, 'haproxy' | 'keepalived' | 'tlsFiles'> {
  const applied = join(dir, KEEPALIVED_APPLIED);
  const tls = tlsDirOf(dir);
  return {
    haproxy: { running: alive(join(dir, 'haproxy.pid'), 'haproxy') !== null, record: readHaproxyRecord(dir) },
    keepalived: keepalived
      ? {
          running: alive(join(dir, 'keepalived.pid'), 'keepalived') !== null,
          hash: existsSync(applied) ? readFileSync(applied, 'utf8') : null,
        }
      : null,
    tlsFiles: existsSync(tls) ? readdirSync(tls).map((name) => join(tls, name)) : [],
  };
}

async function startDaemon(daemon: 'haproxy' | 'keepalived', s: DaemonSpec): Promise<void> {
  writeFileSync(configFileOf(s.dir, daemon), s.text, { mode: 0o600 });
  const pidFile = join(s.dir, `${daemon}.pid`);
  rmSync(pidFile, { force: true });
  const [command, ...args] = s.start;
  await exec(command, args, { timeout: 20_000 }).catch((error: { stderr?: string }) => {
    // A binary that cannot even be run (ENOENT, EACCES) writes nothing: then the error itself says why.
    throw new Error(`${daemon} did not start ${s.where}: ${(error.stderr?.trim() || String(error)).trim().slice(0, 500)}`);
  });
  await waitFor(`${daemon} writes its pid file`, () => alive(pidFile, daemon) !== null, 5000);
}

/**
 * Starts HAProxy on the file; applied means serving, and the master writes its pid file before
 * it listens for signals. One that runs already (it came back since it was observed) is reloaded.
 */
export async function startHaproxy(s: HaproxySpec): Promise<void> {
  if (alive(join(s.dir, 'haproxy.pid'), 'haproxy') !== null) return reloadHaproxy(s);
  // Before the file that names them, so HAProxy never starts without its certificates.
  writeTlsFiles(s.dir, s.tlsFiles);
  await startDaemon('haproxy', s);
  await waitFor('HAProxy serving', async () => (await servingWorker(s.dir)) !== null, 10_000);
  writeRecord(s.dir, HAPROXY_RECORD, JSON.stringify(s.record));
  pruneTlsFiles(s.dir, s.tlsFiles);
}

/**
 * Reloads a running HAProxy on the file, seamlessly (SIGUSR2 to the master). Applied means
 * serving: the master answers SIGUSR2 at once but starts the new worker later, and keeps the old
 * one if the file does not load. It also drops a SIGUSR2 that comes while it still starts up
 * (just after a start or the last reload): so it is asked again. One that died since it was
 * observed is started.
 */
export async function reloadHaproxy(s: HaproxySpec): Promise<void> {
  const pid = alive(join(s.dir, 'haproxy.pid'), 'haproxy');
  if (pid === null) return startHaproxy(s);
  writeTlsFiles(s.dir, s.tlsFiles);
  writeFileSync(configFileOf(s.dir, 'haproxy'), s.text, { mode: 0o600 });
  const before = await servingWorker(s.dir);
  process.kill(pid, 'SIGUSR2');
  let signalled = Date.now();
  if (before !== null) {
    await waitFor(
      'HAProxy serving the new file',
      async () => {
        if (((await servingWorker(s.dir)) ?? before) !== before) return true;
        if (Date.now() - signalled >= RESIGNAL_MS) {
          process.kill(pid, 'SIGUSR2');
          signalled = Date.now();
        }
        return false;
      },
      10_000,
    );
  }
  writeRecord(s.dir, HAPROXY_RECORD, JSON.stringify(s.record));
  // The old worker loaded its certificates at its start: once the new one serves, their files can go.
  pruneTlsFiles(s.dir, s.tlsFiles);
}

/**
 * Sends runtime API commands to the running HAProxy; true when it took every one, and then the
 * file on disk and the record say what runs (a later start reads the same file).
 */
export async function updateHaproxyServers(s: HaproxySpec, commands: readonly string[]): Promise<boolean> {
  if (!(await runtime(s.dir, commands))) return false;
  writeFileSync(configFileOf(s.dir, 'haproxy'), s.text, { mode: 0o600 });
  writeRecord(s.dir, HAPROXY_RECORD, JSON.stringify(s.record));
  return true;
}

export async function startKeepalived(s: KeepalivedSpec): Promise<void> {
  if (alive(join(s.dir, 'keepalived.pid'), 'keepalived') !== null) return reloadKeepalived(s);
  await startDaemon('keepalived', s);
  writeRecord(s.dir, KEEPALIVED_APPLIED, s.hash);
}

/** keepalived reads its file again on SIGHUP; one that died since it was observed is started. */
export async function reloadKeepalived(s: KeepalivedSpec): Promise<void> {
  const pid = alive(join(s.dir, 'keepalived.pid'), 'keepalived');
  if (pid === null) return startKeepalived(s);
  writeFileSync(configFileOf(s.dir, 'keepalived'), s.text, { mode: 0o600 });
  process.kill(pid, 'SIGHUP');
  writeRecord(s.dir, KEEPALIVED_APPLIED, s.hash);
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
