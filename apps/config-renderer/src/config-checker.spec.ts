import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepCheckDirectories } from './config-checker';

describe('sweepCheckDirectories', () => {
  let parent: string;
  beforeEach(() => (parent = mkdtempSync(join(tmpdir(), 'lbck-sweep-test-'))));
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it("removes the check directories of renderers that died, and nothing else", () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const dead = join(parent, `lbck-${deadPid}-AbC123`);
    const mine = join(parent, `lbck-${process.pid}-XyZ789`);
    const unrelated = join(parent, 'lbck-notapid');
    for (const dir of [dead, mine, unrelated]) mkdirSync(dir);
    sweepCheckDirectories(parent);
    expect([dead, mine, unrelated].map((dir) => existsSync(dir))).toEqual([false, true, true]);
  });
});
