import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

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

/** CPU seconds of a process itself and of the children it has waited for (the renderer's `haproxy -c`). */
export interface ProcessCpu {
  readonly self: number;
  readonly children: number;
}

/** `cpuSeconds` with the waited-for children's CPU (cutime, cstime), or null when the process is gone. */
export function processCpu(pid: number | undefined): ProcessCpu | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      self: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
      children: (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS,
    };
  } catch {
    return null;
  }
}

export type CpuSnapshot = Readonly<Record<string, ProcessCpu | null>>;

export const snapshotCpu = (pids: Readonly<Record<string, () => number | undefined>>): CpuSnapshot =>
  Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpu(pid())]));

/** Milliseconds of CPU each process (and its children) spent between two snapshots; null where either is missing. */
export function cpuSpentMs(before: CpuSnapshot, after: CpuSnapshot): Record<string, ProcessCpu | null> {
  return Object.fromEntries(
    Object.entries(after).map(([name, a]) => {
      const b = before[name];
      return [
        name,
        a === null || !b ? null : { self: Math.round((a.self - b.self) * 1000), children: Math.round((a.children - b.children) * 1000) },
      ];
    }),
  );
}

/** CPU each process spent over a window of wall time, and the window's length. */
export interface WindowCpu {
  readonly wallMs: number;
  readonly spentMs: Record<string, ProcessCpu | null>;
}

/**
 * What every process spends over `work` and a tail after it: the work's own downstream (a
 * create's rendering, check and apply) goes on after its answer. `work` may be a plain wait.
 */
export async function cpuAround<T>(
  pids: Readonly<Record<string, () => number | undefined>>,
  work: () => Promise<T>,
  tailMs: number,
): Promise<{ result: T; cpu: WindowCpu }> {
  const before = snapshotCpu(pids);
  const started = performance.now();
  const result = await work();
  await new Promise((r) => setTimeout(r, tailMs));
  return { result, cpu: { wallMs: performance.now() - started, spentMs: cpuSpentMs(before, snapshotCpu(pids)) } };
}
