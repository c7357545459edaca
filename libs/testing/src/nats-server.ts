import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port';

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

/**
 * A real nats-server with JetStream on a free loopback port and a temporary store, for tests.
 * The caller stops it in afterAll; the store directory goes with it.
 */
export async function startNatsServer(options: { port?: number; name?: string } = {}): Promise<NatsServerHandle> {
  const port = options.port ?? (await freePort());
  const storeDir = mkdtempSync(join(tmpdir(), 'lbt-nats-'));
  const config = join(storeDir, 'nats.conf');
  writeFileSync(
    config,
    [
      `server_name: ${options.name ?? `lbt-nats-${port}`}`,
      `listen: 127.0.0.1:${port}`,
      `jetstream { store_dir: "${join(storeDir, 'js')}" }`,
      `max_payload: 8MB`,
    ].join('\n') + '\n',
  );
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    const proc = spawn(NATS_SERVER_BIN, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(`nats-server on port ${port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited: ${output.slice(-2000)}`);
      return (await acceptsConnections(port)) && output.includes('Server is ready');
    });
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited(proc);
    clearTimeout(timer);
  };

  await start();
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
    },
  };
}
