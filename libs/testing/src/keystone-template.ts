import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit, runTemporaryDirectory, processAlive } from './exit-cleanup';
import { freePort } from './free-port';
import { keystoneProcess, keystoneStep, seedKeystone } from './keystone-process';

/** A bound for a loaded machine: the template takes about 20 s (keystone-manage is slow to start). */
const BUILT_WITHIN_MS = 180_000;
/** The api's URL under `make up`, in the template's catalog so that copies seldom change it. */
export const DEFAULT_API_URL = 'http://127.0.0.1:9696';
/** The v2 (Octavia) api's URL under `make up` (LBAAS_OCTAVIA_PORT), likewise. */
export const DEFAULT_OCTAVIA_URL = 'http://127.0.0.1:9876';
/** A lock without the pid of its holder yet is this young at most. */
const LOCK_PID_WRITTEN_WITHIN_MS = 5_000;

/**
 * The process a test run's template belongs to: for jest's workers (child processes connected to
 * it by IPC) jest itself, so that every worker of one run shares it; this process otherwise.
 * (`process.send` is no sign: jest's environment defines it in band too.)
 */
const templateOwner = (): number => (process.env.JEST_WORKER_ID !== undefined && process.connected === true ? process.ppid : process.pid);

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  return true;
}

function lockAbandoned(lock: string): boolean {
  try {
    return !processAlive(Number(readFileSync(join(lock, 'pid'), 'utf8')));
  } catch {
    try {
      return Date.now() - statSync(lock).mtimeMs > LOCK_PID_WRITTEN_WITHIN_MS;
    } catch {
      return false; // released meanwhile
    }
  }
}

/**
 * Initialises Keystone (keystone.sh init, the slow part: db_sync and bootstrap) and seeds it
 * (keystone-seed.js, users and roles), then stops it and moves the state directory to `ready`.
 */
async function buildTemplate(ready: string): Promise<void> {
  // Also sweeps the templates, locks and half-built ones of test runs that are gone.
  const dir = runTemporaryDirectory('keystone-template');
  const cancelExitRemoval = removeOnExit(dir);
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    await keystoneStep('init', dir, url);
    const keystone = keystoneProcess(dir, port);
    await keystone.start();
    try {
      await seedKeystone(dir, url, { apiUrl: DEFAULT_API_URL, octaviaUrl: DEFAULT_OCTAVIA_URL });
    } finally {
      await keystone.stop();
    }
    // Each copy counts its own requests and keeps its own logs.
    for (const log of ['uwsgi.log', 'keystone.log', 'keystone-manage.log']) rmSync(join(dir, log), { force: true });
    renameSync(dir, ready);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    cancelExitRemoval();
  }
}

/**
 * The state directory of a bootstrapped and seeded Keystone that instances copy, built once per
 * test run (the first caller builds it under a lock, the others wait) and named for the run's
 * process, `lbt-keystone-template-<pid>-ready`: removed when that process exits if it is this
 * one, else swept by the first run that builds one after it has gone.
 */
export async function keystoneTemplate(): Promise<string> {
  const owner = templateOwner();
  const ready = join(tmpdir(), `lbt-keystone-template-${owner}-ready`);
  const lock = join(tmpdir(), `lbt-keystone-template-${owner}-lock`);
  const deadline = Date.now() + BUILT_WITHIN_MS;
  while (!existsSync(ready)) {
    if (tryLock(lock)) {
      try {
        if (!existsSync(ready)) await buildTemplate(ready);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      if (owner === process.pid) removeOnExit(ready);
      break;
    }
    if (lockAbandoned(lock)) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline)
      throw new Error(`no Keystone template at ${ready} within ${BUILT_WITHIN_MS} ms (another process holds ${lock})`);
    else await new Promise((r) => setTimeout(r, 200));
  }
  return ready;
}
