import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

// The normal path stops children and removes directories itself; this is the net for a test run
// that ends before its afterAll (a failed beforeAll, process.exit in a test).
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** SIGKILLs `child` if this process exits while the child still runs. */
export function killOnExit(child: ChildProcess): void {
  hook();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Removes `dir` if this process exits before the returned function is called. */
export function removeOnExit(dir: string): () => void {
  hook();
  dirs.add(dir);
  return () => dirs.delete(dir);
}

/** Whether a process with this pid exists (one of another user's counts too). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * A temporary directory named for this process, `lbt-<kind>-<pid>-…`, made after removing the
 * ones of test runs that are gone: a SIGKILLed jest never runs its exit hook.
 */
export function runTemporaryDirectory(kind: string): string {
  const parent = tmpdir();
  const ours = new RegExp(`^lbt-${kind}-(\\d+)-`);
  for (const entry of readdirSync(parent)) {
    const m = ours.exec(entry);
    if (m && !processAlive(Number(m[1]))) rmSync(join(parent, entry), { recursive: true, force: true });
  }
  return mkdtempSync(join(parent, `lbt-${kind}-${process.pid}-`));
}
