import { spawn } from 'node:child_process';

export interface AddressWait {
  /** The longest wait: then it resolves false, and the caller looks again its own way. */
  readonly withinMs: number;
  /** Ends the wait at once (false): the agent stops. */
  readonly signal: AbortSignal;
}

/**
 * Resolves true once `address` is on the interface `dev` of namespace `ns`, woken by the kernel's
 * address notifications (`ip monitor address`) rather than by polling; at once when it is there
 * already (`present` is asked once the monitor runs, so an address added before it listens is in
 * that answer). False when `withinMs` pass first or `signal` aborts. A monitor that cannot run (a
 * namespace that went) does not end the wait early: a caller that looks again at once would spin.
 */
export function untilAddressIn(
  ns: string,
  dev: string,
  address: string,
  present: () => Promise<readonly string[] | null>,
  o: AddressWait,
): Promise<boolean> {
  if (o.signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const monitor = spawn('ip', ['-n', ns, '-o', 'monitor', 'address', 'dev', dev], { stdio: ['ignore', 'pipe', 'ignore'] });
    let settled = false;
    const finish = (held: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', abort);
      monitor.kill();
      resolve(held);
    };
    const abort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), o.withinMs);
    o.signal.addEventListener('abort', abort, { once: true });
    // `-o`: one line an event; a removal's line starts with `Deleted`.
    const added = ` inet ${address}/`;
    let partial = '';
    monitor.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      if (lines.some((line) => !line.startsWith('Deleted') && line.includes(added))) finish(true);
    });
    monitor.once('error', () => undefined);
    monitor.once('spawn', () => {
      present().then(
        (addresses) => {
          if (addresses?.includes(address)) finish(true);
        },
        () => undefined,
      );
    });
  });
}
