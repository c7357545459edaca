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
