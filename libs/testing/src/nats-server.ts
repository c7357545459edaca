import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port';
import { killOnExit, removeOnExit, runTemporaryDirectory } from './exit-cleanup';

/** A bound for a loaded machine; the server is usually ready in a few milliseconds. */
const READY_WITHIN_MS = 15_000;

export const NATS_SERVER_BIN = process.env.LBAAS_NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  readonly pid: () => number | undefined;
  readonly logs: () => string;
  /** Stops gracefully and removes the store. */
  stop(): Promise<void>;
  /** SIGKILL, keeping the store (for crash tests); `start()` brings it back. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same store. */
  start(): Promise<void>;
  /** Graceful stop and start on the same port and store. */
  restart(): Promise<void>;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port }, () => {
      socket.once('data', (chunk) => {
        socket.destroy();
        resolve(chunk.toString().startsWith('INFO'));
      });
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** A node's place in a JetStream cluster: the cluster's name, its own route port and every node's. */
export interface NatsClusterRoutes {
  readonly name: string;
  readonly port: number;
  readonly routePorts: readonly number[];
}

/**
 * A real nats-server with JetStream on a free loopback port and a temporary store, for tests.
 * The caller stops it in afterAll; the store directory goes with it. With `cluster` it is one
 * node of a JetStream cluster (see startNatsCluster).
 */
export async function startNatsServer(
  options: { port?: number; name?: string; cluster?: NatsClusterRoutes } = {},
): Promise<NatsServerHandle> {
  const port = options.port ?? (await freePort());
  const storeDir = runTemporaryDirectory('nats');
  const cancelExitRemoval = removeOnExit(storeDir);
  const config = join(storeDir, 'nats.conf');
  const cluster = options.cluster;
  writeFileSync(
    config,
    [
      `server_name: ${options.name ?? `lbt-nats-${port}`}`,
      `listen: 127.0.0.1:${port}`,
      `jetstream { store_dir: "${join(storeDir, 'js')}" }`,
      `max_payload: 8MB`,
      ...(cluster
        ? [
            `cluster { name: ${cluster.name}, listen: 127.0.0.1:${cluster.port}, routes: [${cluster.routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ')}] }`,
          ]
        : []),
    ].join('\n') + '\n',
  );
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    const proc = spawn(NATS_SERVER_BIN, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    killOnExit(proc);
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const readyMark = output.length;
    const deadline = Date.now() + READY_WITHIN_MS;
    try {
      while (!(output.includes('Server is ready', readyMark) && (await acceptsConnections(port)))) {
        // An exit (the port taken meanwhile, a bad store) fails at once, with the server's own words.
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`nats-server exited: ${output.slice(readyMark).slice(-2000)}`);
        if (Date.now() > deadline)
          throw new Error(`nats-server was not ready on port ${port} within ${READY_WITHIN_MS} ms: ${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } catch (error) {
      proc.kill('SIGKILL');
      await exited(proc);
      throw error;
    }
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited(proc);
    clearTimeout(timer);
  };

  try {
    await start();
  } catch (error) {
    rmSync(storeDir, { recursive: true, force: true });
    cancelExitRemoval();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    pid: () => child?.pid,
    logs: () => output,
    start,
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGTERM');
      await start();
    },
    stop: async () => {
      await halt('SIGTERM');
      rmSync(storeDir, { recursive: true, force: true });
      cancelExitRemoval();
    },
  };
}
