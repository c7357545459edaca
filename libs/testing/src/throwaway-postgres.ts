import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A PostgreSQL server for a test: the one the environment names, a local one, or a throw-away cluster. */
export type TestPostgres = { readonly url: string; stop(): Promise<void> } | { readonly skipped: string };

const canConnect = async (url: string): Promise<boolean> => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    const settle = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket
      .once('connect', () => settle(true))
      .once('error', () => settle(false))
      .once('timeout', () => settle(false));
    socket.connect(port, '127.0.0.1');
  });

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

function onPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** PostgreSQL refuses to run as root: use the `postgres` account when the test runs as root. */
function serverAccount(): { uid: number; gid: number } | null | 'none' {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) return 'none';
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function startCluster(): Promise<TestPostgres> {
  const initdb = onPath('initdb');
  const postgres = onPath('postgres');
  if (!initdb || !postgres)
    return { skipped: 'no PostgreSQL reachable (LBAAS_TEST_PG_URL unset, nothing on 127.0.0.1:5432) and no initdb on PATH' };
  const account = serverAccount();
  if (account === 'none') return { skipped: 'running as root without a postgres account to run a throw-away cluster' };
  const dir = mkdtempSync(join(tmpdir(), 'lbt-pg-'));
  const data = join(dir, 'data');
  const owner = account ?? {};
  if (account) chownSync(dir, account.uid, account.gid);
  const init = spawnSync(initdb, ['-D', data, '-U', 'lbaas', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...owner, encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `initdb failed: ${init.stderr || init.error}` };
  }
  const port = await freePort();
  const server: ChildProcess = spawn(
    postgres,
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'cluster_name=lbt-pg'],
    { ...owner, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `postgres://lbaas@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    // SIGINT is PostgreSQL's fast shutdown: roll back sessions and exit without waiting for clients.
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    if (await canConnect(url)) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  return { skipped: 'the throw-away PostgreSQL cluster did not start' };
}

/** A database of its own on the server, dropped on stop, so a shared server keeps nothing of the test. */
async function withOwnDatabase(server: { url: string; stop(): Promise<void> }): Promise<TestPostgres> {
  const name = `lbt_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      const cleanup = new Client({ connectionString: server.url });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
        await server.stop();
      }
    },
  };
}

export async function testPostgres(): Promise<TestPostgres> {
  const given = process.env.LBAAS_TEST_PG_URL;
  if (given) {
    return (await canConnect(given))
      ? withOwnDatabase({ url: given, stop: async () => undefined })
      : { skipped: 'LBAAS_TEST_PG_URL is set but unreachable' };
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if ((await portOpen(5432)) && (await canConnect(local))) return withOwnDatabase({ url: local, stop: async () => undefined });
  const cluster = await startCluster();
  return 'url' in cluster ? withOwnDatabase(cluster) : cluster;
}
