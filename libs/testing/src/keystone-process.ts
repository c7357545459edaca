import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { killOnExit, processAlive } from './exit-cleanup';

// The steps themselves live in the checkout's scripts, shared with `make up KEYSTONE=1`.
const REPO = resolve(__dirname, '..', '..', '..');
const KEYSTONE_SCRIPT = join(REPO, 'scripts', 'keystone.sh');
const SEED_SCRIPT = join(REPO, 'scripts', 'keystone-seed.js');

/** A bound for a loaded machine: Keystone usually answers about 2 s after uwsgi starts. */
const READY_WITHIN_MS = 60_000;
const STOP_WITHIN_MS = 10_000;
/** A count of requests is final once two reads this far apart agree (at most this many reads). */
const SETTLE_MS = 150;
const SETTLE_READS = 50;
/** Every uwsgi a test starts carries this in its environment, naming the test process that owns it. */
const OWNER_MARKER = 'LBAAS_TESTING_KEYSTONE_OWNER';

const run = promisify(execFile);

/** The live (not zombie) processes of process group `pgid`. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/**
 * SIGKILLs every uwsgi a test run started and left behind when it died without its exit hook
 * (a SIGKILLed jest): they are marked with the pid of that run.
 */
export function sweepOrphanedKeystones(): void {
  const marker = new RegExp(`(?:^|\\0)${OWNER_MARKER}=(\\d+)(?:\\0|$)`);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    const owner = marker.exec(environ);
    if (owner && !processAlive(Number(owner[1]))) {
      try {
        process.kill(Number(entry), 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }
}

/** Runs one step of scripts/keystone.sh (configure, init) and resolves when it succeeded. */
export async function keystoneStep(...args: string[]): Promise<void> {
  await run('bash', [KEYSTONE_SCRIPT, ...args], { maxBuffer: 1 << 20 });
}

export interface KeystoneIds {
  readonly projects: Readonly<Record<'admin' | 'service' | 'demo' | 'other', string>>;
  readonly users: Readonly<
    Record<
      | 'admin'
      | 'lbaas'
      | 'demo'
      | 'demo-reader'
      | 'other'
      | 'lb-member'
      | 'lb-observer'
      | 'lb-global-observer'
      | 'lb-admin'
      | 'other-lb-member',
      string
    >
  >;
}

/** Runs scripts/keystone-seed.js on the Keystone at `url` with state in `dir`; the ids it made or found. */
export async function seedKeystone(dir: string, url: string, catalog: { apiUrl?: string; octaviaUrl?: string }): Promise<KeystoneIds> {
  const args = [SEED_SCRIPT, dir, url];
  if (catalog.apiUrl) args.push('--api-url', catalog.apiUrl);
  if (catalog.octaviaUrl) args.push('--octavia-url', catalog.octaviaUrl);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as KeystoneIds;
}

export interface KeystoneProcess {
  readonly pid: () => number | undefined;
  /** Starts uwsgi and resolves once Keystone answers GET /v3. */
  start(): Promise<void>;
  /** SIGKILL of the uwsgi master and its workers; resolves when every one has gone. */
  kill(): Promise<void>;
  /** SIGTERM (uwsgi shuts down), SIGKILL after a bound; resolves when every one has gone. */
  stop(): Promise<void>;
}

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });

/** uwsgi's log of the Keystone in `dir` (its own messages and one line per request). */
export const uwsgiLog = (dir: string): string => {
  try {
    return readFileSync(join(dir, 'uwsgi.log'), 'utf8');
  } catch {
    return '';
  }
};

const loggedRequests = async (dir: string): Promise<number> => {
  const log = await readFile(join(dir, 'uwsgi.log'), 'utf8').catch(() => '');
  return log.match(/^\[pid: \d+\|app: \d+\|req: /gm)?.length ?? 0;
};

/**
 * How many requests the Keystone of `dir` has served: uwsgi logs one line per request, just
 * after the response has gone, so the count is read until it holds still for a moment (a client
 * can have its answer before the line is written).
 */
export async function servedRequests(dir: string): Promise<number> {
  let count = await loggedRequests(dir);
  for (let reads = 0; reads < SETTLE_READS; reads++) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const again = await loggedRequests(dir);
    if (again === count) return count;
    count = again;
  }
  return count;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/v3`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Keystone served by `keystone.sh serve` from `dir` on 127.0.0.1:`port`, its processes named lbt-keystone-<port>. */
export function keystoneProcess(dir: string, port: number): KeystoneProcess {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  // The script replaces itself with the uwsgi master, in a process group of its own, so the
  // group is the master and its workers.
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc?.pid) return;
    const pgid = proc.pid;
    try {
      process.kill(signal === 'SIGKILL' ? -pgid : pgid, signal);
    } catch {
      // already gone
    }
    const deadline = Date.now() + STOP_WITHIN_MS;
    await exited(proc);
    while (groupMembers(pgid).length > 0) {
      if (Date.now() > deadline) {
        for (const pid of groupMembers(pgid)) process.kill(pid, 'SIGKILL');
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  return {
    pid: () => child?.pid,
    async start() {
      output = '';
      const proc = spawn('bash', [KEYSTONE_SCRIPT, 'serve', dir, String(port), `lbt-keystone-${port}`], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, [OWNER_MARKER]: String(process.pid) },
      });
      child = proc;
      killOnExit(proc);
      proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const deadline = Date.now() + READY_WITHIN_MS;
      while (!(await answers(url))) {
        if (proc.exitCode !== null || proc.signalCode !== null) {
          throw new Error(`Keystone (uwsgi) exited: ${output.slice(-1000)}${uwsgiLog(dir).slice(-2000)}`);
        }
        if (Date.now() > deadline) {
          await halt('SIGKILL');
          throw new Error(`Keystone did not answer at ${url} within ${READY_WITHIN_MS} ms`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: () => halt('SIGKILL'),
    stop: () => halt('SIGTERM'),
  };
}
