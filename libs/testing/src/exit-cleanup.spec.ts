import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runTemporaryDirectory } from './exit-cleanup';

describe('runTemporaryDirectory', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('removes the directories of runs whose process is gone, keeps those of live ones, and names its own for this process', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const dead = join(tmpdir(), `lbt-sweepspec-${deadPid}-abc`);
    const live = join(tmpdir(), `lbt-sweepspec-${process.ppid}-abc`);
    const otherKind = join(tmpdir(), `lbt-sweepspecother-${deadPid}-abc`);
    for (const dir of [dead, live, otherKind]) mkdirSync(dir, { recursive: true });
    made.push(dead, live, otherKind);

    const dir = runTemporaryDirectory('sweepspec');
    made.push(dir);

    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(otherKind)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    expect(basename(dir)).toMatch(new RegExp(`^lbt-sweepspec-${process.pid}-`));
  });
});
