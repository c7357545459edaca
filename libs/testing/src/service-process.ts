import { type ChildProcess, spawn } from 'node:child_process';
import { killOnExit } from './exit-cleanup';

export interface ServiceProcess {
  readonly name: string;
  readonly pid: () => number | undefined;
  /** The last megabyte or two of its output: older output is dropped. */
  readonly logs: () => string;
  /** Hands every chunk of output from now on to `listener`, whatever the bound on `logs`; returns the way to stop. */
  readonly onOutput: (listener: (chunk: string) => void) => () => void;
  readonly running: () => boolean;
  /** Starts the process again with the same script and environment. */
  start(): void;
  /** SIGTERM, then SIGKILL after a bound; resolves when it has exited. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, for crash-consistency tests. */
  kill(): Promise<void>;
}

const MAX_LOG = 2_000_000;

/** Runs a built node service (`apps/<app>/dist/main.js`) with its logs captured in memory. */
export function spawnService(name: string, script: string, env: Record<string, string>, args: string[] = []): ServiceProcess {
  let child: ChildProcess | undefined;
  let output = '';
  const listeners = new Set<(chunk: string) => void>();
  const append = (d: Buffer): void => {
    const chunk = d.toString();
    output += chunk;
    if (output.length > MAX_LOG) output = output.slice(-MAX_LOG / 2);
    for (const listener of listeners) listener(chunk);
  };
  const isRunning = (): boolean => !!child && child.exitCode === null && child.signalCode === null;
  const halt = (signal: NodeJS.Signals, graceMs: number): Promise<void> =>
    new Promise((resolve) => {
      const proc = child;
      if (!proc || !isRunning()) return resolve();
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      // 'exit' can come before the last lines written to stdout have been read: wait for the
      // pipes to close too, but not for ever, since a daemon the service started may hold them.
      proc.once('exit', () => {
        clearTimeout(timer);
        const drained = setTimeout(resolve, 1000);
        if (proc.stdout?.closed !== false && proc.stderr?.closed !== false) return resolve();
        proc.once('close', () => {
          clearTimeout(drained);
          resolve();
        });
      });
      proc.kill(signal);
    });
  const start = (): void => {
    if (isRunning()) return;
    child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
  };
  start();
  return {
    name,
    pid: () => child?.pid,
    logs: () => output,
    onOutput: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    running: isRunning,
    start,
    stop: () => halt('SIGTERM', 10_000),
    kill: () => halt('SIGKILL', 0),
  };
}
