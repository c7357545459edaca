import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './free-port';
import { type ServiceProcess, spawnService } from './service-process';

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('spawnService', () => {
  let dir: string;
  let service: ServiceProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbt-service-'));
    writeFileSync(
      join(dir, 'main.js'),
      [
        // The handler first: a SIGTERM sent as soon as the greeting is read must find it.
        "process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });",
        'console.log(`started ${process.env.LBT_GREETING} ${process.argv[2]}`);',
        'setInterval(() => undefined, 1000);',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a node script with its environment and arguments, capturing its output', async () => {
    service = spawnService('lbt-probe', join(dir, 'main.js'), { LBT_GREETING: 'hello' }, ['there']);
    await waitFor('the greeting', () => service!.logs().includes('started hello there'));
    expect(service.running()).toBe(true);
  });

  it('stops it gracefully', async () => {
    const pid = service!.pid();
    await service!.stop();
    expect(service!.running()).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(service!.logs()).toContain('stopping');
  });

  it('starts it again, and kills it', async () => {
    service!.start();
    const pid = service!.pid();
    await waitFor('the second start', () => service!.logs().split('started hello').length === 3);
    await service!.kill();
    expect(service!.running()).toBe(false);
    expect(alive(pid)).toBe(false);
  });
});
