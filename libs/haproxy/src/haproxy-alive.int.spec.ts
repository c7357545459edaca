import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haproxyAliveCommand } from './render-keepalived';

/** Runs the tracked script as keepalived does (`/bin/sh`, `-c`, the quoted text as one argument); its exit status. */
function runAliveScript(runDir: string): Promise<number> {
  const inner = /^\/bin\/sh -c '(.*)'$/.exec(haproxyAliveCommand(runDir))?.[1];
  if (inner === undefined) throw new Error('the tracked script is no longer /bin/sh -c with one quoted argument');
  return new Promise((resolve) => execFile('/bin/sh', ['-c', inner], (error) => resolve(error ? Number(error.code) : 0)));
}

describe('the tracked script (haproxy_alive)', () => {
  let runDir: string;
  beforeEach(() => (runDir = mkdtempSync(join(tmpdir(), 'lbalive-'))));
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));
  const pidFile = (text: string) => writeFileSync(join(runDir, 'haproxy.pid'), text);

  it('succeeds while the process in the pid file runs, with or without a final newline', async () => {
    pidFile(`${process.pid}\n`);
    expect(await runAliveScript(runDir)).toBe(0);
    pidFile(String(process.pid));
    expect(await runAliveScript(runDir)).toBe(0);
  });

  it('fails once that process has exited', async () => {
    const child = spawn('/bin/true');
    await new Promise((r) => child.once('exit', r));
    pidFile(`${child.pid}\n`);
    expect(await runAliveScript(runDir)).not.toBe(0);
  });

  it('fails without a pid file, and on one that is empty or names no single process', async () => {
    expect(await runAliveScript(runDir)).not.toBe(0);
    const succeeded: string[] = [];
    for (const text of ['', '\n', '0\n', '1\n', '-1\n', 'haproxy\n', `${process.pid} 5\n`]) {
      pidFile(text);
      if ((await runAliveScript(runDir)) === 0) succeeded.push(text);
    }
    expect(succeeded).toEqual([]);
  });
});
