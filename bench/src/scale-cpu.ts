import { readFileSync } from 'node:fs';

/** USER_HZ: Linux reports CPU times in /proc in these ticks, 100 on every architecture it runs on. */
const CLOCK_TICKS = 100;

/** CPU seconds (user and system) a process has used so far (/proc/<pid>/stat), or null when it is gone. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // The command name in parentheses may hold spaces: the fields after it are counted from its end.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name and state.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** CPU seconds the worker and the nats-server used over one piece of whole-log work. */
export interface WorkCpu {
  /** The process doing the work: the bench's reader, the projections, the restarted agent. */
  readonly worker: number | null;
  readonly natsServer: number | null;
}

/**
 * On 2 shared cores a whole-log figure in wall time is mostly the other work's share of the
 * CPU: the CPU the work itself took is the steadier curve. `worker` is read before and after
 * (null for a process that is replaced during the work: pass its total after as `workerAfter`).
 */
export async function measuredCpu<T>(
  pids: { readonly worker: () => number | undefined; readonly natsServer: () => number | undefined },
  work: () => Promise<T>,
  o: { readonly workerStartsAtZero?: boolean } = {},
): Promise<{ result: T; cpu: WorkCpu }> {
  const before = { worker: o.workerStartsAtZero ? 0 : cpuSeconds(pids.worker()), nats: cpuSeconds(pids.natsServer()) };
  const result = await work();
  const after = { worker: cpuSeconds(pids.worker()), nats: cpuSeconds(pids.natsServer()) };
  const spent = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.round((b - a) * 100) / 100);
  return { result, cpu: { worker: spent(before.worker, after.worker), natsServer: spent(before.nats, after.nats) } };
}
