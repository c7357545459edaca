import { readFileSync } from 'node:fs';

/** Resident memory of one process in MiB (VmRSS of /proc/<pid>/status), or null when it is gone. */
export function residentMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Proportional set size in MiB (Pss of /proc/<pid>/smaps_rollup): pages shared by N processes
 * count 1/N each, so a sum over many HAProxy processes does not count the binary N times.
 */
export function proportionalMiB(pid: number): number | null {
  try {
    const match = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

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

/** USER_HZ: Linux reports CPU times in /proc in these ticks, 100 on every architecture it runs on. */
const CLOCK_TICKS = 100;
