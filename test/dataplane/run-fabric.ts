import { removeNamespaces } from '@lbaas/dataplane';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A fabric of this run's own: `lbt<pid hex>-`, so it never meets `make up` or another run. */
export const RUN_PREFIX = `lbt${process.pid.toString(16)}-`;

/** Removes the namespaces of earlier runs whose process is gone (a crash, SIGKILL of jest). */
export function sweepDeadRuns(): void {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const dead = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /^(lbt([0-9a-f]+)-)/.exec(line.trim());
    if (m && !existsSync(`/proc/${parseInt(m[2], 16)}`)) dead.add(m[1]);
  }
  for (const prefix of dead) void removeNamespaces(prefix);
}
